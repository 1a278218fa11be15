// SPDX-License-Identifier: MIT
/*
 * minirt-virtio build: read the initramfs, work out the drivers, then
 * write the same archive with the pre-init as /init, the original init as
 * /init.orig and the modules under lib/modules/minirt-virtio.
 */
#include "plan.h"
#include "archive.h"
#include "devices.h"
#include "elf.h"
#include "embed.h"
#include "initpatch.h"
#include "modlist.h"
#include "output.h"
#include "userland.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void plan_free(struct plan *p)
{
	archive_release(&p->ar);
	sets_free(&p->ks);
	if (p->has_medium)
		medium_close(&p->medium);
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
	static struct modlist_item items[REQUEST_MAX];
	static char copy[16384];
	struct modreq *r;
	size_t count;

	if (len >= sizeof(copy))
		return error_set("the built-in modules.list is too long");
	memcpy(copy, default_modules_list, len);
	copy[len] = '\0';
	count = modlist_parse(copy, items, REQUEST_MAX);
	if (count + o->ndrivers > REQUEST_MAX)
		return error_set("more than %d modules requested", REQUEST_MAX);
	r = xcalloc(count + o->ndrivers, sizeof(*r));
	if (!r)
		return -1;
	for (*n = 0; *n < count; (*n)++)
		r[*n] = (struct modreq){ items[*n].name, items[*n].required };
	for (size_t i = 0; i < o->ndrivers; i++)
		r[(*n)++] = (struct modreq){ o->drivers[i], true };
	*req = r;
	return 0;
}

static int resolve_modules(struct plan *p)
{
	const struct build_opts *o = p->opts;
	struct modreq *req = NULL;
	size_t n = 0;
	int ret;

	if (!o->nmodule_srcs && !p->has_medium)
		return error_set(
			"-m DIR is needed: the target kernel's modules (/lib/modules/<version>, a directory of .ko files, a KNOPPIX image or ISO), or --medium");
	if (read_request(o, &req, &n) < 0)
		return -1;
	ret = sets_resolve(&p->ks, o, p->has_medium ? &p->medium : NULL, req,
			   n);
	free(req);
	for (size_t i = 0; !ret && i < p->ks.nsets; i++)
		ret = userland_check_modules(p->ar.seg, p->nseg, p->userland,
					     &p->ks.sets[i]);
	return ret;
}

/* Does a kernel served have an NVMe driver: then the scans list NVMe too. */
static bool ships_nvme(const struct plan *p)
{
	for (size_t i = 0; i < p->ks.nsets; i++)
		for (size_t j = 0; j < p->ks.sets[i].n; j++)
			if (!strcmp(p->ks.sets[i].v[j].name, "nvme"))
				return true;
	return false;
}

static int patch_init(struct plan *p)
{
	if (!p->opts->patch_init || !S_ISREG(p->init->mode))
		return 0;
	return initpatch_apply(p->init->data, p->init->size, ships_nvme(p),
			       &p->patched, &p->patch);
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

/* build-info lists what a build added, for the next build to undo. */
static int note_added(struct buf *info, const char *name)
{
	buf_add_str(info, "added ");
	buf_add_str(info, name);
	return buf_add_str(info, "\n");
}

static int add_dir(struct plan *p, const char *dir, struct buf *info)
{
	if (find_entry(p, dir, NULL))
		return 0;
	if (!add(p, dir, S_IFDIR | 0755, NULL, 0))
		return -1;
	return note_added(info, dir);
}

/* lib/modules/minirt-virtio/<release>/ for every kernel's set. */
static int add_dirs(struct plan *p, struct buf *info)
{
	static const char *const dirs[] = { "lib", "lib/modules", OUR_DIR };
	char dir[512];

	for (size_t i = 0; i < sizeof(dirs) / sizeof(*dirs); i++)
		if (add_dir(p, dirs[i], info) < 0)
			return -1;
	for (size_t i = 0; i < p->ks.nsets; i++) {
		snprintf(dir, sizeof(dir), OUR_DIR "/%s", p->ks.sets[i].release);
		if (add_dir(p, dir, info) < 0)
			return -1;
	}
	return 0;
}

static int add_file(struct plan *p, const char *name, uint32_t mode,
		    const struct buf *data, struct buf *info)
{
	if (!add(p, name, mode, data->data, data->len))
		return -1;
	return note_added(info, name);
}

static int add_set(struct plan *p, const struct modset *set, struct buf *info)
{
	struct buf order = { 0 }, devices = { 0 };
	char name[512];
	int ret = 0;

	buf_add_str(&order, "# Loaded in this order by minirt-virtio's /init under kernel ");
	buf_add_str(&order, set->release);
	buf_add_str(&order, ", whatever the devices.\n");
	for (size_t i = 0; i < set->n && !ret; i++) {
		const struct module *m = &set->v[i];

		snprintf(name, sizeof(name), OUR_DIR "/%s/%s.ko", set->release,
			 m->name);
		ret = add_file(p, name, S_IFREG | 0644, &m->image, info);
	}
	if (!ret)
		ret = devices_plan(set, &order, &devices);
	snprintf(name, sizeof(name), OUR_DIR "/%s/" LOAD_ORDER, set->release);
	if (!ret)
		ret = add_file(p, name, S_IFREG | 0644, &order, info);
	snprintf(name, sizeof(name), OUR_DIR "/%s/" DEVICES_FILE, set->release);
	if (!ret)
		ret = add_file(p, name, S_IFREG | 0644, &devices, info);
	buf_free(&order);
	buf_free(&devices);
	return ret;
}

static int add_modules(struct plan *p, struct buf *info)
{
	for (size_t i = 0; i < p->ks.nsets; i++)
		if (add_set(p, &p->ks.sets[i], info) < 0)
			return -1;
	return 0;
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
	buf_add_str(&info, "added " BUILD_INFO "\nadded init\n");
	if (!ret && !add(p, BUILD_INFO, S_IFREG | 0644, info.data, info.len))
		ret = -1;
	preinit = preinit_for(p->userland, &preinit_len);
	if (!ret && !add(p, "init", S_IFREG | 0755, preinit, preinit_len))
		ret = -1;
	buf_free(&info);
	return ret;
}

/* The minirt: INPUT, or the one on the medium. */
static int read_input(struct plan *p)
{
	const struct build_opts *o = p->opts;
	uint8_t *copy;

	if (!o->medium) {
		p->input = p->input_path = o->input;
		return archive_read(&p->ar, o->input);
	}
	if (medium_open(&p->medium, o->medium) < 0) {
		p->has_medium = true;
		return -1;
	}
	p->has_medium = true;
	p->input = p->medium.minirt_label;
	p->input_path = p->medium.minirt_path;
	if (p->input_path)
		return archive_read(&p->ar, p->input_path);
	copy = malloc(p->medium.minirt_len + 1);
	if (!copy)
		return error_set("out of memory");
	memcpy(copy, p->medium.minirt, p->medium.minirt_len);
	return archive_parse(&p->ar, copy, p->medium.minirt_len);
}

/* An ISO is not a minirt: never write over it, whatever --force says. */
static int check_not_medium(const struct plan *p)
{
	struct stat out, iso;

	if (!p->has_medium || !p->medium.is_iso ||
	    stat(p->opts->output, &out) < 0 || stat(p->opts->medium, &iso) < 0 ||
	    out.st_dev != iso.st_dev || out.st_ino != iso.st_ino)
		return 0;
	return error_set(
		"%s is the ISO the minirt comes from; write the new minirt to another file",
		p->opts->output);
}

static int prepare(struct plan *p)
{
	if (read_input(p) < 0)
		return p->input ? error_prefix("%s", p->input) : -1;
	p->nseg = p->ar.nseg;
	p->kept_bytes = p->ar.len;
	if (undo_earlier_build(p) < 0 || find_init(p) < 0 ||
	    userland_detect(p->ar.seg, p->nseg, &p->userland) < 0)
		return error_prefix("%s", p->input);
	if (check_not_medium(p) < 0 || resolve_modules(p) < 0 ||
	    patch_init(p) < 0 || entry_time(p) < 0)
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
		ret = output_write(opts->output, p.input_path, &p.out,
				   opts->force, &kept_orig);
	if (!ret)
		report(&p, kept_orig);
	plan_free(&p);
	return ret;
}
