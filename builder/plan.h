/* SPDX-License-Identifier: MIT */
/* One build's stages and what each made, for the report at the end. */
#ifndef MV_PLAN_H
#define MV_PLAN_H

#include "additions.h"
#include "build.h"
#include "input.h"
#include "ours.h"
#include "output.h"
#include "sets.h"

struct plan {
	const struct build_opts *opts;
	struct input in; /* what was read */
	struct kernel_sets ks; /* every kernel's modules */
	struct additions add; /* what is added */
	struct output output; /* where it goes */
	struct buf out; /* the new initramfs */
};

void report(const struct plan *p);

#endif
