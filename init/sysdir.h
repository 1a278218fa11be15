/* SPDX-License-Identifier: MIT */
/* Directory walking and small-file reading without malloc (no opendir). */
#ifndef PREINIT_SYSDIR_H
#define PREINIT_SYSDIR_H

#include <stddef.h>

typedef int (*dir_fn)(int dirfd, const char *name, unsigned char type,
		      void *ctx);

/*
 * Call fn for every entry of dirfd except "." and "..". Stops at the first
 * nonzero return of fn and returns it; -errno if reading the directory fails.
 */
int dir_each(int dirfd, dir_fn fn, void *ctx);

/* Read dirfd/path into buf, NUL-terminated. Returns its length or -errno. */
long read_small(int dirfd, const char *path, char *buf, size_t size);

#endif
