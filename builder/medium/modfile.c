// SPDX-License-Identifier: MIT
#include "modfile.h"
#include "error.h"
#include "file.h"
#include "initramfs/compress.h"

#include <stdlib.h>
#include <string.h>

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

int module_read(const char *path, struct buf *image)
{
	struct buf stored = { 0 };

	if (read_file_max(path, MODULE_MAX, &stored.data, &stored.len) < 0)
		return error_prefix("%s", path);
	stored.cap = stored.len + 1;
	return module_unpack(path, &stored, image);
}
