/* SPDX-License-Identifier: MIT */
#ifndef MV_BUILD_H
#define MV_BUILD_H

#include <stdbool.h>
#include <stddef.h>

enum layout {
	LAYOUT_MERGE, /* one archive in the input's compression */
	LAYOUT_APPEND, /* the input's bytes, then one gzip'd segment */
};

struct build_opts {
	const char *input, *output;
	const char *modules_dir; /* -m */
	const char *kernel; /* -k: bzImage to match vermagic */
	const char **drivers; /* --driver, beyond modules.list */
	size_t ndrivers;
	enum layout layout;
	bool patch_init, force;
};

/* Everything `minirt-virtio build` does; 0, or -1 with the error set. */
int build_run(const struct build_opts *opts);

#endif
