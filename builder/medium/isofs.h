/* SPDX-License-Identifier: MIT */
/*
 * An ISO9660 filesystem (Rock Ridge names and links) read through
 * libarchive from a source: a plain ISO file, or what a cloop image
 * unpacks to. libarchive walks the directories in one forward pass and
 * skips the data of every file not asked for, so only the blocks holding
 * directory records and the wanted files are ever read.
 */
#ifndef MV_ISOFS_H
#define MV_ISOFS_H

#include "buf.h"
#include "source.h"

#include <stdbool.h>
#include <sys/types.h>

struct isofs_entry {
	const char *path; /* "lib/modules/...", no leading "/" or "./" */
	mode_t type; /* S_IFREG, S_IFDIR, S_IFLNK, ... */
	int64_t size;
};

/* Does the walk want this entry's data? 1 yes, 0 no, -1 stop (error set). */
typedef int (*isofs_pick_fn)(void *ctx, const struct isofs_entry *e);
/* The data of an entry picked; take it over (or leave it to be freed). */
typedef int (*isofs_take_fn)(void *ctx, const struct isofs_entry *e,
			     struct buf *data);

/* Most bytes one file may have for the walk to read it. */
#define ISOFS_FILE_MAX ((int64_t)256 << 20)

int isofs_walk(struct source *src, isofs_pick_fn pick, isofs_take_fn take,
	       void *ctx);

#endif
