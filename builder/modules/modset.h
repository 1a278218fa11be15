/* SPDX-License-Identifier: MIT */
/*
 * One kernel's set of modules, in load order, and the name lists beside
 * it: what both ways to the closure (closure.c, kmodorder.c) fill in and
 * what the rest of the builder reads.
 */
#ifndef MV_MODSET_H
#define MV_MODSET_H

#include "buf.h"
#include "modinfo.h"

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

/* Append a module (image taken over); its modinfo read from the image. */
struct module *modset_push(struct modset *set, const char *name,
			   const char *source, struct buf *image);
void modset_free(struct modset *set);

int name_list_push(char ***list, size_t *n, const char *name);
bool name_list_has(char *const *list, size_t n, const char *name);
/* Frees the names and the list; *list NULL and *n 0 again. */
void name_list_free(char ***list, size_t *n);

#endif
