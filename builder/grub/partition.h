/* SPDX-License-Identifier: MIT */
/*
 * The disk partition a path is on, from the mount table: what GRUB needs
 * (the path inside that filesystem, the disk and partition numbers) and
 * what KNOPPIX's init needs (a plain partition it scans and mounts, not
 * LVM, RAID, device-mapper, tmpfs or a network share).
 */
#ifndef MV_PARTITION_H
#define MV_PARTITION_H

#include "buf.h"
#include "mounts.h"

#include <limits.h>

#define DEV_NAME_MAX 64

struct partition {
	char real[PATH_MAX]; /* the path, symbolic links resolved */
	char inner[MOUNT_PATH_MAX]; /* the path inside its filesystem */
	struct mount_info mount;
	char dev[DEV_NAME_MAX]; /* "vda1" */
	unsigned disk, part; /* 0-based disk, 1-based partition (0: none) */
};

/* Where to look: the mount table's text, /dev and /sys/block. */
struct partition_env {
	const char *table; /* mountinfo or /proc/mounts text */
	size_t table_len;
	const char *table_name; /* for messages */
	const char *dev_dir; /* "/dev": resolves /dev/disk/by-... links */
	const char *sys_block; /* "/sys/block": names /dev/root */
};

/*
 * The partition that holds path (which must exist), named as the user
 * gave it in messages; 0, or -1 with the error set.
 */
int partition_locate(const struct partition_env *env, const char *path,
		     struct partition *p);

/*
 * The mount table: file, or /proc/self/mountinfo (/proc/mounts before
 * Linux 2.6.26); *name says which was read.
 */
int mount_table_read(const char *file, struct buf *text, const char **name);

#endif
