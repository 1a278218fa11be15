/* SPDX-License-Identifier: MIT */
/*
 * minirt-virtio boot-entry: the menu entries that boot KNOPPIX from the
 * running host's own GRUB, worked out from where its files are.
 */
#ifndef MV_BOOTENTRY_H
#define MV_BOOTENTRY_H

#include "menu.h"
#include "initramfs/archive.h"
#include "medium/kernel.h"

#include <stdbool.h>

struct bootentry_opts {
	const char *dir; /* where minirt.gz, linux64/linux, KNOPPIX are */
	bool grub_legacy; /* menu.lst, not grub.cfg */
	char *const *boot_options; /* appended to the kernel line */
	size_t nboot_options;
	struct partition_env env; /* the mount table, /dev, /sys/block */
};

/* The entries for o, appended to out; 0, or -1 with the error set. */
int bootentry_write(const struct bootentry_opts *o, struct buf *out);

/* The partition that holds path, refused unless GRUB can name the path. */
int bootentry_locate(const struct partition_env *env, const char *path,
		     struct partition *p);

/* Whether a build of ours has modules for that kernel release. */
bool bootentry_serves(const struct archive *ar, const char *release);

/* A kernel read elsewhere, as an entry names it (k->path left as it is). */
void bootentry_take_kernel(struct menu_kernel *k, const char *name,
			   const struct kernel *kernel);
/* linux64 before linux where the headers say which is 64-bit. */
void bootentry_order_kernels(struct menu *m);

#endif
