// SPDX-License-Identifier: MIT
#include "modfile.h"
#include "compress.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const suffixes[] = { ".ko", ".ko.xz", ".ko.zst", ".ko.gz" };

static size_t suffix_len(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(*suffixes); i++) {
		size_t slen = strlen(suffixes[i]);

		if (len > slen && !strcmp(name + len - slen, suffixes[i]))
			return slen;
	}
	return 0;
}

char *module_name_from(const char *file)
{
	const char *base = strrchr(file, '/');
	size_t len;
	char *name;

	base = base ? base + 1 : file;
	len = strlen(base);
	name = strndup(base, len - suffix_len(base, len));
	if (!name) {
		error_set("out of memory");
		return NULL;
	}
	for (char *p = name; *p; p++)
		if (*p == '-')
			*p = '_';
	return name;
}

bool is_module_file(const char *path)
{
	return suffix_len(path, strlen(path)) != 0;
}

int module_unpack(const char *name, struct buf *stored, struct buf *image)
{
	enum comp comp = comp_detect(stored->data, stored->len);
	size_t consumed;
	int ret;

	if (comp == COMP_NONE) {
		*image = *stored;
		memset(stored, 0, sizeof(*stored));
		return 0;
	}
	ret = comp_decompress(comp, stored->data, stored->len, &consumed, image,
			      MODULE_MAX);
	buf_free(stored);
	return ret < 0 ? error_prefix("%s", name) : 0;
}

static int read_bounded(const char *path, struct buf *out)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = 0;

	if (fd < 0)
		return error_set("%s: cannot open: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > MODULE_MAX) {
		close(fd);
		return error_set(
			"%s: not a regular file of at most %zu MiB, so not a module",
			path, MODULE_MAX >> 20);
	}
	if (buf_reserve(out, (size_t)st.st_size + 1) < 0) {
		close(fd);
		return -1;
	}
	while (out->len <= MODULE_MAX &&
	       (n = read(fd, out->data + out->len, out->cap - out->len)) > 0)
		out->len += (size_t)n;
	close(fd);
	if (n < 0)
		return error_set("%s: cannot read: %s", path, strerror(errno));
	if (out->len > MODULE_MAX)
		return error_set("%s: grew past %zu MiB while read", path,
				 MODULE_MAX >> 20);
	return 0;
}

int module_read(const char *path, struct buf *image)
{
	struct buf stored = { 0 };

	if (read_bounded(path, &stored) < 0) {
		buf_free(&stored);
		return -1;
	}
	return module_unpack(path, &stored, image);
}
