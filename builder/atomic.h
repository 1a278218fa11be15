/* SPDX-License-Identifier: MIT */
/*
 * Files written so that nothing is lost, whenever the program stops: the
 * bytes go to a temporary file beside the target (".NAME.minirt-virtio-
 * XXXXXX", locked while it is written, so that the next run can tell a
 * killed run's leftovers and remove them), fsynced, given the replaced
 * file's mode, owner and extended attributes (or a new file's mode), and
 * then renamed onto the target.
 */
#ifndef MV_ATOMIC_H
#define MV_ATOMIC_H

#include "buf.h"

#include <stdbool.h>

/*
 * data in a new temporary file beside path, its name in temp (PATH_MAX
 * bytes), synced, with the attributes of the file at path if it exists,
 * else mode (0: what the umask leaves); the leftovers of killed runs in
 * that directory removed first. what: the user's name for path. On
 * failure nothing is left.
 */
int atomic_stage(const char *path, const char *what, const struct buf *data,
		 bool exists, unsigned mode, char *temp);

/*
 * path (a configuration file, not a minirt) replaced by data, its mode,
 * owner and attributes kept; a new one gets mode.
 */
int atomic_replace(const char *path, const struct buf *data, unsigned mode);

/*
 * from copied to to, which must not exist: an interrupted copy leaves a
 * temporary file for the next run to remove, never a short to.
 */
int atomic_copy(const char *from, const char *to);

/* Rename unless to exists: 0, or -1 with errno (EEXIST if it does). */
int atomic_rename_noreplace(const char *from, const char *to);

/* The directory holding path, synced: a rename there survives a crash. */
void atomic_sync_dir(const char *path);

#endif
