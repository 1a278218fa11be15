// SPDX-License-Identifier: MIT
#include "output.h"
#include "initramfs/archive.h"
#include "initramfs/ours.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE 1 /* <linux/fs.h> */
#endif

/* Temporary files: ".NAME.minirt-virtio-XXXXXX" beside NAME. */
#define TEMP_MARK ".minirt-virtio-"
#define TEMP_RANDOM "XXXXXX"
#define TEMP_TRIES 10

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

/* "a/b" -> "a" and "b"; "b" -> "." and "b". */
static const char *split_path(const char *path, char *dir)
{
	const char *slash = strrchr(path, '/');

	if (!slash) {
		strcpy(dir, ".");
		return path;
	}
	if (slash == path) {
		strcpy(dir, "/");
	} else {
		memcpy(dir, path, (size_t)(slash - path));
		dir[slash - path] = '\0';
	}
	return slash + 1;
}

static int write_all(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static bool is_temp_name(const char *name)
{
	size_t len = strlen(name), mark = strlen(TEMP_MARK);
	size_t random = strlen(TEMP_RANDOM);

	return name[0] == '.' && len > 1 + mark + random &&
	       !memcmp(name + len - random - mark, TEMP_MARK, mark) &&
	       strspn(name + len - random,
		      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		      "0123456789") == random;
}

/*
 * Our temporary files that no build holds locked: a killed build left them.
 * Removed only if the name still is the file that was found unlocked.
 */
static void remove_stale_temps(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		struct stat held, named;
		int fd;

		if (!is_temp_name(de->d_name))
			continue;
		fd = openat(dirfd(d), de->d_name,
			    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (fstat(fd, &held) == 0 && S_ISREG(held.st_mode) &&
		    flock(fd, LOCK_EX | LOCK_NB) == 0 &&
		    fstatat(dirfd(d), de->d_name, &named,
			    AT_SYMLINK_NOFOLLOW) == 0 &&
		    named.st_dev == held.st_dev && named.st_ino == held.st_ino)
			unlinkat(dirfd(d), de->d_name, 0);
		close(fd);
	}
	closedir(d);
}

/* A locked temporary file beside target; what: the user's name for it. */
static int make_temp(const char *target, const char *what, char *temp)
{
	int room = NAME_MAX - 1 - (int)strlen(TEMP_MARK TEMP_RANDOM);
	char dir[PATH_MAX];
	const char *base = split_path(target, dir);

	for (int tries = 0; tries < TEMP_TRIES; tries++) {
		struct stat st;
		int fd;

		if (snprintf(temp, PATH_MAX, "%s/.%.*s" TEMP_MARK TEMP_RANDOM,
			     dir, room, base) >= PATH_MAX)
			return error_set("%s: the path is too long", what);
		fd = mkostemp(temp, O_CLOEXEC);
		if (fd < 0)
			return error_set(
				"cannot write in the directory of %s: %s", what,
				strerror(errno));
		/* Taken for a leftover and removed before we locked it? */
		if (flock(fd, LOCK_EX) == 0 && fstat(fd, &st) == 0 &&
		    st.st_nlink > 0)
			return fd;
		close(fd);
	}
	return error_set("cannot write in the directory of %s: %s", what,
			 "its temporary files keep disappearing");
}

static int copy_xattrs(int from, int to, const char *what)
{
	ssize_t len = flistxattr(from, NULL, 0), vlen;
	char *names, *value = NULL;
	int ret = 0;

	if (len <= 0)
		return 0; /* none, or a file system without them */
	names = malloc((size_t)len);
	if (!names)
		return error_set("out of memory");
	len = flistxattr(from, names, (size_t)len);
	for (char *n = names; len > 0 && !ret && n < names + len;
	     n += strlen(n) + 1) {
		vlen = fgetxattr(from, n, NULL, 0);
		free(value);
		value = malloc(vlen > 0 ? (size_t)vlen : 1);
		if (vlen < 0 || !value ||
		    (vlen = fgetxattr(from, n, value, (size_t)vlen)) < 0 ||
		    fsetxattr(to, n, value, (size_t)vlen, 0) < 0)
			ret = error_set(
				"cannot give the new %s the extended attribute %s of the old one: %s",
				what, n, strerror(errno));
	}
	if (len < 0 && !ret)
		ret = error_set("cannot read the extended attributes of %s: %s",
				what, strerror(errno));
	free(value);
	free(names);
	return ret;
}

/* The replaced file's owner, mode and extended attributes, onto to. */
static int copy_attributes(int from, int to, const char *what)
{
	struct stat old, new;

	if (fstat(from, &old) < 0 || fstat(to, &new) < 0)
		return error_set("cannot read the mode of %s: %s", what,
				 strerror(errno));
	if ((old.st_uid != new.st_uid || old.st_gid != new.st_gid) &&
	    fchown(to, old.st_uid, old.st_gid) < 0)
		return error_set(
			"cannot give the new %s the owner of the old one: %s",
			what, strerror(errno));
	if (fchmod(to, old.st_mode & 07777) < 0)
		return error_set(
			"cannot give the new %s the mode of the old one: %s",
			what, strerror(errno));
	return copy_xattrs(from, to, what);
}

/* New files get the mode the umask leaves, as any tool's would. */
static int umask_mode(int fd, const char *what)
{
	mode_t mask = umask(0);

	umask(mask);
	if (fchmod(fd, 0666 & ~mask) < 0)
		return error_set("cannot write %s: %s", what, strerror(errno));
	return 0;
}

static void sync_dir(const char *path)
{
	char dir[PATH_MAX];
	int fd;

	split_path(path, dir);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* Rename unless to exists: 0, or -1 with errno (EEXIST if it does). */
static int rename_noreplace(const char *from, const char *to)
{
	/* By number: musl has no renameat2(), Linux before 3.15 no call. */
	if (syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to,
		    RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	/* A file system without RENAME_NOREPLACE: link() is as atomic. */
	if (link(from, to) == 0)
		return unlink(from) < 0 && errno != ENOENT ? -1 : 0;
	if (errno == EEXIST)
		return -1;
	if (access(to, F_OK) == 0) { /* neither: the best left */
		errno = EEXIST;
		return -1;
	}
	return rename(from, to);
}

static int copy_bytes(int in, int out)
{
	uint8_t chunk[65536];
	ssize_t n;

	while ((n = read(in, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || write_all(out, chunk, (size_t)n) < 0)
			return -1;
	}
	return 0;
}

/*
 * from copied to to as atomically as OUTPUT is written: an interrupted copy
 * leaves a temporary file for the next build to remove, never a short to.
 */
static int copy_atomically(const char *from, const char *to)
{
	char temp[PATH_MAX];
	struct stat st;
	int in, out, ret = 0;

	in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return error_set("%s", strerror(errno));
	out = make_temp(to, to, temp);
	if (out < 0) {
		close(in);
		return -1;
	}
	if (copy_bytes(in, out) < 0 || fstat(in, &st) < 0)
		ret = error_set("%s", strerror(errno));
	if (!ret)
		ret = copy_attributes(in, out, to);
	if (!ret &&
	    (futimens(out, (struct timespec[]){ st.st_atim, st.st_mtim }) < 0 ||
	     fsync(out) < 0))
		ret = error_set("%s", strerror(errno));
	if (close(out) < 0 && !ret)
		ret = error_set("%s", strerror(errno));
	close(in);
	if (!ret && rename_noreplace(temp, to) < 0)
		ret = error_set("%s", strerror(errno));
	if (ret)
		unlink(temp);
	return ret;
}

/* OUTPUT.orig: a hard link costs nothing; a copy where links are not had. */
static int keep_original(struct output *o)
{
	if (link(o->path, o->orig) < 0) {
		if (errno == EEXIST)
			return error_set(
				"%s appeared while building; move it aside, then build again",
				o->orig);
		if (copy_atomically(o->path, o->orig) < 0)
			return error_prefix("cannot keep the original as %s",
					    o->orig);
	}
	o->made_orig = true;
	sync_dir(o->orig);
	return 0;
}

static int new_mode(const struct output *o, int fd)
{
	if (!o->new_mode)
		return umask_mode(fd, o->name);
	if (fchmod(fd, o->new_mode) < 0)
		return error_set("cannot write %s: %s", o->name,
				 strerror(errno));
	return 0;
}

static int set_attributes(const struct output *o, int fd)
{
	int old, ret;

	if (!o->exists)
		return new_mode(o, fd);
	old = open(o->path, O_RDONLY | O_CLOEXEC);
	if (old < 0 && errno == ENOENT)
		return new_mode(o, fd); /* removed meanwhile */
	if (old < 0)
		return error_set("cannot read the mode of %s: %s", o->name,
				 strerror(errno));
	ret = copy_attributes(old, fd, o->name);
	close(old);
	return ret;
}

static int put_in_place(const struct output *o, const char *temp)
{
	if (o->exists || o->force) {
		if (rename(temp, o->path) == 0)
			return 0;
	} else if (rename_noreplace(temp, o->path) == 0) {
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
	char temp[PATH_MAX], dir[PATH_MAX];
	int fd, ret = 0;

	/* Not before: a build that writes nothing (setup --dry-run) leaves
	 * the directory as it is. */
	split_path(o->path, dir);
	remove_stale_temps(dir);
	fd = make_temp(o->path, o->name, temp);
	if (fd < 0)
		return -1;
	if (write_all(fd, data->data, data->len) < 0)
		ret = error_set("cannot write %s: %s", o->name,
				strerror(errno));
	if (!ret)
		ret = set_attributes(o, fd);
	if (!ret && fsync(fd) < 0)
		ret = error_set("cannot write %s: %s", o->name,
				strerror(errno));
	if (close(fd) < 0 && !ret)
		ret = error_set("cannot write %s: %s", o->name,
				strerror(errno));
	if (!ret && o->orig_state == ORIG_MAKE)
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
	sync_dir(o->path);
	return 0;
}

/* Room for what is written beside it, a little for the metadata. */
#define ROOM_SLACK 65536

int output_check_room(const struct output *o, size_t len)
{
	char dir[PATH_MAX];
	struct statvfs fs;
	unsigned long long room;

	split_path(o->path, dir);
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

int output_replace(const char *path, const struct buf *data, unsigned mode)
{
	struct output o = { .name = path, .force = true, .new_mode = mode };
	struct stat st;

	if (strlen(path) >= sizeof(o.path))
		return error_set("%s: the path is too long", path);
	strcpy(o.path, path);
	o.exists = stat(path, &st) == 0;
	return output_commit(&o, data);
}

int output_undo(struct output *o, const struct buf *previous)
{
	struct output again = *o;

	if (o->made_orig) {
		if (rename(o->orig, o->path) < 0)
			return error_set("cannot put %s back as %s: %s",
					 o->orig, o->name, strerror(errno));
		o->made_orig = false;
		sync_dir(o->path);
		return 0;
	}
	if (!o->exists) {
		if (unlink(o->path) < 0 && errno != ENOENT)
			return error_set("cannot remove %s: %s", o->name,
					 strerror(errno));
		sync_dir(o->path);
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
	const char *base = split_path(o->path, dir);
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
	if (!*split_path(o->path, dir))
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
