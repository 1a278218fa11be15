// SPDX-License-Identifier: MIT
#include "served.h"
#include "error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* A cloop image, or an ISO of a module filesystem. */
static int add_image(struct kernel_sets *ks, const char *path)
{
	struct modimage *v =
		realloc(ks->images, (ks->nimages + 1) * sizeof(*v));

	if (!v)
		return error_set("out of memory");
	ks->images = v;
	ks->nimages++; /* closed with the rest, even half open */
	return modimage_open_file(&v[ks->nimages - 1], path);
}

/* An ISO: a KNOPPIX medium's images, or itself a filesystem of modules. */
static int add_iso(struct kernel_sets *ks, const char *path)
{
	struct medium *v = realloc(ks->media, (ks->nmedia + 1) * sizeof(*v));

	if (!v)
		return error_set("out of memory");
	ks->media = v;
	if (medium_open_images(&v[ks->nmedia], path) < 0) {
		ks->nmedia++; /* closed with the rest */
		return -1;
	}
	if (v[ks->nmedia].nimages) {
		ks->nmedia++;
		return 0;
	}
	medium_close(&v[ks->nmedia]);
	return add_image(ks, path);
}

static int add_source(struct kernel_sets *ks, const char *path)
{
	struct stat st;
	void *v;

	if (stat(path, &st) < 0)
		return error_set(
			"%s: not a directory of modules, a cloop image or an ISO (%s)",
			path, strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		v = realloc(ks->trees, (ks->ntrees + 1) * sizeof(*ks->trees));
		if (!v)
			return error_set("out of memory");
		ks->trees = v;
		if (modtree_from_dir(&ks->trees[ks->ntrees], path) < 0) {
			modtree_free(&ks->trees[ks->ntrees]);
			return -1;
		}
		ks->ntrees++;
		return 0;
	}
	return medium_is_iso(path) ? add_iso(ks, path) : add_image(ks, path);
}

static int read_kernels(struct kernel_sets *ks, const struct build_opts *o)
{
	ks->own_kernels = true;
	ks->kernels = xcalloc(o->nkernels + 1, sizeof(*ks->kernels));
	if (!ks->kernels)
		return -1;
	for (size_t i = 0; i < o->nkernels; i++) {
		if (kernel_read(o->kernels[i], &ks->kernels[i]) < 0)
			return -1;
		ks->nkernels++;
	}
	return 0;
}

/* Does one of the first n trees have this release? */
static bool tree_has(const struct kernel_sets *ks, size_t n,
		     const char *release)
{
	for (size_t i = 0; i < n; i++)
		if (ks->trees[i].release &&
		    !strcmp(ks->trees[i].release, release))
			return true;
	return false;
}

/* The kernels' releases no tree has yet. */
static size_t missing_releases(const struct kernel_sets *ks, char **want)
{
	size_t n = 0;

	for (size_t i = 0; i < ks->nkernels; i++) {
		const char *rel = ks->kernels[i].release;
		bool listed = false;

		for (size_t j = 0; j < n; j++)
			listed |= !strcmp(want[j], rel);
		if (!listed && !tree_has(ks, ks->ntrees, rel))
			want[n++] = ks->kernels[i].release;
	}
	return n;
}

/* Trees out of images, the earlier image winning for a release. */
static int image_trees(struct kernel_sets *ks, struct modimage *img)
{
	char **want = xcalloc(ks->nkernels + 1, sizeof(*want));
	size_t first = ks->ntrees, nwant;
	int ret = want ? 0 : -1;

	nwant = want ? missing_releases(ks, want) : 0;
	if (!ret && (!ks->nkernels || nwant))
		ret = modimage_trees(img, want, nwant, &ks->trees, &ks->ntrees);
	free(want);
	for (size_t i = first; !ret && i < ks->ntrees; i++) {
		if (tree_has(ks, first, ks->trees[i].release)) {
			modtree_free(&ks->trees[i]);
			memmove(&ks->trees[i], &ks->trees[i + 1],
				(ks->ntrees - i - 1) * sizeof(*ks->trees));
			ks->ntrees--;
			i--;
		}
	}
	return ret;
}

const struct kernel *sets_kernel(const struct kernel_sets *ks,
				 const char *release)
{
	for (size_t i = 0; i < ks->nkernels; i++)
		if (!strcmp(ks->kernels[i].release, release))
			return &ks->kernels[i];
	return NULL;
}

const struct modset *sets_set(const struct kernel_sets *ks, const char *release)
{
	for (size_t i = 0; i < ks->nsets; i++)
		if (!strcmp(ks->sets[i].release, release))
			return &ks->sets[i];
	return NULL;
}

/*
 * The request for one tree: req, then each of o's filesystem drivers that
 * the minirt's /modules lacks for the tree's kernel (noted in set).
 */
static int tree_request(const struct kernel_sets *ks, const struct modtree *t,
			const struct modreq *req, size_t nreq,
			struct modreq **out, size_t *nout, struct modset *set)
{
	const struct build_opts *o = ks->opts;
	struct modreq *r = xcalloc(nreq + o->nfs_drivers + 1, sizeof(*r));

	if (!r)
		return -1;
	memcpy(r, req, nreq * sizeof(*r));
	*nout = nreq;
	for (size_t i = 0; i < o->nfs_drivers; i++) {
		const char *name = o->fs_drivers[i];

		if (t->release && input_has_module(ks->in, name, t->release)) {
			if (name_list_push(&set->in_minirt, &set->nin_minirt,
					   name) < 0) {
				free(r);
				return -1;
			}
			continue;
		}
		/* Optional: without modules.builtin (Linux before 2.6.33)
		 * a module not found may well be built in. */
		r[(*nout)++] = (struct modreq){ name, false };
	}
	*out = r;
	return 0;
}

static int resolve_tree(struct kernel_sets *ks, struct modtree *t,
			const struct modreq *req, size_t nreq,
			const char *fallback, struct modset *set)
{
	struct modset found;
	struct modreq *r;
	size_t nr;
	int ret;

	memset(set, 0, sizeof(*set));
	if (tree_request(ks, t, req, nreq, &r, &nr, set) < 0)
		return -1;
	ret = modules_resolve(t, r, nr, fallback, &found);
	free(r);
	found.in_minirt = set->in_minirt;
	found.nin_minirt = set->nin_minirt;
	*set = found;
	return ret;
}

static int resolve_trees(struct kernel_sets *ks, const struct modreq *req,
			 size_t nreq)
{
	const char *fallback = ks->nkernels == 1 ? ks->kernels[0].release :
						   NULL;

	ks->sets = xcalloc(ks->ntrees + 1, sizeof(*ks->sets));
	if (!ks->sets)
		return -1;
	for (size_t i = 0; i < ks->ntrees; i++) {
		const struct modset *twin;
		int ret = resolve_tree(ks, &ks->trees[i], req, nreq, fallback,
				       &ks->sets[ks->nsets]);

		ks->nsets++;
		if (ret < 0)
			return -1;
		twin = sets_set(ks, ks->sets[ks->nsets - 1].release);
		if (twin != &ks->sets[ks->nsets - 1])
			return error_set(
				"%s and %s both hold modules for kernel %s",
				twin->from, ks->trees[i].label, twin->release);
	}
	return 0;
}

static void sources_text(struct medium *medium, const struct build_opts *o,
			 struct buf *text)
{
	for (size_t i = 0; i < o->nmodule_srcs; i++) {
		buf_add_str(text, i ? ", " : "");
		buf_add_str(text, o->module_srcs[i]);
	}
	for (size_t i = 0; medium && i < medium->nimages; i++) {
		buf_add_str(text, i || o->nmodule_srcs ? ", " : "");
		buf_add_str(text, medium->images[i].name);
	}
	buf_add(text, "", 1);
}

/* Every set is for a kernel and loads there; every kernel has its set. */
static int match_kernels(struct kernel_sets *ks, struct medium *medium,
			 const struct build_opts *o)
{
	for (size_t i = 0; ks->nkernels && i < ks->nsets; i++) {
		const struct modset *set = &ks->sets[i];

		if (sets_kernel(ks, set->release))
			continue;
		if (ks->nkernels == 1)
			return kernel_check(&ks->kernels[0], set);
		return error_set(
			"%s holds modules for kernel %s, which is none of the kernels given",
			set->from, set->release);
	}
	for (size_t i = 0; i < ks->nkernels; i++) {
		const struct kernel *k = &ks->kernels[i];
		const struct modset *set = sets_set(ks, k->release);
		struct buf where = { 0 };

		if (set && kernel_check(k, set) < 0)
			return -1;
		if (set)
			continue;
		sources_text(medium, o, &where);
		error_set("no modules for kernel %s (%s) in %s", k->release,
			  k->label, where.data ? (char *)where.data : "?");
		buf_free(&where);
		return -1;
	}
	return 0;
}

static int by_kernel_order(const struct kernel_sets *ks, const char *release)
{
	for (size_t i = 0; i < ks->nkernels; i++)
		if (!strcmp(ks->kernels[i].release, release))
			return (int)i;
	return (int)ks->nkernels;
}

/* Sets in the order of their kernels: linux before linux64. */
static void order_sets(struct kernel_sets *ks)
{
	for (size_t i = 1; i < ks->nsets; i++)
		for (size_t j = i;
		     j > 0 && by_kernel_order(ks, ks->sets[j - 1].release) >
				      by_kernel_order(ks, ks->sets[j].release);
		     j--) {
			struct modset tmp = ks->sets[j];

			ks->sets[j] = ks->sets[j - 1];
			ks->sets[j - 1] = tmp;
		}
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int find_sets(struct kernel_sets *ks, const struct build_opts *o,
		     struct medium *medium, const struct modreq *req,
		     size_t nreq)
{
	if (medium) {
		ks->kernels = medium->kernels;
		ks->nkernels = medium->nkernels;
	} else if (read_kernels(ks, o) < 0) {
		return -1;
	}
	for (size_t i = 0; i < o->nmodule_srcs; i++)
		if (add_source(ks, o->module_srcs[i]) < 0)
			return -1;
	for (size_t i = 0; i < ks->nimages; i++)
		if (image_trees(ks, &ks->images[i]) < 0)
			return -1;
	for (size_t m = 0; m < ks->nmedia; m++)
		for (size_t i = 0; i < ks->media[m].nimages; i++)
			if (image_trees(ks, &ks->media[m].images[i]) < 0)
				return -1;
	for (size_t i = 0; medium && i < medium->nimages; i++)
		if (image_trees(ks, &medium->images[i]) < 0)
			return -1;
	if (resolve_trees(ks, req, nreq) < 0 ||
	    match_kernels(ks, medium, o) < 0)
		return -1;
	if (!ks->nsets)
		return error_set("no module tree in %s",
				 o->nmodule_srcs ? o->module_srcs[0] : "?");
	order_sets(ks);
	return 0;
}

int sets_resolve(struct kernel_sets *ks, const struct build_opts *o,
		 struct input *in, const struct modreq *req, size_t nreq)
{
	struct medium *medium = in->has_medium ? &in->medium : NULL;
	double start = now_ms();
	int ret;

	memset(ks, 0, sizeof(*ks));
	ks->opts = o;
	ks->in = in;
	ret = find_sets(ks, o, medium, req, nreq);
	ks->ms = now_ms() - start;
	return ret;
}

void sets_free(struct kernel_sets *ks)
{
	for (size_t i = 0; ks->own_kernels && i < ks->nkernels; i++)
		kernel_free(&ks->kernels[i]);
	if (ks->own_kernels)
		free(ks->kernels);
	for (size_t i = 0; i < ks->nsets; i++)
		modset_free(&ks->sets[i]);
	free(ks->sets);
	for (size_t i = 0; i < ks->ntrees; i++)
		modtree_free(&ks->trees[i]);
	free(ks->trees);
	for (size_t i = 0; i < ks->nimages; i++)
		modimage_close(&ks->images[i]);
	free(ks->images);
	for (size_t i = 0; i < ks->nmedia; i++)
		medium_close(&ks->media[i]);
	free(ks->media);
	memset(ks, 0, sizeof(*ks));
}
