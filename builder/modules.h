/* SPDX-License-Identifier: MIT */
/*
 * The drivers to ship and everything they need, from the target kernel's
 * modules: a /lib/modules/<kver> tree (with modules.dep, libkmod's index
 * gives the dependencies; without, each module's modinfo does) or a flat
 * directory of .ko files. Compressed modules come out decompressed.
 */
#ifndef MV_MODULES_H
#define MV_MODULES_H

#include "buf.h"

#include <stdbool.h>

struct module {
	char *name; /* '-' spelled '_', as the kernel does */
	char *source; /* the file it came from */
	struct buf image; /* the plain .ko */
	char *vermagic;
	uint16_t machine;
	bool optional; /* only a soft dependency: may fail to load */
};

struct modreq {
	const char *name;
	bool required; /* missing and not built in: an error */
};

struct modset {
	struct module *v; /* in load order: dependencies first */
	size_t n;
	char **builtin; /* requested or needed, but built in */
	size_t nbuiltin;
	bool used_index; /* dependencies came from modules.dep */
	char **skipped_soft; /* "dep (of module)": soft deps not found */
	size_t nskipped_soft;
};

int modules_resolve(const char *dir, const struct modreq *req, size_t nreq,
		    struct modset *set);
void modset_free(struct modset *set);

/* "virtio-blk" -> "virtio_blk", also dropping a .ko[.xz|.zst|.gz] suffix */
char *module_name_from(const char *file);

#endif
