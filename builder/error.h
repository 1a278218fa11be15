/* SPDX-License-Identifier: MIT */
/*
 * The one error a run reports. Every failing function sets it with
 * error_set() and returns -1 (or NULL), so that the command prints one
 * line naming the file and the problem.
 */
#ifndef MV_ERROR_H
#define MV_ERROR_H

#include <stddef.h>

int error_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Put "context: " in front of the error already set. */
int error_prefix(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *error_text(void);
void error_clear(void);

/* calloc() and strdup() that set the error ("out of memory") on failure. */
void *xcalloc(size_t n, size_t size);
char *xstrdup(const char *s);

#endif
