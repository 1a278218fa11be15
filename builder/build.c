// SPDX-License-Identifier: MIT
/*
 * minirt-virtio build: read the initramfs, work out the drivers, then
 * write the same archive with the pre-init as /init, the original init as
 * /init.orig and the modules under lib/modules/minirt-virtio.
 */
#include "plan.h"
#include "archive.h"
#include "elf.h"
#include "embed.h"
#include "initpatch.h"
#include "kernel.h"
#include "modlist.h"
#include "modules.h"
#include "output.h"
#include "userland.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void plan_free(struct plan *p)
{
	archive_free(&p->ar);
	modset_free(&p->mods);
	initpatch_free(&p->patch);
	buf_free(&p->patched);
	cpio_free(&p->added);
	buf_free(&p->out);
}

/* Every entry of the kept segments, last first (as the kernel's last wins). */
struct cpio_entry *find_entry(struct plan *p, const char *path,
			      struct segment **in)
{
	for (size_t s = p->nseg; s-- > 0;) {
		long i = cpio_find(&p->ar.seg[s].entries, path);

		if (i >= 0) {
			if (in)
				*in = &p->ar.seg[s];
			return &p->ar.seg[s].entries.v[i];
		}
	}
	return NULL;
}

/* A build of ours lists what it added: drop that, restore the init. */
static int undo_merge(struct segment *seg, const struct cpio_entry *info)
{
	char *text = strndup((const char *)info->data, info->size), *line;
	char *save = NULL;
	long i;

	if (!text)
		return error_set("out of memory");
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "added ", 6))
			continue;
		while ((i = cpio_find(&seg->entries, line + 6)) >= 0)
			cpio_remove(&seg->entries, (size_t)i);
	}
	free(text);
	i = cpio_find(&seg->entries, "init.orig");
	if (i < 0)
		return error_set(
			"built by minirt-virtio, but /init.orig is gone");
	seg->entries.v[i].name[strlen(seg->entries.v[i].name) - 5] = '\0';
	return cpio_rename(&seg->entries.v[i], seg->entries.v[i].name);
}

static int undo_earlier_build(struct plan *p)
{
	struct segment *seg;
	struct cpio_entry *info = find_entry(p, BUILD_INFO, &seg);

	if (!info)
		return 0;
	p->rebuilt = true;
	if (memmem(info->data, info->size, "layout append", 13)) {
		if (seg != &p->ar.seg[p->nseg - 1])
			return error_set(
				"built by minirt-virtio, then changed");
		p->kept_bytes = seg->offset;
		p->nseg--;
		return 0;
	}
	if (p->opts->layout == LAYOUT_APPEND)
		return error_set(
			"built with --layout merge already; build it again with merge, or start from the original");
	return undo_merge(seg, info);
}

static int find_init(struct plan *p)
{
	for (size_t s = 0; s < p->nseg; s++) {
		const struct cpio_list *l = &p->ar.seg[s].entries;
		long first = -1;

		for (size_t i = 0; i < l->n; i++) {
			if (strcmp(cpio_path(&l->v[i]), "init"))
				continue;
			if (first >= 0)
				return error_set(
					"/init appears twice in segment %zu",
					s + 1);
			first = (long)i;
		}
	}
	p->init = find_entry(p, "init", NULL);
	if (!p->init)
		return error_set(
			"no /init in any segment: not an initramfs the kernel can start");
	if (S_ISDIR(p->init->mode))
		return error_set("/init is a directory");
	if (!S_ISREG(p->init->mode) && !S_ISLNK(p->init->mode))
		return error_set("/init is neither a file nor a symbolic link");
	if (find_entry(p, "init.orig", NULL))
		return error_set(
			"/init.orig exists already, and this is not a minirt-virtio build");
	return 0;
}

#define REQUEST_MAX 256

static int read_request(const struct build_opts *o, struct modreq **req,
			size_t *n)
{
	size_t len = (size_t)(default_modules_list_end - default_modules_list);
	static const char *names[REQUEST_MAX];
	static char copy[16384];
	struct modreq *r;
	size_t count;

	if (len >= sizeof(copy))
		return error_set("the built-in modules.list is too long");
	memcpy(copy, default_modules_list, len);
	copy[len] = '\0';
	count = modlist_parse(copy, names, REQUEST_MAX);
	if (count + o->ndrivers > REQUEST_MAX)
		return error_set("more than %d modules requested", REQUEST_MAX);
	r = xcalloc(count + o->ndrivers, sizeof(*r));
	if (!r)
		return -1;
	for (*n = 0; *n < count; (*n)++) {
		r[*n].name = names[*n];
		r[*n].required = !strcmp(names[*n], "virtio_blk") ||
				 !strcmp(names[*n], "virtio_pci");
	}
	for (size_t i = 0; i < o->ndrivers; i++)
		r[(*n)++] = (struct modreq){ o->drivers[i], true };
	*req = r;
	return 0;
}

static int resolve_modules(struct plan *p)
{
	struct modreq *req = NULL;
	size_t n = 0;
	int ret;

	if (!p->opts->modules_dir)
		return error_set(
			"-m DIR is needed: the target kernel's modules (/lib/modules/<version>, or a directory of .ko files)");
	if (read_request(p->opts, &req, &n) < 0)
		return -1;
	ret = modules_resolve(p->opts->modules_dir, req, n, &p->mods);
	free(req);
	if (ret < 0)
		return -1;
	if (p->opts->kernel && kernel_check(p->opts->kernel, &p->mods) < 0)
		return -1;
	return userland_check_modules(p->ar.seg, p->nseg, p->userland,
				      &p->mods);
}

static int patch_init(struct plan *p)
{
	if (!p->opts->patch_init || !S_ISREG(p->init->mode))
		return 0;
	return initpatch_apply(p->init->data, p->init->size, &p->patched,
			       &p->patch);
}

/*
 * Inode numbers above all in use. Merging segments shifts each one's
 * numbers past those before it (layout.c), so sum the segments' maxima.
 */
static int first_free_ino(struct plan *p)
{
	uint64_t sum = 0;

	for (size_t s = 0; s < p->nseg; s++)
		sum += segment_max_ino(&p->ar.seg[s]);
	if (sum > UINT32_MAX - (1u << 20))
		return error_set("inode numbers too large to add files");
	p->next_ino = (uint32_t)sum;
	return 0;
}

static int entry_time(struct plan *p)
{
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	char *end;
	unsigned long value;

	p->mtime = p->init->mtime;
	if (!epoch)
		return 0;
	value = strtoul(epoch, &end, 10);
	if (!*epoch || *end || value > UINT32_MAX)
		return error_set(
			"SOURCE_DATE_EPOCH=%s is not a time in seconds", epoch);
	p->mtime = (uint32_t)value;
	return 0;
}

static struct cpio_entry *add(struct plan *p, const char *name, uint32_t mode,
			      const void *data, size_t size)
{
	struct cpio_entry *e;

	if (size > UINT32_MAX) {
		error_set("%s is too large for cpio", name);
		return NULL;
	}
	e = cpio_add(&p->added, name, mode, data, (uint32_t)size);
	if (e) {
		e->ino = ++p->next_ino;
		e->mtime = p->mtime;
	}
	return e;
}

static int add_dirs(struct plan *p, struct buf *info)
{
	static const char *const dirs[] = { "lib", "lib/modules", OUR_DIR };

	for (size_t i = 0; i < sizeof(dirs) / sizeof(*dirs); i++) {
		if (find_entry(p, dirs[i], NULL))
			continue;
		if (!add(p, dirs[i], S_IFDIR | 0755, NULL, 0))
			return -1;
		buf_add_str(info, "added ");
		buf_add_str(info, dirs[i]);
		buf_add_str(info, "\n");
	}
	return 0;
}

static int add_modules(struct plan *p, struct buf *info)
{
	struct buf order = { 0 };
	char name[512];
	int ret = 0;

	buf_add_str(&order,
		    "# Loaded in this order by minirt-virtio's /init.\n");
	for (size_t i = 0; i < p->mods.n && !ret; i++) {
		const struct module *m = &p->mods.v[i];

		snprintf(name, sizeof(name), OUR_DIR "/%s.ko", m->name);
		if (!add(p, name, S_IFREG | 0644, m->image.data, m->image.len))
			ret = -1;
		buf_add_str(&order, m->optional ? "?" : "");
		buf_add_str(&order, m->name);
		buf_add_str(&order, ".ko\n");
		buf_add_str(info, "added ");
		buf_add_str(info, name);
		buf_add_str(info, "\n");
	}
	if (!ret && !add(p, LOAD_ORDER, S_IFREG | 0644, order.data, order.len))
		ret = -1;
	buf_free(&order);
	return ret;
}

static const uint8_t *preinit_for(uint16_t machine, size_t *len)
{
	if (machine == ELF_MACHINE_386) {
		*len = (size_t)(preinit_i386_end - preinit_i386);
		return preinit_i386;
	}
	*len = (size_t)(preinit_x86_64_end - preinit_x86_64);
	return preinit_x86_64;
}

/* The original init under its new name: renamed in place, or a copy. */
static int add_init_orig(struct plan *p)
{
	char name[CPIO_NAME_MAX + 8];
	struct cpio_entry *e = p->init;

	snprintf(name, sizeof(name), "%s.orig", p->init->name);
	/* Where the init entry was, for recompressing only what changed. */
	for (size_t s = 0; s < p->nseg; s++) {
		const struct segment *seg = &p->ar.seg[s];

		if (e->raw && seg->plain.len && e->raw >= seg->plain.data &&
		    e->raw < seg->plain.data + seg->plain.len) {
			p->init_from = (size_t)(e->raw - seg->plain.data);
			p->init_to = p->init_from + cpio_entry_len(e);
		}
	}
	if (p->opts->layout == LAYOUT_APPEND) {
		e = add(p, name, p->init->mode, p->init->data, p->init->size);
		if (!e)
			return -1;
		e->uid = p->init->uid;
		e->gid = p->init->gid;
		e->mtime = p->init->mtime;
	} else if (cpio_rename(e, name) < 0) {
		return -1;
	}
	if (p->patched.len)
		return cpio_set_data(e, p->patched.data, p->patched.len);
	return 0;
}

static int add_ours(struct plan *p)
{
	struct buf info = { 0 };
	const uint8_t *preinit;
	size_t preinit_len;
	int ret;

	if (first_free_ino(p) < 0)
		return -1;
	buf_add_str(&info, "minirt-virtio " VERSION "\nlayout ");
	buf_add_str(&info,
		    p->opts->layout == LAYOUT_APPEND ? "append\n" : "merge\n");
	ret = add_dirs(p, &info);
	if (!ret)
		ret = add_modules(p, &info);
	if (!ret)
		ret = add_init_orig(p);
	buf_add_str(&info,
		    "added " LOAD_ORDER "\nadded " BUILD_INFO "\nadded init\n");
	if (!ret && !add(p, BUILD_INFO, S_IFREG | 0644, info.data, info.len))
		ret = -1;
	preinit = preinit_for(p->userland, &preinit_len);
	if (!ret && !add(p, "init", S_IFREG | 0755, preinit, preinit_len))
		ret = -1;
	buf_free(&info);
	return ret;
}

static int prepare(struct plan *p)
{
	if (archive_read(&p->ar, p->opts->input) < 0)
		return error_prefix("%s", p->opts->input);
	p->nseg = p->ar.nseg;
	p->kept_bytes = p->ar.len;
	if (undo_earlier_build(p) < 0 || find_init(p) < 0 ||
	    userland_detect(p->ar.seg, p->nseg, &p->userland) < 0)
		return error_prefix("%s", p->opts->input);
	if (resolve_modules(p) < 0 || patch_init(p) < 0 || entry_time(p) < 0)
		return -1;
	return 0;
}

int build_run(const struct build_opts *opts)
{
	struct plan p = { .opts = opts };
	bool kept_orig;
	int ret;

	ret = prepare(&p);
	if (!ret)
		ret = add_ours(&p);
	if (!ret)
		ret = opts->layout == LAYOUT_APPEND ? layout_append(&p) :
						      layout_merge(&p);
	if (!ret)
		ret = output_write(opts->output, opts->input, &p.out,
				   opts->force, &kept_orig);
	if (!ret)
		report(&p, kept_orig);
	plan_free(&p);
	return ret;
}
