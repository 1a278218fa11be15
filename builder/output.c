// SPDX-License-Identifier: MIT
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

static int copy_file(const char *from, const char *to)
{
	uint8_t chunk[65536];
	int in, out, ret = -1;
	ssize_t n;

	in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -1;
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (out >= 0) {
		while ((n = read(in, chunk, sizeof(chunk))) > 0)
			if (write_all(out, chunk, (size_t)n) < 0)
				break;
		ret = n == 0 && fsync(out) == 0 ? 0 : -1;
		if (close(out) < 0 || ret < 0) {
			ret = -1;
			unlink(to);
		}
	}
	close(in);
	return ret;
}

/* INPUT.orig: a hard link costs nothing; copy where links are not had. */
static int keep_original(const char *input, bool *kept)
{
	char orig[PATH_MAX];

	*kept = false;
	if ((size_t)snprintf(orig, sizeof(orig), "%s.orig", input) >=
	    sizeof(orig))
		return error_set("%s: path too long", input);
	if (access(orig, F_OK) == 0)
		return 0;
	if (link(input, orig) < 0 && copy_file(input, orig) < 0)
		return error_set("cannot keep the original as %s: %s", orig,
				 strerror(errno));
	*kept = true;
	return 0;
}

static int temp_in_dir(const char *path, char *temp, size_t size)
{
	char copy[PATH_MAX], copy2[PATH_MAX];
	int fd;

	if (strlen(path) >= sizeof(copy))
		return error_set("%s: path too long", path);
	strcpy(copy, path);
	strcpy(copy2, path);
	if ((size_t)snprintf(temp, size, "%s/.%s.XXXXXX", dirname(copy),
			     basename(copy2)) >= size)
		return error_set("%s: path too long", path);
	fd = mkstemp(temp);
	if (fd < 0)
		return error_set("cannot write in the directory of %s: %s",
				 path, strerror(errno));
	return fd;
}

static void sync_dir(const char *path)
{
	char copy[PATH_MAX];
	int fd;

	snprintf(copy, sizeof(copy), "%s", path);
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

int output_write(const char *path, const char *input, const struct buf *data,
		 bool force, bool *kept_orig)
{
	struct stat out_st, in_st;
	bool exists, same = false;
	char temp[PATH_MAX];
	int fd;

	*kept_orig = false;
	exists = stat(path, &out_st) == 0;
	if (exists && input && stat(input, &in_st) == 0)
		same = in_st.st_dev == out_st.st_dev &&
		       in_st.st_ino == out_st.st_ino;
	if (exists && !same && !force)
		return error_set("%s exists; add --force to overwrite it",
				 path);
	if (exists && !S_ISREG(out_st.st_mode))
		return error_set("%s exists and is not a regular file", path);
	fd = temp_in_dir(path, temp, sizeof(temp));
	if (fd < 0)
		return -1;
	if (write_all(fd, data->data, data->len) < 0 || fchmod(fd, 0644) < 0 ||
	    fsync(fd) < 0) {
		error_set("cannot write %s: %s", temp, strerror(errno));
		close(fd);
		unlink(temp);
		return -1;
	}
	if (close(fd) < 0) {
		error_set("cannot write %s: %s", temp, strerror(errno));
		unlink(temp);
		return -1;
	}
	if (same && keep_original(input, kept_orig) < 0) {
		unlink(temp);
		return -1;
	}
	if (rename(temp, path) < 0) {
		error_set("cannot rename %s to %s: %s", temp, path,
			  strerror(errno));
		unlink(temp);
		return -1;
	}
	sync_dir(path);
	return 0;
}
