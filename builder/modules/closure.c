// SPDX-License-Identifier: MIT
/*
 * The closure for a directory without an index (the seed's handful of .ko
 * files, or a tree depmod never ran on): each module's own modinfo names
 * its dependencies; a name no file has is looked up among the modules'
 * alias= fields (ext4's soft dependency crypto-crc32c).
 */
#include "closure.h"
#include "error.h"
#include "modinfo.h"
#include "medium/modfile.h"

#include <errno.h>
#include <fnmatch.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define VISIT_DEPTH_MAX 64

struct candidate {
	char *name, *path;
	struct modinfo info; /* read on first need */
	bool info_read;
};

struct resolver {
	const char *dir;
	struct candidate *files; /* every module file under dir */
	size_t nfiles;
	char **builtin; /* modules.builtin */
	size_t nbuiltin;
	const char *visiting[VISIT_DEPTH_MAX];
	size_t depth;
	struct modset *set;
};

/* nftw has no user pointer: the scan in progress. */
static struct resolver *scanning;

static int scan_one(const char *path, const struct stat *st, int type,
		    struct FTW *ftw)
{
	struct resolver *r = scanning;
	struct candidate *v;
	struct stat target;

	(void)st;
	(void)ftw;
	if (!is_module_file(path))
		return 0;
	/* A link to a module file counts; a dangling one does not. */
	if (type == FTW_SL &&
	    (stat(path, &target) < 0 || !S_ISREG(target.st_mode)))
		return 0;
	if (type != FTW_F && type != FTW_SL)
		return 0;
	v = realloc(r->files, (r->nfiles + 1) * sizeof(*v));
	if (!v)
		return error_set("out of memory");
	r->files = v;
	memset(&v[r->nfiles], 0, sizeof(*v));
	v[r->nfiles].name = module_name_from(path);
	v[r->nfiles].path = xstrdup(path);
	if (!v[r->nfiles].name || !v[r->nfiles].path)
		return -1;
	r->nfiles++;
	return 0;
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct candidate *)a)->path,
		      ((const struct candidate *)b)->path);
}

static int scan_files(struct resolver *r)
{
	scanning = r;
	if (nftw(r->dir, scan_one, 16, FTW_PHYS) != 0)
		return r->nfiles ? -1 :
				   error_set("cannot read %s: %s", r->dir,
					     strerror(errno));
	/* Directory order is arbitrary; the output must not be. */
	if (r->nfiles)
		qsort(r->files, r->nfiles, sizeof(*r->files), by_path);
	return 0;
}

static int read_builtin(struct resolver *r)
{
	char path[PATH_MAX], line[PATH_MAX];
	FILE *f;
	int ret = 0;

	if ((size_t)snprintf(path, sizeof(path), "%s/modules.builtin",
			     r->dir) >= sizeof(path))
		return error_set("%s: path too long", r->dir);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (!ret && fgets(line, sizeof(line), f)) {
		char *name;

		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0])
			continue;
		name = module_name_from(line);
		ret = name ? name_list_push(&r->builtin, &r->nbuiltin, name) :
			     -1;
		free(name);
	}
	fclose(f);
	return ret;
}

static struct candidate *find_file(const struct resolver *r, const char *name)
{
	for (size_t i = 0; i < r->nfiles; i++)
		if (!strcmp(r->files[i].name, name))
			return &r->files[i];
	return NULL;
}

/* The candidate's modinfo, from its bytes; image keeps them if asked. */
static int candidate_info(struct candidate *c, struct buf *image)
{
	struct buf bytes = { 0 };
	int ret;

	if (c->info_read && !image)
		return 0;
	if (module_read(c->path, &bytes) < 0)
		return -1;
	if (!c->info_read) {
		ret = modinfo_read(bytes.data, bytes.len, &c->info);
		if (ret < 0) {
			buf_free(&bytes);
			return error_set(
				"%s is not a kernel module (no ELF relocatable object)",
				c->path);
		}
		c->info_read = true;
	}
	if (image)
		*image = bytes;
	else
		buf_free(&bytes);
	return 0;
}

/* The next module after *from whose alias= matches name, or NULL. */
static struct candidate *find_alias(struct resolver *r, const char *name,
				    size_t *from)
{
	for (; *from < r->nfiles; (*from)++) {
		struct candidate *c = &r->files[*from];

		if (candidate_info(c, NULL) < 0)
			continue; /* not a module: said when it is needed */
		for (size_t a = 0; a < c->info.naliases; a++)
			if (!fnmatch(c->info.aliases[a], name, 0)) {
				(*from)++;
				return c;
			}
	}
	return NULL;
}

static int visit(struct resolver *r, const char *name, const char *needed_by,
		 bool required);

static bool is_done(const struct resolver *r, const char *name)
{
	for (size_t i = 0; i < r->set->n; i++)
		if (!strcmp(r->set->v[i].name, name))
			return true;
	return name_list_has(r->set->builtin, r->set->nbuiltin, name);
}

static bool is_known(const struct resolver *r, const char *name)
{
	return find_file(r, name) ||
	       name_list_has(r->builtin, r->nbuiltin, name);
}

static int check_missing(struct resolver *r, const char *name,
			 const char *depends)
{
	char *copy = xstrdup(depends), *word, *save = NULL;
	struct buf missing = { 0 };
	size_t count = 0;

	if (!copy)
		return -1;
	for (word = strtok_r(copy, ",", &save); word;
	     word = strtok_r(NULL, ",", &save)) {
		char *dep = module_name_from(word);

		if (dep && !is_known(r, dep)) {
			buf_add_str(&missing, count++ ? " and " : "");
			buf_add_str(&missing, dep);
		}
		free(dep);
	}
	free(copy);
	if (!count)
		return 0;
	buf_add(&missing, "", 1);
	error_set("%s needs %s, which %s not in %s", name, missing.data,
		  count > 1 ? "are" : "is", r->dir);
	buf_free(&missing);
	return -1;
}

/* Every word of list (split at any of seps), visited in order. */
static int visit_words(struct resolver *r, const char *list, const char *seps,
		       const char *needed_by, bool required)
{
	char *copy = xstrdup(list), *word, *save = NULL;
	int ret = 0;

	if (!copy)
		return -1;
	for (word = strtok_r(copy, seps, &save); word && !ret;
	     word = strtok_r(NULL, seps, &save))
		ret = visit(r, word, needed_by, required);
	free(copy);
	return ret;
}

static int missing(struct resolver *r, const char *name, const char *needed_by,
		   bool required)
{
	if (needed_by && required)
		return error_set("%s needs %s, which is not in %s", needed_by,
				 name, r->dir);
	if (required)
		return error_set(
			"%s is neither in %s nor built into the kernel", name,
			r->dir);
	if (needed_by) {
		/* modprobe shrugs these off too; the report mentions it. */
		char note[256];

		snprintf(note, sizeof(note), "%s (of %s)", name, needed_by);
		return name_list_push(&r->set->skipped_soft,
				      &r->set->nskipped_soft, note);
	}
	/* The report says so, with the rest (builder/build/report.c). */
	return name_list_push(&r->set->missing, &r->set->nmissing, name);
}

/* Dependencies first, then the module itself. */
static int visit_found(struct resolver *r, struct candidate *c, bool soft)
{
	struct buf image = { 0 };
	struct module *m;
	int ret;

	if (candidate_info(c, &image) < 0)
		return -1;
	ret = visit_words(r, c->info.softdep_pre, " \t", c->name, false);
	if (!ret)
		ret = check_missing(r, c->name, c->info.depends);
	if (!ret)
		ret = visit_words(r, c->info.depends, ",", c->name, true);
	if (ret || is_done(r, c->name)) {
		buf_free(&image);
		return ret;
	}
	m = modset_push(r->set, c->name, c->path, &image);
	if (!m)
		return -1;
	m->optional = soft;
	return 0;
}

static int cycle_error(struct resolver *r, const char *name)
{
	struct buf chain = { 0 };
	size_t start = 0;

	while (strcmp(r->visiting[start], name))
		start++;
	for (size_t i = start; i < r->depth; i++) {
		buf_add_str(&chain, r->visiting[i]);
		buf_add_str(&chain, " -> ");
	}
	buf_add_str(&chain, name);
	buf_add(&chain, "", 1);
	error_set("dependency cycle: %s",
		  chain.data ? (char *)chain.data : name);
	buf_free(&chain);
	return -1;
}

static void mark_needed(struct resolver *r, const char *name)
{
	for (size_t i = 0; i < r->set->n; i++)
		if (!strcmp(r->set->v[i].name, name))
			r->set->v[i].optional = false;
}

static int visit_named(struct resolver *r, struct candidate *c,
		       const char *needed_by, bool required)
{
	bool soft = needed_by && !required;
	int ret;

	if (is_done(r, c->name)) {
		if (!soft)
			mark_needed(r, c->name);
		return 0;
	}
	for (size_t i = 0; i < r->depth; i++)
		if (!strcmp(r->visiting[i], c->name))
			return cycle_error(r, c->name);
	if (r->depth == VISIT_DEPTH_MAX)
		return error_set("dependencies of %s nest too deep", c->name);
	r->visiting[r->depth++] = c->name;
	ret = visit_found(r, c, soft);
	r->depth--;
	return ret;
}

/* An alias may name several modules: modprobe loads them all. */
static int visit_alias(struct resolver *r, const char *word,
		       const char *needed_by, bool required, const char *name)
{
	size_t from = 0;
	struct candidate *c = find_alias(r, word, &from);
	int ret = 0;

	if (!c)
		return missing(r, name, needed_by, required);
	for (; c && !ret; c = find_alias(r, word, &from))
		ret = visit_named(r, c, needed_by, required);
	return ret;
}

static int visit(struct resolver *r, const char *word, const char *needed_by,
		 bool required)
{
	char *name = module_name_from(word);
	struct candidate *c;
	int ret;

	if (!name)
		return -1;
	c = find_file(r, name);
	if (c)
		ret = visit_named(r, c, needed_by, required);
	else if (name_list_has(r->builtin, r->nbuiltin, name))
		ret = is_done(r, name) ?
			      0 :
			      name_list_push(&r->set->builtin,
					     &r->set->nbuiltin, name);
	else
		ret = visit_alias(r, word, needed_by, required, name);
	free(name);
	return ret;
}

static void resolver_free(struct resolver *r)
{
	for (size_t i = 0; i < r->nfiles; i++) {
		free(r->files[i].name);
		free(r->files[i].path);
		modinfo_free(&r->files[i].info);
	}
	free(r->files);
	name_list_free(&r->builtin, &r->nbuiltin);
}

int closure_resolve(const char *dir, const struct modreq *req, size_t nreq,
		    struct modset *set)
{
	struct resolver r = { .dir = dir, .set = set };
	int ret = 0;

	if (scan_files(&r) < 0 || read_builtin(&r) < 0)
		ret = -1;
	for (size_t i = 0; !ret && i < nreq; i++)
		ret = visit(&r, req[i].name, NULL, req[i].required);
	resolver_free(&r);
	return ret;
}
