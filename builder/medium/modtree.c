// SPDX-License-Identifier: MIT
#include "modtree.h"
#include "error.h"
#include "file.h"
#include "isofs.h"
#include "kernel.h"
#include "modfile.h"
#include "tmpdir.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MODULES_DIR "lib/modules/"
#define INDEX_MAIN "modules.dep.bin"

static bool file_exists_in(const char *dir, const char *name)
{
	char path[PATH_MAX];

	return (size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) <
		       sizeof(path) &&
	       access(path, R_OK) == 0;
}

int modtree_from_dir(struct modtree *t, const char *dir)
{
	struct stat st;

	memset(t, 0, sizeof(*t));
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return error_set("%s: not a directory of modules", dir);
	t->label = xstrdup(dir);
	/* libkmod gives paths below its real name: match them. */
	t->dir = realpath(dir, NULL);
	if (!t->label || !t->dir)
		return error_set("%s: %s", dir, strerror(errno));
	t->has_index = file_exists_in(dir, INDEX_MAIN);
	return 0;
}

void modtree_free(struct modtree *t)
{
	free(t->dep_text);
	free(t->dep_lines);
	free(t->label);
	free(t->dir);
	free(t->release);
	free(t->prefix);
	memset(t, 0, sizeof(*t));
}

int modimage_open(struct modimage *m, const char *name, int fd,
		  const struct region *r)
{
	memset(m, 0, sizeof(*m));
	m->fd = fd;
	m->name = xstrdup(name);
	if (!m->name)
		return -1;
	if (cloop_detect(r)) {
		if (cloop_open(&m->cloop, m->name, r) < 0)
			return error_prefix("%s", name);
		m->is_cloop = true;
	} else {
		region_source_init(&m->plain, m->name, r);
	}
	return 0;
}

int modimage_open_file(struct modimage *m, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct region r = { .fd = fd };
	struct stat st;

	memset(m, 0, sizeof(*m));
	m->fd = -1;
	if (fd < 0)
		return error_set("%s: cannot open: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return error_set("%s: not a regular file", path);
	}
	r.size = (uint64_t)st.st_size;
	return modimage_open(m, path, fd, &r);
}

void modimage_close(struct modimage *m)
{
	if (m->is_cloop)
		cloop_close(&m->cloop);
	if (m->fd >= 0)
		close(m->fd);
	if (m->tmpdir)
		tmpdir_remove(m->tmpdir);
	free(m->tmpdir);
	free(m->name);
	memset(m, 0, sizeof(*m));
	m->fd = -1;
}

bool modimage_is_image(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* lib/modules/REL/REST or usr/lib/modules/REL/REST: REL's span, REST. */
static bool split_tree_path(const char *path, size_t *rel_at, size_t *rel_len,
			    const char **rest)
{
	size_t at = strncmp(path, "usr/", 4) ? 0 : 4;
	const char *slash;

	if (strncmp(path + at, MODULES_DIR, strlen(MODULES_DIR)))
		return false;
	at += strlen(MODULES_DIR);
	slash = strchr(path + at, '/');
	*rel_at = at;
	*rel_len = slash ? (size_t)(slash - path) - at : strlen(path + at);
	*rest = slash ? slash + 1 : "";
	return *rel_len > 0;
}

struct found_tree {
	char *release, *prefix;
	bool index;
};

struct scan {
	struct modimage *m;
	char *const *want;
	size_t nwant;
	struct found_tree *found;
	size_t nfound;
};

static bool wanted(const struct scan *s, const char *rel, size_t len)
{
	if (!s->nwant)
		return true;
	for (size_t i = 0; i < s->nwant; i++)
		if (strlen(s->want[i]) == len && !memcmp(s->want[i], rel, len))
			return true;
	return false;
}

static struct found_tree *found(struct scan *s, const char *path, size_t at,
				size_t len)
{
	struct found_tree *f;

	for (size_t i = 0; i < s->nfound; i++)
		if (strlen(s->found[i].release) == len &&
		    !memcmp(s->found[i].release, path + at, len))
			return &s->found[i];
	f = realloc(s->found, (s->nfound + 1) * sizeof(*f));
	if (!f) {
		error_set("out of memory");
		return NULL;
	}
	s->found = f;
	f = &f[s->nfound++];
	memset(f, 0, sizeof(*f));
	f->release = strndup(path + at, len);
	f->prefix = malloc(at + len + 2);
	if (!f->release || !f->prefix) {
		error_set("out of memory");
		return NULL;
	}
	memcpy(f->prefix, path, at + len);
	memcpy(f->prefix + at + len, "/", 2);
	return f;
}

/* The index files at the top of a wanted tree; the tree itself. */
static int pick_index(void *ctx, const struct isofs_entry *e)
{
	struct scan *s = ctx;
	size_t at, len;
	const char *rest;

	/* A name that could not be a release (".."): nothing of ours. */
	if (!split_tree_path(e->path, &at, &len, &rest) ||
	    !release_valid(e->path + at, len) || !wanted(s, e->path + at, len))
		return 0;
	if (!*rest && e->type == S_IFDIR)
		return found(s, e->path, at, len) ? 0 : -1;
	return e->type == S_IFREG && !strncmp(rest, "modules.", 8) &&
	       !strchr(rest, '/');
}

static int write_file(const char *dir, const char *name, const struct buf *b)
{
	char path[PATH_MAX];
	FILE *f;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path))
		return error_set("%s: path too long", dir);
	f = fopen(path, "we");
	if (!f || fwrite(b->data, 1, b->len, f) != b->len) {
		if (f)
			fclose(f);
		return error_set("cannot write %s: %s", path, strerror(errno));
	}
	return fclose(f) ? error_set("cannot write %s", path) : 0;
}

static int make_tmpdir(struct modimage *m)
{
	return m->tmpdir ? 0 : tmpdir_make(&m->tmpdir);
}

/* An index file of a tree: into the tree's temporary directory. */
static int take_index(void *ctx, const struct isofs_entry *e, struct buf *data)
{
	struct scan *s = ctx;
	struct found_tree *f;
	char dir[PATH_MAX];
	size_t at, len;
	const char *rest;

	split_tree_path(e->path, &at, &len, &rest);
	f = found(s, e->path, at, len);
	if (!f || make_tmpdir(s->m) < 0)
		return -1;
	if ((size_t)snprintf(dir, sizeof(dir), "%s/%s", s->m->tmpdir,
			     f->release) >= sizeof(dir))
		return error_set("%s: path too long", s->m->tmpdir);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return error_set("cannot make %s: %s", dir, strerror(errno));
	if (!strcmp(rest, INDEX_MAIN))
		f->index = true;
	return write_file(dir, rest, data);
}

/* mkdir -p for the directories of path, inside base (which exists). */
static int make_parents(char *path, size_t base_len)
{
	for (char *p = path + base_len + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(path, 0700) < 0 && errno != EEXIST) {
			error_set("cannot make %s: %s", path, strerror(errno));
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return 0;
}

static int add_tree(struct modimage *m, struct found_tree *f,
		    struct modtree **trees, size_t *ntrees)
{
	struct modtree *v = realloc(*trees, (*ntrees + 1) * sizeof(*v)), *t;
	char label[PATH_MAX];

	if (!v)
		return error_set("out of memory");
	*trees = v;
	t = &v[*ntrees];
	memset(t, 0, sizeof(*t));
	snprintf(label, sizeof(label), "%s: %.*s", m->name,
		 (int)strlen(f->prefix) - 1, f->prefix);
	t->label = xstrdup(label);
	snprintf(label, sizeof(label), "%s/%s", m->tmpdir, f->release);
	t->dir = xstrdup(label);
	if (!t->label || !t->dir)
		return -1;
	t->release = f->release;
	t->prefix = f->prefix;
	f->release = f->prefix = NULL;
	t->has_index = true;
	t->image = m;
	(*ntrees)++;
	return 0;
}

int modimage_trees(struct modimage *m, char *const *want, size_t nwant,
		   struct modtree **trees, size_t *ntrees)
{
	struct scan s = { .m = m, .want = want, .nwant = nwant };
	int ret = isofs_walk(modimage_source(m), pick_index, take_index, &s);

	if (ret < 0)
		error_prefix("%s", m->name);
	for (size_t i = 0; i < s.nfound; i++) {
		if (!ret && !s.found[i].index)
			ret = error_set(
				"%s: %s has no %s (depmod was not run on it)",
				m->name, s.found[i].prefix, INDEX_MAIN);
		if (!ret)
			ret = add_tree(m, &s.found[i], trees, ntrees);
		free(s.found[i].release);
		free(s.found[i].prefix);
	}
	free(s.found);
	return ret;
}

struct fetch {
	const struct modtree *t;
	char **want; /* paths in the image */
	size_t n;
	struct buf *out;
	bool *got;
};

static long fetch_index(const struct fetch *f, const char *path)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->want[i], path))
			return (long)i;
	return -1;
}

static int pick_wanted(void *ctx, const struct isofs_entry *e)
{
	const struct fetch *f = ctx;

	return e->type == S_IFREG && fetch_index(f, e->path) >= 0;
}

static int take_wanted(void *ctx, const struct isofs_entry *e, struct buf *data)
{
	struct fetch *f = ctx;
	long i = fetch_index(f, e->path);

	if (f->got[i])
		return 0;
	f->got[i] = true;
	f->out[i] = *data;
	memset(data, 0, sizeof(*data));
	return 0;
}

/* libkmod's path "<tmpdir>/<release>/kernel/x.ko" -> "kernel/x.ko". */
static const char *tree_relative(const struct modtree *t, const char *path)
{
	size_t len = strlen(t->dir);

	if (!strncmp(path, t->dir, len) && path[len] == '/')
		return path + len + 1;
	return path;
}

char *modtree_source(const struct modtree *t, const char *path)
{
	char *source;

	if (!t->image)
		return xstrdup(path);
	if (asprintf(&source, "%s/%s", t->label, tree_relative(t, path)) < 0) {
		error_set("out of memory");
		return NULL;
	}
	return source;
}

static int fetch_from_image(struct modtree *t, char *const *paths, size_t n,
			    struct buf *out)
{
	struct fetch f = { .t = t, .n = n, .out = out };
	int ret = -1;

	f.want = xcalloc(n + 1, sizeof(*f.want));
	f.got = xcalloc(n + 1, sizeof(*f.got));
	if (!f.want || !f.got)
		goto out;
	for (size_t i = 0; i < n; i++) {
		const char *rel = tree_relative(t, paths[i]);

		f.want[i] = malloc(strlen(t->prefix) + strlen(rel) + 1);
		if (!f.want[i]) {
			error_set("out of memory");
			goto out;
		}
		strcpy(stpcpy(f.want[i], t->prefix), rel);
	}
	if (isofs_walk(modimage_source(t->image), pick_wanted, take_wanted,
		       &f) < 0) {
		error_prefix("%s", t->image->name);
		goto out;
	}
	ret = 0;
	for (size_t i = 0; i < n && !ret; i++)
		if (!f.got[i])
			ret = error_set(
				"%s: %s is in modules.dep, but not in the image",
				t->image->name, f.want[i]);
	for (size_t i = 0; i < n && !ret; i++) {
		struct buf stored = out[i];
		char *source = modtree_source(t, paths[i]);

		memset(&out[i], 0, sizeof(out[i]));
		ret = source ? module_unpack(source, &stored, &out[i]) : -1;
		free(source);
		buf_free(&stored); /* when there was no name to give */
	}
out:
	for (size_t i = 0; f.want && i < n; i++)
		free(f.want[i]);
	free(f.want);
	free(f.got);
	return ret;
}

int modtree_fetch(struct modtree *t, char *const *paths, size_t n,
		  struct buf *out)
{
	if (t->image)
		return fetch_from_image(t, paths, n, out);
	for (size_t i = 0; i < n; i++)
		if (module_read(paths[i], &out[i]) < 0)
			return -1;
	return 0;
}

/* modules.dep as "path: dep dep" lines, sorted by path for lookups. */
static int by_line(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	size_t lx = strcspn(x, ":"), ly = strcspn(y, ":");
	int c = strncmp(x, y, lx < ly ? lx : ly);

	return c ? c : (lx > ly) - (lx < ly);
}

static int load_depmap(struct modtree *t)
{
	char path[PATH_MAX];
	uint8_t *text;
	size_t len, n = 0;
	char *line, *save = NULL;

	if ((size_t)snprintf(path, sizeof(path), "%s/modules.dep", t->dir) >=
	    sizeof(path))
		return error_set("%s: path too long", t->dir);
	if (read_file(path, &text, &len) < 0)
		return error_prefix("%s: modules.dep", t->label);
	text[len] = '\0';
	t->dep_text = (char *)text;
	for (size_t i = 0; i < len; i++)
		n += text[i] == '\n';
	t->dep_lines = xcalloc(n + 1, sizeof(*t->dep_lines));
	if (!t->dep_lines)
		return -1;
	for (line = strtok_r(t->dep_text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (strchr(line, ':') && t->ndep_lines <= n)
			t->dep_lines[t->ndep_lines++] = line;
	qsort(t->dep_lines, t->ndep_lines, sizeof(*t->dep_lines), by_line);
	return 0;
}

static const char *dep_line(const struct modtree *t, const char *rel)
{
	size_t lo = 0, hi = t->ndep_lines, len = strlen(rel);

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const char *l = t->dep_lines[mid];
		size_t llen = strcspn(l, ":");
		int c = strncmp(l, rel, llen < len ? llen : len);

		if (!c)
			c = (llen > len) - (llen < len);
		if (!c)
			return l + llen + 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Is rel in the tree? In an image, make its stand-in (*made counts). */
static int ensure(struct modtree *t, const char *rel, const char *needed_by,
		  size_t *made)
{
	char path[PATH_MAX];
	int fd;

	for (const char *p = rel; *p; p++)
		if ((unsigned char)*p < ' ' || *p == 0x7f)
			return error_set(
				"%s: modules.dep names a path with control characters",
				t->label);
	if (rel[0] == '/' || strstr(rel, "..") ||
	    (size_t)snprintf(path, sizeof(path), "%s/%s", t->dir, rel) >=
		    sizeof(path))
		return error_set("%s: modules.dep names %s", t->label, rel);
	if (access(path, F_OK) == 0)
		return 0;
	if (!t->image)
		return error_set("%s needs %s, which is not in %s", needed_by,
				 rel, t->label);
	if (make_parents(path, strlen(t->dir)) < 0)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return error_set("cannot make %s: %s", path, strerror(errno));
	close(fd);
	(*made)++;
	return 0;
}

int modtree_check_deps(struct modtree *t, char *const *paths, size_t n)
{
	size_t made = 0;

	if (!t->dep_text && load_depmap(t) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const char *rel = tree_relative(t, paths[i]);
		const char *deps = dep_line(t, rel);
		char word[PATH_MAX];

		if (ensure(t, rel, rel, &made) < 0)
			return -1;
		while (deps && *deps) {
			size_t skip = strspn(deps, " \t"), len;

			deps += skip;
			len = strcspn(deps, " \t");
			if (!len)
				break;
			snprintf(word, sizeof(word), "%.*s", (int)len, deps);
			if (ensure(t, word, rel, &made) < 0)
				return -1;
			deps += len;
		}
	}
	return (int)(made > INT32_MAX ? INT32_MAX : made);
}
