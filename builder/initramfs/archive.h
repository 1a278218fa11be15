/* SPDX-License-Identifier: MIT */
/*
 * An initramfs as the kernel unpacks it: segments one after another, each an
 * uncompressed cpio archive or a compressed member holding cpio archives,
 * with zero padding between them.
 */
#ifndef MV_ARCHIVE_H
#define MV_ARCHIVE_H

#include "compress.h"
#include "cpio.h"

struct segment {
	size_t offset, length; /* where it sits in the file */
	size_t padding; /* zero bytes after it */
	enum comp comp;
	struct buf plain; /* decompressed bytes (empty if COMP_NONE) */
	struct cpio_list entries;
};

struct archive {
	uint8_t *bytes; /* the whole file */
	size_t len;
	size_t lead_padding; /* zero bytes before the first segment */
	struct segment *seg;
	size_t nseg;
};

/* Most bytes one compressed segment may unpack to (PLAIN_MAX). */
extern size_t archive_plain_max;

/* Parse bytes (taken over: freed with the archive). */
int archive_parse(struct archive *ar, uint8_t *bytes, size_t len);
int archive_read(struct archive *ar, const char *path);
void archive_release(struct archive *ar);

/*
 * The last entry named path in the first nseg segments (the kernel's last
 * wins), or NULL; *seg, if seg, says which segment holds it.
 */
struct cpio_entry *archive_find(const struct archive *ar, size_t nseg,
				const char *path, struct segment **seg);

#endif
