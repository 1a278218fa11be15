/* SPDX-License-Identifier: MIT */
/* A growable byte buffer. */
#ifndef MV_BUF_H
#define MV_BUF_H

#include <stddef.h>
#include <stdint.h>

struct buf {
	uint8_t *data;
	size_t len, cap;
};

/* 0, or -1 with the error set ("out of memory", error.h). */
int buf_reserve(struct buf *b, size_t extra);
int buf_add(struct buf *b, const void *data, size_t len);
int buf_add_str(struct buf *b, const char *s);
int buf_add_zeros(struct buf *b, size_t len);
void buf_free(struct buf *b);

#endif
