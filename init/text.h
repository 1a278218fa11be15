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

static inline bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/*
 * The next line of [*pos, end) that is neither blank nor a '#' comment:
 * [*line, *line_end), from its first non-blank character. The load-order
 * and devices files are made of such lines.
 */
bool text_next_line(const char **pos, const char *end, const char **line,
		    const char **line_end);

void text_reset(struct text *t);
void text_add(struct text *t, const char *s);
void text_addn(struct text *t, const char *s, size_t n);
void text_num(struct text *t, unsigned long long n);
/* Nanoseconds as milliseconds with one decimal: "12.4". */
void text_ms(struct text *t, long long ns);

#endif
