// SPDX-License-Identifier: MIT
#include "sysdir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct dirent64_raw {
	uint64_t ino;
	int64_t off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

static int is_dot(const char *name)
{
	return name[0] == '.' &&
	       (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'));
}

int dir_each(int dirfd, dir_fn fn, void *ctx)
{
	char buf[2048] __attribute__((aligned(8)));
	long n;

	while ((n = syscall(SYS_getdents64, dirfd, buf, sizeof(buf))) > 0) {
		for (long pos = 0; pos < n;) {
			struct dirent64_raw *d = (void *)(buf + pos);
			int ret;

			if (d->reclen == 0 || d->reclen > n - pos)
				return -EIO;
			pos += d->reclen;
			if (is_dot(d->name))
				continue;
			ret = fn(dirfd, d->name, d->type, ctx);
			if (ret)
				return ret;
		}
	}
	return n < 0 ? -errno : 0;
}

long read_small(int dirfd, const char *path, char *buf, size_t size)
{
	size_t len = 0;
	long n = 0;
	int fd;

	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (len + 1 < size && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += (size_t)n;
	if (n < 0)
		n = -errno;
	close(fd);
	buf[len] = '\0';
	return n < 0 ? n : (long)len;
}
