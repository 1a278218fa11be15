/* SPDX-License-Identifier: MIT */
#ifndef MV_BUILD_OPTIONS_H
#define MV_BUILD_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

enum layout {
	LAYOUT_MERGE, /* one archive in the input's compression */
	LAYOUT_APPEND, /* the input's bytes, then one gzip'd segment */
};

struct build_opts {
	const char *input, *output;
	const char *medium; /* --medium: ISO, its tree, or a flat copy */
	const char **module_srcs; /* -m: directories, cloop images, ISOs */
	size_t nmodule_srcs;
	const char **kernels; /* -k: bzImages to serve */
	size_t nkernels;
	const char **drivers; /* --driver, beyond modules.list */
	size_t ndrivers;
	/* setup's: each kernel gets these unless the minirt's /modules has
	 * them for it already (or it has them built in) */
	const char **fs_drivers;
	size_t nfs_drivers;
	enum layout layout;
	bool patch_init, force;
	bool undoable; /* keep what --force replaces, for build_undo() */
};

/* Everything `minirt-virtio build` does; 0, or -1 with the error set. */
int build_run(const struct build_opts *opts);

#endif
