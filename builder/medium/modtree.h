/* SPDX-License-Identifier: MIT */
/*
 * Where one kernel's modules are: a directory on disk (/lib/modules/<rel>
 * with its index, or a flat directory of .ko files), or a tree inside an
 * image (a cloop image or an ISO holding lib/modules/<release>). For a
 * tree in an image, its index files are taken out into a temporary
 * directory for libkmod, and module files only when asked for.
 */
#ifndef MV_MODTREE_H
#define MV_MODTREE_H

#include "buf.h"
#include "cloop.h"
#include "source.h"

#include <stdbool.h>

struct modimage {
	char *name; /* as the user knows it: "KNOPPIX/KNOPPIX" */
	int fd; /* ours to close if >= 0 */
	bool is_cloop;
	struct cloop cloop;
	struct region_source plain;
	char *tmpdir; /* the index files taken out, per release */
};

/* What the image holds, as bytes: not kept as a pointer in the struct,
 * which moves when an array of images grows. */
static inline struct source *modimage_source(struct modimage *m)
{
	return m->is_cloop ? &m->cloop.src : &m->plain.src;
}

struct modtree {
	char *label; /* for messages: the directory, or "IMAGE: PATH" */
	char *dir; /* libkmod's index; on disk the modules too */
	char *release; /* named by the tree's place, if it is in an image */
	bool has_index; /* modules.dep.bin */
	struct modimage *image; /* NULL: on disk */
	char *prefix; /* the tree's path in the image, "lib/modules/R/" */
	char *dep_text; /* modules.dep, read on first need */
	char **dep_lines; /* its lines, sorted */
	size_t ndep_lines;
};

/* A directory on disk given with -m. */
int modtree_from_dir(struct modtree *t, const char *dir);

/* An image in region r of fd (taken over). */
int modimage_open(struct modimage *m, const char *name, int fd,
		  const struct region *r);
/* Open a file that is a cloop image or an ISO9660 image. */
int modimage_open_file(struct modimage *m, const char *path);
void modimage_close(struct modimage *m);
bool modimage_is_image(const char *path);

/*
 * The trees for the releases in want (every tree if nwant is 0), appended
 * to *trees. Releases not in the image are simply not added.
 */
int modimage_trees(struct modimage *m, char *const *want, size_t nwant,
		   struct modtree **trees, size_t *ntrees);

/*
 * A module's file as the user knows it, for messages: in an image, the
 * image and the path in it ("KNOPPIX/KNOPPIX: lib/modules/R/kernel/x.ko",
 * as the tree's label), not the temporary directory libkmod was shown;
 * on disk, the path libkmod gave.
 */
char *modtree_source(const struct modtree *t, const char *path);

/* Module files by the paths libkmod gave for tree (n bufs in out). */
int modtree_fetch(struct modtree *t, char *const *paths, size_t n,
		  struct buf *out);
void modtree_free(struct modtree *t);

/*
 * Every module in paths (as libkmod gave them) and what modules.dep says
 * they need must be in the tree: libkmod silently drops a dependency it
 * cannot stat. On disk a missing one is an error; in an image an empty
 * stand-in is made, and the count of those made returned, so that the
 * caller asks libkmod again with them in place.
 */
int modtree_check_deps(struct modtree *t, char *const *paths, size_t n);

#endif
