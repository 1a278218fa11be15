/* SPDX-License-Identifier: MIT */
/*
 * What setup writes into GRUB's configuration, and reads back to take it
 * away: for GRUB 2 a generator for /etc/grub.d (a shell script that prints
 * the entries whenever grub.cfg is made again), for GRUB legacy a block
 * between marker lines at the end of menu.lst, with its `default saved`.
 * Both carry a record of what setup did, in comment lines.
 */
#ifndef MV_GRUBCONF_H
#define MV_GRUBCONF_H

#include "buf.h"
#include "menu.h"

#include <limits.h>
#include <stdbool.h>

#define RECORD_PREFIX "# minirt-virtio setup: "
#define BLOCK_BEGIN "### BEGIN minirt-virtio setup ###"
#define BLOCK_END "### END minirt-virtio setup ###"
#define LEGACY_LINE_MAX 256

/* What became of the minirt that setup wrote. */
enum minirt_how {
	MINIRT_NEW, /* a new file beside the ISO */
	MINIRT_ORIG_MADE, /* in place; the original kept as .orig */
	MINIRT_ORIG_KEPT, /* in place; a .orig there before was kept */
};

struct setup_record {
	char medium[PATH_MAX]; /* the ISO or the directory, links resolved */
	char minirt[PATH_MAX];
	enum minirt_how how;
	bool permanent; /* --default: every boot, not a one-time entry */
	char once[MENU_TITLE_MAX]; /* the title of the entry booted */
	/* GRUB legacy */
	unsigned entry; /* the first entry's number in menu.lst */
	unsigned default_line; /* where `default saved` is (1-based) */
	char default_was[LEGACY_LINE_MAX]; /* that line before; "" if added */
	unsigned saved_was; /* the entry booted by default before */
	bool joined; /* a '\n' was added to menu.lst's last line */
};

/* The record's comment lines, appended to out. */
void record_write(const struct setup_record *r, struct buf *out);

/*
 * The record in text (a generator, or menu.lst's block): 0, 1 if text
 * holds none, or -1 with the error set (naming the line) if it is not one
 * that setup wrote.
 */
int record_parse(const char *text, size_t len, struct setup_record *r);

/*
 * The generator: the record, a check that the files are still there,
 * then entries (and, for --default, the default that a one-time entry
 * still overrides).
 */
void generator_write(const struct setup_record *r, const char *const *files,
		     size_t nfiles, const struct buf *entries, struct buf *out);

/* Where the block is in menu.lst: 0, 1 if it has none, -1 if damaged. */
int legacy_find_block(const char *menu, size_t len, size_t *start, size_t *end);

/*
 * Where the block goes (the end: r->entry, its first entry's number) and
 * what `default saved` replaces (r->default_line, default_was; saved_was
 * the entry it booted, if the line names one). menu must hold no block.
 */
int legacy_place(const char *menu, size_t len, struct setup_record *r);

/* Did the default line say `default saved` already (saved_was unknown)? */
bool legacy_boots_saved(const struct setup_record *r);

/* menu.lst with the block (the record and entries) added where placed. */
int legacy_add(const char *menu, size_t len, const struct setup_record *r,
	       const struct buf *entries, struct buf *out);

/*
 * menu.lst without the block and with its default line as it was; *kept
 * says if that line was changed meanwhile (so it is left).
 */
int legacy_remove(const char *menu, size_t len, const struct setup_record *r,
		  struct buf *out, bool *kept);

#endif
