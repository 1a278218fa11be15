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

#include "build/options.h"
#include "initramfs/archive.h"
#include "initramfs/rootfs.h"

/* The repository's root: tests run from there (make check). */
#define KERNEL_CACHE "cache/kernels/amd64"
#define KERNEL_CACHE_686 "cache/kernels/686"

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

/* A cached kernel's release ("6.1.0-27-amd64"), cache one of
 * cache/kernels/: never hard-coded. */
static inline char *kernel_release_in(const char *cache)
{
	char kver[128] = "", path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/kver", cache);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(kver, sizeof(kver), f));
	fclose(f);
	kver[strcspn(kver, "\n")] = '\0';
	return strdup(kver);
}

static inline char *kernel_release(void)
{
	return kernel_release_in(KERNEL_CACHE);
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

static inline char *path_in(const char *dir, const char *name)
{
	char *path = malloc(strlen(dir) + strlen(name) + 2);

	assert_non_null(path);
	sprintf(path, "%s/%s", dir, name);
	return path;
}

/* dir/name in one of 32 buffers used in turn: for a test's few names. */
static inline const char *path_at(const char *dir, const char *name)
{
	static char paths[32][512];
	static unsigned next;
	char *p = paths[next++ % 32];

	snprintf(p, sizeof(paths[0]), "%s/%s", dir, name);
	return p;
}

/* A build as `minirt-virtio build` runs one, from modules. */
static inline int build_with(const char *modules, const char *in,
			     const char *out, enum layout layout, bool force)
{
	const char *srcs[] = { modules };
	struct build_opts o = { .input = in,
				.output = out,
				.layout = layout,
				.module_srcs = srcs,
				.nmodule_srcs = 1,
				.patch_init = true,
				.force = force };
	int ret = build_run(&o);

	fflush(stdout);
	return ret;
}

static inline bool same_file(const char *a, const char *b)
{
	size_t la, lb;
	uint8_t *da = slurp(a, &la), *db = slurp(b, &lb);
	bool same = da && db && la == lb && !memcmp(da, db, la);

	free(da);
	free(db);
	return same;
}

/* Archives one after another in one gzip member, as written to path. */
static inline void write_archives(const char *path, struct cpio_list *l,
				  size_t n)
{
	struct buf plain = { 0 }, packed = { 0 };

	for (size_t i = 0; i < n; i++)
		assert_int_equal(cpio_write(&l[i], &plain), 0);
	assert_int_equal(
		comp_compress(COMP_GZIP, plain.data, plain.len, &packed), 0);
	write_bytes(path, packed.data, packed.len);
	buf_free(&plain);
	buf_free(&packed);
}

/* A small KNOPPIX-like minirt: busybox, the stand-in init, a /dev node. */
static inline void make_minirt(const char *path, const char *init_file,
			       const char *busybox)
{
	struct cpio_list l = { 0 };
	struct buf plain = { 0 }, packed = { 0 };
	uint8_t *init, *bb;
	size_t init_len, bb_len;
	struct cpio_entry *e;

	init = slurp(init_file, &init_len);
	bb = slurp(busybox, &bb_len);
	assert_non_null(init);
	assert_non_null(bb);
	cpio_add(&l, "bin", S_IFDIR | 0755, NULL, 0);
	cpio_add(&l, "bin/busybox", S_IFREG | 0755, bb, (uint32_t)bb_len);
	cpio_add(&l, "bin/sh", S_IFLNK | 0777, "busybox", 7);
	cpio_add(&l, "dev", S_IFDIR | 0755, NULL, 0);
	e = cpio_add(&l, "dev/sda", S_IFBLK | 0660, NULL, 0);
	e->rdevmajor = 8;
	e = cpio_add(&l, "init", S_IFREG | 0755, init, (uint32_t)init_len);
	e->mtime = 1300000000;
	for (size_t i = 0; i < l.n; i++)
		l.v[i].ino = (uint32_t)i + 1;
	cpio_write(&l, &plain);
	comp_compress(COMP_GZIP, plain.data, plain.len, &packed);
	write_bytes(path, packed.data, packed.len);
	cpio_free(&l);
	buf_free(&plain);
	buf_free(&packed);
	free(init);
	free(bb);
}

/*
 * What the kernel leaves at path when it unpacks file: a copy of the
 * content (or link target) and *mode, or NULL if nothing is there.
 */
static inline uint8_t *unpacked(const char *file, const char *path, size_t *len,
				uint32_t *mode)
{
	const struct rootfs_node *n;
	struct archive ar;
	struct rootfs fs;
	uint8_t *copy = NULL;

	assert_int_equal(archive_read(&ar, file), 0);
	assert_int_equal(rootfs_unpack(&fs, ar.seg, ar.nseg), 0);
	if (rootfs_lookup(&fs, path, false, NULL, &n) == 0) {
		copy = malloc(n->size + 1);
		assert_non_null(copy);
		memcpy(copy, n->data, n->size);
		*len = n->size;
		*mode = n->mode;
	}
	rootfs_free(&fs);
	archive_release(&ar);
	return copy;
}

#endif
