// SPDX-License-Identifier: MIT
#include "additions.h"
#include "embed.h"
#include "error.h"
#include "pack.h"
#include "initramfs/ourfiles.h"
#include "medium/elf.h"
#include "modules/devices.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the planning reads, and what it writes. */
struct planner {
	struct additions *a;
	struct input *in;
	const struct served *served;
	const struct file_id *original;
	const struct build_opts *o;
};

void additions_free(struct additions *a)
{
	cpio_free(&a->added);
	buf_free(&a->patched);
	initpatch_free(&a->patch);
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

/*
 * Does a kernel served have an NVMe driver, shipped or built in: then the
 * scans list NVMe too.
 */
static bool serves_nvme(const struct planner *p)
{
	for (size_t i = 0; i < p->served->nsets; i++) {
		const struct modset *set = &p->served->sets[i];

		if (name_list_has(set->builtin, set->nbuiltin, "nvme"))
			return true;
		for (size_t j = 0; j < set->n; j++)
			if (!strcmp(set->v[j].name, "nvme"))
				return true;
	}
	return false;
}

/* The init's text as the kernel would leave it, given vd names. */
static int patch_init(struct planner *p)
{
	if (!p->o->patch_init || !S_ISREG(p->in->init_node->mode))
		return 0;
	return initpatch_apply(p->in->init_node->data, p->in->init_node->size,
			       serves_nvme(p), &p->a->patched, &p->a->patch);
}

/*
 * Ours numbered above all in use, as pack.c joins the archives (so that
 * building a build again numbers them the same).
 */
static int first_free_ino(struct planner *p)
{
	uint64_t max = pack_max_ino(p->in);

	if (max > UINT32_MAX - (1u << 20))
		return error_set("inode numbers too large to add files");
	p->a->next_ino = (uint32_t)max;
	return 0;
}

static int entry_time(struct planner *p)
{
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	char *end;
	unsigned long value;

	p->a->mtime = p->in->init->mtime;
	if (!epoch)
		return 0;
	value = strtoul(epoch, &end, 10);
	if (!*epoch || *end || value > UINT32_MAX)
		return error_set(
			"SOURCE_DATE_EPOCH=%s is not a time in seconds", epoch);
	p->a->mtime = (uint32_t)value;
	return 0;
}

static struct cpio_entry *add(struct planner *p, const char *name,
			      uint32_t mode, const void *data, size_t size)
{
	struct cpio_entry *e;

	if (size > UINT32_MAX) {
		error_set("%s is too large for cpio", name);
		return NULL;
	}
	e = cpio_add(&p->a->added, name, mode, data, (uint32_t)size);
	if (e) {
		e->ino = ++p->a->next_ino;
		e->mtime = p->a->mtime;
	}
	return e;
}

static void list_added(struct buf *info, const char *name)
{
	buf_add_str(info, "added ");
	buf_add_str(info, name);
	buf_add_str(info, "\n");
}

static int add_dirs(struct planner *p, struct buf *info)
{
	static const char *const dirs[] = { "lib", "lib/modules", OUR_DIR };
	char dir[512];

	for (size_t i = 0; i < sizeof(dirs) / sizeof(*dirs); i++) {
		if (!p->in->add_dir[i])
			continue;
		if (!add(p, dirs[i], S_IFDIR | 0755, NULL, 0))
			return -1;
		list_added(info, dirs[i]);
	}
	/* lib/modules/minirt-virtio/<release>/ for every kernel's set. */
	for (size_t i = 0; i < p->served->nsets; i++) {
		snprintf(dir, sizeof(dir), OUR_DIR "/%s",
			 p->served->sets[i].release);
		if (!add(p, dir, S_IFDIR | 0755, NULL, 0))
			return -1;
		list_added(info, dir);
	}
	return 0;
}

static int add_file(struct planner *p, const char *name, const struct buf *data,
		    struct buf *info)
{
	if (!add(p, name, S_IFREG | 0644, data->data, data->len))
		return -1;
	list_added(info, name);
	return 0;
}

/* The set's modules, and which to load when (modules/devices.h). */
static int add_set(struct planner *p, const struct modset *set,
		   struct buf *info)
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
		ret = devices_split(set, &order, &devices);
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

static int add_modules(struct planner *p, struct buf *info)
{
	for (size_t i = 0; i < p->served->nsets; i++)
		if (add_set(p, &p->served->sets[i], info) < 0)
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

/*
 * The original init under its new name: the entry renamed in place, or a
 * new entry with what the kernel would have left at /init.
 */
static int add_init_orig(struct planner *p, struct buf *info)
{
	char name[CPIO_NAME_MAX + 8];
	const struct rootfs_node *n = p->in->init_node;
	struct cpio_entry *e = p->in->init;

	snprintf(name, sizeof(name), "%s.orig", p->in->init->name);
	if (p->in->copy_init) {
		e = add(p, name, n->mode, n->data, n->size);
		if (!e)
			return -1;
		e->uid = p->in->init->uid;
		e->gid = p->in->init->gid;
		e->mtime = p->in->init->mtime;
		list_added(info, "init.orig");
	} else if (cpio_rename(e, name) < 0) {
		return -1;
	}
	if (p->a->patched.len)
		return cpio_set_data(e, p->a->patched.data, p->a->patched.len);
	return 0;
}

/*
 * Our /init. If the old one's inode has other names (a hard link to
 * busybox), the kernel would write ours into it, over them all: a
 * symbolic link first makes it remove the old name instead.
 */
static int add_preinit(struct planner *p)
{
	const uint8_t *preinit;
	size_t len;

	if (p->in->break_init_link &&
	    !add(p, "init", S_IFLNK | 0777, "init.orig", 9))
		return -1;
	preinit = preinit_for(p->in->userland, &len);
	return add(p, "init", S_IFREG | 0755, preinit, len) ? 0 : -1;
}

/*
 * "no-serial RELEASE" for each kernel without the 8250 driver built in:
 * boot-entry and setup put console=ttyS0 on no line of such a kernel.
 */
static void add_consoles(struct buf *info, const struct served *served)
{
	for (size_t i = 0; i < served->nsets; i++) {
		if (served->sets[i].serial_builtin)
			continue;
		buf_add_str(info, BUILD_INFO_NO_SERIAL);
		buf_add_str(info, served->sets[i].release);
		buf_add_str(info, "\n");
	}
}

static int add_ours(struct planner *p)
{
	struct buf info = { 0 };
	int ret;

	if (first_free_ino(p) < 0)
		return -1;
	buf_add_str(&info, "minirt-virtio " VERSION "\nlayout ");
	buf_add_str(&info,
		    p->o->layout == LAYOUT_APPEND ? "append\n" : "merge\n");
	add_recorded(&info, p->original);
	add_consoles(&info, p->served);
	ret = add_dirs(p, &info);
	if (!ret)
		ret = add_modules(p, &info);
	if (!ret)
		ret = add_init_orig(p, &info);
	list_added(&info, BUILD_INFO);
	if (p->in->break_init_link)
		list_added(&info, "init");
	list_added(&info, "init");
	if (!ret && !add(p, BUILD_INFO, S_IFREG | 0644, info.data, info.len))
		ret = -1;
	if (!ret)
		ret = add_preinit(p);
	buf_free(&info);
	return ret;
}

int additions_plan(struct additions *a, struct input *in,
		   const struct served *served, const struct file_id *original,
		   const struct build_opts *o)
{
	struct planner p = { a, in, served, original, o };

	memset(a, 0, sizeof(*a));
	if (patch_init(&p) < 0 || entry_time(&p) < 0)
		return -1;
	return add_ours(&p);
}
