/* SPDX-License-Identifier: MIT */
/*
 * KNOPPIX's /init lists the devices it searches with $(listpartitions ...),
 * in several places and shapes:
 *	findknoppix $(listpartitions 'hd[a-z]' ... 'sd[a-z]' 'sd[a-z][0-9]*')
 *	findknoppix $root $(listpartitions 'scd[0-9]*' ... 'sd[a-z][0-9]*')
 *	for BOOTDEV in $(listpartitions 'hd[a-z]' ... 'sd[a-z][0-9]*'); do
 * Every such call that lists sd names gets the names it lacks: vd names
 * where it has none, and NVMe names where a kernel served has nvme (a
 * module shipped, or built in) and it has none. Nothing else changes.
 */
#ifndef MV_INITPATCH_H
#define MV_INITPATCH_H

#include "buf.h"

#include <stdbool.h>

#define INITPATCH_VD " 'vd[a-z]' 'vd[a-z][0-9]*'"
#define INITPATCH_NVME " 'nvme[0-9]*n[0-9]*'"

struct initpatch {
	size_t calls; /* $(listpartitions ...) calls listing sd names */
	size_t patched; /* of those, given names */
	size_t complete; /* of those, listing every name already */
	size_t added; /* bytes inserted */
	struct buf lines; /* "line N: <new line>\n" for each changed line */
};

/*
 * out receives the patched text when patched > 0; else it stays empty.
 * nvme: add NVMe names too (a kernel served has nvme, shipped or built in).
 */
int initpatch_apply(const uint8_t *text, size_t len, bool nvme, struct buf *out,
		    struct initpatch *result);
void initpatch_free(struct initpatch *result);

#endif
