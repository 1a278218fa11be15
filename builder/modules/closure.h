/* SPDX-License-Identifier: MIT */
/* The closure from the modules' own modinfo, for a tree with no index. */
#ifndef MV_CLOSURE_H
#define MV_CLOSURE_H

#include "modset.h"

/* Loads each module it visits into set. */
int closure_resolve(const char *dir, const struct modreq *req, size_t nreq,
		    struct modset *set);

#endif
