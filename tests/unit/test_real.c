// SPDX-License-Identifier: MIT
/*
 * Real initramfs images nobody here wrote (made by tests/boot/fixtures.sh
 * before the unit tests run): Debian's d-i netboot initrd and an image of
 * Debian's mkinitramfs with an early cpio in front.
 */
#include "helpers.h"
#include "archive.h"
#include "build.h"

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
	archive_free(&ar);
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
	archive_free(&ar);
}

/* Users look with lsinitramfs and cpio: they must see everything. */
static void tools_see_the_result(void **state)
{
	char *dir = temp_dir(), *mods = kernel_modules("dep"), out[512];
	struct build_opts o = { .input = MKI,
				.output = out,
				.modules_dir = mods,
				.patch_init = true };
	struct archive in, result;

	(void)state;
	snprintf(out, sizeof(out), "%s/mki.img", dir);
	assert_int_equal(build_run(&o), 0);
	fflush(stdout);
	assert_int_equal(archive_read(&in, MKI), 0);
	assert_int_equal(archive_read(&result, out), 0);
	/* The early cpio stays byte for byte in front. */
	assert_int_equal(result.seg[1].offset, in.seg[1].offset);
	assert_memory_equal(result.bytes, in.bytes, in.seg[1].offset);
	/* 17 modules, load-order, build-info, init, our directory (lib ->
	 * usr/lib, and usr/lib/modules is there: not added again) */
	assert_int_equal(result.seg[1].entries.n, in.seg[1].entries.n + 21);
	archive_free(&in);
	archive_free(&result);
	assert_int_equal(run("lsinitramfs %s | grep -qx init.orig", out), 0);
	assert_int_equal(run("lsinitramfs %s | grep -qx "
			     "usr/lib/modules/6.1.0-56-amd64/kernel/fs/ext4/"
			     "ext4.ko",
			     out),
			 0);
	assert_int_equal(run("lsinitramfs %s | grep -qx "
			     "lib/modules/minirt-virtio/virtio_blk.ko",
			     out),
			 0);
	assert_int_equal(run("lsinitramfs %s | grep -qx "
			     "kernel/x86/microcode/AuthenticAMD.bin",
			     out),
			 0);
	remove_tree(dir);
	free(dir);
	free(mods);
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
