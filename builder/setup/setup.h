/* SPDX-License-Identifier: MIT */
/*
 * minirt-virtio setup: from the KNOPPIX medium on the host (its ISO file,
 * or its files flat in a directory) to one boot of KNOPPIX by the host's
 * own GRUB: the minirt built, the filesystem's driver added, the entries
 * written the way the host keeps its GRUB configuration, the next boot
 * only; and --remove, which takes all of that away again.
 */
#ifndef MV_SETUP_H
#define MV_SETUP_H

#include <stdbool.h>
#include <stddef.h>

struct setup_opts {
	const char *medium; /* may be NULL with --remove */
	bool remove, dry_run;
	bool writable; /* no forensic on the kernel line */
	bool permanent; /* --default: every boot, not the next one only */
	char *const *options; /* after --, for the kernel line */
	size_t noptions;
	const char *host_root; /* "" or, in tests, where GRUB's files are */
	const char *mount_table; /* NULL: /proc/self/mountinfo */
};

#endif
