/* SPDX-License-Identifier: MIT */
/*
 * A build's plan: the entries it adds (our directories, each kernel's
 * modules and load order, init.orig, build-info, the pre-init as /init),
 * numbered and dated, and the init's patched text. The writer (pack.h)
 * puts them after the input's entries.
 */
#ifndef MV_ADDITIONS_H
#define MV_ADDITIONS_H

#include "input.h"
#include "served.h"
#include "initramfs/initpatch.h"

struct additions {
	struct cpio_list added; /* in the order they are written */
	struct buf patched; /* the init's text, if its scans were patched */
	struct initpatch patch; /* what the patch did, for the report */
	uint32_t mtime, next_ino;
};

/*
 * Plan everything for in (whose init entry is renamed to init.orig when it
 * stays in place), served's modules, original (what .orig holds: build-info
 * records it).
 */
int additions_plan(struct additions *a, struct input *in,
		   const struct served *served, const struct file_id *original,
		   const struct build_opts *o);
void additions_free(struct additions *a);

#endif
