// SPDX-License-Identifier: MIT
/* A set of modules grown one by one, and its name lists (modset.h). */
#include "modset.h"
#include "error.h"

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

void name_list_free(char ***list, size_t *n)
{
	for (size_t i = 0; i < *n; i++)
		free((*list)[i]);
	free(*list);
	*list = NULL;
	*n = 0;
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
	name_list_free(&set->builtin, &set->nbuiltin);
	name_list_free(&set->skipped_soft, &set->nskipped_soft);
	name_list_free(&set->missing, &set->nmissing);
	name_list_free(&set->in_minirt, &set->nin_minirt);
	free(set->release);
	free(set->from);
	memset(set, 0, sizeof(*set));
}
