// SPDX-License-Identifier: MIT
/*
 * The kernel's unpacking rules (init/initramfs.c), checked on what a build
 * writes: the root the kernel would unpack from it (builder/initramfs/rootfs.c)
 * must hold the pre-init at /init, the original init at /init.orig and
 * everything else as the input had it.
 */
#include "helpers.h"
#include "embed.h"
#include "error.h"
#include "build/options.h"

#include <errno.h>

static char *dir, *modules;
static uint8_t *busybox;
static size_t busybox_len;

static const char script[] =
	"#!/bin/sh\n"
	"findknoppix $(listpartitions 'sd[a-z]' 'sd[a-z][0-9]*')\n";

static const char *at(const char *name)
{
	return path_at(dir, name);
}

static struct cpio_entry *put(struct cpio_list *l, const char *name,
			      uint32_t mode, const void *data, size_t size,
			      uint32_t ino, uint32_t nlink)
{
	struct cpio_entry *e = cpio_add(l, name, mode, data, (uint32_t)size);

	assert_non_null(e);
	e->ino = ino;
	e->nlink = nlink;
	return e;
}

static int build(const char *in, const char *out, enum layout layout)
{
	return build_with(modules, in, out, layout, true);
}

/* What the kernel leaves at path in file is exactly data. */
static void holds(const char *file, const char *path, const void *data,
		  size_t len)
{
	uint32_t mode = 0;
	size_t got = 0;
	uint8_t *content = unpacked(file, path, &got, &mode);

	if (!content)
		fail_msg("%s: no %s", file, path);
	assert_int_equal(got, len);
	assert_memory_equal(content, data, len);
	free(content);
}

/* The pre-init at /init, and a module where it loads them from. */
static void holds_preinit(const char *file)
{
	uint32_t mode = 0;
	size_t len = 0;
	char *blk = shipped("virtio_blk.ko");
	uint8_t *module;

	holds(file, "init", preinit_x86_64,
	      (size_t)(preinit_x86_64_end - preinit_x86_64));
	module = unpacked(file, blk, &len, &mode);
	assert_non_null(module);
	assert_true(len > 1000);
	free(module);
	free(blk);
}

static int setup(void **state)
{
	(void)state;
	dir = temp_dir();
	/* The index's tree: how modules are found is not this test's. */
	modules = kernel_modules("dep");
	busybox = slurp("/bin/busybox", &busybox_len);
	assert_non_null(busybox);
	setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	remove_tree(dir);
	free(dir);
	free(modules);
	free(busybox);
	return 0;
}

/*
 * /init a hard link to busybox. The kernel opens an existing /init with
 * O_TRUNC: a new /init written over it would land in busybox too; and the
 * data may come with the other name (GNU cpio puts it on the last link).
 */
static void hard_linked_init(void **state)
{
	(void)state;
	for (int data_last = 0; data_last < 2; data_last++) {
		struct cpio_list l = { 0 };
		const char *in = at("hardlink.gz"), *out = at("out.gz");

		put(&l, "bin", S_IFDIR | 0755, NULL, 0, 1, 2);
		put(&l, data_last ? "init" : "bin/busybox", S_IFREG | 0755,
		    busybox, data_last ? 0 : busybox_len, 2, 2);
		put(&l, data_last ? "bin/busybox" : "init", S_IFREG | 0755,
		    busybox, data_last ? busybox_len : 0, 2, 2);
		put(&l, "bin/sh", S_IFLNK | 0777, "busybox", 7, 3, 1);
		write_archives(in, &l, 1);
		cpio_free(&l);
		for (int layout = 0; layout < 2; layout++) {
			assert_int_equal(build(in, out, (enum layout)layout),
					 0);
			holds_preinit(out);
			holds(out, "bin/busybox", busybox, busybox_len);
			holds(out, "init.orig", busybox, busybox_len);
		}
	}
}

/* A hard-linked init script: patched as the kernel would have it. */
static void hard_linked_init_script_patched(void **state)
{
	struct cpio_list l = { 0 };
	const char *in = at("script.gz"), *out = at("out.gz");
	uint32_t mode = 0;
	size_t len = 0;
	uint8_t *orig;

	(void)state;
	put(&l, "bin", S_IFDIR | 0755, NULL, 0, 1, 2);
	put(&l, "bin/busybox", S_IFREG | 0755, busybox, busybox_len, 2, 1);
	put(&l, "sbin", S_IFDIR | 0755, NULL, 0, 3, 2);
	put(&l, "init", S_IFREG | 0755, NULL, 0, 4, 2);
	put(&l, "sbin/knoppix-init", S_IFREG | 0755, script, sizeof(script) - 1,
	    4, 2);
	write_archives(in, &l, 1);
	cpio_free(&l);
	for (int layout = 0; layout < 2; layout++) {
		assert_int_equal(build(in, out, (enum layout)layout), 0);
		holds_preinit(out);
		orig = unpacked(out, "init.orig", &len, &mode);
		assert_non_null(orig);
		assert_non_null(memmem(orig, len, "'vd[a-z]'", 9));
		free(orig);
	}
}

/*
 * One gzip member, two cpio archives that use the same inode numbers: the
 * kernel forgets hard links at each TRAILER!!!, so merged into one archive
 * they must be numbered apart.
 */
static void archives_keep_their_links_apart(void **state)
{
	struct cpio_list l[2] = { 0 };
	const char *in = at("two.gz"), *out = at("out.gz");

	(void)state;
	put(&l[0], "bin", S_IFDIR | 0755, NULL, 0, 1, 2);
	put(&l[0], "bin/busybox", S_IFREG | 0755, busybox, busybox_len, 2, 1);
	put(&l[0], "init", S_IFREG | 0755, script, sizeof(script) - 1, 3, 1);
	put(&l[0], "a", S_IFREG | 0644, NULL, 0, 9, 2);
	put(&l[0], "b", S_IFREG | 0644, "first", 5, 9, 2);
	put(&l[1], "c", S_IFREG | 0644, NULL, 0, 9, 2);
	put(&l[1], "d", S_IFREG | 0644, "second", 6, 9, 2);
	write_archives(in, l, 2);
	cpio_free(&l[0]);
	cpio_free(&l[1]);
	holds(in, "a", "first", 5);
	holds(in, "c", "second", 6);
	assert_int_equal(build(in, out, LAYOUT_MERGE), 0);
	holds_preinit(out);
	holds(out, "a", "first", 5);
	holds(out, "b", "first", 5);
	holds(out, "c", "second", 6);
	holds(out, "d", "second", 6);
}

/* A later archive's /init replaces the first: valid for the kernel. */
static void later_archive_replaces_init(void **state)
{
	static const char later[] = "#!/bin/sh\necho the later init\n";
	struct cpio_list l[2] = { 0 };
	const char *in = at("later.gz"), *out = at("out.gz");

	(void)state;
	put(&l[0], "bin", S_IFDIR | 0755, NULL, 0, 1, 2);
	put(&l[0], "bin/busybox", S_IFREG | 0755, busybox, busybox_len, 2, 1);
	put(&l[0], "init", S_IFREG | 0755, script, sizeof(script) - 1, 3, 1);
	put(&l[1], "init", S_IFREG | 0755, later, sizeof(later) - 1, 1, 1);
	write_archives(in, l, 2);
	cpio_free(&l[0]);
	cpio_free(&l[1]);
	for (int layout = 0; layout < 2; layout++) {
		assert_int_equal(build(in, out, (enum layout)layout), 0);
		holds_preinit(out);
		holds(out, "init.orig", later, sizeof(later) - 1);
		/* and built again: the same */
		assert_int_equal(
			build(out, at("again.gz"), (enum layout)layout), 0);
		assert_true(same_file(out, at("again.gz")));
	}
}

/*
 * A build, into which the user put files under lib/ and repacked it:
 * built again, lib/ must still come before them.
 */
static void rebuild_keeps_files_added_under_lib(void **state)
{
	const char *in = at("k6.gz"), *built = at("built.gz");
	const char *changed = at("changed.gz"), *out = at("out.gz");
	struct archive ar;
	struct cpio_list l = { 0 };

	(void)state;
	make_minirt(in, "tests/fixtures/knoppix6-init", "/bin/busybox");
	assert_int_equal(build(in, built, LAYOUT_MERGE), 0);
	assert_int_equal(archive_read(&ar, built), 0);
	for (size_t i = 0; i < ar.seg[0].entries.n; i++) {
		const struct cpio_entry *e = &ar.seg[0].entries.v[i];

		put(&l, e->name, e->mode, e->data, e->size, e->ino, e->nlink);
		if (!strcmp(e->name, "lib")) {
			put(&l, "lib/firmware", S_IFDIR | 0755, NULL, 0, 0, 2);
			put(&l, "lib/firmware/added.bin", S_IFREG | 0644,
			    "mine", 4, 0, 1);
		}
	}
	archive_release(&ar);
	write_archives(changed, &l, 1);
	cpio_free(&l);
	holds(changed, "lib/firmware/added.bin", "mine", 4);
	assert_int_equal(build(changed, out, LAYOUT_MERGE), 0);
	holds_preinit(out);
	holds(out, "lib/firmware/added.bin", "mine", 4);
}

/*
 * append adds a gzip member right after the input's last one, with no
 * zero bytes between: gzip -t passes, gzip -dc unpacks both archives.
 */
static void append_needs_no_padding(void **state)
{
	const char *in = at("k6.gz"), *out = at("out.gz");
	const char *plain_file = at("plain");
	struct cpio_list l = { 0 };
	size_t len, used;
	uint8_t *plain;

	(void)state;
	make_minirt(in, "tests/fixtures/knoppix6-init", "/bin/busybox");
	for (int zeros = 0; zeros < 4; zeros++) {
		assert_int_equal(run("head -c 1 /dev/zero >>%s", in), 0);
		assert_int_equal(build(in, out, LAYOUT_APPEND), 0);
		holds_preinit(out);
		assert_int_equal(run("gzip -t %s", out), 0);
		assert_int_equal(run("gzip -dc %s >%s", out, plain_file), 0);
		plain = slurp(plain_file, &len);
		assert_int_equal(cpio_parse(plain, len, false, &l, &used), 0);
		assert_int_equal(l.archives, 2);
		assert_true(cpio_find(&l, "init.orig") >= 0);
		cpio_free(&l);
		free(plain);
		/* The input's bytes, up to its last member's end, as they were
		 */
		assert_int_equal(run("cmp -s -n $(($(stat -c %%s %s) - %d)) "
				     "%s %s",
				     in, zeros + 1, in, out),
				 0);
	}
}

/* Many small members of zeros must not add up to unbounded memory. */
static void unpacked_size_bounded_in_all(void **state)
{
	static uint8_t zeros[400 << 10];
	struct cpio_list l = { 0 };
	struct buf plain = { 0 }, packed = { 0 };
	struct archive ar;
	size_t saved = archive_plain_max;

	(void)state;
	put(&l, "zeros", S_IFREG | 0644, zeros, sizeof(zeros), 1, 1);
	assert_int_equal(cpio_write(&l, &plain), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(comp_compress(COMP_GZIP, plain.data, plain.len,
					       &packed),
				 0);
	archive_plain_max = 1 << 20;
	assert_int_equal(archive_parse(&ar, packed.data, packed.len), -1);
	archive_plain_max = saved;
	assert_non_null(strstr(error_text(), "more than 1 MiB in all"));
	archive_release(&ar);
	cpio_free(&l);
	buf_free(&plain);
}

/*
 * builder/initramfs/rootfs.c's lookups: links followed as the kernel does,
 * and bounded.
 */
static void rootfs_lookups(void **state)
{
	static char deep[20000];
	struct segment seg = { 0 };
	const struct rootfs_node *n;
	struct rootfs fs;
	char name[16], target[16];

	(void)state;
	put(&seg.entries, "usr", S_IFDIR | 0755, NULL, 0, 1, 2);
	put(&seg.entries, "usr/lib", S_IFDIR | 0755, NULL, 0, 2, 2);
	put(&seg.entries, "lib", S_IFLNK | 0777, "usr/lib", 7, 3, 1);
	put(&seg.entries, "lib/x", S_IFREG | 0644, "x", 1, 4, 1);
	put(&seg.entries, "gone/y", S_IFREG | 0644, "y", 1, 5, 1);
	put(&seg.entries, "self", S_IFLNK | 0777, "self", 4, 6, 1);
	put(&seg.entries, "up", S_IFLNK | 0777, "usr/../usr/lib/x", 16, 7, 1);
	put(&seg.entries, "dot", S_IFLNK | 0777, ".", 1, 8, 1);
	for (int i = 0; i < 41; i++) { /* l0 -> l1 -> ... -> l40 -> lib/x */
		snprintf(name, sizeof(name), "l%d", i);
		snprintf(target, sizeof(target), i < 40 ? "l%d" : "lib/x",
			 i + 1);
		put(&seg.entries, name, S_IFLNK | 0777, target, strlen(target),
		    (uint32_t)(10 + i), 1);
	}
	assert_int_equal(rootfs_unpack(&fs, &seg, 1), 0);
	assert_int_equal(rootfs_lookup(&fs, "usr/lib/x", false, NULL, &n), 0);
	assert_memory_equal(n->data, "x", 1);
	assert_int_equal(rootfs_lookup(&fs, "gone/y", false, NULL, &n), ENOENT);
	assert_int_equal(rootfs_lookup(&fs, "up", true, NULL, &n), 0);
	assert_memory_equal(n->data, "x", 1);
	assert_int_equal(rootfs_lookup(&fs, "up", true, "usr/lib/x", &n),
			 EDEADLK);
	assert_int_equal(rootfs_lookup(&fs, "self", true, NULL, &n), ELOOP);
	assert_int_equal(rootfs_lookup(&fs, "self", false, NULL, &n), 0);
	/* 40 links at most, lib's one included, as the kernel's MAXSYMLINKS */
	assert_int_equal(rootfs_lookup(&fs, "l2", true, NULL, &n), 0);
	assert_int_equal(rootfs_lookup(&fs, "l1", true, NULL, &n), ELOOP);
	assert_int_equal(rootfs_lookup(&fs, "lib/x/z", false, NULL, &n),
			 ENOTDIR);
	/* dot/dot/dot/...: bounded work, not a hang */
	for (size_t i = 0; i + 4 < sizeof(deep); i += 4)
		memcpy(deep + i, "dot/", 4);
	assert_int_equal(rootfs_lookup(&fs, deep, true, NULL, &n), ELOOP);
	rootfs_free(&fs);
	cpio_free(&seg.entries);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hard_linked_init),
		cmocka_unit_test(hard_linked_init_script_patched),
		cmocka_unit_test(archives_keep_their_links_apart),
		cmocka_unit_test(later_archive_replaces_init),
		cmocka_unit_test(rebuild_keeps_files_added_under_lib),
		cmocka_unit_test(append_needs_no_padding),
		cmocka_unit_test(unpacked_size_bounded_in_all),
		cmocka_unit_test(rootfs_lookups),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
