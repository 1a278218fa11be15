/* SPDX-License-Identifier: MIT */
/*
 * cloop images (KNOPPIX/KNOPPIX), read block by block as the cloop kernel
 * module does. A 128-byte shell preamble ("#V2.0 Format" or "#V4.0
 * Format"), then big-endian u32 block size and block count; the offsets of
 * count + 1 blocks as big-endian u64 follow (V2.0, V4.0 header first) or
 * precede a header at the very end (V4.0 only). In V4.0 the top 4 bits of
 * an offset give its block's compression. Every block unpacks to exactly
 * the block size.
 *
 * Written by hand: no library reads cloop outside the kernel module.
 */
#ifndef MV_CLOOP_H
#define MV_CLOOP_H

#include "source.h"

#include <stdbool.h>

#define CLOOP_HEADER_LEN 136
#define CLOOP_BLOCK_MAX ((uint32_t)16 << 20)
#define CLOOP_BLOCKS_MAX ((uint32_t)1 << 24)
/* Unpacked blocks kept for reuse, in bytes (tests make it small). */
extern size_t cloop_cache_max;

enum cloop_comp {
	CLOOP_ZLIB,
	CLOOP_NONE,
	CLOOP_XZ,
	CLOOP_LZ4,
	CLOOP_LZO,
};

struct cloop_cached;

/* Unpacked blocks: a hash by block number, and a list by last use. */
struct cloop_cache {
	struct cloop_cached **table;
	size_t table_size; /* a power of two */
	struct cloop_cached *newest, *oldest;
	size_t bytes;
};

struct cloop {
	struct source src; /* what it unpacks to */
	struct region file;
	int version; /* 2 or 4 */
	bool header_last;
	uint32_t block_size, nblocks;
	uint64_t *offsets; /* nblocks + 1, flags kept in the top bits */
	uint8_t *packed; /* one compressed block */
	struct cloop_cache cache;
	uint8_t *seen; /* a bit per block ever unpacked */
	uint32_t unpacked, distinct; /* unpacks done, blocks they covered */
};

/*
 * Check the header and every offset of the image in file (name: for
 * messages). On failure nothing is left to close.
 */
int cloop_open(struct cloop *c, const char *name, const struct region *file);
void cloop_close(struct cloop *c);

/* Block i, unpacked: valid until the next call. */
int cloop_block(struct cloop *c, uint32_t i, const uint8_t **data);

/* Does the region start or end like a cloop image? */
bool cloop_detect(const struct region *file);

#endif
