/* SPDX-License-Identifier: MIT */
/*
 * One kernel's drivers and everything they need, in load order, from one
 * module tree: a /lib/modules/<release> with its index (libkmod's order, as
 * modprobe would load them), a flat directory of .ko files (each module's
 * own modinfo), or a tree inside a KNOPPIX image (modtree.h).
 */
#ifndef MV_MODULES_H
#define MV_MODULES_H

#include "buf.h"
#include "modinfo.h"
#include "modtree.h"

#include <stdbool.h>

struct module {
	char *name; /* '-' spelled '_', as the kernel does */
	char *source; /* the file it came from, for messages */
	struct buf image; /* the plain .ko */
	struct modinfo info; /* read from image */
	bool optional; /* only a soft dependency: may fail to load */
};

struct modreq {
	const char *name;
	bool required; /* missing and not built in: an error */
};

struct modset {
	char *release; /* the kernel release its modules are for */
	char *from; /* the tree, for the report */
	struct module *v; /* in load order: dependencies first */
	size_t n;
	char **builtin; /* requested or needed, but built in */
	size_t nbuiltin;
	bool used_index; /* the order came from modules.dep */
	bool knows_builtin; /* the tree has modules.builtin (Linux 2.6.33+) */
	bool serial_builtin; /* the 8250 driver, for console=ttyS0 (serial.h) */
	char **skipped_soft; /* "dep (of module)": soft deps not found */
	size_t nskipped_soft;
	char **missing; /* asked for, optional, neither module nor built in */
	size_t nmissing;
	char **in_minirt; /* asked for, but the minirt's /modules has them */
	size_t nin_minirt;
};

/*
 * The modules req asks for, and their dependencies, out of tree. The
 * release is the modules' (vermagic); fallback names it when every one is
 * built in.
 */
int modules_resolve(struct modtree *tree, const struct modreq *req, size_t nreq,
		    const char *fallback_release, struct modset *set);
void modset_free(struct modset *set);

/* Helpers for the two ways to the closure (kmodplan.c, closure.c). */
struct module *modset_push(struct modset *set, const char *name,
			   const char *source, struct buf *image);
int name_list_push(char ***list, size_t *n, const char *name);
bool name_list_has(char *const *list, size_t n, const char *name);

/* From the tree's index, as modprobe orders them (no module bytes read). */
struct modplan_item {
	char *name, *path; /* path as libkmod gives it */
	bool optional;
};
int kmod_plan(const char *dir, const char *label, const struct modreq *req,
	      size_t nreq, struct modplan_item **items, size_t *n,
	      struct modset *set);

/* From the modules' own modinfo; loads each module it visits into set. */
int closure_resolve(const char *dir, const struct modreq *req, size_t nreq,
		    struct modset *set);

#endif
