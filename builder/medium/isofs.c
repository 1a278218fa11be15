// SPDX-License-Identifier: MIT
#include "isofs.h"
#include "error.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

struct walk {
	struct source *src;
	uint64_t pos;
	bool failed; /* the source failed: its error is set */
};

static la_ssize_t on_read(struct archive *a, void *data, const void **buf)
{
	struct walk *w = data;
	const uint8_t *p;
	size_t len;

	if (w->pos >= w->src->size)
		return 0;
	if (w->src->view(w->src, w->pos, &p, &len) < 0) {
		w->failed = true;
		archive_set_error(a, EIO, "%s", error_text());
		return -1;
	}
	*buf = p;
	w->pos += len;
	return (la_ssize_t)len;
}

static la_int64_t on_skip(struct archive *a, void *data, la_int64_t request)
{
	struct walk *w = data;
	uint64_t left = w->src->size - w->pos;
	uint64_t skip = request < 0 ? 0 : (uint64_t)request;

	(void)a;
	if (skip > left)
		skip = left;
	w->pos += skip;
	return (la_int64_t)skip;
}

static la_int64_t on_seek(struct archive *a, void *data, la_int64_t offset,
			  int whence)
{
	struct walk *w = data;
	int64_t base = whence == SEEK_CUR ? (int64_t)w->pos :
		       whence == SEEK_END ? (int64_t)w->src->size :
					    0;

	if (offset < -base || offset > (int64_t)w->src->size - base) {
		archive_set_error(a, EINVAL, "seek outside the image");
		return ARCHIVE_FATAL;
	}
	w->pos = (uint64_t)(base + offset);
	return (la_int64_t)w->pos;
}

static const char *clean_path(const char *path)
{
	while (!strncmp(path, "./", 2) || path[0] == '/')
		path += path[0] == '/' ? 1 : 2;
	return path;
}

/*
 * The entry's name as bytes we can use, or NULL: a Joliet name the locale
 * cannot spell, or one with control characters (no module tree has them,
 * and they would break a message in two).
 */
static const char *entry_name(struct archive_entry *entry)
{
	const char *name = archive_entry_pathname_utf8(entry);

	if (!name)
		name = archive_entry_pathname(entry);
	for (const char *p = name; p && *p; p++)
		if ((unsigned char)*p < ' ' || *p == 0x7f)
			return NULL;
	return name;
}

static int read_data(struct archive *a, const struct isofs_entry *e,
		     struct buf *out)
{
	la_ssize_t n;

	if (e->size > ISOFS_FILE_MAX)
		return error_set("%s is %lld bytes, more than %lld MiB",
				 e->path, (long long)e->size,
				 (long long)(ISOFS_FILE_MAX >> 20));
	if (buf_reserve(out, (size_t)e->size + 1) < 0)
		return -1;
	while ((n = archive_read_data(a, out->data + out->len,
				      out->cap - out->len)) > 0) {
		out->len += (size_t)n;
		if (out->len > (size_t)e->size)
			return error_set("%s holds more than its size says",
					 e->path);
	}
	if (n < 0)
		return error_set("%s: %s", e->path, archive_error_string(a));
	return 0;
}

static int walk_entries(struct archive *a, struct walk *w, isofs_pick_fn pick,
			isofs_take_fn take, void *ctx)
{
	struct archive_entry *entry;
	int r;

	while ((r = archive_read_next_header(a, &entry)) == ARCHIVE_OK ||
	       r == ARCHIVE_WARN) {
		const char *name = entry_name(entry);
		struct isofs_entry e = {
			.path = name ? clean_path(name) : NULL,
			.type = archive_entry_filetype(entry),
			.size = archive_entry_size(entry),
		};
		struct buf data = { 0 };
		int want = e.path ? pick(ctx, &e) : 0, ret;

		if (want <= 0) {
			if (want < 0)
				return -1;
			continue;
		}
		ret = read_data(a, &e, &data);
		if (!ret)
			ret = take(ctx, &e, &data);
		buf_free(&data);
		if (ret < 0)
			return -1;
	}
	if (r == ARCHIVE_EOF)
		return 0;
	if (w->failed)
		return -1;
	return error_set("not a readable ISO9660 filesystem: %s",
			 archive_error_string(a));
}

int isofs_walk(struct source *src, isofs_pick_fn pick, isofs_take_fn take,
	       void *ctx)
{
	struct walk w = { .src = src };
	struct archive *a = archive_read_new();
	int ret;

	if (!a)
		return error_set("libarchive: cannot start");
	archive_read_support_format_iso9660(a);
	archive_read_set_read_callback(a, on_read);
	archive_read_set_skip_callback(a, on_skip);
	archive_read_set_seek_callback(a, on_seek);
	archive_read_set_callback_data(a, &w);
	if (archive_read_open1(a) != ARCHIVE_OK)
		ret = w.failed ? -1 :
				 error_set("not an ISO9660 filesystem: %s",
					   archive_error_string(a));
	else
		ret = walk_entries(a, &w, pick, take, ctx);
	archive_read_free(a);
	return ret;
}
