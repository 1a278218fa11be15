// SPDX-License-Identifier: MIT
#include "cpio.h"
#include "error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIELDS 13 /* magic aside: ino ... check */

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static bool parse_hex8(const uint8_t *p, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < 8; i++) {
		uint8_t c = p[i];
		uint32_t d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10u;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10u;
		else
			return false;
		v = v << 4 | d;
	}
	*out = v;
	return true;
}

int cpio_check_magic(const uint8_t *p, size_t off, bool *crc)
{
	if (!memcmp(p, "070701", 6) || !memcmp(p, "070702", 6)) {
		*crc = p[5] == '2';
		return 0;
	}
	if (!memcmp(p, "070707", 6))
		return error_set(
			"odc (portable ASCII) cpio at offset %zu; the kernel reads newc only (cpio -H newc)",
			off);
	if ((p[0] == 0xc7 && p[1] == 0x71) || (p[0] == 0x71 && p[1] == 0xc7))
		return error_set(
			"binary cpio at offset %zu; the kernel reads newc only (cpio -H newc)",
			off);
	return error_set("junk at offset %zu where a cpio header should be",
			 off);
}

/* No absolute names, no "..": nothing may land outside the root. */
static int check_name(const char *name, size_t off)
{
	const char *p = name;

	if (name[0] == '/')
		return error_set("absolute name \"%s\" at offset %zu", name,
				 off);
	while (*p) {
		size_t len = strcspn(p, "/");

		if (len == 2 && p[0] == '.' && p[1] == '.')
			return error_set(
				"name \"%s\" at offset %zu leaves the root",
				name, off);
		p += len;
		while (*p == '/')
			p++;
	}
	return 0;
}

static int read_header(const uint8_t *p, size_t off, struct cpio_entry *e,
		       uint32_t *namesize)
{
	uint32_t f[FIELDS];

	if (cpio_check_magic(p, off, &e->crc) < 0)
		return -1;
	for (int i = 0; i < FIELDS; i++)
		if (!parse_hex8(p + 6 + 8 * i, &f[i]))
			return error_set(
				"bad hex digit in the cpio header at offset %zu",
				off);
	e->ino = f[0], e->mode = f[1], e->uid = f[2], e->gid = f[3];
	e->nlink = f[4], e->mtime = f[5], e->size = f[6];
	e->devmajor = f[7], e->devminor = f[8];
	e->rdevmajor = f[9], e->rdevminor = f[10];
	*namesize = f[11];
	e->check = f[12];
	return 0;
}

static int list_push(struct cpio_list *list, const struct cpio_entry *e)
{
	if (list->n == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 64;
		struct cpio_entry *v = realloc(list->v, cap * sizeof(*v));

		if (!v)
			return error_set("out of memory");
		list->v = v;
		list->cap = cap;
	}
	list->v[list->n++] = *e;
	return 0;
}

/* One entry at off; *next is where the following header may start. */
static int parse_entry(const uint8_t *data, size_t len, size_t off,
		       struct cpio_entry *e, size_t *next)
{
	uint32_t namesize = 0;
	size_t name_end, data_end;
	const char *name;

	memset(e, 0, sizeof(*e));
	if (len - off < CPIO_HEADER_LEN)
		return error_set("cpio header at offset %zu is cut short", off);
	if (read_header(data + off, off, e, &namesize) < 0)
		return -1;
	if (namesize < 2 || namesize > CPIO_NAME_MAX)
		return error_set("name size %u at offset %zu is out of range",
				 namesize, off);
	if (namesize > len - off - CPIO_HEADER_LEN)
		return error_set("name at offset %zu runs past the end", off);
	name = (const char *)data + off + CPIO_HEADER_LEN;
	if (name[namesize - 1] != '\0' || strlen(name) != namesize - 1)
		return error_set("name at offset %zu is not NUL-terminated",
				 off);
	name_end = pad4(off + CPIO_HEADER_LEN + namesize);
	if (name_end > len)
		name_end = len;
	if (e->size > len - name_end)
		return error_set(
			"\"%s\" at offset %zu claims %u bytes past the end",
			name, off, e->size);
	data_end = pad4(name_end + e->size);
	*next = data_end < len ? data_end : len;
	e->data = data + name_end;
	e->raw = data + off;
	e->raw_len = *next - off;
	if (strcmp(name, CPIO_TRAILER) && check_name(name, off) < 0)
		return -1;
	e->name = xstrdup(name);
	return e->name ? 0 : -1;
}

int cpio_parse(const uint8_t *data, size_t len, bool one_archive,
	       struct cpio_list *list, size_t *used)
{
	size_t off = 0, next = 0;
	struct cpio_entry e;

	while (off < len) {
		if (data[off] == '\0') {
			off++;
			continue;
		}
		if (off & 3)
			return error_set(
				"junk at offset %zu (not a cpio header)", off);
		if (parse_entry(data, len, off, &e, &next) < 0)
			return -1;
		off = next;
		if (!strcmp(e.name, CPIO_TRAILER)) {
			free(e.name);
			list->archives++;
			if (one_archive) {
				while (off < len && data[off] == '\0')
					off++;
				break;
			}
			continue;
		}
		e.archive = (uint32_t)list->archives;
		if (list_push(list, &e) < 0) {
			free(e.name);
			return -1;
		}
	}
	*used = off;
	return 0;
}

struct cpio_entry *cpio_add(struct cpio_list *list, const char *name,
			    uint32_t mode, const void *data, uint32_t size)
{
	struct cpio_entry e = { .mode = mode, .nlink = S_ISDIR(mode) ? 2 : 1 };

	e.name = xstrdup(name);
	if (!e.name)
		return NULL;
	if (cpio_set_data(&e, data, size) < 0 || list_push(list, &e) < 0) {
		free(e.name);
		free(e.owned_data);
		return NULL;
	}
	return &list->v[list->n - 1];
}

int cpio_rename(struct cpio_entry *e, const char *name)
{
	char *copy = xstrdup(name);

	if (!copy)
		return -1;
	free(e->name);
	e->name = copy;
	e->raw = NULL;
	return 0;
}

int cpio_set_data(struct cpio_entry *e, const void *data, size_t size)
{
	uint8_t *copy;

	if (size > UINT32_MAX)
		return error_set("a file of %zu bytes does not fit in cpio",
				 size);
	copy = malloc(size ? size : 1);
	if (!copy)
		return error_set("out of memory");
	if (size)
		memcpy(copy, data, size);
	free(e->owned_data);
	e->owned_data = copy;
	e->data = copy;
	e->size = (uint32_t)size;
	e->raw = NULL;
	if (e->crc) {
		e->check = 0;
		for (size_t i = 0; i < size; i++)
			e->check += copy[i];
	}
	return 0;
}

size_t cpio_entry_len(const struct cpio_entry *e)
{
	if (e->raw)
		return pad4(e->raw_len);
	return pad4(CPIO_HEADER_LEN + strlen(e->name) + 1) + pad4(e->size);
}

const char *cpio_path(const struct cpio_entry *e)
{
	const char *p = e->name;

	for (;;) {
		if (p[0] == '/')
			p++;
		else if (p[0] == '.' && p[1] == '/')
			p += 2;
		else
			break;
	}
	return *p ? p : ".";
}

long cpio_find(const struct cpio_list *list, const char *path)
{
	for (size_t i = list->n; i-- > 0;)
		if (!strcmp(cpio_path(&list->v[i]), path))
			return (long)i;
	return -1;
}

static int write_header(const struct cpio_entry *e, const char *name,
			struct buf *out)
{
	char header[CPIO_HEADER_LEN + 1];
	size_t namesize = strlen(name) + 1;

	snprintf(header, sizeof(header),
		 "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 e->crc ? "070702" : "070701", e->ino, e->mode, e->uid, e->gid,
		 e->nlink, e->mtime, e->size, e->devmajor, e->devminor,
		 e->rdevmajor, e->rdevminor, (uint32_t)namesize, e->check);
	if (buf_add(out, header, CPIO_HEADER_LEN) < 0 ||
	    buf_add(out, name, namesize) < 0)
		return -1;
	return buf_add_zeros(out, pad4(out->len) - out->len);
}

static int write_entry(const struct cpio_entry *e, struct buf *out)
{
	/* Entries kept as read keep their bytes exactly. */
	if (e->raw && !(out->len & 3))
		return buf_add(out, e->raw, e->raw_len) < 0 ?
			       -1 :
			       buf_add_zeros(out, pad4(out->len) - out->len);
	if (write_header(e, e->name, out) < 0 ||
	    buf_add(out, e->data, e->size) < 0)
		return -1;
	return buf_add_zeros(out, pad4(out->len) - out->len);
}

int cpio_write(const struct cpio_list *list, struct buf *out)
{
	struct cpio_entry trailer = { .nlink = 1 };
	size_t start = out->len;

	for (size_t i = 0; i < list->n; i++)
		if (write_entry(&list->v[i], out) < 0)
			return -1;
	if (write_header(&trailer, CPIO_TRAILER, out) < 0)
		return -1;
	return buf_add_zeros(out, (512 - (out->len - start) % 512) % 512);
}

void cpio_remove(struct cpio_list *list, size_t index)
{
	free(list->v[index].name);
	free(list->v[index].owned_data);
	memmove(&list->v[index], &list->v[index + 1],
		(list->n - index - 1) * sizeof(*list->v));
	list->n--;
}

void cpio_free(struct cpio_list *list)
{
	for (size_t i = 0; i < list->n; i++) {
		free(list->v[i].name);
		free(list->v[i].owned_data);
	}
	free(list->v);
	memset(list, 0, sizeof(*list));
}
