// SPDX-License-Identifier: MIT
#include "rootfs.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINKS_MAX 40 /* symbolic links one lookup follows, as the kernel */

struct rootfs_slot {
	char *key; /* NULL: never used */
	uint32_t value;
	bool removed;
};

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	while (*s)
		h = (h ^ (uint8_t)*s++) * 1099511628211ull;
	return h;
}

static struct rootfs_slot *slot_of(const struct rootfs_map *m, const char *key)
{
	size_t i;

	if (!m->cap)
		return NULL;
	for (i = hash(key) & (m->cap - 1); m->slot[i].key;
	     i = (i + 1) & (m->cap - 1))
		if (!strcmp(m->slot[i].key, key))
			return &m->slot[i];
	return &m->slot[i];
}

static const uint32_t *map_get(const struct rootfs_map *m, const char *key)
{
	const struct rootfs_slot *s = slot_of(m, key);

	return s && s->key && !s->removed ? &s->value : NULL;
}

static int map_grow(struct rootfs_map *m)
{
	struct rootfs_map bigger = { .cap = m->cap ? m->cap * 2 : 1024 };

	bigger.slot = xcalloc(bigger.cap, sizeof(*bigger.slot));
	if (!bigger.slot)
		return -1;
	for (size_t i = 0; i < m->cap; i++) {
		if (m->slot[i].key && !m->slot[i].removed) {
			*slot_of(&bigger, m->slot[i].key) = m->slot[i];
			bigger.used++;
		} else {
			free(m->slot[i].key);
		}
	}
	free(m->slot);
	*m = bigger;
	return 0;
}

static int map_put(struct rootfs_map *m, const char *key, uint32_t value)
{
	struct rootfs_slot *s;

	if ((m->used + 1) * 2 > m->cap && map_grow(m) < 0)
		return -1;
	s = slot_of(m, key);
	if (!s->key) {
		s->key = xstrdup(key);
		if (!s->key)
			return -1;
		m->used++;
	}
	s->value = value;
	s->removed = false;
	return 0;
}

static void map_free(struct rootfs_map *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->slot[i].key);
	free(m->slot);
	memset(m, 0, sizeof(*m));
}

static struct rootfs_node *get(const struct rootfs *fs, const char *path)
{
	const uint32_t *i = map_get(&fs->names, path);

	return i ? &fs->node[*i] : NULL;
}

/* "a/b/c" -> "a/b"; "a" -> "" (the root). */
static void parent_of(const char *path, char *out)
{
	const char *slash = strrchr(path, '/');
	size_t len = slash ? (size_t)(slash - path) : 0;

	memcpy(out, path, len);
	out[len] = '\0';
}

struct walk {
	const struct rootfs *fs;
	const char *avoid;
	int links; /* symbolic links followed so far */
};

static int walk(struct walk *w, const char *base, const char *path, bool follow,
		char *out);

/* cand names a symbolic link: where it leads, from the directory dir. */
static int follow_link(struct walk *w, const struct rootfs_node *link,
		       const char *dir, char *cand)
{
	char target[PATH_MAX];

	if (++w->links > LINKS_MAX)
		return ELOOP;
	if (link->size >= sizeof(target))
		return ENAMETOOLONG;
	memcpy(target, link->data, link->size);
	target[link->size] = '\0';
	return walk(w, dir, target, true, cand);
}

static int step(struct walk *w, char *cur, const char *name, size_t len,
		bool last, bool follow)
{
	char cand[PATH_MAX];
	const struct rootfs_node *n;
	int ret;

	if (len == 2 && !memcmp(name, "..", 2)) {
		parent_of(cur, cur);
		return 0;
	}
	if (strlen(cur) + len + 2 > sizeof(cand))
		return ENAMETOOLONG;
	snprintf(cand, sizeof(cand), "%s%s%.*s", cur, *cur ? "/" : "", (int)len,
		 name);
	if (w->avoid && !strcmp(cand, w->avoid))
		return EDEADLK;
	n = get(w->fs, cand);
	if (n && S_ISLNK(n->mode) && (!last || follow)) {
		ret = follow_link(w, n, cur, cand);
		if (ret)
			return ret;
		n = get(w->fs, cand);
	}
	if (!last && !n)
		return ENOENT;
	if (!last && !S_ISDIR(n->mode))
		return ENOTDIR;
	strcpy(cur, cand);
	return 0;
}

/*
 * path from the directory base to out, a name without "/" in front. 0 if
 * every directory on the way is there; the last component may be missing.
 */
static int walk(struct walk *w, const char *base, const char *path, bool follow,
		char *out)
{
	const char *p = path;

	strcpy(out, *path == '/' ? "" : base);
	while (*p) {
		size_t len = strcspn(p, "/");
		const char *next = p + len;
		int ret;

		while (*next == '/')
			next++;
		if (len && !(len == 1 && *p == '.')) {
			ret = step(w, out, p, len, !*next, follow);
			if (ret)
				return ret;
		}
		p = next;
	}
	return 0;
}

int rootfs_lookup(const struct rootfs *fs, const char *path, bool follow,
		  const char *avoid, const struct rootfs_node **node)
{
	struct walk w = { fs, avoid, 0 };
	char out[PATH_MAX];
	int ret = walk(&w, "", path, follow, out);

	*node = ret ? NULL : get(fs, out);
	return ret ? ret : *node ? 0 : ENOENT;
}

static struct rootfs_node *new_node(struct rootfs *fs, uint32_t mode)
{
	if (fs->nnodes == fs->cap) {
		size_t cap = fs->cap ? fs->cap * 2 : 256;
		struct rootfs_node *v = realloc(fs->node, cap * sizeof(*v));

		if (!v) {
			error_set("out of memory");
			return NULL;
		}
		fs->node = v;
		fs->cap = cap;
	}
	memset(&fs->node[fs->nnodes], 0, sizeof(*fs->node));
	fs->node[fs->nnodes].mode = mode;
	return &fs->node[fs->nnodes++];
}

static int add_name(struct rootfs *fs, const char *path, struct rootfs_node *n)
{
	char parent[PATH_MAX];

	parent_of(path, parent);
	if (map_put(&fs->names, path, (uint32_t)(n - fs->node)) < 0)
		return -1;
	n->links++;
	get(fs, parent)->children++;
	return 0;
}

static void remove_name(struct rootfs *fs, const char *path)
{
	struct rootfs_slot *s = slot_of(&fs->names, path);
	char parent[PATH_MAX];

	parent_of(path, parent);
	fs->node[s->value].links--;
	get(fs, parent)->children--;
	s->removed = true;
}

/* The kernel's clean_path(): a name of another type goes first. */
static void clean_path(struct rootfs *fs, const char *path, uint32_t type)
{
	const struct rootfs_node *n = get(fs, path);

	if (!n || !((n->mode ^ type) & S_IFMT))
		return;
	if (!S_ISDIR(n->mode) || !n->children)
		remove_name(fs, path);
}

/*
 * The kernel's maybe_link(): 1 if the entry became a hard link to an
 * earlier one of its archive, 0 if it is the first, -1 if linking failed.
 */
static int maybe_link(struct rootfs *fs, const struct cpio_entry *e,
		      const char *path)
{
	char key[64];
	const uint32_t *first;
	struct rootfs_node *n;

	if (e->nlink < 2)
		return 0;
	snprintf(key, sizeof(key), "%x:%x:%x:%o", e->ino, e->devmajor,
		 e->devminor, e->mode & S_IFMT);
	first = map_get(&fs->links, key);
	if (!first) {
		char **v = realloc(fs->link_names,
				   (fs->nlink_names + 1) * sizeof(*v));

		if (!v)
			return error_set("out of memory");
		fs->link_names = v;
		v[fs->nlink_names] = xstrdup(path);
		if (!v[fs->nlink_names] ||
		    map_put(&fs->links, key, (uint32_t)fs->nlink_names++) < 0)
			return -1;
		return 0;
	}
	clean_path(fs, path, 0);
	n = get(fs, fs->link_names[*first]);
	if (!n || S_ISDIR(n->mode) || get(fs, path))
		return -2;
	return add_name(fs, path, n) < 0 ? -1 : 1;
}

static struct rootfs_node *create(struct rootfs *fs, const char *path,
				  uint32_t mode, bool *failed)
{
	struct rootfs_node *n = new_node(fs, mode);

	if (!n || add_name(fs, path, n) < 0) {
		*failed = true;
		return NULL;
	}
	return n;
}

static int add_file(struct rootfs *fs, const struct cpio_entry *e,
		    const char *path)
{
	struct rootfs_node *n;
	bool failed = false;
	int linked;

	clean_path(fs, path, e->mode);
	linked = maybe_link(fs, e, path);
	if (linked == -1)
		return -1;
	if (linked < 0)
		return 0;
	n = get(fs, path);
	if (!n)
		n = create(fs, path, e->mode, &failed);
	else if (S_ISDIR(n->mode))
		return 0; /* a directory that is not empty: EISDIR */
	else if (!linked)
		n->size = 0; /* O_TRUNC */
	if (!n)
		return failed ? -1 : 0;
	n->mode = S_IFREG | (e->mode & 07777);
	if (e->size) {
		n->data = e->data;
		n->size = e->size;
	}
	n->entry = e;
	return 0;
}

static int add_other(struct rootfs *fs, const struct cpio_entry *e,
		     const char *path)
{
	struct rootfs_node *n;
	bool failed = false;
	int linked = 0;

	if (S_ISDIR(e->mode)) {
		clean_path(fs, path, e->mode);
	} else if (S_ISLNK(e->mode)) {
		clean_path(fs, path, 0);
	} else {
		clean_path(fs, path, e->mode);
		linked = maybe_link(fs, e, path);
	}
	if (linked == -1)
		return -1;
	if (linked)
		return 0;
	n = get(fs, path);
	if (n && S_ISDIR(n->mode) && S_ISDIR(e->mode))
		n->mode = e->mode; /* mkdir fails, chmod does not */
	if (n)
		return 0;
	n = create(fs, path, e->mode, &failed);
	if (n) {
		n->data = e->data;
		n->size = S_ISLNK(e->mode) ? e->size : 0;
		n->entry = e;
	}
	return failed ? -1 : 0;
}

static int add_entry(struct rootfs *fs, const struct cpio_entry *e)
{
	struct walk w = { fs, NULL, 0 };
	char path[PATH_MAX];

	/* A missing parent (or a loop on the way) drops the entry. */
	if (walk(&w, "", e->name, false, path) != 0 || !*path)
		return 0;
	if (S_ISREG(e->mode))
		return add_file(fs, e, path);
	return add_other(fs, e, path);
}

static void forget_links(struct rootfs *fs)
{
	map_free(&fs->links);
	for (size_t i = 0; i < fs->nlink_names; i++)
		free(fs->link_names[i]);
	free(fs->link_names);
	fs->link_names = NULL;
	fs->nlink_names = 0;
}

int rootfs_add(struct rootfs *fs, const struct cpio_list *list)
{
	for (size_t i = 0; i < list->n; i++) {
		if (i && list->v[i].archive != list->v[i - 1].archive)
			forget_links(fs); /* TRAILER!!! */
		if (add_entry(fs, &list->v[i]) < 0)
			return -1;
	}
	forget_links(fs);
	return 0;
}

int rootfs_unpack(struct rootfs *fs, const struct segment *seg, size_t nseg)
{
	memset(fs, 0, sizeof(*fs));
	if (!new_node(fs, S_IFDIR | 0755) || map_put(&fs->names, "", 0) < 0)
		return -1;
	fs->node[0].links = 1;
	for (size_t s = 0; s < nseg; s++)
		if (rootfs_add(fs, &seg[s].entries) < 0)
			return -1;
	return 0;
}

void rootfs_free(struct rootfs *fs)
{
	forget_links(fs);
	map_free(&fs->names);
	free(fs->node);
	memset(fs, 0, sizeof(*fs));
}
