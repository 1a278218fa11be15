// SPDX-License-Identifier: MIT
#include "output.h"
#include "atomic.h"
#include "error.h"
#include "file.h"
#include "initramfs/archive.h"
#include "initramfs/ourfiles.h"

#include <errno.h>
#include <sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

/* libmd's SHA-256: the one digest needed, not a whole libcrypto. */
int file_id_of(const uint8_t *data, size_t len, struct file_id *id)
{
	SHA2_CTX ctx;

	SHA256Init(&ctx);
	SHA256Update(&ctx, data, len);
	SHA256Final(id->hash, &ctx);
	id->size = len;
	id->known = true;
	return 0;
}

void file_id_read(const char *text, struct file_id *id)
{
	const char *line = strstr(text, "\noriginal ");
	unsigned long long size;
	int used = 0;

	memset(id, 0, sizeof(*id));
	if (!line || sscanf(line + 10, "%llu %n", &size, &used) != 1)
		return;
	line += 10 + used;
	for (size_t i = 0; i < FILE_ID_HASH_LEN; i++)
		if (sscanf(line + 2 * i, "%2hhx", &id->hash[i]) != 1)
			return;
	id->size = size;
	id->known = true;
}

static bool same_id(const struct file_id *a, const struct file_id *b)
{
	return a->known && b->known && a->size == b->size &&
	       !memcmp(a->hash, b->hash, sizeof(a->hash));
}

/* OUTPUT.orig: a hard link costs nothing; a copy where links are not had. */
static int keep_original(struct output *o)
{
	if (link(o->path, o->orig) < 0) {
		if (errno == EEXIST)
			return error_set(
				"%s appeared while building; move it aside, then build again",
				o->orig);
		if (atomic_copy(o->path, o->orig) < 0)
			return error_prefix("cannot keep the original as %s",
					    o->orig);
	}
	o->made_orig = true;
	atomic_sync_dir(o->orig);
	return 0;
}

static int put_in_place(const struct output *o, const char *temp)
{
	if (o->exists || o->force) {
		if (rename(temp, o->path) == 0)
			return 0;
	} else if (atomic_rename_noreplace(temp, o->path) == 0) {
		return 0;
	} else if (errno == EEXIST) {
		return error_set(
			"%s was made by something else while this build ran; it is left as it is (add --force to overwrite it)",
			o->name);
	}
	return error_set("cannot write %s: %s", o->name, strerror(errno));
}

int output_commit(struct output *o, const struct buf *data)
{
	char temp[PATH_MAX];
	int ret = 0;

	/* Not before: a build that writes nothing (setup --dry-run) leaves
	 * the directory as it is. */
	if (atomic_stage(o->path, o->name, data, o->exists, 0, temp) < 0)
		return -1;
	if (o->orig_state == ORIG_MAKE)
		ret = keep_original(o);
	if (!ret)
		ret = put_in_place(o, temp);
	if (ret) {
		unlink(temp);
		if (o->made_orig)
			unlink(o->orig); /* the original is still in place */
		o->made_orig = false;
		return -1;
	}
	atomic_sync_dir(o->path);
	return 0;
}

/* Room for what is written beside it, a little for the metadata. */
#define ROOM_SLACK 65536

int output_check_room(const struct output *o, size_t len)
{
	char dir[PATH_MAX];
	struct statvfs fs;
	unsigned long long room;

	path_split(o->path, dir);
	if (statvfs(dir, &fs) < 0)
		return error_set("cannot tell the room left beside %s: %s",
				 o->name, strerror(errno));
	room = (unsigned long long)fs.f_bavail * fs.f_frsize;
	if (room < (unsigned long long)len + ROOM_SLACK)
		return error_set(
			"%s: not enough room for it: it needs %zu bytes, its file system has %llu free",
			o->name, len, room);
	return 0;
}

int output_undo(struct output *o, const struct buf *previous)
{
	struct output again = *o;

	if (o->made_orig) {
		if (rename(o->orig, o->path) < 0)
			return error_set("cannot put %s back as %s: %s",
					 o->orig, o->name, strerror(errno));
		o->made_orig = false;
		atomic_sync_dir(o->path);
		return 0;
	}
	if (!o->exists) {
		if (unlink(o->path) < 0 && errno != ENOENT)
			return error_set("cannot remove %s: %s", o->name,
					 strerror(errno));
		atomic_sync_dir(o->path);
		return 0;
	}
	again.orig_state = ORIG_NONE;
	return output_commit(&again, previous);
}

/* -o through a symbolic link: the file it leads to is what GRUB reads. */
static int resolve_output(struct output *o)
{
	struct stat st;

	if (strlen(o->name) >= sizeof(o->path))
		return error_set("%s: the path is too long", o->name);
	strcpy(o->path, o->name);
	if (lstat(o->name, &st) == 0 && S_ISLNK(st.st_mode)) {
		char *real = realpath(o->name, NULL);

		if (!real || strlen(real) >= sizeof(o->path)) {
			free(real);
			return error_set(
				"%s is a symbolic link that leads to no file; name the file to write",
				o->name);
		}
		strcpy(o->path, real);
		free(real);
		o->through_link = true;
	}
	return 0;
}

static int check_directory(const struct output *o)
{
	char dir[PATH_MAX];
	const char *base = path_split(o->path, dir);
	long max;

	if (access(dir, W_OK | X_OK) < 0)
		return error_set("cannot write in the directory of %s: %s",
				 o->name, strerror(errno));
	max = pathconf(dir, _PC_NAME_MAX);
	if (max > 0 && strlen(base) > (size_t)max)
		return error_set(
			"%s: the file name is longer than the %ld bytes its file system allows",
			o->name, max);
	if (o->in_place && max > 0 && strlen(base) + 5 > (size_t)max)
		return error_set(
			"%s: the file name with .orig added, to keep the original, is longer than the %ld bytes its file system allows",
			o->name, max);
	return 0;
}

/*
 * What bytes, if a build of ours, record as their original (known false if
 * they are no initramfs or none of ours). The bytes are taken over.
 */
static void recorded_in(uint8_t *bytes, size_t len, struct file_id *id)
{
	struct cpio_entry *info = NULL;
	struct archive ar;
	char *text;

	memset(id, 0, sizeof(*id));
	if (archive_parse(&ar, bytes, len) == 0)
		info = archive_find(&ar, ar.nseg, BUILD_INFO, NULL);
	if (info && (text = strndup((const char *)info->data, info->size))) {
		file_id_read(text, id);
		free(text);
	}
	archive_release(&ar);
	error_clear();
}

/*
 * Is the OUTPUT.orig there, of a build in place, one to keep and trust?
 * Nothing may be lost that cannot be had again:
 *  - the input itself (a build killed before it replaced OUTPUT): yes;
 *  - the original the input, a build of ours, records: yes;
 *  - an earlier build of ours from the very original the input records
 *    (a previous build kept when the original was not there): yes, as the
 *    input, a build from that original too, is no more than it;
 *  - anything else (an older release, a build of some other original, a
 *    build of the input when the input is the original itself): no.
 * Whatever .orig holds, build-info records the same original as a build
 * to a new file would, so where OUTPUT is written changes no byte of it.
 */
static int check_orig_there(struct output *o, const uint8_t *bytes, size_t len,
			    const struct file_id *recorded)
{
	struct file_id id, its_original;
	uint8_t *orig;
	size_t orig_len;

	if (read_file(o->orig, &orig, &orig_len) < 0)
		return error_prefix("%s", o->orig);
	if (orig_len == len && !memcmp(orig, bytes, len)) {
		free(orig);
		return 0; /* the input: a build if it is one */
	}
	if (file_id_of(orig, orig_len, &id) < 0) {
		free(orig);
		return -1;
	}
	if (same_id(&id, recorded)) {
		free(orig);
		o->orig_is_build = false;
		return 0;
	}
	/* If the input is the original, .orig must have been it. */
	its_original.known = false;
	if (recorded->known)
		recorded_in(orig, orig_len, &its_original);
	else
		free(orig);
	if (same_id(&its_original, recorded)) {
		o->orig_is_build = true;
		return 0;
	}
	return error_set(
		"%s exists and is not the original of %s; move it aside, then build again",
		o->orig, o->name);
}

/*
 * In place: OUTPUT.orig is made, from the input (the original, or with no
 * original there the previous build: it is the file replaced), or the one
 * there already is kept if check_orig_there() trusts it.
 */
static int check_orig(struct output *o, const uint8_t *bytes, size_t len,
		      const struct file_id *recorded)
{
	struct stat st, out_st;

	if ((size_t)snprintf(o->orig, sizeof(o->orig), "%s.orig", o->path) >=
	    sizeof(o->orig))
		return error_set("%s: the path is too long", o->name);
	o->orig_state = ORIG_MAKE;
	o->orig_is_build = recorded->known;
	if (lstat(o->orig, &st) < 0)
		return errno == ENOENT ? 0 :
					 error_set("cannot check %s: %s",
						   o->orig, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return error_set(
			"%s exists and is not a regular file; move it aside, then build again",
			o->orig);
	o->orig_state = ORIG_THERE;
	if (stat(o->path, &out_st) == 0 && out_st.st_dev == st.st_dev &&
	    out_st.st_ino == st.st_ino)
		return 0; /* a hard link to the input: it is the input */
	return check_orig_there(o, bytes, len, recorded);
}

int output_prepare(struct output *o, const char *name, const char *input,
		   const uint8_t *input_bytes, size_t input_len,
		   const struct file_id *recorded, bool force)
{
	struct stat st, in_st;
	char dir[PATH_MAX];

	memset(o, 0, sizeof(*o));
	o->name = name;
	o->force = force;
	if (resolve_output(o) < 0)
		return -1;
	o->exists = stat(o->path, &st) == 0;
	if (o->exists && S_ISDIR(st.st_mode))
		return error_set("%s is a directory; name the file to write",
				 name);
	if (o->exists && !S_ISREG(st.st_mode))
		return error_set("%s exists and is not a regular file", name);
	if (!*path_split(o->path, dir))
		return error_set("%s ends in /; name the file to write", name);
	o->in_place = o->exists && input && stat(input, &in_st) == 0 &&
		      in_st.st_dev == st.st_dev && in_st.st_ino == st.st_ino;
	if (o->exists && !o->in_place && !force)
		return error_set("%s exists; add --force to overwrite it",
				 name);
	if (check_directory(o) < 0)
		return -1;
	if (o->in_place && check_orig(o, input_bytes, input_len, recorded) < 0)
		return -1;
	/* In place or not: a build's original is the input's, or the input. */
	if (recorded->known)
		o->original = *recorded;
	else if (file_id_of(input_bytes, input_len, &o->original) < 0)
		return -1;
	return 0;
}
