/* SPDX-License-Identifier: MIT */
/*
 * A KNOPPIX medium as the user has it: the ISO file, a directory with the
 * ISO's tree (boot/isolinux/, KNOPPIX/), or the seed's flat copy
 * (/boot/KNOPPIX/{linux,linux64,minirt.gz,KNOPPIX}). From it: the minirt,
 * every kernel beside it, and the cloop images that hold their modules.
 * An ISO file is read with libiso9660, without mounting it.
 */
#ifndef MV_MEDIUM_H
#define MV_MEDIUM_H

#include "kernel.h"
#include "modtree.h"

struct medium {
	char *path; /* as the user gave it */
	bool is_iso;
	char *minirt_label; /* "PATH/boot/isolinux/minirt.gz" */
	char *minirt_path; /* the file on disk; NULL inside an ISO */
	uint8_t *minirt; /* its bytes (inside an ISO) */
	size_t minirt_len;
	struct kernel *kernels;
	size_t nkernels;
	struct modimage *images; /* KNOPPIX, KNOPPIX1, ... */
	size_t nimages;
};

int medium_open(struct medium *m, const char *path);
/* Only the KNOPPIX images of an ISO or a tree, for -m (maybe none). */
int medium_open_images(struct medium *m, const char *path);
void medium_close(struct medium *m);

/* Is path an ISO9660 image (a volume descriptor at 32 KiB)? */
bool medium_is_iso(const char *path);

#endif
