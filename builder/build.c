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

#include <errno.h>
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
	rootfs_free(&p->fs);
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

/* "original SIZE SHA256" in a build's build-info: what it came from. */
static void read_recorded(const char *text, struct file_id *id)
{
	const char *line = strstr(text, "\noriginal ");
	unsigned long long size;
	int used = 0;

	if (!line || sscanf(line + 10, "%llu %n", &size, &used) != 1)
		return;
	line += 10 + used;
	for (size_t i = 0; i < FILE_ID_HASH_LEN; i++)
		if (sscanf(line + 2 * i, "%2hhx", &id->hash[i]) != 1)
			return;
	id->size = size;
	id->known = true;
}

static void add_recorded(struct buf *info, const struct file_id *id)
{
	char line[32 + 2 * FILE_ID_HASH_LEN];
	int n = snprintf(line, sizeof(line), "original %llu ",
			 (unsigned long long)id->size);

	for (size_t i = 0; i < FILE_ID_HASH_LEN; i++)
		n += snprintf(line + n, sizeof(line) - (size_t)n, "%02x",
			      id->hash[i]);
	buf_add_str(info, line);
	buf_add_str(info, "\n");
}

/* Does any entry of the kept segments lie under the directory dir? */
static bool has_children(const struct plan *p, const char *dir)
{
	size_t len = strlen(dir);

	for (size_t s = 0; s < p->nseg; s++)
		for (size_t i = 0; i < p->ar.seg[s].entries.n; i++) {
			const char *path =
				cpio_path(&p->ar.seg[s].entries.v[i]);

			if (!strncmp(path, dir, len) && path[len] == '/')
				return true;
		}
	return false;
}

/*
 * A build of ours lists what it added: drop that (the last entry of each
 * name, as ours came last), restore the init. A directory stays where it is
 * if something else was put in it since: added again after its children,
 * it would come too late for the kernel to put them in.
 */
static int undo_merge(struct plan *p, struct segment *seg, char *text)
{
	char *save = NULL, *line, *dirs[8];
	size_t ndirs = 0;
	bool orig_added = false;
	long i;

	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "added ", 6))
			continue;
		i = cpio_find(&seg->entries, line + 6);
		if (i >= 0 && S_ISDIR(seg->entries.v[i].mode) &&
		    ndirs < sizeof(dirs) / sizeof(*dirs)) {
			dirs[ndirs++] = line + 6;
		} else if (i >= 0) {
			cpio_remove(&seg->entries, (size_t)i);
			orig_added |= !strcmp(line + 6, "init.orig");
		}
	}
	while (ndirs-- > 0) { /* the deepest first */
		i = cpio_find(&seg->entries, dirs[ndirs]);
		if (i >= 0 && !has_children(p, dirs[ndirs]))
			cpio_remove(&seg->entries, (size_t)i);
	}
	if (orig_added)
		return 0; /* /init itself was left as it was */
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
	char *text;
	int ret;

	if (!info)
		return 0;
	p->rebuilt = true;
	text = strndup((const char *)info->data, info->size);
	if (!text)
		return error_set("out of memory");
	read_recorded(text, &p->recorded);
	if (strstr(text, "\nlayout append")) {
		free(text);
		if (seg != &p->ar.seg[p->nseg - 1])
			return error_set(
				"built by minirt-virtio, then changed");
		p->kept_bytes = seg->offset;
		p->nseg--;
		return 0;
	}
	ret = p->opts->layout == LAYOUT_APPEND ?
		      error_set(
			      "built with --layout merge already; build it again with merge, or start from the original") :
		      undo_merge(p, seg, text);
	free(text);
	return ret;
}

/* Entries named init: the kernel writes each over the one before. */
static size_t count_inits(const struct plan *p)
{
	size_t count = 0;

	for (size_t s = 0; s < p->nseg; s++)
		for (size_t i = 0; i < p->ar.seg[s].entries.n; i++)
			count += !strcmp(cpio_path(&p->ar.seg[s].entries.v[i]),
					 "init");
	return count;
}

/* /init a symbolic link: where it leads must not be /init again. */
static int check_init_link(const struct plan *p)
{
	char target[CPIO_NAME_MAX + 1];
	const struct rootfs_node *to;
	int ret;

	if (p->init_node->size >= sizeof(target))
		return error_set("/init is a symbolic link too long to follow");
	memcpy(target, p->init_node->data, p->init_node->size);
	target[p->init_node->size] = '\0';
	ret = rootfs_lookup(&p->fs, target, true, "init", &to);
	if (ret == EDEADLK)
		return error_set(
			"/init is a symbolic link to %s, which leads back to /init: /init.orig would run the pre-init again",
			target);
	if (ret == ELOOP)
		return error_set(
			"/init is a symbolic link to %s, which leads round in a loop",
			target);
	return 0;
}

/*
 * The init as the kernel leaves it, which may not be what the last /init
 * entry holds: a hard link's data comes with another name, or a later
 * archive writes into its inode. Where the entry is not simply the init,
 * it stays, and init.orig is a copy of what the kernel would run.
 */
static int find_init(struct plan *p)
{
	const struct rootfs_node *n;

	p->init = find_entry(p, "init", NULL);
	if (!p->init || rootfs_lookup(&p->fs, "init", false, NULL, &n) != 0)
		return error_set(
			"no /init in any segment: not an initramfs the kernel can start");
	p->init_node = n;
	if (S_ISDIR(n->mode))
		return error_set("/init is a directory");
	if (!S_ISREG(n->mode) && !S_ISLNK(n->mode))
		return error_set("/init is neither a file nor a symbolic link");
	if (find_entry(p, "init.orig", NULL))
		return error_set(
			"/init.orig exists already, and this is not a minirt-virtio build");
	if (S_ISLNK(n->mode) && check_init_link(p) < 0)
		return -1;
	p->break_init_link = n->links > 1;
	p->copy_init = p->opts->layout == LAYOUT_APPEND || count_inits(p) > 1 ||
		       n->links > 1 || n->entry != p->init ||
		       n->size != p->init->size;
	return 0;
}

/*
 * Where the modules go must be a directory, or not there yet, as the kernel
 * sees it (following symbolic links, as lib -> usr/lib). add: which of
 * them this build adds.
 */
static int check_our_dirs(struct plan *p, bool add[3])
{
	static const char *const dirs[] = { "lib", "lib/modules", OUR_DIR };

	for (size_t i = 0; i < 3; i++) {
		const struct rootfs_node *n, *at;
		int ret = rootfs_lookup(&p->fs, dirs[i], true, NULL, &n);
		int here = rootfs_lookup(&p->fs, dirs[i], false, NULL, &at);

		add[i] = ret == ENOENT && here == ENOENT;
		if (add[i] || (!ret && S_ISDIR(n->mode)))
			continue;
		return error_set(
			"/%s is not a directory but %s, so the modules cannot go to /" OUR_DIR,
			dirs[i],
			ret == ELOOP ? "a symbolic link loop" :
			ret	     ? "a symbolic link that leads nowhere" :
			!S_ISREG(n->mode) ?
			      "a special file" :
			S_ISLNK(at->mode) ?
			      "a symbolic link to a regular file" :
			      "a regular file");
	}
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
		ret = userland_check_modules(&p->census, p->userland,
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

/* The init's text as the kernel would leave it, given vd names. */
static int patch_init(struct plan *p)
{
	if (!p->opts->patch_init || !S_ISREG(p->init_node->mode))
		return 0;
	return initpatch_apply(p->init_node->data, p->init_node->size,
			       ships_nvme(p), &p->patched, &p->patch);
}

/*
 * Ours numbered above all in use, as layout.c joins the archives (so that
 * building a build again numbers them the same).
 */
static int first_free_ino(struct plan *p)
{
	uint64_t max = max_ino_joined(p);

	if (max > UINT32_MAX - (1u << 20))
		return error_set("inode numbers too large to add files");
	p->next_ino = (uint32_t)max;
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

static void list_added(struct buf *info, const char *name)
{
	buf_add_str(info, "added ");
	buf_add_str(info, name);
	buf_add_str(info, "\n");
}

static int add_dirs(struct plan *p, struct buf *info)
{
	static const char *const dirs[] = { "lib", "lib/modules", OUR_DIR };
	char dir[512];

	for (size_t i = 0; i < sizeof(dirs) / sizeof(*dirs); i++) {
		if (!p->add_dir[i])
			continue;
		if (!add(p, dirs[i], S_IFDIR | 0755, NULL, 0))
			return -1;
		list_added(info, dirs[i]);
	}
	/* lib/modules/minirt-virtio/<release>/ for every kernel's set. */
	for (size_t i = 0; i < p->ks.nsets; i++) {
		snprintf(dir, sizeof(dir), OUR_DIR "/%s",
			 p->ks.sets[i].release);
		if (!add(p, dir, S_IFDIR | 0755, NULL, 0))
			return -1;
		list_added(info, dir);
	}
	return 0;
}

static int add_file(struct plan *p, const char *name, const struct buf *data,
		    struct buf *info)
{
	if (!add(p, name, S_IFREG | 0644, data->data, data->len))
		return -1;
	list_added(info, name);
	return 0;
}

/* The set's modules, and the files saying which to load when (devices.h). */
static int add_set(struct plan *p, const struct modset *set, struct buf *info)
{
	struct buf order = { 0 }, devices = { 0 };
	char name[512];
	int ret = 0;

	buf_add_str(
		&order,
		"# Loaded in this order by minirt-virtio's /init under kernel ");
	buf_add_str(&order, set->release);
	buf_add_str(&order, ", whatever the devices.\n");
	for (size_t i = 0; i < set->n && !ret; i++) {
		const struct module *m = &set->v[i];

		snprintf(name, sizeof(name), OUR_DIR "/%s/%s.ko", set->release,
			 m->name);
		ret = add_file(p, name, &m->image, info);
	}
	if (!ret)
		ret = devices_plan(set, &order, &devices);
	snprintf(name, sizeof(name), OUR_DIR "/%s/" LOAD_ORDER, set->release);
	if (!ret)
		ret = add_file(p, name, &order, info);
	snprintf(name, sizeof(name), OUR_DIR "/%s/" DEVICES_FILE, set->release);
	if (!ret)
		ret = add_file(p, name, &devices, info);
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

/* Where the init entry was, for recompressing only what changed. */
static void locate_init(struct plan *p)
{
	const struct cpio_entry *e = p->init;

	for (size_t s = 0; s < p->nseg; s++) {
		const struct segment *seg = &p->ar.seg[s];

		if (e->raw && seg->plain.len && e->raw >= seg->plain.data &&
		    e->raw < seg->plain.data + seg->plain.len) {
			p->init_from = (size_t)(e->raw - seg->plain.data);
			p->init_to = p->init_from + cpio_entry_len(e);
		}
	}
}

/*
 * The original init under its new name: the entry renamed in place, or a
 * new entry with what the kernel would have left at /init.
 */
static int add_init_orig(struct plan *p, struct buf *info)
{
	char name[CPIO_NAME_MAX + 8];
	const struct rootfs_node *n = p->init_node;
	struct cpio_entry *e = p->init;

	snprintf(name, sizeof(name), "%s.orig", p->init->name);
	if (p->copy_init) {
		e = add(p, name, n->mode, n->data, n->size);
		if (!e)
			return -1;
		e->uid = p->init->uid;
		e->gid = p->init->gid;
		e->mtime = p->init->mtime;
		list_added(info, "init.orig");
	} else {
		locate_init(p);
		if (cpio_rename(e, name) < 0)
			return -1;
	}
	if (p->patched.len)
		return cpio_set_data(e, p->patched.data, p->patched.len);
	return 0;
}

/*
 * Our /init. If the old one's inode has other names (a hard link to
 * busybox), the kernel would write ours into it, over them all: a
 * symbolic link first makes it remove the old name instead.
 */
static int add_preinit(struct plan *p)
{
	const uint8_t *preinit;
	size_t len;

	if (p->break_init_link &&
	    !add(p, "init", S_IFLNK | 0777, "init.orig", 9))
		return -1;
	preinit = preinit_for(p->userland, &len);
	return add(p, "init", S_IFREG | 0755, preinit, len) ? 0 : -1;
}

static int add_ours(struct plan *p)
{
	struct buf info = { 0 };
	int ret;

	if (first_free_ino(p) < 0)
		return -1;
	buf_add_str(&info, "minirt-virtio " VERSION "\nlayout ");
	buf_add_str(&info,
		    p->opts->layout == LAYOUT_APPEND ? "append\n" : "merge\n");
	add_recorded(&info, &p->output.original);
	ret = add_dirs(p, &info);
	if (!ret)
		ret = add_modules(p, &info);
	if (!ret)
		ret = add_init_orig(p, &info);
	list_added(&info, BUILD_INFO);
	if (p->break_init_link)
		list_added(&info, "init");
	list_added(&info, "init");
	if (!ret && !add(p, BUILD_INFO, S_IFREG | 0644, info.data, info.len))
		ret = -1;
	if (!ret)
		ret = add_preinit(p);
	buf_free(&info);
	return ret;
}

/* The minirt: INPUT, or the one on the medium. */
static int open_input(struct plan *p)
{
	const struct build_opts *o = p->opts;
	uint8_t *copy;

	if (!o->medium) {
		p->input = p->input_path = o->input;
		return archive_read(&p->ar, o->input);
	}
	p->has_medium = true;
	if (medium_open(&p->medium, o->medium) < 0)
		return -1;
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
	    stat(p->opts->output, &out) < 0 ||
	    stat(p->opts->medium, &iso) < 0 || out.st_dev != iso.st_dev ||
	    out.st_ino != iso.st_ino)
		return 0;
	return error_set(
		"%s is the ISO the minirt comes from; write the new minirt to another file",
		p->opts->output);
}

/* What the input is, as the kernel would unpack it. */
static int read_input(struct plan *p)
{
	const struct segment *last;

	if (open_input(p) < 0)
		return -1;
	p->nseg = p->ar.nseg;
	p->kept_bytes = p->ar.len;
	if (undo_earlier_build(p) < 0 ||
	    rootfs_unpack(&p->fs, p->ar.seg, p->nseg) < 0 || find_init(p) < 0 ||
	    check_our_dirs(p, p->add_dir) < 0)
		return -1;
	userland_census(p->ar.seg, p->nseg, &p->census);
	if (userland_detect(&p->census, &p->userland) < 0)
		return -1;
	last = &p->ar.seg[p->nseg - 1];
	if (p->opts->layout == LAYOUT_APPEND && last->comp == COMP_LZ4)
		return error_set(
			"it ends in an lz4 segment, and the kernel's lz4 reads to the end of the file: nothing can follow it (use --layout merge)");
	return 0;
}

static int prepare(struct plan *p)
{
	if (read_input(p) < 0)
		return p->input ? error_prefix("%s", p->input) : -1;
	if (check_not_medium(p) < 0 ||
	    output_prepare(&p->output, p->opts->output, p->input_path,
			   p->ar.bytes, p->ar.len, &p->recorded,
			   p->opts->force) < 0)
		return -1;
	if (resolve_modules(p) < 0 || patch_init(p) < 0 || entry_time(p) < 0)
		return -1;
	return 0;
}

int build_run(const struct build_opts *opts)
{
	struct plan p = { .opts = opts };
	int ret;

	ret = prepare(&p);
	if (!ret)
		ret = add_ours(&p);
	if (!ret)
		ret = opts->layout == LAYOUT_APPEND ? layout_append(&p) :
						      layout_merge(&p);
	if (!ret)
		ret = output_commit(&p.output, &p.out);
	if (!ret)
		report(&p);
	plan_free(&p);
	return ret;
}
