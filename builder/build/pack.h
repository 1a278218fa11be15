/* SPDX-License-Identifier: MIT */
/*
 * A build's last stage: the new initramfs, merge (one archive, compressed
 * as the input was) or append (the input's bytes, then one gzip'd segment
 * with the additions).
 */
#ifndef MV_PACK_H
#define MV_PACK_H

#include "additions.h"
#include "input.h"

/* The highest inode number once the kept segments' archives are joined. */
uint64_t pack_max_ino(const struct input *in);

int pack_write(const struct input *in, const struct additions *a,
	       struct buf *out);

#endif
