/* SPDX-License-Identifier: MIT */
/*
 * One kernel's drivers and everything they need, in load order, from one
 * module tree: a /lib/modules/<release> with its index (libkmod's order, as
 * modprobe would load them), a flat directory of .ko files (each module's
 * own modinfo), or a tree inside a KNOPPIX image (medium/modtree.h).
 */
#ifndef MV_RESOLVE_H
#define MV_RESOLVE_H

#include "modset.h"
#include "medium/kernel.h"
#include "medium/modtree.h"

/*
 * The modules req asks for, and their dependencies, out of tree. The
 * release is the modules' (vermagic); fallback names it when every one is
 * built in.
 */
int modules_resolve(struct modtree *tree, const struct modreq *req, size_t nreq,
		    const char *fallback_release, struct modset *set);

/* Refuse modules that cannot load into kernel k. */
int kernel_check(const struct kernel *k, const struct modset *set);

#endif
