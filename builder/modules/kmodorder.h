/* SPDX-License-Identifier: MIT */
/* The load order from a tree's index, as modprobe works it out. */
#ifndef MV_KMODORDER_H
#define MV_KMODORDER_H

#include "modset.h"

/* One module to load; no module bytes read yet. */
struct kmod_item {
	char *name, *path; /* path as libkmod gives it */
	bool optional;
};

/*
 * The modules req asks for, and what they need, into items in load order;
 * into set the names only built in, and the optional ones found nowhere.
 */
int kmod_load_order(const char *dir, const char *label,
		    const struct modreq *req, size_t nreq,
		    struct kmod_item **items, size_t *n, struct modset *set);

#endif
