/* SPDX-License-Identifier: MIT */
/*
 * The kernels a minirt must serve and one module set for each: from the
 * medium (its kernels, modules out of its KNOPPIX images), or from -k
 * kernels and -m sources (directories, cloop images, ISOs). Without any
 * kernel named, every tree the sources hold makes a set.
 */
#ifndef MV_SERVED_H
#define MV_SERVED_H

#include "input.h"
#include "options.h"
#include "medium/kernel.h"
#include "medium/medium.h"
#include "modules/resolve.h"

struct served {
	struct kernel *kernels; /* -k, or the medium's (not owned) */
	size_t nkernels;
	bool own_kernels;
	struct modimage *images; /* -m images */
	size_t nimages;
	struct medium *media; /* -m ISOs of KNOPPIX media */
	size_t nmedia;
	struct modtree *trees;
	size_t ntrees;
	struct modset *sets; /* in the kernels' order */
	size_t nsets;
	double ms; /* to find and read them all */
	const struct build_opts *opts;
	const struct input *in; /* the minirt: what its /modules holds */
};

/*
 * The sets for req, and for o's filesystem drivers where the minirt's
 * /modules lacks them, from in's medium and o's -m and -k.
 */
int served_resolve(struct served *served, const struct build_opts *o,
		   struct input *in, const struct modreq *req, size_t nreq);
void served_free(struct served *served);

/* The set of modules for that release, or NULL. */
const struct modset *served_modules(const struct served *served,
				    const char *release);

/* The kernel of that release, or NULL (no kernel named). */
const struct kernel *served_kernel(const struct served *served,
				   const char *release);

#endif
