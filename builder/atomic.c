// SPDX-License-Identifier: MIT
#include "atomic.h"
#include "error.h"
#include "file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
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
	const char *base = path_split(target, dir);

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

void atomic_sync_dir(const char *path)
{
	char dir[PATH_MAX];
	int fd;

	path_split(path, dir);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

int atomic_rename_noreplace(const char *from, const char *to)
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

int atomic_copy(const char *from, const char *to)
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
	if (!ret && atomic_rename_noreplace(temp, to) < 0)
		ret = error_set("%s", strerror(errno));
	if (ret)
		unlink(temp);
	return ret;
}

/* The mode a new file gets: mode, or what the umask leaves. */
static int new_mode(int fd, const char *what, unsigned mode)
{
	if (!mode)
		return umask_mode(fd, what);
	if (fchmod(fd, mode) < 0)
		return error_set("cannot write %s: %s", what, strerror(errno));
	return 0;
}

/* The attributes of the file at path, or a new file's if it has none. */
static int set_attributes(const char *path, const char *what, bool exists,
			  unsigned mode, int fd)
{
	int old, ret;

	if (!exists)
		return new_mode(fd, what, mode);
	old = open(path, O_RDONLY | O_CLOEXEC);
	if (old < 0 && errno == ENOENT)
		return new_mode(fd, what, mode); /* removed meanwhile */
	if (old < 0)
		return error_set("cannot read the mode of %s: %s", what,
				 strerror(errno));
	ret = copy_attributes(old, fd, what);
	close(old);
	return ret;
}

int atomic_stage(const char *path, const char *what, const struct buf *data,
		 bool exists, unsigned mode, char *temp)
{
	char dir[PATH_MAX];
	int fd, ret = 0;

	path_split(path, dir);
	remove_stale_temps(dir);
	fd = make_temp(path, what, temp);
	if (fd < 0)
		return -1;
	if (write_all(fd, data->data, data->len) < 0)
		ret = error_set("cannot write %s: %s", what, strerror(errno));
	if (!ret)
		ret = set_attributes(path, what, exists, mode, fd);
	if (!ret && fsync(fd) < 0)
		ret = error_set("cannot write %s: %s", what, strerror(errno));
	if (close(fd) < 0 && !ret)
		ret = error_set("cannot write %s: %s", what, strerror(errno));
	if (ret)
		unlink(temp);
	return ret;
}

int atomic_replace(const char *path, const struct buf *data, unsigned mode)
{
	char temp[PATH_MAX];
	struct stat st;

	if (strlen(path) >= PATH_MAX)
		return error_set("%s: the path is too long", path);
	if (atomic_stage(path, path, data, stat(path, &st) == 0, mode, temp) <
	    0)
		return -1;
	if (rename(temp, path) < 0) {
		unlink(temp);
		return error_set("cannot write %s: %s", path, strerror(errno));
	}
	atomic_sync_dir(path);
	return 0;
}
