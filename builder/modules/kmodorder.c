// SPDX-License-Identifier: MIT
/*
 * The load order from a tree's index, as modprobe works it out: libkmod's
 * dry run of an insertion lists each module to load, soft dependencies and
 * all, with no module file opened.
 */
#include "kmodorder.h"
#include "error.h"
#include "medium/modfile.h"

#include <libkmod.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ordering {
	struct kmod_ctx *kmod;
	const char *dir, *label; /* label: the tree, as the user knows it */
	struct kmod_item *items;
	size_t n;
	struct modset *set;
	int error;
};

/* Its complaints would be a second, unasked-for error line. */
static void quiet(void *data, int priority, const char *file, int line,
		  const char *fn, const char *format, va_list args)
{
	(void)data;
	(void)priority;
	(void)file;
	(void)line;
	(void)fn;
	(void)format;
	(void)args;
}

/* libkmod's print callback has no user pointer: the ordering in progress. */
static struct ordering *ordering;

static long item_index(const struct ordering *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->items[i].name, name))
			return (long)i;
	return -1;
}

static void on_action(struct kmod_module *mod, bool install,
		      const char *options)
{
	struct ordering *p = ordering;
	const char *path = kmod_module_get_path(mod);
	struct kmod_item *v;
	char *name;

	(void)install;
	(void)options;
	if (p->error)
		return;
	name = module_name_from(kmod_module_get_name(mod));
	if (!name || item_index(p, name) >= 0 ||
	    name_list_has(p->set->builtin, p->set->nbuiltin, name)) {
		p->error = name ? 0 : -1;
		free(name);
		return;
	}
	if (!path) { /* built in */
		p->error = name_list_push(&p->set->builtin, &p->set->nbuiltin,
					  name);
		free(name);
		return;
	}
	v = realloc(p->items, (p->n + 1) * sizeof(*v));
	if (!v) {
		free(name);
		p->error = error_set("out of memory");
		return;
	}
	p->items = v;
	v[p->n] = (struct kmod_item){ name, xstrdup(path), true };
	p->error = v[p->n].path ? 0 : -1;
	p->n++;
}

/*
 * A requested module and its hard dependencies must load; what only soft
 * dependencies bring in may fail (crc32c_intel on a CPU without SSE4.2).
 */
static void mark_needed(struct ordering *p, struct kmod_module *mod)
{
	struct kmod_list *deps = kmod_module_get_dependencies(mod), *l;
	char *name = module_name_from(kmod_module_get_name(mod));
	long i = name ? item_index(p, name) : -1;

	if (i >= 0)
		p->items[i].optional = false;
	free(name);
	kmod_list_foreach (l, deps) {
		struct kmod_module *dep = kmod_module_get_module(l);

		mark_needed(p, dep);
		kmod_module_unref(dep);
	}
	kmod_module_unref_list(deps);
}

static int probe(struct ordering *p, struct kmod_module *mod)
{
	int ret;

	ordering = p;
	ret = kmod_module_probe_insert_module(mod,
					      KMOD_PROBE_DRY_RUN |
						      KMOD_PROBE_IGNORE_LOADED |
						      KMOD_PROBE_IGNORE_COMMAND,
					      NULL, NULL, NULL, on_action);
	ordering = NULL;
	if (p->error)
		return -1;
	if (ret < 0)
		return error_set("%s: libkmod cannot order %s: %s", p->label,
				 kmod_module_get_name(mod), strerror(-ret));
	mark_needed(p, mod);
	return 0;
}

static int missing(const struct ordering *p, const struct modreq *req)
{
	if (req->required)
		return error_set(
			"%s is neither in %s nor built into the kernel",
			req->name, p->label);
	/* The report says so, with the rest (builder/build/report.c). */
	return name_list_push(&p->set->missing, &p->set->nmissing, req->name);
}

/* Did the request only name modules built in (an alias: ext3 for ext4)? */
static bool all_builtin(struct kmod_list *list)
{
	struct kmod_list *l;
	bool all = true;

	kmod_list_foreach (l, list) {
		struct kmod_module *mod = kmod_module_get_module(l);

		all &= !kmod_module_get_path(mod);
		kmod_module_unref(mod);
	}
	return all;
}

static int order_one(struct ordering *p, const struct modreq *req)
{
	struct kmod_list *list = NULL, *l;
	int ret = 0;

	if (kmod_module_new_from_lookup(p->kmod, req->name, &list) < 0)
		return error_set("%s: libkmod cannot look up %s", p->label,
				 req->name);
	if (!list)
		return missing(p, req);
	/* An alias may name several modules: modprobe loads them all. */
	kmod_list_foreach (l, list) {
		struct kmod_module *mod = kmod_module_get_module(l);

		if (!ret)
			ret = probe(p, mod);
		kmod_module_unref(mod);
	}
	/* Said by the name asked for, which the report can find. */
	if (!ret && all_builtin(list) &&
	    !name_list_has(p->set->builtin, p->set->nbuiltin, req->name))
		ret = name_list_push(&p->set->builtin, &p->set->nbuiltin,
				     req->name);
	kmod_module_unref_list(list);
	return ret;
}

int kmod_load_order(const char *dir, const char *label,
		    const struct modreq *req, size_t nreq,
		    struct kmod_item **items, size_t *n, struct modset *set)
{
	static const char *const no_config[] = { NULL };
	struct ordering p = { .dir = dir, .label = label, .set = set };
	int ret = 0;

	/* The target's modules, not this machine's: no host config. */
	p.kmod = kmod_new(dir, no_config);
	if (!p.kmod)
		return error_set("libkmod: cannot start");
	kmod_set_log_fn(p.kmod, quiet, NULL);
	if (kmod_load_resources(p.kmod) < 0)
		ret = error_set("%s: libkmod cannot read its index", label);
	for (size_t i = 0; !ret && i < nreq; i++)
		ret = order_one(&p, &req[i]);
	kmod_unref(p.kmod);
	*items = p.items;
	*n = p.n;
	return ret;
}
