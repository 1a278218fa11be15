/* SPDX-License-Identifier: MIT */
/*
 * minirt-virtio boot-entry: the menu entries that boot KNOPPIX from the
 * running host's own GRUB, worked out from where its files are.
 */
#ifndef MV_BOOTENTRY_H
#define MV_BOOTENTRY_H

#include "buf.h"

#include <stdbool.h>

/* Added unless the boot options name a console= of their own. */
#define BOOTENTRY_CONSOLE "console=tty0 console=ttyS0,115200n8"

struct bootentry_opts {
	const char *dir; /* where minirt.gz, linux64/linux, KNOPPIX are */
	bool grub_legacy; /* menu.lst, not grub.cfg */
	char *const *boot_options; /* appended to the kernel line */
	size_t nboot_options;
	const char *mount_table; /* mountinfo or /proc/mounts text */
	size_t mount_table_len;
	const char *mount_table_name; /* for messages */
	const char *dev_dir; /* "/dev": resolves /dev/disk/by-... links */
	const char *sys_block; /* "/sys/block": names /dev/root */
};

/* The entries for o, appended to out; 0, or -1 with the error set. */
int bootentry_write(const struct bootentry_opts *o, struct buf *out);

/* 0 if word can go on a kernel line in grub.cfg and menu.lst as it is. */
int bootentry_check_option(const char *word);

/* argv[0] is "boot-entry"; usage() prints a problem and the usage. */
int bootentry_command(int argc, char **argv, int (*usage)(const char *));

#endif
