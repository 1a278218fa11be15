// SPDX-License-Identifier: MIT
#include "archive.h"
#include "error.h"
#include "file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t archive_plain_max = PLAIN_MAX;

static uint16_t get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* Old initrds were filesystem images, not cpio: say so plainly. */
static const char *image_kind(const uint8_t *p, size_t len)
{
	if (len >= 4 && !memcmp(p, "\x45\x3d\xcd\x28", 4))
		return "cramfs";
	if (len >= 1082 && get_le16(p + 1080) == 0xef53)
		return "ext2";
	if (len >= 1042) {
		uint16_t magic = get_le16(p + 1040);

		if (magic == 0x137f || magic == 0x138f || magic == 0x2468 ||
		    magic == 0x2478)
			return "minix";
	}
	if (len >= 4 && !memcmp(p, "hsqs", 4))
		return "squashfs";
	return NULL;
}

/* Fails with a plain message if p is a filesystem image, not a cpio. */
static int check_not_image(const uint8_t *p, size_t len, const char *how)
{
	const char *kind = image_kind(p, len);

	if (!kind)
		return 0;
	return error_set(
		"%s%s filesystem image (an initrd as KNOPPIX 5.x and older used), not a cpio initramfs",
		how, kind);
}

static struct segment *new_segment(struct archive *ar, size_t offset)
{
	struct segment *seg;

	seg = realloc(ar->seg, (ar->nseg + 1) * sizeof(*seg));
	if (!seg) {
		error_set("out of memory");
		return NULL;
	}
	ar->seg = seg;
	seg = &ar->seg[ar->nseg++];
	memset(seg, 0, sizeof(*seg));
	seg->offset = offset;
	return seg;
}

static int parse_plain(struct archive *ar, size_t off)
{
	struct segment *seg = new_segment(ar, off);
	size_t used;

	if (!seg)
		return -1;
	seg->comp = COMP_NONE;
	if (cpio_parse(ar->bytes + off, ar->len - off, true, &seg->entries,
		       &used) < 0)
		return -1;
	seg->length = used;
	return 0;
}

/*
 * archive_plain_max bounds what all compressed segments unpack to together:
 * many small members of zeros must not ask for more memory than one may.
 */
static int parse_compressed(struct archive *ar, size_t off, enum comp comp,
			    size_t *unpacked)
{
	struct segment *seg = new_segment(ar, off);
	size_t consumed, used, room = archive_plain_max - *unpacked;
	char where[64] = "";

	if (!seg)
		return -1;
	seg->comp = comp;
	if (off)
		snprintf(where, sizeof(where), " at offset %zu", off);
	if (comp_decompress(comp, ar->bytes + off, ar->len - off, &consumed,
			    &seg->plain, room) < 0) {
		if (*unpacked &&
		    strstr(error_text(), "decompresses to more than"))
			return error_set(
				"%s member%s: with the segments before it, unpacks to more than %zu MiB in all",
				comp_name(comp), where,
				archive_plain_max >> 20);
		return error_prefix("%s member%s", comp_name(comp), where);
	}
	*unpacked += seg->plain.len;
	seg->length = consumed;
	if (check_not_image(seg->plain.data, seg->plain.len,
			    off ? "holds a compressed " : "compressed ") < 0)
		return -1;
	if (cpio_parse(seg->plain.data, seg->plain.len, false, &seg->entries,
		       &used) < 0) {
		return error_prefix("inside the %s member%s", comp_name(comp),
				    where);
	}
	return 0;
}

static size_t count_zeros(const uint8_t *p, size_t len)
{
	size_t n = 0;

	while (n < len && p[n] == 0)
		n++;
	return n;
}

int archive_parse(struct archive *ar, uint8_t *bytes, size_t len)
{
	size_t off, unpacked = 0;

	memset(ar, 0, sizeof(*ar));
	ar->bytes = bytes;
	ar->len = len;
	if (!len)
		return error_set("empty file");
	if (check_not_image(bytes, len, "") < 0)
		return -1;
	off = ar->lead_padding = count_zeros(bytes, len);
	while (off < len) {
		enum comp comp = comp_detect(bytes + off, len - off);
		int ret;

		if (bytes[off] == '0' && !(off & 3))
			ret = parse_plain(ar, off);
		else if (comp != COMP_NONE)
			ret = parse_compressed(ar, off, comp, &unpacked);
		else if (len - off >= 6 &&
			 (bytes[off] == 0xc7 || bytes[off] == 0x71))
			ret = cpio_check_magic(bytes + off, off, &(bool){ 0 });
		else if (off == ar->lead_padding)
			ret = error_set(
				"not an initramfs: no cpio archive or known compression at its start");
		else
			ret = error_set("trailing garbage at offset %zu", off);
		if (ret < 0)
			return -1;
		off += ar->seg[ar->nseg - 1].length;
		ar->seg[ar->nseg - 1].padding =
			count_zeros(bytes + off, len - off);
		off += ar->seg[ar->nseg - 1].padding;
	}
	if (!ar->nseg)
		return error_set("holds nothing but zero bytes");
	return 0;
}

int archive_read(struct archive *ar, const char *path)
{
	uint8_t *bytes;
	size_t len;

	memset(ar, 0, sizeof(*ar));
	if (read_file(path, &bytes, &len) < 0)
		return -1;
	return archive_parse(ar, bytes, len);
}

struct cpio_entry *archive_find(const struct archive *ar, size_t nseg,
				const char *path, struct segment **seg)
{
	for (size_t s = nseg; s-- > 0;) {
		long i = cpio_find(&ar->seg[s].entries, path);

		if (i >= 0) {
			if (seg)
				*seg = &ar->seg[s];
			return &ar->seg[s].entries.v[i];
		}
	}
	return NULL;
}

void archive_release(struct archive *ar)
{
	for (size_t i = 0; i < ar->nseg; i++) {
		cpio_free(&ar->seg[i].entries);
		buf_free(&ar->seg[i].plain);
	}
	free(ar->seg);
	free(ar->bytes);
	memset(ar, 0, sizeof(*ar));
}
