/* SPDX-License-Identifier: MIT */
/*
 * Where OUTPUT goes and what is kept: written atomically (atomic.h) over
 * it, or onto a new name only if that is still free. In place, the file
 * replaced is first kept as OUTPUT.orig beside the real file (a hard link,
 * or an atomic copy where links are not had): the original, or the previous
 * build when the original is not there.
 */
#ifndef MV_OUTPUT_H
#define MV_OUTPUT_H

#include "buf.h"

#include <limits.h>
#include <stdbool.h>

#define FILE_ID_HASH_LEN 32

/* A file's size and SHA-256: which original a build came from. */
struct file_id {
	bool known;
	uint64_t size;
	uint8_t hash[FILE_ID_HASH_LEN];
};

int file_id_of(const uint8_t *data, size_t len, struct file_id *id);
/* "original SIZE SHA256" in a build's build-info text (known false if not). */
void file_id_read(const char *text, struct file_id *id);

enum orig_state {
	ORIG_NONE, /* not in place */
	ORIG_MAKE, /* in place: keep the input as .orig */
	ORIG_THERE, /* in place: .orig is there already, and trusted */
};

struct output {
	const char *name; /* -o as given, for messages */
	char path[PATH_MAX]; /* the file written: -o, or its link's target */
	bool through_link; /* -o is a symbolic link, written through */
	bool exists, in_place, force;
	char orig[PATH_MAX + 8]; /* in place: path.orig */
	enum orig_state orig_state;
	bool made_orig; /* this build made .orig */
	bool orig_is_build; /* .orig: a build of ours, not the original */
	struct file_id original; /* the input's recorded original, or it */
};

/*
 * Before any work: where to write and whether that is INPUT (input_bytes
 * its content), refusing what would lose or clobber a file. recorded: the
 * original INPUT says it was built from, if it is a build of ours (or
 * known false).
 */
int output_prepare(struct output *o, const char *name, const char *input,
		   const uint8_t *input_bytes, size_t input_len,
		   const struct file_id *recorded, bool force);

/* Whether o->path's file system has room for len bytes more. */
int output_check_room(const struct output *o, size_t len);

/* Write data to o->path; on failure everything is as it was. */
int output_commit(struct output *o, const struct buf *data);

/*
 * After output_commit(): what was there before, again. The original
 * .orig kept goes back in place; a new file is removed; else previous
 * (the bytes replaced) is written back.
 */
int output_undo(struct output *o, const struct buf *previous);

#endif
