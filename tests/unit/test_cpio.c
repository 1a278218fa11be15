// SPDX-License-Identifier: MIT
/* The newc reader and writer, and the segment walker above them. */
#include "helpers.h"
#include "error.h"
#include "initramfs/archive.h"
#include "initramfs/cpio.h"

static struct cpio_list sample_list(void)
{
	struct cpio_list l = { 0 };
	struct cpio_entry *e;

	assert_non_null(cpio_add(&l, "bin", S_IFDIR | 0755, NULL, 0));
	assert_non_null(cpio_add(&l, "bin/sh", S_IFREG | 0755, "#!x\n", 4));
	e = cpio_add(&l, "bin/link", S_IFLNK | 0777, "sh", 2);
	assert_non_null(e);
	e = cpio_add(&l, "dev/sda1", S_IFBLK | 0660, NULL, 0);
	e->rdevmajor = 8;
	e->rdevminor = 1;
	/* Hard links, data with the last one, as GNU cpio writes them. */
	e = cpio_add(&l, "a", S_IFREG | 0644, NULL, 0);
	e->ino = 42, e->nlink = 2, e->uid = 1000, e->gid = 100;
	e = cpio_add(&l, "b", S_IFREG | 0644, "shared", 6);
	e->ino = 42, e->nlink = 2, e->mtime = 1234567890;
	return l;
}

static void round_trip(void **state)
{
	struct cpio_list l = sample_list(), back = { 0 };
	struct buf one = { 0 }, two = { 0 };
	size_t used;

	(void)state;
	assert_int_equal(cpio_write(&l, &one), 0);
	assert_int_equal(one.len % 512, 0);
	assert_int_equal(cpio_parse(one.data, one.len, false, &back, &used), 0);
	assert_int_equal(back.n, l.n);
	assert_int_equal(back.archives, 1);
	for (size_t i = 0; i < l.n; i++) {
		assert_string_equal(back.v[i].name, l.v[i].name);
		assert_int_equal(back.v[i].mode, l.v[i].mode);
		assert_int_equal(back.v[i].ino, l.v[i].ino);
		assert_int_equal(back.v[i].nlink, l.v[i].nlink);
		assert_int_equal(back.v[i].uid, l.v[i].uid);
		assert_int_equal(back.v[i].mtime, l.v[i].mtime);
		assert_int_equal(back.v[i].rdevminor, l.v[i].rdevminor);
		assert_int_equal(back.v[i].size, l.v[i].size);
		assert_memory_equal(back.v[i].data, l.v[i].data, l.v[i].size);
	}
	/* Entries as read are written back byte for byte. */
	assert_int_equal(cpio_write(&back, &two), 0);
	assert_int_equal(two.len, one.len);
	assert_memory_equal(two.data, one.data, one.len);
	cpio_free(&l);
	cpio_free(&back);
	buf_free(&one);
	buf_free(&two);
}

/* GNU cpio's own output: lowercase or not, padded its way. */
static void gnu_cpio_archive(void **state)
{
	char *dir = temp_dir();
	struct archive ar;
	struct buf again = { 0 };
	uint8_t *bytes;
	size_t len;

	(void)state;
	assert_int_equal(run("cd %s && mkdir -p t/sub && echo hi >t/sub/f && "
			     "ln t/sub/f t/hard && ln -s sub/f t/sym && "
			     "chown -h 12:34 t/sym t/sub/f && "
			     "chmod 4751 t/sub/f && "
			     "touch -d @1234567890 t/sub/f && "
			     "cd t && find . | sort | cpio -o -H newc "
			     "--quiet >../a.cpio && cd .. && "
			     "cat a.cpio a.cpio | gzip -9 >two.gz",
			     dir),
			 0);
	assert_int_equal(run("cd %s && cat two.gz two.gz >four.gz", dir), 0);
	char path[512];

	snprintf(path, sizeof(path), "%s/a.cpio", dir);
	bytes = slurp(path, &len);
	assert_int_equal(archive_read(&ar, path), 0);
	assert_int_equal(ar.nseg, 1);
	assert_int_equal(ar.seg[0].entries.n, 5);
	assert_int_not_equal(cpio_find(&ar.seg[0].entries, "sub/f"), -1);
	assert_int_equal(cpio_write(&ar.seg[0].entries, &again), 0);
	assert_int_equal(again.len, len);
	assert_memory_equal(again.data, bytes, len);
	/* Written by our writer, not passed through: GNU cpio unpacks the
	 * same tree: names, modes, owners, links, data, and the files' times
	 * (it sets no times on directories and links). */
	for (size_t i = 0; i < ar.seg[0].entries.n; i++)
		ar.seg[0].entries.v[i].raw = NULL;
	again.len = 0;
	assert_int_equal(cpio_write(&ar.seg[0].entries, &again), 0);
	snprintf(path, sizeof(path), "%s/ours.cpio", dir);
	write_bytes(path, again.data, again.len);
	assert_int_equal(run("cd %s && mkdir u && cd u && cpio -idm --quiet "
			     "<../ours.cpio && cd .. && diff -r t u && "
			     "for d in t u; do (cd $d && find . -printf "
			     "'%%p %%m %%U %%G %%n %%l %%s\\n' | sort && "
			     "find . -type f -printf '%%p %%Ts\\n' | sort) "
			     ">$d.list; done && cmp t.list u.list",
			     dir),
			 0);
	archive_release(&ar);
	buf_free(&again);
	free(bytes);

	/* Two archives in one gzip member, that member twice. */
	snprintf(path, sizeof(path), "%s/four.gz", dir);
	assert_int_equal(archive_read(&ar, path), 0);
	assert_int_equal(ar.nseg, 2);
	assert_int_equal(ar.seg[1].entries.archives, 2);
	assert_int_equal(ar.seg[1].entries.n, 10);
	archive_release(&ar);
	remove_tree(dir);
	free(dir);
}

static void early_cpio_then_compressed(void **state)
{
	struct cpio_list early = { 0 }, main_list = { 0 };
	struct buf file = { 0 }, plain = { 0 };
	struct archive ar;

	(void)state;
	cpio_add(&early, "kernel/x86/microcode/GenuineIntel.bin",
		 S_IFREG | 0644, "ucode", 5);
	cpio_add(&main_list, "init", S_IFREG | 0755, "#!/bin/sh\n", 10);
	cpio_write(&early, &file);
	buf_add_zeros(&file, 512);
	cpio_write(&main_list, &plain);
	comp_compress(COMP_ZSTD, plain.data, plain.len, &file);
	buf_add_zeros(&file, 7);
	assert_int_equal(archive_parse(&ar, file.data, file.len), 0);
	assert_int_equal(ar.nseg, 2);
	assert_int_equal(ar.seg[0].comp, COMP_NONE);
	assert_int_equal(ar.seg[1].comp, COMP_ZSTD);
	assert_int_equal(ar.seg[1].padding, 7);
	assert_string_equal(ar.seg[1].entries.v[0].name, "init");
	archive_release(&ar);
	cpio_free(&early);
	cpio_free(&main_list);
	buf_free(&plain);
}

static void expect_bad(const void *data, size_t len, const char *message)
{
	uint8_t *copy = malloc(len + 1);
	struct archive ar;

	memcpy(copy, data, len);
	error_clear();
	assert_int_equal(archive_parse(&ar, copy, len), -1);
	if (!strstr(error_text(), message))
		fail_msg("\"%s\" lacks \"%s\"", error_text(), message);
	archive_release(&ar);
}

static struct buf one_entry(const char *name, const char *data)
{
	struct cpio_list l = { 0 };
	struct buf b = { 0 };

	cpio_add(&l, name, S_IFREG | 0644, data, (uint32_t)strlen(data));
	cpio_write(&l, &b);
	cpio_free(&l);
	return b;
}

static void bad_archives(void **state)
{
	struct buf b = one_entry("init", "#!/bin/sh\n"), z = { 0 };

	(void)state;
	expect_bad("", 0, "empty file");
	expect_bad("hello world, not an archive", 27, "not an initramfs");
	/* namesize (bytes 94..101) zero, then huge */
	memcpy(b.data + 94, "00000000", 8);
	expect_bad(b.data, b.len, "name size 0");
	memcpy(b.data + 94, "7FFFFFFF", 8);
	expect_bad(b.data, b.len, "out of range");
	memcpy(b.data + 94, "00000005", 8); /* "init\0" */
	/* filesize (54..61) past the end, then 4 GiB */
	memcpy(b.data + 54, "00010000", 8);
	expect_bad(b.data, b.len, "past the end");
	memcpy(b.data + 54, "FFFFFFFF", 8);
	expect_bad(b.data, b.len, "past the end");
	memcpy(b.data + 54, "0000000A", 8);
	/* name without its NUL */
	memcpy(b.data + 94, "00000004", 8);
	expect_bad(b.data, b.len, "not NUL-terminated");
	memcpy(b.data + 94, "00000005", 8);
	memcpy(b.data, "070707", 6);
	expect_bad(b.data, b.len, "odc");
	memcpy(b.data, "\xc7\x71", 2);
	expect_bad(b.data, b.len, "binary cpio");
	memcpy(b.data, "070701", 6);
	memcpy(b.data + 6, "0000000G", 8);
	expect_bad(b.data, b.len, "bad hex digit");
	buf_free(&b);

	b = one_entry("../etc/passwd", "x");
	expect_bad(b.data, b.len, "leaves the root");
	buf_free(&b);
	b = one_entry("/init", "x");
	expect_bad(b.data, b.len, "absolute name");
	buf_free(&b);

	/* Garbage after a good archive; a truncated gzip member. */
	b = one_entry("init", "x");
	buf_add_str(&b, "GARBAGE!");
	expect_bad(b.data, b.len, "trailing garbage at offset 512");
	comp_compress(COMP_GZIP, b.data, 512, &z);
	expect_bad(z.data, z.len - 10, "gzip data is truncated");
	buf_free(&b);
	buf_free(&z);
}

static void filesystem_images(void **state)
{
	char *dir = temp_dir(), path[512];
	struct archive ar;

	(void)state;
	assert_int_equal(run("cd %s && truncate -s 2M ext2.img && "
			     "mkfs.ext2 -q -F ext2.img >/dev/null && "
			     "gzip -c ext2.img >ext2.img.gz",
			     dir),
			 0);
	snprintf(path, sizeof(path), "%s/ext2.img", dir);
	assert_int_equal(archive_read(&ar, path), -1);
	assert_non_null(strstr(error_text(), "ext2 filesystem image"));
	archive_release(&ar);
	snprintf(path, sizeof(path), "%s/ext2.img.gz", dir);
	assert_int_equal(archive_read(&ar, path), -1);
	assert_non_null(strstr(error_text(), "compressed ext2 filesystem"));
	archive_release(&ar);
	remove_tree(dir);
	free(dir);
}

static void paths(void **state)
{
	struct cpio_entry e = { .name = "./lib/modules" };

	(void)state;
	assert_string_equal(cpio_path(&e), "lib/modules");
	e.name = ".";
	assert_string_equal(cpio_path(&e), ".");
	e.name = "init";
	assert_string_equal(cpio_path(&e), "init");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(gnu_cpio_archive),
		cmocka_unit_test(early_cpio_then_compressed),
		cmocka_unit_test(bad_archives),
		cmocka_unit_test(filesystem_images),
		cmocka_unit_test(paths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
