/* SPDX-License-Identifier: MIT */
/*
 * The mount that holds a path, from the text of /proc/self/mountinfo or,
 * on kernels before 2.6.26, /proc/mounts.
 */
#ifndef MV_MOUNTS_H
#define MV_MOUNTS_H

#include <stdbool.h>
#include <stddef.h>

#define MOUNT_PATH_MAX 4096
/* Most bytes of mount table read: a big container host has ~1 MiB. */
#define MOUNT_TABLE_MAX ((size_t)16 << 20)

struct mount_info {
	char source[MOUNT_PATH_MAX]; /* "/dev/vda1", "tmpfs", ... */
	char point[MOUNT_PATH_MAX]; /* where it is mounted */
	/* What of the filesystem shows there: "/" but for bind mounts and
	 * btrfs subvolumes (mountinfo only). */
	char root[MOUNT_PATH_MAX];
	char fstype[64];
	bool has_dev; /* major and minor known (mountinfo) */
	unsigned major, minor;
};

/*
 * The mount whose mount point holds path (absolute, symbolic links
 * resolved): the longest such mount point, the last mounted of equals.
 * 0, or -1 with the error set (naming the line for a bad one).
 */
int mount_find(const char *table, size_t len, const char *path,
	       struct mount_info *found);

/* Where path is inside found's filesystem: "/boot/KNOPPIX". */
int mount_inner_path(const struct mount_info *found, const char *path,
		     char *out, size_t size);

#endif
