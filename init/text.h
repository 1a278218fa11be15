/* SPDX-License-Identifier: MIT */
/* Bounded text building without stdio, to keep the pre-init small. */
#ifndef PREINIT_TEXT_H
#define PREINIT_TEXT_H

#include <stdbool.h>
#include <stddef.h>

struct text {
	char buf[1024];
	size_t len;
};

static inline bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

void text_reset(struct text *t);
void text_add(struct text *t, const char *s);
void text_addn(struct text *t, const char *s, size_t n);
void text_num(struct text *t, unsigned long long n);
/* Nanoseconds as milliseconds with one decimal: "12.4". */
void text_ms(struct text *t, long long ns);

#endif
