// SPDX-License-Identifier: MIT
#include "resolve.h"
#include "closure.h"
#include "error.h"
#include "kmodorder.h"
#include "serial.h"
#include "medium/elf.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int fetch_ordered(struct modtree *t, struct kmod_item *items, size_t n,
			 struct modset *set)
{
	struct buf *images = xcalloc(n + 1, sizeof(*images));
	char **paths = xcalloc(n + 1, sizeof(*paths));
	int ret = images && paths ? 0 : -1;

	for (size_t i = 0; !ret && i < n; i++)
		paths[i] = items[i].path;
	if (!ret)
		ret = modtree_fetch(t, paths, n, images);
	for (size_t i = 0; !ret && i < n; i++) {
		char *source = modtree_source(t, items[i].path);
		struct module *m = source ? modset_push(set, items[i].name,
							source, &images[i]) :
					    NULL;

		free(source);
		if (!m)
			ret = -1;
		else
			m->optional = items[i].optional;
	}
	for (size_t i = 0; images && i < n; i++)
		buf_free(&images[i]);
	free(images);
	free(paths);
	return ret;
}

static void free_items(struct kmod_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(items[i].name);
		free(items[i].path);
	}
	free(items);
}

/* An order and what it said of the set, before ordering again. */
static void free_order(struct kmod_item *items, size_t n, struct modset *set)
{
	free_items(items, n);
	name_list_free(&set->builtin, &set->nbuiltin);
	name_list_free(&set->missing, &set->nmissing);
}

/* What libkmod orders, again while stand-ins had to be made for it. */
static int order_indexed(struct modtree *t, const struct modreq *req,
			 size_t nreq, struct kmod_item **items, size_t *n,
			 struct modset *set)
{
	for (int round = 0; round < 16; round++) {
		char **paths;
		int made = kmod_load_order(t->dir, t->label, req, nreq, items,
					   n, set);

		paths = made ? NULL : xcalloc(*n + 1, sizeof(*paths));
		for (size_t i = 0; paths && i < *n; i++)
			paths[i] = (*items)[i].path;
		made = paths ? modtree_check_deps(t, paths, *n) : -1;
		free(paths);
		if (made <= 0)
			return made;
		free_order(*items, *n, set);
		*items = NULL;
		*n = 0;
	}
	return error_set("%s: dependencies nest too deep", t->label);
}

static int resolve_indexed(struct modtree *t, const struct modreq *req,
			   size_t nreq, struct modset *set)
{
	struct kmod_item *items = NULL;
	size_t n = 0;
	int ret;

	ret = order_indexed(t, req, nreq, &items, &n, set);
	if (!ret)
		ret = fetch_ordered(t, items, n, set);
	free_items(items, n);
	return ret;
}

/* One kernel's modules: one vermagic, one machine. */
static int check_vermagic(const struct modset *set)
{
	for (size_t i = 1; i < set->n; i++) {
		const char *a = set->v[0].info.vermagic,
			   *b = set->v[i].info.vermagic;

		if (!a || !b || strcmp(a, b))
			return error_set(
				"%s was built for \"%s\" but %s for \"%s\"",
				set->v[i].name, b ? b : "(no vermagic)",
				set->v[0].name, a ? a : "(no vermagic)");
		if (set->v[i].info.machine != set->v[0].info.machine)
			return error_set(
				"%s is for %s but %s for %s", set->v[i].name,
				elf_machine_name(set->v[i].info.machine),
				set->v[0].name,
				elf_machine_name(set->v[0].info.machine));
	}
	return 0;
}

static int set_release(struct modtree *t, const char *fallback,
		       struct modset *set)
{
	char *rel = NULL;

	if (set->n && set->v[0].info.vermagic)
		rel = strndup(set->v[0].info.vermagic,
			      strcspn(set->v[0].info.vermagic, " \t"));
	else if (t->release || fallback)
		rel = strdup(t->release ? t->release : fallback);
	if (!rel && set->n)
		return error_set("%s has no vermagic: which kernel is it for?",
				 set->v[0].source);
	if (rel && !release_valid(rel, strlen(rel))) {
		free(rel);
		return error_set(
			"%s: its vermagic does not start with a kernel release",
			set->n ? set->v[0].source : t->label);
	}
	if (t->release && rel && strcmp(rel, t->release)) {
		error_set("%s: its modules are for kernel %s, not %s", t->label,
			  rel, t->release);
		free(rel);
		return -1;
	}
	set->release = rel;
	return 0;
}

static bool has_builtin_list(const char *dir)
{
	char path[PATH_MAX];
	struct stat st;

	return (size_t)snprintf(path, sizeof(path), "%s/modules.builtin", dir) <
		       sizeof(path) &&
	       stat(path, &st) == 0;
}

int modules_resolve(struct modtree *tree, const struct modreq *req, size_t nreq,
		    const char *fallback_release, struct modset *set)
{
	int ret;

	memset(set, 0, sizeof(*set));
	set->from = xstrdup(tree->label);
	if (!set->from)
		return -1;
	set->used_index = tree->has_index;
	set->knows_builtin = has_builtin_list(tree->dir);
	set->serial_builtin = serial_builtin(tree->dir);
	ret = tree->has_index ? resolve_indexed(tree, req, nreq, set) :
				closure_resolve(tree->dir, req, nreq, set);
	if (!ret)
		ret = check_vermagic(set);
	if (!ret)
		ret = set_release(tree, fallback_release, set);
	return ret;
}

int kernel_check(const struct kernel *k, const struct modset *set)
{
	uint16_t machine = kernel_machine(k);

	if (set->n && strcmp(set->release, k->release))
		return error_set("%s is for kernel %s, but %s is %s",
				 set->v[0].name, set->release, k->label,
				 k->release);
	for (size_t i = 0; machine && i < set->n; i++)
		if (set->v[i].info.machine != machine)
			return error_set(
				"%s is for %s, but %s is a %s kernel",
				set->v[i].name,
				elf_machine_name(set->v[i].info.machine),
				k->label, k->is_64bit ? "64-bit" : "32-bit");
	return 0;
}
