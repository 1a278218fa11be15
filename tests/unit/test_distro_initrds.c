// SPDX-License-Identifier: MIT
/*
 * Real initramfs images nobody here wrote (made by tests/boot/fixtures.sh
 * before the unit tests run): Debian's d-i netboot initrd and an image of
 * Debian's mkinitramfs with an early cpio in front.
 */
#include "helpers.h"
#include "build/options.h"
#include "initramfs/archive.h"

#define DI "build/fixtures/di-initrd.gz"
#define MKI "build/fixtures/mkinitramfs.img"

/* Bytes of one archive up to its trailer, as read and as rewritten. */
static void check_round_trip(const char *path, size_t want_segments)
{
	struct archive ar;

	assert_int_equal(archive_read(&ar, path), 0);
	assert_int_equal(ar.nseg, want_segments);
	for (size_t s = 0; s < ar.nseg; s++) {
		const struct segment *seg = &ar.seg[s];
		const uint8_t *orig = seg->comp == COMP_NONE ?
					      ar.bytes + seg->offset :
					      seg->plain.data;
		size_t orig_len = seg->comp == COMP_NONE ? seg->length :
							   seg->plain.len;
		struct buf again = { 0 };
		struct cpio_list back = { 0 };
		size_t used, body = 0;

		assert_true(seg->entries.n > 0);
		assert_int_equal(cpio_write(&seg->entries, &again), 0);
		for (size_t i = 0; i < seg->entries.n; i++)
			body += seg->entries.v[i].raw_len;
		assert_true(body <= orig_len && body <= again.len);
		assert_memory_equal(again.data, orig, body);
		assert_int_equal(cpio_parse(again.data, again.len, false, &back,
					    &used),
				 0);
		assert_int_equal(back.n, seg->entries.n);
		cpio_free(&back);
		buf_free(&again);
	}
	archive_release(&ar);
}

static void debian_installer(void **state)
{
	(void)state;
	check_round_trip(DI, 1);
}

static void mkinitramfs_with_early_cpio(void **state)
{
	struct archive ar;

	(void)state;
	check_round_trip(MKI, 2);
	assert_int_equal(archive_read(&ar, MKI), 0);
	assert_int_equal(ar.seg[0].comp, COMP_NONE);
	assert_int_equal(ar.seg[1].comp, COMP_GZIP);
	archive_release(&ar);
}

/* Users look with lsinitramfs and cpio: they must see everything. */
static void tools_see_the_result(void **state)
{
	char *dir = temp_dir(), *mods = kernel_modules("dep"), out[512];
	char *kver = kernel_release(), *blk = shipped("virtio_blk.ko");
	const char *srcs[] = { mods };
	struct build_opts o = { .input = MKI,
				.output = out,
				.module_srcs = srcs,
				.nmodule_srcs = 1,
				.patch_init = true };
	struct archive in, result;
	const struct cpio_entry *info;
	size_t added = 0;

	(void)state;
	snprintf(out, sizeof(out), "%s/mki.img", dir);
	assert_int_equal(build_run(&o), 0);
	fflush(stdout);
	assert_int_equal(archive_read(&in, MKI), 0);
	assert_int_equal(archive_read(&result, out), 0);
	/* The early cpio stays byte for byte in front. */
	assert_int_equal(result.seg[1].offset, in.seg[1].offset);
	assert_memory_equal(result.bytes, in.bytes, in.seg[1].offset);
	/* Every entry it added is listed in build-info, and nothing else. */
	info = &result.seg[1].entries.v[cpio_find(
		&result.seg[1].entries, "lib/modules/minirt-virtio/build-info")];
	for (const uint8_t *p = info->data;
	     (p = memmem(p, info->size - (size_t)(p - info->data), "added ",
			 6));
	     p += 6)
		added++;
	assert_true(added > 10);
	assert_int_equal(result.seg[1].entries.n, in.seg[1].entries.n + added);
	archive_release(&in);
	archive_release(&result);
	/* One listing (lsinitramfs unpacks the whole image), four names. */
	assert_int_equal(run("lsinitramfs %s >%s/list", out, dir), 0);
	assert_int_equal(run("grep -qx init.orig %s/list", dir), 0);
	assert_int_equal(
		run("grep -qx usr/lib/modules/%s/kernel/fs/ext4/ext4.ko "
		    "%s/list",
		    kver, dir),
		0);
	assert_int_equal(run("grep -qx %s %s/list", blk, dir), 0);
	assert_int_equal(run("grep -qx kernel/x86/microcode/AuthenticAMD.bin "
			     "%s/list",
			     dir),
			 0);
	remove_tree(dir);
	free(dir);
	free(mods);
	free(kver);
	free(blk);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(debian_installer),
		cmocka_unit_test(mkinitramfs_with_early_cpio),
		cmocka_unit_test(tools_see_the_result),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
