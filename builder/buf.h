/* SPDX-License-Identifier: MIT */
/* A growable byte buffer, and the one error message a run reports. */
#ifndef MV_BUF_H
#define MV_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct buf {
	uint8_t *data;
	size_t len, cap;
};

/* 0, or -1 with the error set ("out of memory"). */
int buf_reserve(struct buf *b, size_t extra);
int buf_add(struct buf *b, const void *data, size_t len);
int buf_add_str(struct buf *b, const char *s);
int buf_add_zeros(struct buf *b, size_t len);
void buf_free(struct buf *b);

/*
 * Every failing function sets the error with error_set() and returns -1
 * (or NULL),
 * so the caller can print one line naming the file and the problem.
 */
int error_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Put "context: " in front of the error already set. */
int error_prefix(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *error_text(void);
void error_clear(void);

void *xcalloc(size_t n, size_t size);
char *xstrdup(const char *s);

#endif
