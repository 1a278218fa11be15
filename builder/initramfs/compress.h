/* SPDX-License-Identifier: MIT */
/* The kernel's initramfs compressions, through their libraries. */
#ifndef MV_COMPRESS_H
#define MV_COMPRESS_H

#include "buf.h"

#include <stdbool.h>

enum comp {
	COMP_NONE,
	COMP_GZIP,
	COMP_BZIP2,
	COMP_LZMA,
	COMP_XZ,
	COMP_LZO,
	COMP_LZ4,
	COMP_ZSTD,
};

/* Most bytes one archive may decompress to: bounds memory on bad input. */
#define PLAIN_MAX ((size_t)2 << 30)

/* Compression whose magic starts data, or COMP_NONE. */
enum comp comp_detect(const uint8_t *data, size_t len);
const char *comp_name(enum comp comp);
/* "gzip" etc. back to the enum; false if unknown. */
bool comp_from_name(const char *name, enum comp *comp);

/*
 * Decompress one compressed member at the start of in (as the kernel does:
 * it stops at the member's end) and append its bytes to out, at most limit
 * in all. *consumed is how much of in the member took.
 */
int comp_decompress(enum comp comp, const uint8_t *in, size_t len,
		    size_t *consumed, struct buf *out, size_t limit);

/*
 * gzip through libdeflate at a level (1 to 12): GZIP_BEST for what is
 * written whole, GZIP_FAST for append's new segment.
 */
#define GZIP_BEST 7
#define GZIP_FAST 1
int gzip_compress(const uint8_t *in, size_t len, int level, struct buf *out);

/* Compress in as one member the kernel can unpack; append it to out. */
int comp_compress(enum comp comp, const uint8_t *in, size_t len,
		  struct buf *out);

#endif
