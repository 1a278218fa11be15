/* SPDX-License-Identifier: MIT */
/*
 * newc (070701) and crc (070702) cpio, as the kernel's initramfs reads it:
 * a 110-byte header of hex fields, the NUL-terminated name, the data, each
 * padded to 4 bytes; "TRAILER!!!" ends an archive.
 */
#ifndef MV_CPIO_H
#define MV_CPIO_H

#include "buf.h"

#include <stdbool.h>
#include <sys/stat.h>

#define CPIO_HEADER_LEN 110
#define CPIO_NAME_MAX 4096
#define CPIO_TRAILER "TRAILER!!!"

struct cpio_entry {
	bool crc; /* 070702: check is the sum of the data bytes */
	uint32_t ino, mode, uid, gid, nlink, mtime, size;
	uint32_t devmajor, devminor, rdevmajor, rdevminor, check;
	/* Which archive of its stream (0, 1, ...): hard links are only
	 * within one, as the kernel forgets them at each TRAILER!!! */
	uint32_t archive;
	char *name; /* as stored, owned */
	const uint8_t *data; /* into the archive, or owned_data */
	uint8_t *owned_data;
	const uint8_t *raw; /* the entry as read; NULL once changed */
	size_t raw_len;
};

struct cpio_list {
	struct cpio_entry *v;
	size_t n, cap;
	size_t archives; /* how many TRAILER!!! ended archives */
};

/*
 * Parse every entry of a stream of archives (zero padding between them is
 * fine, as for the kernel) and append them to list. On bad input: -1 with
 * the error naming the byte offset; entries already read stay in list.
 * If one_archive, stop after the first trailer; *used is where parsing
 * stopped (after the trailer's padding).
 */
int cpio_parse(const uint8_t *data, size_t len, bool one_archive,
	       struct cpio_list *list, size_t *used);

/*
 * 0 if p (at least 6 bytes) starts a newc or crc header; else -1 with the
 * error naming what it is instead (odc, binary cpio, junk).
 */
int cpio_check_magic(const uint8_t *p, size_t off, bool *crc);

/* Append a new entry; name and data copied. Returns it, or NULL. */
struct cpio_entry *cpio_add(struct cpio_list *list, const char *name,
			    uint32_t mode, const void *data, uint32_t size);

/* Replace an entry's name or data (forgets its raw bytes). */
int cpio_rename(struct cpio_entry *e, const char *name);
int cpio_set_data(struct cpio_entry *e, const void *data, size_t size);

/* Bytes the entry takes in an archive, padding included. */
size_t cpio_entry_len(const struct cpio_entry *e);

/* The name without any "./" or "/" in front ("." for the root). */
const char *cpio_path(const struct cpio_entry *e);
/* Index of the last entry whose path is path, or -1. */
long cpio_find(const struct cpio_list *list, const char *path);

/* Write entries as one archive with a trailer, padded to 512 bytes. */
int cpio_write(const struct cpio_list *list, struct buf *out);

void cpio_remove(struct cpio_list *list, size_t index);
void cpio_free(struct cpio_list *list);

#endif
