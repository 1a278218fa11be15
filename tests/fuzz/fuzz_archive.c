// SPDX-License-Identifier: MIT
/*
 * libFuzzer: the segment walker, every decompressor, the cpio parser, and
 * what the kernel would unpack from it (builder/initramfs/rootfs.c).
 */
#include "initramfs/archive.h"
#include "initramfs/rootfs.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	uint8_t *copy = malloc(len + 1);
	struct archive ar;

	if (!copy)
		return 0;
	memcpy(copy, data, len);
	archive_plain_max = 64u << 20; /* bombs: bounded, not endless */
	if (archive_parse(&ar, copy, len) == 0) {
		struct buf out = { 0 };
		const struct rootfs_node *n;
		struct rootfs fs;

		for (size_t s = 0; s < ar.nseg; s++)
			cpio_write(&ar.seg[s].entries, &out);
		buf_free(&out);
		if (rootfs_unpack(&fs, ar.seg, ar.nseg) == 0) {
			rootfs_lookup(&fs, "init", true, NULL, &n);
			rootfs_lookup(&fs, "lib/modules", true, "init", &n);
		}
		rootfs_free(&fs);
	}
	archive_release(&ar);
	return 0;
}
