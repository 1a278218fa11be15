// SPDX-License-Identifier: MIT
#include "file.h"
#include "error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FILE_MAX ((size_t)1 << 31)

int read_text_max(const char *path, size_t max, struct buf *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return error_set("%s: %s", path, strerror(errno));
	for (;;) {
		ssize_t n;

		if (buf_reserve(out, 65536) < 0)
			break;
		n = read(fd, out->data + out->len, 65536);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			return n ? error_set("%s: %s", path, strerror(errno)) :
				   0;
		}
		out->len += (size_t)n;
		if (out->len > max) {
			error_set("%s: more than %zu bytes", path, max);
			break;
		}
	}
	close(fd);
	return -1;
}

int read_file_max(const char *path, size_t max, uint8_t **bytes, size_t *len)
{
	struct stat st;
	uint8_t *data;
	size_t got = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return error_set("cannot open: %s", strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > max) {
		close(fd);
		return max % ((size_t)1 << 30) ?
			       error_set(
				       "not a regular file of at most %zu MiB",
				       max >> 20) :
			       error_set(
				       "not a regular file of at most %zu GiB",
				       max >> 30);
	}
	data = malloc((size_t)st.st_size + 1);
	if (!data) {
		close(fd);
		return error_set("out of memory");
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, data + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(data);
			close(fd);
			return error_set("cannot read: %s",
					 n ? strerror(errno) : "file shrank");
		}
		got += (size_t)n;
	}
	close(fd);
	*bytes = data;
	*len = got;
	return 0;
}

int read_file(const char *path, uint8_t **bytes, size_t *len)
{
	return read_file_max(path, FILE_MAX, bytes, len);
}

/* "a/b" -> "a" and "b"; "b" -> "." and "b". */
const char *path_split(const char *path, char *dir)
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
