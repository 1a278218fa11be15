// SPDX-License-Identifier: MIT
#include "mounts.h"
#include "buf.h"
#include "error.h"

#include <stdio.h>
#include <string.h>

/* mountinfo has 10 fields and any number of optional ones: bound them. */
#define FIELDS_MAX 64

struct field {
	const char *s;
	size_t len;
};

/* Split one line on spaces; -1 if it has more than FIELDS_MAX fields. */
static int split(const char *line, size_t len, struct field *f, size_t *n)
{
	size_t i = 0;

	*n = 0;
	while (i < len) {
		size_t start;

		while (i < len && line[i] == ' ')
			i++;
		if (i == len)
			break;
		if (*n == FIELDS_MAX)
			return -1;
		start = i;
		while (i < len && line[i] != ' ')
			i++;
		f[*n].s = line + start;
		f[(*n)++].len = i - start;
	}
	return 0;
}

static bool is_octal(char c)
{
	return c >= '0' && c <= '7';
}

/* The kernel writes space, tab, newline and backslash as \ooo. */
static int unescape(const struct field *f, char *out, size_t size)
{
	size_t n = 0;

	for (size_t i = 0; i < f->len; i++) {
		char c = f->s[i];

		if (c == '\\' && i + 3 < f->len && is_octal(f->s[i + 1]) &&
		    is_octal(f->s[i + 2]) && is_octal(f->s[i + 3])) {
			int v = (f->s[i + 1] - '0') * 64 +
				(f->s[i + 2] - '0') * 8 + (f->s[i + 3] - '0');

			if (v == 0 || v > 255)
				return error_set(
					"a \\000 or out-of-range escape");
			c = (char)v;
			i += 3;
		}
		if (n + 1 >= size)
			return error_set("a field longer than %zu bytes",
					 size - 1);
		out[n++] = c;
	}
	out[n] = '\0';
	return 0;
}

static int parse_devnum(const struct field *f, struct mount_info *m)
{
	char text[32];
	int used = 0;

	if (f->len >= sizeof(text))
		return -1;
	memcpy(text, f->s, f->len);
	text[f->len] = '\0';
	if (sscanf(text, "%u:%u%n", &m->major, &m->minor, &used) != 2 ||
	    (size_t)used != f->len)
		return -1;
	m->has_dev = true;
	return 0;
}

/* Index of the "-" that ends mountinfo's optional fields, or 0. */
static size_t separator(const struct field *f, size_t n)
{
	for (size_t i = 6; i + 2 < n; i++)
		if (f[i].len == 1 && f[i].s[0] == '-')
			return i;
	return 0;
}

/* ID PARENT MAJ:MIN ROOT POINT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPER */
static int parse_mountinfo(const struct field *f, size_t sep,
			   struct mount_info *m)
{
	if (parse_devnum(&f[2], m) < 0)
		return error_set("no MAJOR:MINOR in the third field");
	if (unescape(&f[3], m->root, sizeof(m->root)) < 0 ||
	    unescape(&f[4], m->point, sizeof(m->point)) < 0 ||
	    unescape(&f[sep + 1], m->fstype, sizeof(m->fstype)) < 0 ||
	    unescape(&f[sep + 2], m->source, sizeof(m->source)) < 0)
		return -1;
	return 0;
}

/* SOURCE POINT FSTYPE OPTIONS DUMP PASS */
static int parse_mounts_line(const struct field *f, struct mount_info *m)
{
	m->has_dev = false;
	strcpy(m->root, "/");
	if (unescape(&f[0], m->source, sizeof(m->source)) < 0 ||
	    unescape(&f[1], m->point, sizeof(m->point)) < 0 ||
	    unescape(&f[2], m->fstype, sizeof(m->fstype)) < 0)
		return -1;
	return 0;
}

static int parse_line(const char *line, size_t len, struct mount_info *m)
{
	struct field f[FIELDS_MAX];
	size_t n, sep;

	if (split(line, len, f, &n) < 0)
		return error_set("more than %d fields", FIELDS_MAX);
	sep = n >= 9 ? separator(f, n) : 0;
	if (sep) {
		if (parse_mountinfo(f, sep, m) < 0)
			return -1;
	} else if (n == 6) {
		if (parse_mounts_line(f, m) < 0)
			return -1;
	} else {
		return error_set("neither a mountinfo nor a /proc/mounts line");
	}
	if (m->point[0] != '/' || m->root[0] != '/')
		return error_set("a mount point or root not starting with /");
	return 0;
}

/* Length of point if it is path or a directory above it, else 0. */
static size_t holds(const char *point, const char *path)
{
	size_t len = strlen(point);

	while (len > 1 && point[len - 1] == '/')
		len--;
	if (len == 1)
		return 1;
	if (strncmp(point, path, len) || (path[len] && path[len] != '/'))
		return 0;
	return len;
}

int mount_find(const char *table, size_t len, const char *path,
	       struct mount_info *found)
{
	struct mount_info m;
	size_t best = 0, line_no = 0, at = 0;

	while (at < len) {
		const char *nl = memchr(table + at, '\n', len - at);
		size_t end = nl ? (size_t)(nl - table) : len, held;

		line_no++;
		if (memchr(table + at, '\0', end - at))
			return error_set("line %zu: a NUL byte", line_no);
		if (end > at && parse_line(table + at, end - at, &m) < 0)
			return error_prefix("line %zu", line_no);
		held = end > at ? holds(m.point, path) : 0;
		if (held && held >= best) {
			best = held;
			*found = m;
		}
		at = end + 1;
	}
	if (!best)
		return error_set("no mount holds %s", path);
	return 0;
}

int mount_inner_path(const struct mount_info *found, const char *path,
		     char *out, size_t size)
{
	size_t point_len = holds(found->point, path);
	const char *rest = point_len == 1 ? path : path + point_len;
	size_t root_len = strlen(found->root);
	int n;

	while (root_len && found->root[root_len - 1] == '/')
		root_len--;
	while (rest[0] == '/' && rest[1] == '/')
		rest++;
	n = snprintf(out, size, "%.*s%s", (int)root_len, found->root, rest);
	if (n < 0 || (size_t)n >= size)
		return error_set("a path longer than %zu bytes", size - 1);
	if (!out[0])
		strcpy(out, "/");
	return 0;
}
