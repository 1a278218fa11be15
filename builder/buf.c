// SPDX-License-Identifier: MIT
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char error_message[512];

int error_set(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(error_message, sizeof(error_message), fmt, ap);
	va_end(ap);
	return -1;
}

int error_prefix(const char *fmt, ...)
{
	char context[256], old[sizeof(error_message)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(context, sizeof(context), fmt, ap);
	va_end(ap);
	memcpy(old, error_message, sizeof(old));
	if (snprintf(error_message, sizeof(error_message), "%s: %s", context,
		     old) >= (int)sizeof(error_message))
		error_message[sizeof(error_message) - 2] = '~'; /* cut short */
	return -1;
}

const char *error_text(void)
{
	return error_message[0] ? error_message : "unknown error";
}

void error_clear(void)
{
	error_message[0] = '\0';
}

int buf_reserve(struct buf *b, size_t extra)
{
	size_t cap = b->cap ? b->cap : 4096;
	uint8_t *data;

	if (extra > SIZE_MAX / 2 - b->len)
		return error_set("out of memory");
	if (b->len + extra <= b->cap)
		return 0;
	while (cap < b->len + extra)
		cap *= 2;
	data = realloc(b->data, cap);
	if (!data)
		return error_set("out of memory");
	b->data = data;
	b->cap = cap;
	return 0;
}

int buf_add(struct buf *b, const void *data, size_t len)
{
	if (buf_reserve(b, len) < 0)
		return -1;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	return 0;
}

int buf_add_str(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int buf_add_zeros(struct buf *b, size_t len)
{
	if (buf_reserve(b, len) < 0)
		return -1;
	memset(b->data + b->len, 0, len);
	b->len += len;
	return 0;
}

void buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		error_set("out of memory");
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		error_set("out of memory");
	return p;
}
