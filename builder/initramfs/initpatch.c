// SPDX-License-Identifier: MIT
#include "initpatch.h"
#include "error.h"

#include <stdio.h>
#include <string.h>

#define CALL "listpartitions"
#define INSERTS_MAX 256

struct insert {
	size_t at;
	bool vd, nvme; /* which names go in there */
};

struct patcher {
	const uint8_t *t;
	size_t len;
	bool nvme;
	struct insert v[INSERTS_MAX];
	size_t n;
};

static bool is_blank(uint8_t c)
{
	return c == ' ' || c == '\t';
}

static bool is_one_of(uint8_t c, const char *set)
{
	return memchr(set, c, strlen(set)) != NULL;
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

/*
 * Is the "$(" at pos a command substitution: not inside single quotes, not
 * escaped, not in a comment? The line is read from its start only, so one
 * odd quote elsewhere in the script cannot hide a call.
 */
static bool is_live(const uint8_t *t, size_t pos)
{
	bool single = false, dbl = false, word_start = true;
	size_t i;

	for (i = logical_line_start(t, pos); i < pos; i++) {
		uint8_t c = t[i];

		if (single) {
			single = c != '\'';
			continue;
		}
		if (c == '\\') {
			i++;
		} else if (c == '\'' && !dbl) {
			single = true;
		} else if (c == '"') {
			dbl = !dbl;
		} else if (c == '#' && word_start && !dbl) {
			return false;
		}
		word_start = is_blank(c) || is_one_of(c, ";&|()");
	}
	return i == pos && !single;
}

/* At pos: "$(", blanks, then the word listpartitions; where it ends. */
static bool is_call(const uint8_t *t, size_t len, size_t pos, size_t *after)
{
	size_t p = pos + 2, clen = strlen(CALL);

	if (pos + 2 > len || t[pos] != '$' || t[pos + 1] != '(')
		return false;
	while (p < len && is_blank(t[p]))
		p++;
	if (p + clen > len || memcmp(t + p, CALL, clen))
		return false;
	p += clen;
	if (p < len && !is_blank(t[p]) && !is_one_of(t[p], ")|&;<>\\"))
		return false;
	*after = p;
	return is_live(t, pos);
}

/*
 * Where the arguments end: the unquoted ')' or operator after them; false
 * for shapes not understood (nested substitutions, comments, a newline
 * inside the call, no end at all).
 */
static bool args_end(const uint8_t *t, size_t len, size_t from, size_t *end)
{
	uint8_t quote = 0;

	for (size_t i = from; i < len; i++) {
		uint8_t c = t[i];

		if (quote == '\'') {
			quote = c == '\'' ? 0 : quote;
		} else if (quote == '"') {
			if (c == '"')
				quote = 0;
			else if (c == '\\')
				i++;
			else if (c == '`' ||
				 (c == '$' && i + 1 < len && t[i + 1] == '('))
				return false;
		} else if (c == '\'' || c == '"') {
			quote = c;
		} else if (c == '\\') {
			i++;
		} else if (is_one_of(c, "(`#\n")) {
			return false;
		} else if (is_one_of(c, ")|&;<>")) {
			*end = i;
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
		if (is_blank(t[i]) || t[i] == '\\' || t[i] == '\n') {
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
static size_t insert_point(const uint8_t *t, size_t start, size_t end)
{
	size_t p = end;

	while (p > start && (is_blank(t[p - 1]) || t[p - 1] == '\n' ||
			     (t[p - 1] == '\\' && p < end && t[p] == '\n')))
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

static int add_inserted(struct buf *b, const struct insert *in)
{
	if (in->vd && buf_add_str(b, INITPATCH_VD) < 0)
		return -1;
	return in->nvme ? buf_add_str(b, INITPATCH_NVME) : 0;
}

/* Bytes [from, to) of the text with the insertions that fall in them. */
static int copy_with_inserts(const struct patcher *p, size_t from, size_t to,
			     struct buf *b)
{
	for (size_t k = 0; k < p->n; k++) {
		const struct insert *in = &p->v[k];

		if (in->at < from || in->at > to)
			continue;
		if (buf_add(b, p->t + from, in->at - from) < 0 ||
		    add_inserted(b, in) < 0)
			return -1;
		from = in->at;
	}
	return buf_add(b, p->t + from, to - from);
}

/* "line N: <the line as patched>" for every line holding an insertion. */
static int report_lines(const struct patcher *p, struct initpatch *res)
{
	for (size_t k = 0; k < p->n; k++) {
		size_t start = p->v[k].at, end = p->v[k].at;
		char head[32];

		while (start > 0 && p->t[start - 1] != '\n')
			start--;
		while (end < p->len && p->t[end] != '\n')
			end++;
		if (k > 0 && p->v[k - 1].at >= start)
			continue; /* that line is reported already */
		snprintf(head, sizeof(head),
			 "line %zu: ", line_number(p->t, p->v[k].at));
		if (buf_add_str(&res->lines, head) < 0 ||
		    copy_with_inserts(p, start, end, &res->lines) < 0 ||
		    buf_add_str(&res->lines, "\n") < 0)
			return -1;
	}
	/* A C string too, beyond len. */
	if (buf_reserve(&res->lines, 1) < 0)
		return -1;
	res->lines.data[res->lines.len] = '\0';
	return 0;
}

/* One call: its arguments are [from, end); what it lacks goes in. */
static int consider(struct patcher *p, size_t call, size_t from, size_t end,
		    struct initpatch *res)
{
	struct insert in = { .at = insert_point(p->t, call, end) };

	if (!has_word(p->t, from, end, "sd"))
		return 0;
	res->calls++;
	in.vd = !has_word(p->t, from, end, "vd");
	in.nvme = p->nvme && !has_word(p->t, from, end, "nvme");
	if (!in.vd && !in.nvme) {
		res->complete++;
		return 0;
	}
	if (p->n == INSERTS_MAX)
		return error_set("more than %d device scans in the init",
				 INSERTS_MAX);
	p->v[p->n++] = in;
	res->added += (in.vd ? strlen(INITPATCH_VD) : 0) +
		      (in.nvme ? strlen(INITPATCH_NVME) : 0);
	return 0;
}

int initpatch_apply(const uint8_t *t, size_t len, bool nvme, struct buf *out,
		    struct initpatch *res)
{
	struct patcher p = { .t = t, .len = len, .nvme = nvme };
	size_t after, end;

	memset(res, 0, sizeof(*res));
	if (len < 2 || memcmp(t, "#!", 2) || memchr(t, '\0', len))
		return 0; /* not a shell script */
	for (size_t pos = 0; pos + 2 < len; pos++) {
		if (!is_call(t, len, pos, &after) ||
		    !args_end(t, len, after, &end))
			continue;
		if (consider(&p, pos, after, end, res) < 0)
			return -1;
		pos = end;
	}
	res->patched = p.n;
	if (!p.n)
		return 0;
	if (report_lines(&p, res) < 0)
		return -1;
	return copy_with_inserts(&p, 0, len, out);
}

void initpatch_free(struct initpatch *res)
{
	buf_free(&res->lines);
}
