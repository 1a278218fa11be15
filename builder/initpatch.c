// SPDX-License-Identifier: MIT
#include "initpatch.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define CALL "listpartitions"

struct span {
	size_t start, end;
};

static bool is_space(uint8_t c)
{
	return c == ' ' || c == '\t';
}

/* Start of the logical line holding pos (backslash-newlines join lines). */
static size_t logical_line_start(const uint8_t *t, size_t pos)
{
	while (pos > 0) {
		if (t[pos - 1] == '\n' && !(pos >= 2 && t[pos - 2] == '\\'))
			break;
		pos--;
	}
	return pos;
}

static bool contains(const uint8_t *t, size_t start, size_t end,
		     const char *word)
{
	size_t wlen = strlen(word);

	for (size_t i = start; i + wlen <= end; i++)
		if (!memcmp(t + i, word, wlen))
			return true;
	return false;
}

/* Is pos, at "listpartitions", inside "findknoppix ... $(" ? */
static bool is_scan_call(const uint8_t *t, size_t pos)
{
	size_t p = pos, start = logical_line_start(t, pos);

	while (p > start && is_space(t[p - 1]))
		p--;
	if (p < start + 2 || t[p - 1] != '(' || t[p - 2] != '$')
		return false;
	return contains(t, start, p, "findknoppix");
}

/* The argument words up to the ')' closing the call; false if none. */
static bool find_close(const uint8_t *t, size_t len, size_t pos, size_t *close)
{
	uint8_t quote = 0;

	for (size_t i = pos; i < len; i++) {
		if (quote) {
			if (t[i] == quote)
				quote = 0;
		} else if (t[i] == '\'' || t[i] == '"') {
			quote = t[i];
		} else if (t[i] == '\\' && i + 1 < len) {
			i++;
		} else if (t[i] == '(' || t[i] == '\n' || t[i] == ';') {
			return false; /* not the simple shape we know */
		} else if (t[i] == ')') {
			*close = i;
			return true;
		}
	}
	return false;
}

/* Does some word of the arguments, quotes aside, start with prefix? */
static bool has_word(const uint8_t *t, size_t start, size_t end,
		     const char *prefix)
{
	size_t plen = strlen(prefix);
	bool word_start = true;

	for (size_t i = start; i < end; i++) {
		if (is_space(t[i]) || t[i] == '\\' || t[i] == '\n') {
			word_start = true;
			continue;
		}
		if (word_start) {
			size_t j = i;

			while (j < end && (t[j] == '\'' || t[j] == '"'))
				j++;
			if (j + plen <= end && !memcmp(t + j, prefix, plen))
				return true;
		}
		word_start = false;
	}
	return false;
}

/* After the last argument: before trailing blanks and continuations. */
static size_t insert_point(const uint8_t *t, size_t start, size_t close)
{
	size_t p = close;

	while (p > start && (is_space(t[p - 1]) || t[p - 1] == '\n' ||
			     (t[p - 1] == '\\' && p < close && t[p] == '\n')))
		p--;
	return p;
}

static size_t line_number(const uint8_t *t, size_t pos)
{
	size_t n = 1;

	for (size_t i = 0; i < pos; i++)
		n += t[i] == '\n';
	return n;
}

static int report_line(const uint8_t *t, size_t len, size_t at,
		       const size_t *inserts, size_t ninserts,
		       struct initpatch *res)
{
	size_t start = at, end = at;
	char head[32];

	while (start > 0 && t[start - 1] != '\n')
		start--;
	while (end < len && t[end] != '\n')
		end++;
	snprintf(head, sizeof(head), "line %zu: ", line_number(t, at));
	buf_add_str(&res->lines, head);
	for (size_t i = start; i < end; i++) {
		for (size_t k = 0; k < ninserts; k++)
			if (inserts[k] == i)
				buf_add_str(&res->lines, INITPATCH_ADDED);
		buf_add(&res->lines, t + i, 1);
	}
	for (size_t k = 0; k < ninserts; k++)
		if (inserts[k] == end)
			buf_add_str(&res->lines, INITPATCH_ADDED);
	return buf_add_str(&res->lines, "\n");
}

#define INSERTS_MAX 64

static int build_output(const uint8_t *t, size_t len, const size_t *inserts,
			size_t n, struct buf *out)
{
	size_t from = 0;

	for (size_t k = 0; k < n; k++) {
		if (buf_add(out, t + from, inserts[k] - from) < 0 ||
		    buf_add_str(out, INITPATCH_ADDED) < 0)
			return -1;
		from = inserts[k];
	}
	return buf_add(out, t + from, len - from);
}

int initpatch_apply(const uint8_t *t, size_t len, struct buf *out,
		    struct initpatch *res)
{
	size_t inserts[INSERTS_MAX], n = 0, close;

	memset(res, 0, sizeof(*res));
	if (len < 2 || memcmp(t, "#!", 2) || memchr(t, '\0', len))
		return 0; /* not a shell script */
	for (size_t pos = 0; pos + strlen(CALL) <= len; pos++) {
		if (memcmp(t + pos, CALL, strlen(CALL)) ||
		    !is_scan_call(t, pos) ||
		    !find_close(t, len, pos + strlen(CALL), &close))
			continue;
		res->calls++;
		if (has_word(t, pos + strlen(CALL), close, "vd"))
			res->with_vd++;
		else if (has_word(t, pos + strlen(CALL), close, "sd") &&
			 n < INSERTS_MAX)
			inserts[n++] = insert_point(t, pos, close);
		pos = close;
	}
	res->patched = n;
	for (size_t k = 0; k < n; k++)
		if ((k == 0 || line_number(t, inserts[k - 1]) !=
				       line_number(t, inserts[k])) &&
		    report_line(t, len, inserts[k], inserts, n, res) < 0)
			return -1;
	return n ? build_output(t, len, inserts, n, out) : 0;
}

void initpatch_free(struct initpatch *res)
{
	buf_free(&res->lines);
}
