// SPDX-License-Identifier: MIT
#include "error.h"

#include <stdarg.h>
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
