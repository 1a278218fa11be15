/* SPDX-License-Identifier: MIT */
/* What one build works on, shared by its steps. */
#ifndef MV_PLAN_H
#define MV_PLAN_H

#include "archive.h"
#include "build.h"
#include "initpatch.h"
#include "medium.h"
#include "output.h"
#include "rootfs.h"
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
	struct cpio_entry *init; /* the last /init entry */
	struct census census; /* machines of its programs and modules */
	struct rootfs fs; /* what the kernel unpacks from the kept segments */
	const struct rootfs_node *init_node; /* what it leaves at /init */
	bool copy_init; /* init.orig a new entry; the input's /init stays */
	bool break_init_link; /* /init's inode has other names too */
	bool add_dir[3]; /* lib, lib/modules, OUR_DIR: not there yet */
	struct file_id recorded; /* the original the input was built from */
	struct output output;
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

/* The highest inode number once the kept segments' archives are joined. */
uint64_t max_ino_joined(const struct plan *p);
int layout_merge(struct plan *p);
int layout_append(struct plan *p);
void report(const struct plan *p);
void plan_free(struct plan *p);

#endif
