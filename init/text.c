// SPDX-License-Identifier: MIT
#include "text.h"

#include <string.h>

void text_reset(struct text *t)
{
	t->len = 0;
	t->buf[0] = '\0';
}

void text_addn(struct text *t, const char *s, size_t n)
{
	size_t room = sizeof(t->buf) - 1 - t->len;

	if (n > room)
		n = room;
	for (size_t i = 0; i < n; i++)
		t->buf[t->len + i] = s[i];
	t->len += n;
	t->buf[t->len] = '\0';
}

void text_add(struct text *t, const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	text_addn(t, s, n);
}

void text_num(struct text *t, unsigned long long n)
{
	char digits[24];
	size_t i = sizeof(digits);

	do {
		digits[--i] = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	text_addn(t, digits + i, sizeof(digits) - i);
}

void text_ms(struct text *t, long long ns)
{
	unsigned long long tenths;

	if (ns < 0)
		ns = 0;
	tenths = ((unsigned long long)ns + 50000) / 100000;
	text_num(t, tenths / 10);
	text_add(t, ".");
	text_num(t, tenths % 10);
}

bool text_next_line(const char **pos, const char *end, const char **line,
		    const char **line_end)
{
	while (*pos < end) {
		const char *p = *pos, *nl = memchr(p, '\n', (size_t)(end - p));

		*line_end = nl ? nl : end;
		*pos = nl ? nl + 1 : end;
		while (p < *line_end && is_blank(*p))
			p++;
		if (p < *line_end && *p != '#') {
			*line = p;
			return true;
		}
	}
	return false;
}
