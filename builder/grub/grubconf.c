// SPDX-License-Identifier: MIT
#include "grubconf.h"
#include "error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RECORD_LINES_MAX 64

static const char *const how_names[] = {
	[MINIRT_NEW] = "new",
	[MINIRT_ORIG_MADE] = "orig-made",
	[MINIRT_ORIG_KEPT] = "orig-kept",
};

static void add_field(struct buf *out, const char *key, const char *value)
{
	buf_add_str(out, RECORD_PREFIX);
	buf_add_str(out, key);
	if (value) {
		buf_add_str(out, " ");
		buf_add_str(out, value);
	}
	buf_add_str(out, "\n");
}

static void add_number(struct buf *out, const char *key, unsigned n,
		       const char *rest)
{
	char text[LEGACY_LINE_MAX + 16];

	snprintf(text, sizeof(text), "%u%s%s", n, rest ? " " : "",
		 rest ? rest : "");
	add_field(out, key, text);
}

void record_write(const struct setup_record *r, struct buf *out)
{
	char minirt[PATH_MAX + 16];

	add_field(out, "medium", r->medium);
	snprintf(minirt, sizeof(minirt), "%s %s", how_names[r->how], r->minirt);
	add_field(out, "minirt", minirt);
	add_field(out, "title", r->once);
	if (r->permanent)
		add_field(out, "default", NULL);
	if (!r->default_line)
		return;
	add_number(out, "entry", r->entry, NULL);
	add_number(out, "saved-was", r->saved_was, NULL);
	add_number(out, "default-line", r->default_line, r->default_was);
	if (r->joined)
		add_field(out, "joined", NULL);
}

/* value into out (size bytes): printable, not too long. */
static int take_text(const char *value, size_t len, char *out, size_t size)
{
	if (len >= size)
		return error_set("a value longer than %zu bytes", size - 1);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)value[i] < ' ' || value[i] == 0x7f)
			return error_set("a control byte in a value");
	memcpy(out, value, len);
	out[len] = '\0';
	return 0;
}

static int take_path(const char *value, size_t len, char *out)
{
	if (!len || value[0] != '/')
		return error_set("not an absolute path");
	return take_text(value, len, out, PATH_MAX);
}

/* "12" or "12 rest": the number, and where the rest starts. */
static int take_number(const char *value, size_t len, unsigned *n, size_t *rest)
{
	size_t i = 0;

	*n = 0;
	if (!len || value[0] < '0' || value[0] > '9')
		return error_set("not a number");
	while (i < len && value[i] >= '0' && value[i] <= '9') {
		if (*n > 100000)
			return error_set("a number too large");
		*n = *n * 10 + (unsigned)(value[i++] - '0');
	}
	if (i < len && value[i] != ' ')
		return error_set("not a number");
	*rest = i < len ? i + 1 : len;
	return 0;
}

static int take_minirt(const char *value, size_t len, struct setup_record *r)
{
	for (size_t h = 0; h < sizeof(how_names) / sizeof(*how_names); h++) {
		size_t n = strlen(how_names[h]);

		if (len > n && !memcmp(value, how_names[h], n) &&
		    value[n] == ' ') {
			r->how = (enum minirt_how)h;
			return take_path(value + n + 1, len - n - 1, r->minirt);
		}
	}
	return error_set("not new, orig-made or orig-kept");
}

static int take_field(const char *key, size_t klen, const char *value,
		      size_t len, struct setup_record *r)
{
	size_t rest;

#define IS(name) (klen == strlen(name) && !memcmp(key, name, klen))
	if (IS("medium"))
		return take_path(value, len, r->medium);
	if (IS("minirt"))
		return take_minirt(value, len, r);
	if (IS("title"))
		return take_text(value, len, r->once, sizeof(r->once));
	if (IS("default") && !len)
		return (r->permanent = true, 0);
	if (IS("joined") && !len)
		return (r->joined = true, 0);
	if (IS("entry"))
		return take_number(value, len, &r->entry, &rest) < 0 ? -1 :
		       rest == len				     ? 0 :
				     error_set("more than a number");
	if (IS("saved-was"))
		return take_number(value, len, &r->saved_was, &rest) < 0 ? -1 :
		       rest == len					 ? 0 :
				     error_set("more than a number");
	if (IS("default-line"))
		return take_number(value, len, &r->default_line, &rest) < 0 ?
			       -1 :
			       take_text(value + rest, len - rest,
					 r->default_was,
					 sizeof(r->default_was));
#undef IS
	return error_set("%.*s: not a field setup writes", (int)klen, key);
}

static int take_line(const char *line, size_t len, struct setup_record *r)
{
	size_t plen = strlen(RECORD_PREFIX), klen;
	const char *key = line + plen, *space;

	len -= plen;
	space = memchr(key, ' ', len);
	klen = space ? (size_t)(space - key) : len;
	return take_field(key, klen, space ? space + 1 : key + len,
			  space ? len - klen - 1 : 0, r);
}

int record_parse(const char *text, size_t len, struct setup_record *r)
{
	size_t at = 0, line_no = 0, fields = 0, plen = strlen(RECORD_PREFIX);

	memset(r, 0, sizeof(*r));
	while (at < len) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t end = nl ? (size_t)(nl - text) : len;

		line_no++;
		if (end - at >= plen &&
		    !memcmp(text + at, RECORD_PREFIX, plen)) {
			if (++fields > RECORD_LINES_MAX)
				return error_set("more than %d record lines",
						 RECORD_LINES_MAX);
			if (take_line(text + at, end - at, r) < 0)
				return error_prefix("line %zu", line_no);
		}
		at = end + 1;
	}
	if (!fields)
		return 1;
	if (!r->medium[0] || !r->minirt[0])
		return error_set("a record without its medium or minirt");
	if (!r->once[0])
		return error_set("a record without its title");
	return 0;
}

/* Setup checked every path for quotes and spaces: '...' holds them. */
void generator_write(const struct setup_record *r, const char *const *files,
		     size_t nfiles, const struct buf *entries, struct buf *out)
{
	buf_add_str(out, "#!/bin/sh\n"
			 "# KNOPPIX from ");
	buf_add_str(out, r->medium);
	buf_add_str(
		out,
		", by minirt-virtio " VERSION
		" setup. grub-mkconfig (update-grub)\n"
		"# runs this whenever it makes grub.cfg; `minirt-virtio setup --remove`\n"
		"# takes it away again. These lines say what setup did:\n");
	record_write(r, out);
	buf_add_str(out,
		    "set -e\n"
		    "# No entry that could only fail once a file is gone.\n"
		    "for file in");
	for (size_t i = 0; i < nfiles; i++) {
		buf_add_str(out, " '");
		buf_add_str(out, files[i]);
		buf_add_str(out, "'");
	}
	buf_add_str(out, "; do\n\t[ -f \"$file\" ] || exit 0\ndone\n"
			 "echo \"Found KNOPPIX (minirt-virtio setup): ");
	buf_add_str(out, r->medium);
	buf_add_str(out, "\" >&2\ncat <<'MINIRT_VIRTIO_ENTRIES'\n");
	buf_add(out, entries->data, entries->len);
	if (r->permanent) {
		/* A one-time entry the user sets later still goes first. */
		buf_add_str(out, "if [ -z \"${boot_once}\" ]; then\n"
				 "\tset default='");
		buf_add_str(out, r->once);
		buf_add_str(out, "'\nfi\n");
	}
	buf_add_str(out, "MINIRT_VIRTIO_ENTRIES\n");
}

/* The line at *at (its end in *end, the next line's start returned). */
static size_t next_line(const char *text, size_t len, size_t at, size_t *end)
{
	const char *nl = memchr(text + at, '\n', len - at);

	*end = nl ? (size_t)(nl - text) : len;
	return nl ? *end + 1 : len;
}

static bool line_is(const char *text, size_t at, size_t end, const char *want)
{
	return end - at == strlen(want) && !memcmp(text + at, want, end - at);
}

int legacy_find_block(const char *menu, size_t len, size_t *start, size_t *end)
{
	size_t at = 0, line_end, begin = 0;
	bool in_block = false;

	while (at < len) {
		size_t next = next_line(menu, len, at, &line_end);

		if (line_is(menu, at, line_end, BLOCK_BEGIN)) {
			if (in_block)
				return error_set("two " BLOCK_BEGIN " lines");
			in_block = true;
			begin = at;
		} else if (line_is(menu, at, line_end, BLOCK_END)) {
			if (!in_block)
				return error_set(BLOCK_END " before its BEGIN");
			*start = begin;
			*end = next;
			return 0;
		}
		at = next;
	}
	return in_block ? error_set(BLOCK_BEGIN " without its END") : 1;
}

/* The line's first word ("default" in "  default=2"), and what follows. */
static bool first_word(const char *text, size_t at, size_t end,
		       const char *word, size_t *value)
{
	size_t n = strlen(word);

	while (at < end && (text[at] == ' ' || text[at] == '\t'))
		at++;
	if (end - at < n || memcmp(text + at, word, n) ||
	    (end - at > n && !strchr(" \t=", text[at + n])))
		return false;
	at += n;
	while (at < end && strchr(" \t=", text[at]))
		at++;
	*value = at;
	return true;
}

static unsigned entry_number(const char *text, size_t at, size_t end)
{
	unsigned n = 0;

	while (at < end && text[at] >= '0' && text[at] <= '9' && n < 100000)
		n = n * 10 + (unsigned)(text[at++] - '0');
	return n;
}

int legacy_place(const char *menu, size_t len, struct setup_record *r)
{
	size_t at = 0, end, value, line_no = 0;

	r->entry = 0;
	r->default_line = 0;
	r->default_was[0] = '\0';
	while (at < len) {
		size_t next = next_line(menu, len, at, &end);

		line_no++;
		if (first_word(menu, at, end, "title", &value))
			r->entry++;
		else if (!r->default_line &&
			 first_word(menu, at, end, "default", &value)) {
			if (take_text(menu + at, end - at, r->default_was,
				      sizeof(r->default_was)) < 0)
				return error_prefix("line %zu", line_no);
			r->default_line = (unsigned)line_no;
			if (end - value < 5 || memcmp(menu + value, "saved", 5))
				r->saved_was = entry_number(menu, value, end);
		}
		at = next;
	}
	if (!r->default_line)
		r->default_line = 1; /* added at the top */
	r->joined = len && menu[len - 1] != '\n';
	return 0;
}

bool legacy_boots_saved(const struct setup_record *r)
{
	size_t len = strlen(r->default_was), value;

	return len && first_word(r->default_was, 0, len, "default", &value) &&
	       len - value >= 5 && !memcmp(r->default_was + value, "saved", 5);
}

static void add_block(struct buf *out, const struct setup_record *r,
		      const struct buf *entries)
{
	buf_add_str(out, BLOCK_BEGIN "\n# KNOPPIX from ");
	buf_add_str(out, r->medium);
	buf_add_str(
		out,
		", by minirt-virtio " VERSION
		" setup; `minirt-virtio setup --remove`\n"
		"# takes this block away and puts the default line back.\n");
	record_write(r, out);
	buf_add(out, entries->data, entries->len);
	buf_add_str(out, BLOCK_END "\n");
}

int legacy_add(const char *menu, size_t len, const struct setup_record *r,
	       const struct buf *entries, struct buf *out)
{
	size_t at = 0, end, line_no = 0;

	if (!r->default_was[0])
		buf_add_str(out, "default saved\n");
	while (at < len) {
		size_t next = next_line(menu, len, at, &end);

		if (++line_no == r->default_line && r->default_was[0]) {
			buf_add_str(out, "default saved");
			buf_add(out, menu + end, next - end); /* its '\n' if any
							       */
		} else {
			buf_add(out, menu + at, next - at);
		}
		at = next;
	}
	if (r->joined)
		buf_add_str(out, "\n");
	add_block(out, r, entries);
	return out->data ? 0 : error_set("out of memory");
}

int legacy_remove(const char *menu, size_t len, const struct setup_record *r,
		  struct buf *out, bool *kept)
{
	size_t start, stop, at = 0, end, line_no = 0;
	int found = legacy_find_block(menu, len, &start, &stop);

	if (found)
		return found < 0 ? -1 :
				   error_set("no minirt-virtio block in it");
	*kept = false;
	if (buf_reserve(out, len) < 0)
		return -1;
	while (at < len) {
		size_t next = next_line(menu, len, at, &end);

		line_no++;
		if (at >= start && at < stop) {
			/* the block */
		} else if (line_no == r->default_line &&
			   line_is(menu, at, end, "default saved")) {
			if (r->default_was[0]) {
				buf_add_str(out, r->default_was);
				buf_add(out, menu + end, next - end);
			}
		} else {
			*kept |= line_no == r->default_line;
			buf_add(out, menu + at, next - at);
		}
		at = next;
	}
	/* The '\n' that legacy_add() put after the last line, if still last. */
	if (r->joined && stop >= len && out->len &&
	    out->data[out->len - 1] == '\n')
		out->len--;
	return 0;
}
