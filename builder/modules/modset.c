// SPDX-License-Identifier: MIT
/* A set of modules grown one by one, and its name lists (modset.h). */
#include "modset.h"

#include <stdlib.h>
#include <string.h>

bool name_list_has(char *const *list, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i], name))
			return true;
	return false;
}

int name_list_push(char ***list, size_t *n, const char *name)
{
	char **v = realloc(*list, (*n + 1) * sizeof(**list));

	if (!v)
		return error_set("out of memory");
	*list = v;
	v[*n] = xstrdup(name);
	if (!v[*n])
		return -1;
	(*n)++;
	return 0;
}

struct module *modset_push(struct modset *set, const char *name,
			   const char *source, struct buf *image)
{
	struct module *v = realloc(set->v, (set->n + 1) * sizeof(*v)), *m;

	if (!v) {
		error_set("out of memory");
		buf_free(image);
		return NULL;
	}
	set->v = v;
	m = &v[set->n];
	memset(m, 0, sizeof(*m));
	m->image = *image;
	memset(image, 0, sizeof(*image));
	m->name = xstrdup(name);
	m->source = xstrdup(source);
	set->n++;
	if (!m->name || !m->source)
		return NULL;
	if (modinfo_read(m->image.data, m->image.len, &m->info) < 0) {
		error_set(
			"%s is not a kernel module (no ELF relocatable object)",
			source);
		return NULL;
	}
	return m;
}

void modset_free(struct modset *set)
{
	for (size_t i = 0; i < set->n; i++) {
		free(set->v[i].name);
		free(set->v[i].source);
		modinfo_free(&set->v[i].info);
		buf_free(&set->v[i].image);
	}
	free(set->v);
	for (size_t i = 0; i < set->nbuiltin; i++)
		free(set->builtin[i]);
	free(set->builtin);
	for (size_t i = 0; i < set->nskipped_soft; i++)
		free(set->skipped_soft[i]);
	free(set->skipped_soft);
	for (size_t i = 0; i < set->nmissing; i++)
		free(set->missing[i]);
	free(set->missing);
	for (size_t i = 0; i < set->nin_minirt; i++)
		free(set->in_minirt[i]);
	free(set->in_minirt);
	free(set->release);
	free(set->from);
	memset(set, 0, sizeof(*set));
}
