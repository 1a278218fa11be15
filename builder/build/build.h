/* SPDX-License-Identifier: MIT */
/* One build's stages and what each made, for the report at the end. */
#ifndef MV_BUILD_H
#define MV_BUILD_H

#include "additions.h"
#include "input.h"
#include "options.h"
#include "output.h"
#include "served.h"
#include "initramfs/ourfiles.h"

struct build {
	const struct build_opts *opts;
	struct input in; /* what was read */
	struct served served; /* every kernel's modules */
	struct additions add; /* what is added */
	struct output output; /* where it goes */
	struct buf out; /* the new initramfs */
	struct buf replaced; /* opts->undoable: the bytes -o --force replaces */
};

/*
 * A build in steps, for setup, which writes more than the minirt and must
 * take it all back if a later step fails: every stage but the writing
 * (out holds the new initramfs, and there is room for it); the writing;
 * putting back what was there. Each 0, or -1 with the error set.
 */
int build_prepare(struct build *p, const struct build_opts *opts);
int build_commit(struct build *p);
int build_undo(struct build *p);
void build_free(struct build *p);

/* What the build did, on stdout. */
void report(const struct build *p);

#endif
