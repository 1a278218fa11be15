/* SPDX-License-Identifier: MIT */
/*
 * KNOPPIX's /init finds its medium with
 *	findknoppix $(listpartitions 'hd[a-z]' ... 'sd[a-z]' 'sd[a-z][0-9]*')
 * Where such a call lists sd names but no vd ones, add 'vd[a-z]' and
 * 'vd[a-z][0-9]*' to it, and change nothing else.
 */
#ifndef MV_INITPATCH_H
#define MV_INITPATCH_H

#include "buf.h"

#define INITPATCH_ADDED " 'vd[a-z]' 'vd[a-z][0-9]*'"

struct initpatch {
	size_t calls; /* findknoppix $(listpartitions ...) calls */
	size_t patched; /* of those, given vd names */
	size_t with_vd; /* of those, scanning vd names already */
	struct buf lines; /* "line N: <new line>\n" for each change */
};

/* out receives the patched text when patched > 0; else it stays empty. */
int initpatch_apply(const uint8_t *text, size_t len, struct buf *out,
		    struct initpatch *result);
void initpatch_free(struct initpatch *result);

#endif
