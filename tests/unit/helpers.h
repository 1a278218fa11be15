/* SPDX-License-Identifier: MIT */
/* Shared by the cmocka unit tests. */
#ifndef TEST_HELPERS_H
#define TEST_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The repository's root: tests run from there (make check). */
#define KERNEL_CACHE "cache/kernels/amd64"

static inline char *temp_dir(void)
{
	char *dir = strdup("/tmp/mv-test.XXXXXX");

	assert_non_null(dir);
	assert_non_null(mkdtemp(dir));
	return dir;
}

static inline void remove_tree(const char *dir)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static inline void write_bytes(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static inline uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data;
	long size;

	*len = 0;
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fseek(f, 0, SEEK_SET);
	data = malloc((size_t)size + 1);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	*len = (size_t)size;
	return data;
}

static inline int run(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* The cached amd64 kernel's release ("6.1.0-27-amd64"): never hard-coded. */
static inline char *kernel_release(void)
{
	char kver[128] = "";
	FILE *f = fopen(KERNEL_CACHE "/kver", "r");

	assert_non_null(f);
	assert_non_null(fgets(kver, sizeof(kver), f));
	fclose(f);
	kver[strcspn(kver, "\n")] = '\0';
	return strdup(kver);
}

/* The unpacked kernel's module tree: "nodep" as packaged, "dep" after depmod.
 */
static inline char *kernel_modules(const char *variant)
{
	char path[512], *kver = kernel_release();

	snprintf(path, sizeof(path), KERNEL_CACHE "/%s/lib/modules/%s", variant,
		 kver);
	free(kver);
	return strdup(path);
}

/* Where a build puts a module of the cached kernel, in the minirt. */
static inline char *shipped(const char *file)
{
	char path[512], *kver = kernel_release();

	snprintf(path, sizeof(path), "lib/modules/minirt-virtio/%s/%s", kver,
		 file);
	free(kver);
	return strdup(path);
}

#endif
