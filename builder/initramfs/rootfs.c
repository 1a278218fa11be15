// SPDX-License-Identifier: MIT
#include "rootfs.h"
#include "error.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX
#define LINKS_MAX 40 /* symbolic links one lookup follows, as the kernel */
#define NAME_LEN_MAX 255 /* a longer component: ENAMETOOLONG */
/* Bytes of names one lookup may walk, symbolic links' targets included. */
#define WALK_BUDGET ((size_t)1 << 16)

/* A name in a directory: (dir, name) is its key in fs->names. */
struct place {
	uint32_t dir; /* NONE: the walk ended on node itself (".", "/") */
	const char *name;
	size_t len;
	uint32_t node; /* what is there, or NONE */
};

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

static uint32_t map_get(const struct rootfs_map *m, const char *key)
{
	const struct rootfs_slot *s = slot_of(m, key);

	return s && s->key && !s->removed ? s->value : NONE;
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

static void map_remove(struct rootfs_map *m, const char *key)
{
	struct rootfs_slot *s = slot_of(m, key);

	if (s && s->key)
		s->removed = true;
}

static void map_free(struct rootfs_map *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->slot[i].key);
	free(m->slot);
	memset(m, 0, sizeof(*m));
}

/* "dir/name" with dir as a number: a name's key. */
static void key_of(uint32_t dir, const char *name, size_t len, char *key)
{
	snprintf(key, 16 + NAME_LEN_MAX, "%x/%.*s", dir, (int)len, name);
}

static uint32_t child(const struct rootfs *fs, uint32_t dir, const char *name,
		      size_t len)
{
	char key[16 + NAME_LEN_MAX];

	key_of(dir, name, len, key);
	return map_get(&fs->names, key);
}

struct walk {
	const struct rootfs *fs;
	struct place avoid; /* EDEADLK if the walk passes it */
	int links; /* symbolic links followed so far */
	size_t budget; /* name bytes it may still walk */
};

static int walk(struct walk *w, uint32_t base, const char *path, size_t len,
		bool follow, struct place *at);

static int follow_link(struct walk *w, uint32_t dir, uint32_t link,
		       struct place *at)
{
	const struct rootfs_node *n = &w->fs->node[link];

	if (++w->links > LINKS_MAX)
		return ELOOP;
	return walk(w, dir, (const char *)n->data, n->size, true, at);
}

static bool is_avoided(const struct walk *w, uint32_t dir, const char *name,
		       size_t len)
{
	return w->avoid.name && w->avoid.dir == dir && w->avoid.len == len &&
	       !memcmp(w->avoid.name, name, len);
}

/* One name of a path in dir; *dir moves on unless it is the last. */
static int step(struct walk *w, uint32_t *dir, const char *name, size_t len,
		bool last, bool follow, struct place *at)
{
	const struct rootfs_node *node = w->fs->node;
	uint32_t n;
	int ret;

	if (len > NAME_LEN_MAX)
		return ENAMETOOLONG;
	if (len > w->budget)
		return ELOOP; /* a walk no real path takes */
	w->budget -= len;
	if (is_avoided(w, *dir, name, len))
		return EDEADLK;
	n = child(w->fs, *dir, name, len);
	*at = (struct place){ *dir, name, len, n };
	if (n != NONE && S_ISLNK(node[n].mode) && (!last || follow)) {
		ret = follow_link(w, *dir, n, at);
		if (ret || last)
			return ret;
		n = at->node;
	}
	if (last)
		return 0;
	if (n == NONE)
		return ENOENT;
	if (!S_ISDIR(node[n].mode))
		return ENOTDIR;
	*dir = n;
	return 0;
}

/*
 * path (len bytes, no NUL needed) from the directory base: 0 and *at if
 * every directory on the way is there; the last name may be missing.
 */
static int walk(struct walk *w, uint32_t base, const char *path, size_t len,
		bool follow, struct place *at)
{
	const char *p = path, *end = path + len;
	uint32_t dir = len && *path == '/' ? 0 : base;

	*at = (struct place){ NONE, NULL, 0, dir };
	while (p < end) {
		const char *slash = memchr(p, '/', (size_t)(end - p));
		const char *next = slash ? slash : end;
		size_t n = (size_t)(next - p);
		int ret = 0;

		while (next < end && *next == '/')
			next++;
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			dir = w->fs->node[dir].parent;
			*at = (struct place){ NONE, NULL, 0, dir };
		} else if (n == 1 && p[0] == '.') {
			*at = (struct place){ NONE, NULL, 0, dir };
		} else if (n) {
			ret = step(w, &dir, p, n, next == end, follow, at);
		}
		if (ret)
			return ret;
		p = next;
	}
	return 0;
}

int rootfs_lookup(const struct rootfs *fs, const char *path, bool follow,
		  const char *avoid, const struct rootfs_node **node)
{
	struct walk w = { .fs = fs, .budget = WALK_BUDGET };
	struct place at;
	int ret;

	*node = NULL;
	if (avoid) {
		ret = walk(&w, 0, avoid, strlen(avoid), false, &w.avoid);
		if (ret)
			return ret;
		w.budget = WALK_BUDGET;
	}
	ret = walk(&w, 0, path, strlen(path), follow, &at);
	if (ret)
		return ret;
	if (at.node == NONE)
		return ENOENT;
	*node = &fs->node[at.node];
	return 0;
}

static uint32_t new_node(struct rootfs *fs, uint32_t mode)
{
	if (fs->nnodes == fs->cap) {
		size_t cap = fs->cap ? fs->cap * 2 : 256;
		struct rootfs_node *v =
			cap < NONE ? realloc(fs->node, cap * sizeof(*v)) : NULL;

		if (!v) {
			error_set("out of memory");
			return NONE;
		}
		fs->node = v;
		fs->cap = cap;
	}
	memset(&fs->node[fs->nnodes], 0, sizeof(*fs->node));
	fs->node[fs->nnodes].mode = mode;
	fs->node[fs->nnodes].parent = (uint32_t)fs->nnodes;
	return (uint32_t)fs->nnodes++;
}

static int add_name(struct rootfs *fs, const struct place *at, uint32_t n)
{
	char key[16 + NAME_LEN_MAX];

	key_of(at->dir, at->name, at->len, key);
	if (map_put(&fs->names, key, n) < 0)
		return -1;
	fs->node[n].links++;
	if (S_ISDIR(fs->node[n].mode))
		fs->node[n].parent = at->dir;
	fs->node[at->dir].children++;
	return 0;
}

static void remove_name(struct rootfs *fs, struct place *at)
{
	char key[16 + NAME_LEN_MAX];

	key_of(at->dir, at->name, at->len, key);
	map_remove(&fs->names, key);
	fs->node[at->node].links--;
	fs->node[at->dir].children--;
	at->node = NONE;
}

/* The kernel's clean_path(): a name of another type goes first. */
static void clean_path(struct rootfs *fs, struct place *at, uint32_t type)
{
	const struct rootfs_node *n;

	if (at->node == NONE)
		return;
	n = &fs->node[at->node];
	if (!((n->mode ^ type) & S_IFMT))
		return;
	if (!S_ISDIR(n->mode) || !n->children)
		remove_name(fs, at);
}

/* A hard link's first name, as the kernel keeps it to link the others. */
static int remember_link(struct rootfs *fs, const char *key,
			 const struct place *at)
{
	struct rootfs_link *v =
		realloc(fs->link, (fs->nlinks + 1) * sizeof(*v));

	if (!v)
		return error_set("out of memory");
	fs->link = v;
	v[fs->nlinks].dir = at->dir;
	v[fs->nlinks].name = strndup(at->name, at->len);
	if (!v[fs->nlinks].name)
		return error_set("out of memory");
	return map_put(&fs->links, key, (uint32_t)fs->nlinks++);
}

/*
 * The kernel's maybe_link(): 1 if the entry became a hard link to an
 * earlier one of its archive, 0 if it is the first, -2 if linking failed;
 * -1 with the error set if we ran out of memory.
 */
static int maybe_link(struct rootfs *fs, const struct cpio_entry *e,
		      struct place *at)
{
	char key[64];
	uint32_t first, n;

	if (e->nlink < 2)
		return 0;
	snprintf(key, sizeof(key), "%x:%x:%x:%o", e->ino, e->devmajor,
		 e->devminor, e->mode & S_IFMT);
	first = map_get(&fs->links, key);
	if (first == NONE)
		return remember_link(fs, key, at) < 0 ? -1 : 0;
	clean_path(fs, at, 0);
	n = child(fs, fs->link[first].dir, fs->link[first].name,
		  strlen(fs->link[first].name));
	if (n == NONE || S_ISDIR(fs->node[n].mode) || at->node != NONE)
		return -2;
	at->node = n;
	return add_name(fs, at, n) < 0 ? -1 : 1;
}

static int create(struct rootfs *fs, struct place *at, uint32_t mode)
{
	uint32_t n = new_node(fs, mode);

	if (n == NONE || add_name(fs, at, n) < 0)
		return -1;
	at->node = n;
	return 0;
}

static int add_file(struct rootfs *fs, const struct cpio_entry *e,
		    struct place *at)
{
	struct rootfs_node *n;
	int linked;

	clean_path(fs, at, e->mode);
	linked = maybe_link(fs, e, at);
	if (linked == -1)
		return -1;
	if (linked < 0)
		return 0;
	if (at->node == NONE) {
		if (create(fs, at, e->mode) < 0)
			return -1;
	} else if (S_ISDIR(fs->node[at->node].mode)) {
		return 0; /* a directory that is not empty: EISDIR */
	} else if (!linked) {
		fs->node[at->node].size = 0; /* O_TRUNC */
	}
	n = &fs->node[at->node];
	n->mode = S_IFREG | (e->mode & 07777);
	if (e->size) {
		n->data = e->data;
		n->size = e->size;
	}
	n->entry = e;
	return 0;
}

static int add_other(struct rootfs *fs, const struct cpio_entry *e,
		     struct place *at)
{
	struct rootfs_node *n;
	int linked = 0;

	if (S_ISLNK(e->mode)) {
		clean_path(fs, at, 0);
	} else {
		clean_path(fs, at, e->mode);
		if (!S_ISDIR(e->mode))
			linked = maybe_link(fs, e, at);
	}
	if (linked == -1)
		return -1;
	if (linked)
		return 0;
	if (at->node != NONE) {
		n = &fs->node[at->node];
		if (S_ISDIR(n->mode) && S_ISDIR(e->mode))
			n->mode = e->mode; /* mkdir fails, chmod does not */
		return 0;
	}
	if (create(fs, at, e->mode) < 0)
		return -1;
	n = &fs->node[at->node];
	n->data = e->data;
	n->size = S_ISLNK(e->mode) ? e->size : 0;
	n->entry = e;
	return 0;
}

static int add_entry(struct rootfs *fs, const struct cpio_entry *e)
{
	struct walk w = { .fs = fs, .budget = WALK_BUDGET };
	struct place at;

	/* A missing parent (or a loop on the way) drops the entry. */
	if (walk(&w, 0, e->name, strlen(e->name), false, &at) != 0 ||
	    at.dir == NONE)
		return 0;
	fs->walked += WALK_BUDGET - w.budget;
	if (fs->walked > fs->walk_limit)
		return error_set(
			"its symbolic links take too long to follow: not an initramfs");
	if (S_ISREG(e->mode))
		return add_file(fs, e, &at);
	return add_other(fs, e, &at);
}

static void forget_links(struct rootfs *fs)
{
	map_free(&fs->links);
	for (size_t i = 0; i < fs->nlinks; i++)
		free(fs->link[i].name);
	free(fs->link);
	fs->link = NULL;
	fs->nlinks = 0;
}

int rootfs_add(struct rootfs *fs, const struct cpio_list *list)
{
	/* Following links may cost more than the names, but not much. */
	for (size_t i = 0; i < list->n; i++)
		fs->walk_limit += 64 * (strlen(list->v[i].name) + 1);
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
	fs->walk_limit = (size_t)1 << 24;
	if (new_node(fs, S_IFDIR | 0755) == NONE)
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
