/* SPDX-License-Identifier: MIT */
/* What one build works on, shared by its steps. */
#ifndef MV_PLAN_H
#define MV_PLAN_H

#include "archive.h"
#include "build.h"
#include "initpatch.h"
#include "medium.h"
#include "sets.h"
#include "userland.h"

#define OUR_DIR "lib/modules/minirt-virtio"
#define BUILD_INFO OUR_DIR "/build-info"
#define LOAD_ORDER "load-order" /* in OUR_DIR/<release>/ */

struct plan {
	const struct build_opts *opts;
	const char *input; /* the minirt, as the user knows it */
	const char *input_path; /* the file on disk; NULL inside an ISO */
	struct medium medium;
	bool has_medium;
	struct archive ar;
	size_t nseg; /* input segments kept (an old append dropped) */
	size_t kept_bytes; /* input bytes kept, for append */
	bool rebuilt;
	struct cpio_entry *init; /* the original init */
	struct census census; /* machines of its programs and modules */
	uint16_t userland;
	struct kernel_sets ks;
	struct initpatch patch;
	struct buf patched;
	uint32_t mtime, next_ino;
	size_t init_from, init_to; /* the init entry in its content */
	size_t reused, plain_len; /* content kept compressed, of all */
	struct cpio_list added; /* what this build adds */
	struct buf out;
};

/* Last entry named path in the kept segments; *in says which segment. */
struct cpio_entry *find_entry(struct plan *p, const char *path,
			      struct segment **in);

uint32_t segment_max_ino(const struct segment *seg);
int layout_merge(struct plan *p);
int layout_append(struct plan *p);
void report(const struct plan *p, bool kept_orig);
void plan_free(struct plan *p);

#endif
