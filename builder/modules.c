// SPDX-License-Identifier: MIT
#include "modules.h"
#include "archive.h"
#include "compress.h"
#include "elf.h"

#include <errno.h>
#include <ftw.h>
#include <libkmod.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MODULE_MAX ((size_t)256 << 20)
#define VISIT_DEPTH_MAX 64

struct candidate {
	char *name, *path;
};

struct resolver {
	const char *dir;
	struct kmod_ctx *kmod;
	struct candidate *files; /* every module file under dir */
	size_t nfiles;
	char **builtin; /* modules.builtin */
	size_t nbuiltin;
	const char *visiting[VISIT_DEPTH_MAX];
	size_t depth;
	char tmpdir[PATH_MAX];
	struct modset *set;
};

static const char *const suffixes[] = { ".ko", ".ko.xz", ".ko.zst", ".ko.gz" };

char *module_name_from(const char *file)
{
	const char *base = strrchr(file, '/');
	size_t len;
	char *name;

	base = base ? base + 1 : file;
	len = strlen(base);
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(*suffixes); i++) {
		size_t slen = strlen(suffixes[i]);

		if (len > slen && !strcmp(base + len - slen, suffixes[i])) {
			len -= slen;
			break;
		}
	}
	name = strndup(base, len);
	if (!name) {
		error_set("out of memory");
		return NULL;
	}
	for (char *p = name; *p; p++)
		if (*p == '-')
			*p = '_';
	return name;
}

static bool is_module_file(const char *path)
{
	size_t len = strlen(path);

	for (size_t i = 0; i < sizeof(suffixes) / sizeof(*suffixes); i++) {
		size_t slen = strlen(suffixes[i]);

		if (len > slen && !strcmp(path + len - slen, suffixes[i]))
			return true;
	}
	return false;
}

static bool in_list(char *const *list, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i], name))
			return true;
	return false;
}

static int push_name(char ***list, size_t *n, const char *name)
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

/* nftw has no user pointer: the scan in progress. */
static struct resolver *scanning;

static int scan_one(const char *path, const struct stat *st, int type,
		    struct FTW *ftw)
{
	struct resolver *r = scanning;
	struct candidate *v;

	(void)st;
	(void)ftw;
	if (type != FTW_F || !is_module_file(path))
		return 0;
	v = realloc(r->files, (r->nfiles + 1) * sizeof(*v));
	if (!v)
		return error_set("out of memory");
	r->files = v;
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

	if ((size_t)snprintf(path, sizeof(path), "%s/modules.builtin",
			     r->dir) >= sizeof(path))
		return error_set("%s: path too long", r->dir);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *name;

		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0])
			continue;
		name = module_name_from(line);
		if (!name || push_name(&r->builtin, &r->nbuiltin, name) < 0) {
			free(name);
			fclose(f);
			return -1;
		}
		free(name);
	}
	fclose(f);
	return 0;
}

static const char *find_file(const struct resolver *r, const char *name)
{
	for (size_t i = 0; i < r->nfiles; i++)
		if (!strcmp(r->files[i].name, name))
			return r->files[i].path;
	return NULL;
}

static int load_image(const char *path, struct buf *image)
{
	uint8_t *bytes;
	size_t len, consumed;
	enum comp comp;
	int ret;

	if (read_file(path, &bytes, &len) < 0)
		return error_prefix("%s", path);
	comp = comp_detect(bytes, len);
	if (comp == COMP_NONE) {
		image->data = bytes;
		image->len = image->cap = len;
		return 0;
	}
	ret = comp_decompress(comp, bytes, len, &consumed, image, MODULE_MAX);
	free(bytes);
	return ret < 0 ? error_prefix("%s", path) : 0;
}

static struct module *add_module(struct resolver *r, const char *name,
				 const char *path)
{
	struct modset *set = r->set;
	struct module *v = realloc(set->v, (set->n + 1) * sizeof(*v));
	struct module *m;
	struct elf_info elf;

	if (!v) {
		error_set("out of memory");
		return NULL;
	}
	set->v = v;
	m = &v[set->n];
	memset(m, 0, sizeof(*m));
	m->name = xstrdup(name);
	m->source = xstrdup(path);
	if (!m->name || !m->source || load_image(path, &m->image) < 0)
		goto fail;
	if (!elf_read(m->image.data, m->image.len, &elf) ||
	    elf.type != ELF_REL) {
		error_set(
			"%s is not a kernel module (no ELF relocatable object)",
			path);
		goto fail;
	}
	m->machine = elf.machine;
	set->n++;
	return m;
fail:
	free(m->name);
	free(m->source);
	buf_free(&m->image);
	return NULL;
}

/*
 * libkmod reads modinfo from files: hand it a plain one, a temporary copy
 * if the module was compressed (*temporary is then true).
 */
static int plain_path(struct resolver *r, const struct module *m, char *path,
		      size_t size, bool *temporary)
{
	FILE *f;

	*temporary = false;
	if (!strcmp(m->source + strlen(m->source) - 3, ".ko")) {
		if ((size_t)snprintf(path, size, "%s", m->source) >= size)
			return error_set("%s: path too long", m->source);
		return 0;
	}
	if (!r->tmpdir[0]) {
		const char *tmp = getenv("TMPDIR");

		snprintf(r->tmpdir, sizeof(r->tmpdir),
			 "%s/minirt-virtio.XXXXXX", tmp ? tmp : "/tmp");
		if (!mkdtemp(r->tmpdir)) {
			r->tmpdir[0] = '\0';
			return error_set(
				"cannot make a temporary directory: %s",
				strerror(errno));
		}
	}
	if ((size_t)snprintf(path, size, "%s/%s.ko", r->tmpdir, m->name) >=
	    size)
		return error_set("%s: path too long", r->tmpdir);
	*temporary = true;
	f = fopen(path, "we");
	if (!f || fwrite(m->image.data, 1, m->image.len, f) != m->image.len) {
		if (f)
			fclose(f);
		return error_set("cannot write %s", path);
	}
	return fclose(f) ? error_set("cannot write %s", path) : 0;
}

struct modinfo {
	char *depends;
	char *softdep_pre; /* space separated */
	char *vermagic;
};

static void modinfo_free(struct modinfo *mi)
{
	free(mi->depends);
	free(mi->softdep_pre);
	free(mi->vermagic);
}

/* "pre: a b post: c" -> "a b" (appended to what is already there) */
static int add_softdep_pre(char **pre, const char *value)
{
	const char *p = strstr(value, "pre:");
	const char *end;
	size_t old = *pre ? strlen(*pre) : 0, len;
	char *joined;

	if (!p)
		return 0;
	p += 4;
	end = strstr(p, "post:");
	len = end ? (size_t)(end - p) : strlen(p);
	joined = realloc(*pre, old + len + 2);
	if (!joined)
		return error_set("out of memory");
	joined[old] = ' ';
	memcpy(joined + old + 1, p, len);
	joined[old + 1 + len] = '\0';
	*pre = joined;
	return 0;
}

static int read_modinfo(struct resolver *r, const struct module *m,
			struct modinfo *mi)
{
	struct kmod_module *mod = NULL;
	struct kmod_list *info = NULL, *l;
	char path[PATH_MAX];
	bool temporary;
	int ret;

	memset(mi, 0, sizeof(*mi));
	if (plain_path(r, m, path, sizeof(path), &temporary) < 0)
		return -1;
	ret = kmod_module_new_from_path(r->kmod, path, &mod);
	if (ret == 0)
		ret = kmod_module_get_info(mod, &info);
	if (temporary)
		unlink(path);
	if (ret < 0) {
		kmod_module_unref(mod);
		return error_set("%s: cannot read its modinfo: %s", m->source,
				 strerror(-ret));
	}
	kmod_list_foreach (l, info) {
		const char *key = kmod_module_info_get_key(l);
		const char *value = kmod_module_info_get_value(l);

		if (!value)
			continue;
		if (!strcmp(key, "depends") && !mi->depends)
			mi->depends = xstrdup(value);
		else if (!strcmp(key, "vermagic") && !mi->vermagic)
			mi->vermagic = xstrdup(value);
		else if (!strcmp(key, "softdep"))
			add_softdep_pre(&mi->softdep_pre, value);
	}
	kmod_module_info_free_list(info);
	kmod_module_unref(mod);
	return 0;
}

static int visit(struct resolver *r, const char *name, const char *needed_by,
		 bool required);

static bool is_done(const struct resolver *r, const char *name)
{
	for (size_t i = 0; i < r->set->n; i++)
		if (!strcmp(r->set->v[i].name, name))
			return true;
	return in_list(r->set->builtin, r->set->nbuiltin, name);
}

/* Soft dependencies are best effort, as for modprobe. */
static int visit_softdeps(struct resolver *r, const char *name, const char *pre)
{
	char *copy, *word, *save = NULL;
	int ret = 0;

	if (!pre)
		return 0;
	copy = xstrdup(pre);
	if (!copy)
		return -1;
	for (word = strtok_r(copy, " \t", &save); word && !ret;
	     word = strtok_r(NULL, " \t", &save))
		ret = visit(r, word, name, false);
	free(copy);
	return ret;
}

/* The first module a name or alias looks up to in the index, or NULL. */
static struct kmod_module *index_lookup(struct resolver *r, const char *name)
{
	struct kmod_list *list = NULL;
	struct kmod_module *mod;

	if (kmod_module_new_from_lookup(r->kmod, name, &list) < 0 || !list)
		return NULL;
	mod = kmod_module_get_module(list); /* takes a reference */
	kmod_module_unref_list(list);
	return mod;
}

/* Dependency names from libkmod's index (modules.dep), comma separated. */
static char *index_depends(struct resolver *r, const char *name)
{
	struct kmod_module *mod = index_lookup(r, name);
	struct kmod_list *deps, *l;
	struct buf out = { 0 };

	if (!mod)
		return xstrdup("");
	deps = kmod_module_get_dependencies(mod);
	kmod_list_foreach (l, deps) {
		struct kmod_module *dep = kmod_module_get_module(l);

		buf_add_str(&out, kmod_module_get_name(dep));
		buf_add_str(&out, ",");
		kmod_module_unref(dep);
	}
	kmod_module_unref_list(deps);
	kmod_module_unref(mod);
	buf_add(&out, "", 1);
	return (char *)out.data;
}

/* An alias (crypto-crc32c) to a module name, through the index. */
static char *index_resolve(struct resolver *r, const char *name)
{
	struct kmod_module *mod;
	char *real;

	if (!r->set->used_index)
		return NULL;
	mod = index_lookup(r, name);
	if (!mod)
		return NULL;
	real = module_name_from(kmod_module_get_name(mod));
	kmod_module_unref(mod);
	return real;
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

		if (dep && !find_file(r, dep) &&
		    !in_list(r->builtin, r->nbuiltin, dep) &&
		    !r->set->used_index) {
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

static int visit_depends(struct resolver *r, const char *name,
			 const char *depends)
{
	char *copy, *word, *save = NULL;
	int ret;

	if (check_missing(r, name, depends) < 0)
		return -1;
	copy = xstrdup(depends);
	if (!copy)
		return -1;
	ret = 0;
	for (word = strtok_r(copy, ",", &save); word && !ret;
	     word = strtok_r(NULL, ",", &save))
		ret = visit(r, word, name, true);
	free(copy);
	return ret;
}

static const char *module_path(struct resolver *r, const char *name, char *buf,
			       size_t size)
{
	struct kmod_module *mod;
	const char *path;

	if (!r->set->used_index)
		return find_file(r, name);
	mod = index_lookup(r, name);
	if (!mod)
		return NULL;
	path = kmod_module_get_path(mod);
	if (path)
		snprintf(buf, size, "%s", path);
	kmod_module_unref(mod);
	return path ? buf : NULL;
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
		return push_name(&r->set->skipped_soft, &r->set->nskipped_soft,
				 note);
	}
	fprintf(stderr, "minirt-virtio: warning: %s is not in %s; left out\n",
		name, r->dir);
	return 0;
}

static int visit_found(struct resolver *r, const char *name, const char *path,
		       bool soft)
{
	struct modinfo mi;
	struct module *m;
	char *depends;
	size_t index;
	int ret;

	m = add_module(r, name, path);
	if (!m)
		return -1;
	index = r->set->n - 1;
	if (read_modinfo(r, m, &mi) < 0)
		return -1;
	m->vermagic = mi.vermagic ? xstrdup(mi.vermagic) : NULL;
	m->optional = soft;
	/* Dependencies load first: take this module out, put it back after. */
	struct module self = r->set->v[index];

	r->set->n--;
	depends = r->set->used_index ? index_depends(r, name) :
				       xstrdup(mi.depends ? mi.depends : "");
	ret = depends ? 0 : -1;
	if (!ret)
		ret = visit_softdeps(r, name, mi.softdep_pre);
	if (!ret)
		ret = visit_depends(r, name, depends);
	free(depends);
	modinfo_free(&mi);
	if (!ret && !is_done(r, name)) {
		struct module *v =
			realloc(r->set->v, (r->set->n + 1) * sizeof(*v));

		if (v) {
			r->set->v = v;
			v[r->set->n++] = self;
			return 0;
		}
		ret = error_set("out of memory");
	}
	{
		free(self.name);
		free(self.source);
		free(self.vermagic);
		buf_free(&self.image);
	}
	return ret;
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

static int visit_named(struct resolver *r, const char *name,
		       const char *needed_by, bool required)
{
	bool soft = needed_by && !required;
	char buf[PATH_MAX];
	const char *path;
	int ret;

	if (is_done(r, name)) {
		if (!soft)
			mark_needed(r, name);
		return 0;
	}
	for (size_t i = 0; i < r->depth; i++)
		if (!strcmp(r->visiting[i], name))
			return cycle_error(r, name);
	if (in_list(r->builtin, r->nbuiltin, name))
		return push_name(&r->set->builtin, &r->set->nbuiltin, name);
	path = module_path(r, name, buf, sizeof(buf));
	if (!path)
		return missing(r, name, needed_by, required);
	if (r->depth == VISIT_DEPTH_MAX)
		return error_set("dependencies of %s nest too deep", name);
	r->visiting[r->depth++] = name;
	ret = visit_found(r, name, path, soft);
	r->depth--;
	return ret;
}

static int visit(struct resolver *r, const char *word, const char *needed_by,
		 bool required)
{
	char *name = module_name_from(word), *real;
	int ret;

	if (!name)
		return -1;
	real = find_file(r, name) ? NULL : index_resolve(r, name);
	ret = visit_named(r, real ? real : name, needed_by, required);
	free(real);
	free(name);
	return ret;
}

static int check_vermagic(const struct modset *set)
{
	for (size_t i = 1; i < set->n; i++) {
		const char *a = set->v[0].vermagic, *b = set->v[i].vermagic;

		if (!a || !b || strcmp(a, b))
			return error_set(
				"%s was built for \"%s\" but %s for \"%s\"",
				set->v[i].name, b ? b : "(no vermagic)",
				set->v[0].name, a ? a : "(no vermagic)");
		if (set->v[i].machine != set->v[0].machine)
			return error_set("%s is for %s but %s for %s",
					 set->v[i].name,
					 elf_machine_name(set->v[i].machine),
					 set->v[0].name,
					 elf_machine_name(set->v[0].machine));
	}
	return 0;
}

static void resolver_free(struct resolver *r)
{
	for (size_t i = 0; i < r->nfiles; i++) {
		free(r->files[i].name);
		free(r->files[i].path);
	}
	free(r->files);
	for (size_t i = 0; i < r->nbuiltin; i++)
		free(r->builtin[i]);
	free(r->builtin);
	if (r->tmpdir[0])
		rmdir(r->tmpdir);
	kmod_unref(r->kmod);
}

static bool has_index(const char *dir)
{
	char path[PATH_MAX];

	if ((size_t)snprintf(path, sizeof(path), "%s/modules.dep.bin", dir) >=
	    sizeof(path))
		return false;
	return access(path, R_OK) == 0;
}

int modules_resolve(const char *dir, const struct modreq *req, size_t nreq,
		    struct modset *set)
{
	static const char *const no_config[] = { NULL };
	struct resolver r = { .dir = dir, .set = set };
	struct stat st;
	int ret = 0;

	memset(set, 0, sizeof(*set));
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return error_set("%s: not a directory of modules", dir);
	/* The target's modules, not this machine's: no host config. */
	r.kmod = kmod_new(dir, no_config);
	if (!r.kmod)
		return error_set("libkmod: cannot start");
	set->used_index = has_index(dir);
	if (scan_files(&r) < 0 || read_builtin(&r) < 0)
		ret = -1;
	for (size_t i = 0; !ret && i < nreq; i++)
		ret = visit(&r, req[i].name, NULL, req[i].required);
	if (!ret)
		ret = check_vermagic(set);
	resolver_free(&r);
	return ret;
}

void modset_free(struct modset *set)
{
	for (size_t i = 0; i < set->n; i++) {
		free(set->v[i].name);
		free(set->v[i].source);
		free(set->v[i].vermagic);
		buf_free(&set->v[i].image);
	}
	free(set->v);
	for (size_t i = 0; i < set->nbuiltin; i++)
		free(set->builtin[i]);
	free(set->builtin);
	for (size_t i = 0; i < set->nskipped_soft; i++)
		free(set->skipped_soft[i]);
	free(set->skipped_soft);
	memset(set, 0, sizeof(*set));
}
