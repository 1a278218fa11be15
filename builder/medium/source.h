/* SPDX-License-Identifier: MIT */
/*
 * Random access to bytes too large to read whole: a file or a stretch of
 * one (a cloop image inside an ISO), or what a cloop image unpacks to.
 */
#ifndef MV_SOURCE_H
#define MV_SOURCE_H

#include <stdint.h>
#include <stddef.h>

/* A stretch of an open file: size bytes from base. */
struct region {
	int fd;
	uint64_t base, size;
};

/* Read len bytes at off within the region: 0, or -1 with the error set. */
int region_read(const struct region *r, uint64_t off, void *buf, size_t len);

struct source {
	const char *name; /* for messages */
	uint64_t size;
	/*
	 * Bytes at off (< size): *p and *len (> 0) stay valid until the next
	 * call. 0, or -1 with the error set.
	 */
	int (*view)(struct source *s, uint64_t off, const uint8_t **p,
		    size_t *len);
};

/* A region read through a buffer. */
struct region_source {
	struct source src;
	struct region region;
	uint8_t buf[65536];
};

void region_source_init(struct region_source *rs, const char *name,
			const struct region *r);

#endif
