/* SPDX-License-Identifier: MIT */
/*
 * A build's first stage: the minirt read (INPUT, or the one on a medium),
 * an earlier build of ours undone, and what the kernel would unpack from
 * it, which is what the later stages need: where /init is and what it
 * holds, which of our directories are there, what its programs run on.
 */
#ifndef MV_INPUT_H
#define MV_INPUT_H

#include "options.h"
#include "output.h"
#include "initramfs/archive.h"
#include "initramfs/rootfs.h"
#include "medium/medium.h"
#include "modules/userland.h"

struct input {
	enum layout layout; /* what it is read for: append keeps its /init */
	const char *label; /* the minirt, as the user knows it */
	const char *path; /* the file on disk; NULL inside an ISO */
	struct medium medium;
	bool has_medium;
	struct archive ar;
	size_t nseg; /* segments kept (an old append dropped) */
	size_t kept_bytes; /* input bytes kept, for append */
	bool rebuilt; /* a build of ours, undone */
	struct file_id recorded; /* the original it was built from */
	struct rootfs fs; /* what the kernel unpacks from the kept segments */
	struct cpio_entry *init; /* the last /init entry */
	const struct rootfs_node *init_node; /* what it leaves at /init */
	bool copy_init; /* init.orig a new entry; the input's /init stays */
	bool break_init_link; /* /init's inode has other names too */
	bool add_dir[3]; /* lib, lib/modules, OUR_DIR: not there yet */
	struct census census; /* machines of its programs */
	uint16_t userland;
};

/* 0, or -1 with the error set (naming the input where it is about it). */
int input_read(struct input *in, const struct build_opts *o);
void input_free(struct input *in);

/* Last entry named path in the kept segments; *seg says which segment. */
struct cpio_entry *input_find(struct input *in, const char *path,
			      struct segment **seg);

/*
 * Does the minirt's /modules (or /modules/scsi), which KNOPPIX's init
 * loads at boot, hold the module name for that kernel release?
 */
bool input_has_module(const struct input *in, const char *name,
		      const char *release);

#endif
