// SPDX-License-Identifier: MIT
#include "devices.h"
#include "error.h"
#include "medium/modfile.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

bool devices_alias_usable(const char *alias)
{
	static const char *const buses[] = { "pci:", "virtio:", "scsi:" };

	/* The pre-init's matcher knows '*' and '?', nothing more. */
	if (strpbrk(alias, "[]\\ \t\n"))
		return false;
	for (size_t i = 0; i < sizeof(buses) / sizeof(*buses); i++)
		if (!strncmp(alias, buses[i], strlen(buses[i])))
			return true;
	return false;
}

static bool is_driver(const struct module *m)
{
	for (size_t a = 0; a < m->info.naliases; a++)
		if (devices_alias_usable(m->info.aliases[a]))
			return true;
	return false;
}

size_t devices_count_drivers(const struct modset *set)
{
	size_t n = 0;

	for (size_t i = 0; i < set->n; i++)
		n += is_driver(&set->v[i]);
	return n;
}

static int mark(const struct modset *set, size_t i, bool *marked);

/*
 * The module named, or every module with an alias for the name: soft
 * dependencies name aliases ("pre: crct10dif" brings crct10dif_pclmul).
 */
static int mark_name(const struct modset *set, const char *word, bool *marked)
{
	char *name = module_name_from(word);
	int ret = name ? 0 : -1;

	for (size_t i = 0; name && i < set->n; i++)
		if (!strcmp(set->v[i].name, name)) {
			free(name);
			return mark(set, i, marked);
		}
	for (size_t i = 0; !ret && i < set->n; i++)
		for (size_t a = 0; !ret && a < set->v[i].info.naliases; a++)
			if (!fnmatch(set->v[i].info.aliases[a], word, 0))
				ret = mark(set, i, marked);
	free(name);
	return ret; /* none: built in, or a soft one not shipped */
}

/* Every module a list of names (split at seps) needs, marked. */
static int mark_words(const struct modset *set, const char *list,
		      const char *seps, bool *marked)
{
	char *copy = xstrdup(list), *word, *save = NULL;
	int ret = copy ? 0 : -1;

	for (word = copy ? strtok_r(copy, seps, &save) : NULL; word && !ret;
	     word = strtok_r(NULL, seps, &save))
		ret = mark_name(set, word, marked);
	free(copy);
	return ret;
}

/* Module i and all it needs; marked stops cycles and repeats. */
static int mark(const struct modset *set, size_t i, bool *marked)
{
	if (marked[i])
		return 0;
	marked[i] = true;
	if (mark_words(set, set->v[i].info.depends, ",", marked) < 0)
		return -1;
	return mark_words(set, set->v[i].info.softdep_pre, " \t", marked);
}

/* The marked modules in the set's order (dependencies first). */
static int add_files(const struct modset *set, const bool *marked,
		     const char *sep, struct buf *out)
{
	for (size_t i = 0; i < set->n; i++) {
		if (!marked[i])
			continue;
		buf_add_str(out, set->v[i].optional ? "?" : "");
		buf_add_str(out, set->v[i].name);
		if (buf_add_str(out, ".ko") < 0 || buf_add_str(out, sep) < 0)
			return -1;
	}
	return 0;
}

static int driver_line(const struct modset *set, size_t d, bool *marked,
		       struct buf *devices)
{
	const struct module *m = &set->v[d];

	memset(marked, 0, set->n * sizeof(*marked));
	if (mark(set, d, marked) < 0 || add_files(set, marked, " ", devices))
		return -1;
	for (size_t a = 0; a < m->info.naliases; a++) {
		if (!devices_alias_usable(m->info.aliases[a]))
			continue;
		buf_add_str(devices, m->info.aliases[a]);
		if (buf_add_str(devices, " ") < 0)
			return -1;
	}
	devices->data[devices->len - 1] = '\n';
	return 0;
}

/* Modules no driver needs (and what they need) load whatever the devices. */
static int always(const struct modset *set, bool *marked, bool *roots)
{
	memset(marked, 0, set->n * sizeof(*marked));
	for (size_t i = 0; i < set->n; i++)
		if (is_driver(&set->v[i]) && mark(set, i, marked) < 0)
			return -1;
	for (size_t i = 0; i < set->n; i++)
		roots[i] = !marked[i];
	memset(marked, 0, set->n * sizeof(*marked));
	for (size_t i = 0; i < set->n; i++)
		if (roots[i] && mark(set, i, marked) < 0)
			return -1;
	return 0;
}

int devices_split(const struct modset *set, struct buf *load_order,
		  struct buf *devices)
{
	bool *marked = xcalloc(set->n + 1, sizeof(*marked));
	bool *roots = xcalloc(set->n + 1, sizeof(*roots));
	int ret = marked && roots ? 0 : -1;

	buf_add_str(devices, "# Each driver is loaded when a device's modalias "
			     "matches an alias after it,\n# each module after "
			     "the ones before it on the line.\n");
	for (size_t i = 0; !ret && i < set->n; i++)
		if (is_driver(&set->v[i]))
			ret = driver_line(set, i, marked, devices);
	if (!ret)
		ret = always(set, marked, roots);
	if (!ret)
		ret = add_files(set, marked, "\n", load_order);
	free(marked);
	free(roots);
	return ret;
}
