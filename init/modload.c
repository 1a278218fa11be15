// SPDX-License-Identifier: MIT
#include "modload.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int load_with_init_module(int fd, const char *params)
{
	struct stat st;
	void *image;
	long ret;
	int err;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (st.st_size <= 0)
		return -ENOEXEC;
	image = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (image == MAP_FAILED)
		return -errno;
	ret = syscall(SYS_init_module, image, (unsigned long)st.st_size,
		      params);
	err = ret < 0 ? errno : 0;
	munmap(image, (size_t)st.st_size);
	return -err;
}

int module_load(int dirfd, const char *file, const char *params,
		bool *use_init_module)
{
	int fd, err = ENOSYS;

	fd = openat(dirfd, file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (!*use_init_module)
		err = syscall(SYS_finit_module, fd, params, 0) == 0 ? 0 : errno;
	if (err == ENOSYS) {
		*use_init_module = true;
		err = -load_with_init_module(fd, params);
	}
	close(fd);
	return err == EEXIST ? 0 : -err;
}
