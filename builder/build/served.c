// SPDX-License-Identifier: MIT
#include "served.h"
#include "error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* A cloop image, or an ISO of a module filesystem. */
static int add_image(struct served *served, const char *path)
{
	struct modimage *v =
		realloc(served->images, (served->nimages + 1) * sizeof(*v));

	if (!v)
		return error_set("out of memory");
	served->images = v;
	served->nimages++; /* closed with the rest, even half open */
	return modimage_open_file(&v[served->nimages - 1], path);
}

/* An ISO: a KNOPPIX medium's images, or itself a filesystem of modules. */
static int add_iso(struct served *served, const char *path)
{
	struct medium *v =
		realloc(served->media, (served->nmedia + 1) * sizeof(*v));

	if (!v)
		return error_set("out of memory");
	served->media = v;
	if (medium_open_images(&v[served->nmedia], path) < 0) {
		served->nmedia++; /* closed with the rest */
		return -1;
	}
	if (v[served->nmedia].nimages) {
		served->nmedia++;
		return 0;
	}
	medium_close(&v[served->nmedia]);
	return add_image(served, path);
}

static int add_source(struct served *served, const char *path)
{
	struct stat st;
	void *v;

	if (stat(path, &st) < 0)
		return error_set(
			"%s: not a directory of modules, a cloop image or an ISO (%s)",
			path, strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		v = realloc(served->trees,
			    (served->ntrees + 1) * sizeof(*served->trees));
		if (!v)
			return error_set("out of memory");
		served->trees = v;
		if (modtree_from_dir(&served->trees[served->ntrees], path) <
		    0) {
			modtree_free(&served->trees[served->ntrees]);
			return -1;
		}
		served->ntrees++;
		return 0;
	}
	return medium_is_iso(path) ? add_iso(served, path) :
				     add_image(served, path);
}

static int read_kernels(struct served *served, const struct build_opts *o)
{
	served->own_kernels = true;
	served->kernels = xcalloc(o->nkernels + 1, sizeof(*served->kernels));
	if (!served->kernels)
		return -1;
	for (size_t i = 0; i < o->nkernels; i++) {
		if (kernel_read(o->kernels[i], &served->kernels[i]) < 0)
			return -1;
		served->nkernels++;
	}
	return 0;
}

/* Does one of the first n trees have this release? */
static bool tree_has(const struct served *served, size_t n, const char *release)
{
	for (size_t i = 0; i < n; i++)
		if (served->trees[i].release &&
		    !strcmp(served->trees[i].release, release))
			return true;
	return false;
}

/* The kernels' releases no tree has yet. */
static size_t missing_releases(const struct served *served, char **want)
{
	size_t n = 0;

	for (size_t i = 0; i < served->nkernels; i++) {
		const char *rel = served->kernels[i].release;
		bool listed = false;

		for (size_t j = 0; j < n; j++)
			listed |= !strcmp(want[j], rel);
		if (!listed && !tree_has(served, served->ntrees, rel))
			want[n++] = served->kernels[i].release;
	}
	return n;
}

/* Trees out of images, the earlier image winning for a release. */
static int image_trees(struct served *served, struct modimage *img)
{
	char **want = xcalloc(served->nkernels + 1, sizeof(*want));
	size_t first = served->ntrees, nwant;
	int ret = want ? 0 : -1;

	nwant = want ? missing_releases(served, want) : 0;
	if (!ret && (!served->nkernels || nwant))
		ret = modimage_trees(img, want, nwant, &served->trees,
				     &served->ntrees);
	free(want);
	for (size_t i = first; !ret && i < served->ntrees; i++) {
		if (tree_has(served, first, served->trees[i].release)) {
			modtree_free(&served->trees[i]);
			memmove(&served->trees[i], &served->trees[i + 1],
				(served->ntrees - i - 1) *
					sizeof(*served->trees));
			served->ntrees--;
			i--;
		}
	}
	return ret;
}

const struct kernel *served_kernel(const struct served *served,
				   const char *release)
{
	for (size_t i = 0; i < served->nkernels; i++)
		if (!strcmp(served->kernels[i].release, release))
			return &served->kernels[i];
	return NULL;
}

const struct modset *served_modules(const struct served *served,
				    const char *release)
{
	for (size_t i = 0; i < served->nsets; i++)
		if (!strcmp(served->sets[i].release, release))
			return &served->sets[i];
	return NULL;
}

/*
 * The request for one tree: req, then each of o's filesystem drivers that
 * the minirt's /modules lacks for the tree's kernel (noted in set).
 */
static int tree_request(const struct served *served, const struct modtree *t,
			const struct modreq *req, size_t nreq,
			struct modreq **out, size_t *nout, struct modset *set)
{
	const struct build_opts *o = served->opts;
	struct modreq *r = xcalloc(nreq + o->nfs_drivers + 1, sizeof(*r));

	if (!r)
		return -1;
	memcpy(r, req, nreq * sizeof(*r));
	*nout = nreq;
	for (size_t i = 0; i < o->nfs_drivers; i++) {
		const char *name = o->fs_drivers[i];

		if (t->release &&
		    input_has_module(served->in, name, t->release)) {
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

static int resolve_tree(struct served *served, struct modtree *t,
			const struct modreq *req, size_t nreq,
			const char *fallback, struct modset *set)
{
	struct modset found;
	struct modreq *r;
	size_t nr;
	int ret;

	memset(set, 0, sizeof(*set));
	if (tree_request(served, t, req, nreq, &r, &nr, set) < 0)
		return -1;
	ret = modules_resolve(t, r, nr, fallback, &found);
	free(r);
	found.in_minirt = set->in_minirt;
	found.nin_minirt = set->nin_minirt;
	*set = found;
	return ret;
}

static int resolve_trees(struct served *served, const struct modreq *req,
			 size_t nreq)
{
	const char *fallback =
		served->nkernels == 1 ? served->kernels[0].release : NULL;

	served->sets = xcalloc(served->ntrees + 1, sizeof(*served->sets));
	if (!served->sets)
		return -1;
	for (size_t i = 0; i < served->ntrees; i++) {
		const struct modset *twin;
		int ret = resolve_tree(served, &served->trees[i], req, nreq,
				       fallback, &served->sets[served->nsets]);

		served->nsets++;
		if (ret < 0)
			return -1;
		twin = served_modules(served,
				      served->sets[served->nsets - 1].release);
		if (twin != &served->sets[served->nsets - 1])
			return error_set(
				"%s and %s both hold modules for kernel %s",
				twin->from, served->trees[i].label,
				twin->release);
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
static int match_kernels(struct served *served, struct medium *medium,
			 const struct build_opts *o)
{
	for (size_t i = 0; served->nkernels && i < served->nsets; i++) {
		const struct modset *set = &served->sets[i];

		if (served_kernel(served, set->release))
			continue;
		if (served->nkernels == 1)
			return kernel_check(&served->kernels[0], set);
		return error_set(
			"%s holds modules for kernel %s, which is none of the kernels given",
			set->from, set->release);
	}
	for (size_t i = 0; i < served->nkernels; i++) {
		const struct kernel *k = &served->kernels[i];
		const struct modset *set = served_modules(served, k->release);
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

static int by_kernel_order(const struct served *served, const char *release)
{
	for (size_t i = 0; i < served->nkernels; i++)
		if (!strcmp(served->kernels[i].release, release))
			return (int)i;
	return (int)served->nkernels;
}

/* Sets in the order of their kernels: linux before linux64. */
static void order_sets(struct served *served)
{
	for (size_t i = 1; i < served->nsets; i++)
		for (size_t j = i;
		     j > 0 &&
		     by_kernel_order(served, served->sets[j - 1].release) >
			     by_kernel_order(served, served->sets[j].release);
		     j--) {
			struct modset tmp = served->sets[j];

			served->sets[j] = served->sets[j - 1];
			served->sets[j - 1] = tmp;
		}
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int find_sets(struct served *served, const struct build_opts *o,
		     struct medium *medium, const struct modreq *req,
		     size_t nreq)
{
	if (medium) {
		served->kernels = medium->kernels;
		served->nkernels = medium->nkernels;
	} else if (read_kernels(served, o) < 0) {
		return -1;
	}
	for (size_t i = 0; i < o->nmodule_srcs; i++)
		if (add_source(served, o->module_srcs[i]) < 0)
			return -1;
	for (size_t i = 0; i < served->nimages; i++)
		if (image_trees(served, &served->images[i]) < 0)
			return -1;
	for (size_t m = 0; m < served->nmedia; m++)
		for (size_t i = 0; i < served->media[m].nimages; i++)
			if (image_trees(served, &served->media[m].images[i]) <
			    0)
				return -1;
	for (size_t i = 0; medium && i < medium->nimages; i++)
		if (image_trees(served, &medium->images[i]) < 0)
			return -1;
	if (resolve_trees(served, req, nreq) < 0 ||
	    match_kernels(served, medium, o) < 0)
		return -1;
	if (!served->nsets)
		return error_set("no module tree in %s",
				 o->nmodule_srcs ? o->module_srcs[0] : "?");
	order_sets(served);
	return 0;
}

int served_resolve(struct served *served, const struct build_opts *o,
		   struct input *in, const struct modreq *req, size_t nreq)
{
	struct medium *medium = in->has_medium ? &in->medium : NULL;
	double start = now_ms();
	int ret;

	memset(served, 0, sizeof(*served));
	served->opts = o;
	served->in = in;
	ret = find_sets(served, o, medium, req, nreq);
	served->ms = now_ms() - start;
	return ret;
}

void served_free(struct served *served)
{
	for (size_t i = 0; served->own_kernels && i < served->nkernels; i++)
		kernel_free(&served->kernels[i]);
	if (served->own_kernels)
		free(served->kernels);
	for (size_t i = 0; i < served->nsets; i++)
		modset_free(&served->sets[i]);
	free(served->sets);
	for (size_t i = 0; i < served->ntrees; i++)
		modtree_free(&served->trees[i]);
	free(served->trees);
	for (size_t i = 0; i < served->nimages; i++)
		modimage_close(&served->images[i]);
	free(served->images);
	for (size_t i = 0; i < served->nmedia; i++)
		medium_close(&served->media[i]);
	free(served->media);
	memset(served, 0, sizeof(*served));
}
