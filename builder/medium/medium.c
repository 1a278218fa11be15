// SPDX-License-Identifier: MIT
#include "medium.h"
#include "error.h"
#include "file.h"

#include <cdio/iso9660.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MINIRT "minirt.gz"
#define KERNEL_MAX ((size_t)256 << 20)
#define ISO_VD_AT 32768

/* Where a minirt sits: a flat copy, then the ISO's boot loader dirs. */
static const char *const minirt_dirs[] = { "", "boot/isolinux",
					   "boot/syslinux" };

struct entry {
	char *name; /* on the medium: "linux64", or ISO's "LINUX64.;1" */
	uint64_t at, size; /* ISO: where its data is */
	bool dir;
};

struct listing {
	struct entry *v;
	size_t n;
};

struct reader {
	struct medium *m;
	iso9660_t *iso;
	int fd; /* the ISO file */
	uint64_t iso_size;
};

bool medium_is_iso(const char *path)
{
	uint8_t vd[6];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool iso;

	if (fd < 0)
		return false;
	iso = pread(fd, vd, sizeof(vd), ISO_VD_AT) == sizeof(vd) &&
	      !memcmp(vd + 1, "CD001", 5);
	close(fd);
	return iso;
}

/*
 * A name without an ISO9660 version: "LINUX64.;1" is "LINUX64",
 * "MINIRT.GZ;1" is "MINIRT.GZ". Rock Ridge names have no version and are
 * left whole, ';' and all.
 */
static size_t plain_len(const char *name)
{
	const char *semi = strrchr(name, ';');
	size_t len = strlen(name);

	if (!semi || !semi[1] ||
	    strspn(semi + 1, "0123456789") != strlen(semi + 1))
		return len;
	len = (size_t)(semi - name);
	return len && name[len - 1] == '.' ? len - 1 : len;
}

/* "MINIRT.GZ;1" and "minirt.gz" are the same name on an ISO. */
static bool same_name(const char *on_medium, const char *want)
{
	size_t len = plain_len(on_medium);

	return strlen(want) == len && !strncasecmp(on_medium, want, len);
}

/* A name from the medium fit for a message: no control characters. */
static bool printable(const char *name)
{
	for (; *name; name++)
		if ((unsigned char)*name < ' ' || *name == 0x7f)
			return false;
	return true;
}

static void listing_free(struct listing *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].name);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int listing_add(struct listing *l, const char *name, uint64_t at,
		       uint64_t size, bool dir)
{
	struct entry *v;

	if (!printable(name))
		return 0; /* none of the names we look for */
	v = realloc(l->v, (l->n + 1) * sizeof(*v));
	if (!v)
		return error_set("out of memory");
	l->v = v;
	v[l->n] = (struct entry){ xstrdup(name), at, size, dir };
	if (!v[l->n].name)
		return -1;
	l->n++;
	return 0;
}

static const struct entry *lookup(const struct listing *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (same_name(l->v[i].name, name))
			return &l->v[i];
	return NULL;
}

static int list_iso(struct reader *r, const char *iso_path, struct listing *l)
{
	CdioISO9660DirList_t *list = iso9660_ifs_readdir(r->iso, iso_path);
	CdioListNode_t *node;
	int ret = 0;

	if (!list)
		return 0; /* no such directory: an empty listing */
	_CDIO_LIST_FOREACH(node, list)
	{
		iso9660_stat_t *st = _cdio_list_node_data(node);

		if (!strcmp(st->filename, ".") || !strcmp(st->filename, ".."))
			continue;
		if (!ret)
			ret = listing_add(l, st->filename,
					  (uint64_t)st->lsn * ISO_BLOCKSIZE,
					  st->size, st->type == _STAT_DIR);
	}
	iso9660_filelist_free(list);
	return ret;
}

static int list_disk(const char *dir, struct listing *l)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int ret = 0;

	if (!d)
		return 0;
	while (!ret && (de = readdir(d))) {
		char path[PATH_MAX];
		struct stat st;

		if (de->d_name[0] == '.' ||
		    (size_t)snprintf(path, sizeof(path), "%s/%s", dir,
				     de->d_name) >= sizeof(path) ||
		    stat(path, &st) < 0)
			continue;
		if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))
			ret = listing_add(l, de->d_name, 0,
					  (uint64_t)st.st_size,
					  S_ISDIR(st.st_mode));
	}
	closedir(d);
	return ret;
}

/*
 * The directory at rel ("boot/isolinux"), component by component so that
 * an ISO's own spelling of each name is used; *real gets the path on the
 * medium (for an ISO) or on disk.
 */
static int list_dir(struct reader *r, const char *rel, struct listing *l,
		    char *real, size_t size)
{
	char want[PATH_MAX], *part, *save = NULL;

	snprintf(real, size, "%s", r->m->is_iso ? "" : r->m->path);
	snprintf(want, sizeof(want), "%s", rel);
	for (part = strtok_r(want, "/", &save); part;
	     part = strtok_r(NULL, "/", &save)) {
		struct listing here = { 0 };
		const struct entry *e;
		size_t used = strlen(real);
		int ret;

		bool is_dir;

		ret = r->m->is_iso ? list_iso(r, *real ? real : "/", &here) :
				     list_disk(real, &here);
		e = ret ? NULL : lookup(&here, part);
		is_dir = e && e->dir;
		if (is_dir)
			snprintf(real + used, size - used, "/%s", e->name);
		listing_free(&here);
		if (ret < 0)
			return -1;
		if (!is_dir)
			return 0;
	}
	return r->m->is_iso ? list_iso(r, *real ? real : "/", l) :
			      list_disk(real, l);
}

static char *join(const char *a, const char *b)
{
	char *s = malloc(strlen(a) + strlen(b) + 2);

	if (!s) {
		error_set("out of memory");
		return NULL;
	}
	sprintf(s, "%s%s%s", a, *a && *b ? "/" : "", b);
	return s;
}

/* How the user names a file on the medium: "x.iso:/KNOPPIX/KNOPPIX". */
static char *label_of(const struct medium *m, const char *where)
{
	char *s;

	if (!m->is_iso)
		return xstrdup(where);
	s = malloc(strlen(m->path) + strlen(where) + 2);
	if (!s) {
		error_set("out of memory");
		return NULL;
	}
	sprintf(s, "%s:%s", m->path, where);
	return s;
}

/* A small file's bytes: from disk, or from where the ISO has them. */
/* A file's data must lie within the ISO: a cut download is said as such. */
static int check_extent(const struct reader *r, const char *path,
			const struct entry *e)
{
	if (!r->m->is_iso ||
	    (e->at <= r->iso_size && e->size <= r->iso_size - e->at))
		return 0;
	return error_set(
		"%s: %s lies past the end of the ISO (%llu bytes): is it truncated?",
		r->m->path, path, (unsigned long long)r->iso_size);
}

/* An ISO's file, read from where its data lies. */
static int read_iso_entry(struct reader *r, const char *path,
			  const struct entry *e, uint8_t **bytes, size_t *len)
{
	struct region region = { r->fd, e->at, e->size };

	if (check_extent(r, path, e) < 0)
		return -1;
	*bytes = malloc(e->size + 1);
	if (!*bytes)
		return error_set("out of memory");
	*len = (size_t)e->size;
	if (region_read(&region, 0, *bytes, *len) < 0)
		return error_prefix("%s: %s", r->m->path, path);
	return 0;
}

/* A small file's bytes (at most max), from disk or from the ISO. */
static int read_entry(struct reader *r, const char *dir, const struct entry *e,
		      size_t max, uint8_t **bytes, size_t *len)
{
	char *path = join(dir, e->name);
	int ret;

	*bytes = NULL;
	if (!path)
		return -1;
	if (e->size > max)
		ret = error_set("%s: %s is %llu bytes, too large", r->m->path,
				path, (unsigned long long)e->size);
	else if (r->m->is_iso)
		ret = read_iso_entry(r, path, e, bytes, len);
	else if (read_file(path, bytes, len) < 0)
		ret = error_prefix("%s", path);
	else
		ret = 0;
	free(path);
	return ret;
}

/* The first of minirt_dirs with a minirt.gz in it. */
static int find_minirt(struct reader *r, struct listing *dir, char *real,
		       size_t size)
{
	for (size_t i = 0; i < sizeof(minirt_dirs) / sizeof(*minirt_dirs);
	     i++) {
		const struct entry *e;

		listing_free(dir);
		if (list_dir(r, minirt_dirs[i], dir, real, size) < 0)
			return -1;
		e = lookup(dir, MINIRT);
		if (e && !e->dir)
			return 0;
	}
	listing_free(dir);
	return error_set(
		"%s: no %s in it, nor in its boot/isolinux or boot/syslinux",
		r->m->path, MINIRT);
}

static int take_minirt(struct reader *r, const struct listing *dir,
		       const char *real)
{
	struct medium *m = r->m;
	const struct entry *e = lookup(dir, MINIRT);
	char *where = join(real, e->name);

	if (!where)
		return -1;
	m->minirt_label = label_of(m, where);
	if (!m->is_iso) {
		m->minirt_path = where;
		return m->minirt_label ? 0 : -1;
	}
	free(where);
	if (!m->minirt_label)
		return -1;
	return read_entry(r, real, e, (size_t)1 << 31, &m->minirt,
			  &m->minirt_len);
}

/*
 * base, then digits only: KNOPPIX names its kernels linux (32-bit) and
 * linux64, its cloop images KNOPPIX, KNOPPIX1, KNOPPIX2.
 */
static bool is_numbered(const char *name, const char *base)
{
	size_t len = plain_len(name), blen = strlen(base);

	if (len < blen || strncasecmp(name, base, blen))
		return false;
	for (size_t i = blen; i < len; i++)
		if (!isdigit((unsigned char)name[i]))
			return false;
	return true;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name,
		      ((const struct entry *)b)->name);
}

static int add_kernel(struct reader *r, const char *real, const struct entry *e)
{
	struct medium *m = r->m;
	struct kernel *v = realloc(m->kernels, (m->nkernels + 1) * sizeof(*v));
	char *where = join(real, e->name), *label = NULL;
	uint8_t *bytes = NULL;
	size_t len;
	int ret = -1;

	if (v)
		m->kernels = v;
	if (v && where)
		label = label_of(m, where);
	if (!v || !label)
		error_set("out of memory");
	else if (read_entry(r, real, e, KERNEL_MAX, &bytes, &len) == 0)
		ret = kernel_parse(label, bytes, len, &v[m->nkernels]);
	if (!ret)
		m->nkernels++;
	free(bytes);
	free(label);
	free(where);
	return ret;
}

static int take_kernels(struct reader *r, struct listing *dir, const char *real)
{
	struct medium *m = r->m;

	qsort(dir->v, dir->n, sizeof(*dir->v), by_name);
	for (size_t i = 0; i < dir->n; i++)
		if (!dir->v[i].dir && is_numbered(dir->v[i].name, "linux") &&
		    add_kernel(r, real, &dir->v[i]) < 0)
			return -1;
	if (!m->nkernels)
		return error_set("%s: no kernel (linux, linux64) beside %s",
				 m->path, m->minirt_label);
	return 0;
}

/* The images in order: KNOPPIX, KNOPPIX1, ..., KNOPPIX10. */
static int by_image_order(const void *a, const void *b)
{
	const char *x = ((const struct entry *)a)->name;
	const char *y = ((const struct entry *)b)->name;
	size_t lx = plain_len(x), ly = plain_len(y);

	return lx != ly ? (lx < ly ? -1 : 1) : strcmp(x, y);
}

static int open_image(struct reader *r, const char *real, const struct entry *e)
{
	struct medium *m = r->m;
	struct modimage *v = realloc(m->images, (m->nimages + 1) * sizeof(*v));
	char *where = join(real, e->name), *label = NULL;
	struct region region = { -1, e->at, e->size };
	int ret;

	if (v)
		m->images = v;
	if (!v || !where) {
		free(where);
		return error_set("out of memory");
	}
	memset(&v[m->nimages], 0, sizeof(*v));
	v[m->nimages].fd = -1;
	m->nimages++; /* closed with the medium, even half open */
	if (!m->is_iso) {
		ret = modimage_open_file(&v[m->nimages - 1], where);
		free(where);
		return ret;
	}
	label = label_of(m, where);
	if (!label || check_extent(r, where, e) < 0)
		ret = -1;
	else if ((region.fd = dup(r->fd)) < 0)
		ret = error_set("%s: %s", m->path, strerror(errno));
	else
		ret = modimage_open(&v[m->nimages - 1], label, region.fd,
				    &region);
	free(label);
	free(where);
	return ret;
}

/* The images; none found is an error if required (else -m ISO falls back
 * to reading the ISO as a module filesystem itself). */
static int take_images(struct reader *r, const char *minirt_real,
		       const struct listing *minirt_dir, bool required)
{
	struct listing l = { 0 };
	char real[PATH_MAX];
	const struct listing *dir = &l;
	const char *where = real;
	int ret = list_dir(r, "KNOPPIX", &l, real, sizeof(real));

	if (!ret && !l.n) { /* the seed's flat copy: beside the minirt */
		dir = minirt_dir;
		where = minirt_real;
	}
	qsort(dir->v, dir->n, sizeof(*dir->v), by_image_order);
	for (size_t i = 0; !ret && i < dir->n; i++)
		if (!dir->v[i].dir && is_numbered(dir->v[i].name, "KNOPPIX"))
			ret = open_image(r, where, &dir->v[i]);
	listing_free(&l);
	if (!ret && !r->m->nimages && required)
		ret = error_set(
			"%s: no KNOPPIX image (KNOPPIX/KNOPPIX) on it, so no modules for its kernels",
			r->m->path);
	return ret;
}

static int read_medium(struct reader *r)
{
	struct listing dir = { 0 };
	char real[PATH_MAX];
	int ret = find_minirt(r, &dir, real, sizeof(real));

	if (!ret)
		ret = take_minirt(r, &dir, real);
	if (!ret)
		ret = take_kernels(r, &dir, real);
	if (!ret)
		ret = take_images(r, real, &dir, true);
	listing_free(&dir);
	return ret;
}

static int open_reader(struct reader *r, struct medium *m, const char *path)
{
	struct stat st;

	memset(m, 0, sizeof(*m));
	r->m = m;
	r->fd = -1;
	r->iso = NULL;
	m->path = xstrdup(path);
	if (!m->path)
		return -1;
	if (stat(path, &st) < 0)
		return error_set("%s: %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return 0;
	if (!S_ISREG(st.st_mode) || !medium_is_iso(path))
		return error_set("%s: neither a directory nor an ISO9660 image",
				 path);
	m->is_iso = true;
	r->iso_size = (uint64_t)st.st_size;
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	r->iso = iso9660_open_ext(path, ISO_EXTENSION_ALL);
	if (r->fd < 0 || !r->iso)
		return error_set("%s: cannot read it as an ISO9660 image",
				 path);
	return 0;
}

static void close_reader(struct reader *r)
{
	if (r->iso)
		iso9660_close(r->iso);
	if (r->fd >= 0)
		close(r->fd);
}

int medium_open(struct medium *m, const char *path)
{
	struct reader r;
	int ret = open_reader(&r, m, path);

	if (!ret)
		ret = read_medium(&r);
	close_reader(&r);
	return ret;
}

int medium_open_images(struct medium *m, const char *path)
{
	struct listing root = { 0 };
	struct reader r;
	char real[PATH_MAX];
	int ret = open_reader(&r, m, path);

	if (!ret)
		ret = list_dir(&r, "", &root, real, sizeof(real));
	if (!ret)
		ret = take_images(&r, real, &root, false);
	listing_free(&root);
	close_reader(&r);
	return ret;
}

void medium_close(struct medium *m)
{
	free(m->path);
	free(m->minirt_label);
	free(m->minirt_path);
	free(m->minirt);
	for (size_t i = 0; i < m->nkernels; i++)
		kernel_free(&m->kernels[i]);
	free(m->kernels);
	for (size_t i = 0; i < m->nimages; i++)
		modimage_close(&m->images[i]);
	free(m->images);
	memset(m, 0, sizeof(*m));
}
