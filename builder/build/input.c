// SPDX-License-Identifier: MIT
#include "input.h"
#include "error.h"
#include "initramfs/ourfiles.h"
#include "medium/modfile.h"
#include "modules/modinfo.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void input_free(struct input *in)
{
	archive_release(&in->ar);
	rootfs_free(&in->fs);
	if (in->has_medium)
		medium_close(&in->medium);
}

/* Every entry of the kept segments, last first (as the kernel's last wins). */
struct cpio_entry *input_find(struct input *in, const char *path,
			      struct segment **seg)
{
	return archive_find(&in->ar, in->nseg, path, seg);
}

/* Does any entry of the kept segments lie under the directory dir? */
static bool has_children(const struct input *in, const char *dir)
{
	size_t len = strlen(dir);

	for (size_t s = 0; s < in->nseg; s++)
		for (size_t i = 0; i < in->ar.seg[s].entries.n; i++) {
			const char *path =
				cpio_path(&in->ar.seg[s].entries.v[i]);

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
static int undo_merge(struct input *in, struct segment *seg, char *text)
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
		if (i >= 0 && !has_children(in, dirs[ndirs]))
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

static int undo_earlier_build(struct input *in)
{
	struct segment *seg;
	struct cpio_entry *info = input_find(in, BUILD_INFO, &seg);
	char *text;
	int ret;

	if (!info)
		return 0;
	in->rebuilt = true;
	text = strndup((const char *)info->data, info->size);
	if (!text)
		return error_set("out of memory");
	file_id_read(text, &in->recorded);
	if (strstr(text, "\nlayout append")) {
		free(text);
		if (seg != &in->ar.seg[in->nseg - 1])
			return error_set(
				"built by minirt-virtio, then changed");
		in->kept_bytes = seg->offset;
		in->nseg--;
		return 0;
	}
	ret = in->layout == LAYOUT_APPEND ?
		      error_set(
			      "built with --layout merge already; build it again with merge, or start from the original") :
		      undo_merge(in, seg, text);
	free(text);
	return ret;
}

/* Entries named init: the kernel writes each over the one before. */
static size_t count_inits(const struct input *in)
{
	size_t count = 0;

	for (size_t s = 0; s < in->nseg; s++)
		for (size_t i = 0; i < in->ar.seg[s].entries.n; i++)
			count += !strcmp(cpio_path(&in->ar.seg[s].entries.v[i]),
					 "init");
	return count;
}

/* /init a symbolic link: where it leads must not be /init again. */
static int check_init_link(const struct input *in)
{
	char target[CPIO_NAME_MAX + 1];
	const struct rootfs_node *to;
	int ret;

	if (in->init_node->size >= sizeof(target))
		return error_set("/init is a symbolic link too long to follow");
	memcpy(target, in->init_node->data, in->init_node->size);
	target[in->init_node->size] = '\0';
	ret = rootfs_lookup(&in->fs, target, true, "init", &to);
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
static int find_init(struct input *in)
{
	const struct rootfs_node *n;

	in->init = input_find(in, "init", NULL);
	if (!in->init || rootfs_lookup(&in->fs, "init", false, NULL, &n) != 0)
		return error_set(
			"no /init in any segment: not an initramfs the kernel can start");
	in->init_node = n;
	if (S_ISDIR(n->mode))
		return error_set("/init is a directory");
	if (!S_ISREG(n->mode) && !S_ISLNK(n->mode))
		return error_set("/init is neither a file nor a symbolic link");
	if (input_find(in, "init.orig", NULL))
		return error_set(
			"/init.orig exists already, and this is not a minirt-virtio build");
	if (S_ISLNK(n->mode) && check_init_link(in) < 0)
		return -1;
	in->break_init_link = n->links > 1;
	in->copy_init = in->layout == LAYOUT_APPEND || count_inits(in) > 1 ||
			n->links > 1 || n->entry != in->init ||
			n->size != in->init->size;
	return 0;
}

/*
 * Where the modules go must be a directory, or not there yet, as the kernel
 * sees it (following symbolic links, as lib -> usr/lib). add: which of
 * them this build adds.
 */
static int check_our_dirs(struct input *in, bool add[3])
{
	static const char *const dirs[] = { "lib", "lib/modules", OUR_DIR };

	for (size_t i = 0; i < 3; i++) {
		const struct rootfs_node *n, *at;
		int ret = rootfs_lookup(&in->fs, dirs[i], true, NULL, &n);
		int here = rootfs_lookup(&in->fs, dirs[i], false, NULL, &at);

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

/* The minirt: INPUT, or the one on the medium. */
static int open_input(struct input *in, const struct build_opts *o)
{
	uint8_t *bytes;

	if (!o->medium) {
		in->label = in->path = o->input;
		return archive_read(&in->ar, o->input);
	}
	in->has_medium = true;
	if (medium_open(&in->medium, o->medium) < 0)
		return -1;
	in->label = in->medium.minirt_label;
	in->path = in->medium.minirt_path;
	if (in->path)
		return archive_read(&in->ar, in->path);
	bytes = in->medium.minirt; /* the archive takes them over */
	in->medium.minirt = NULL;
	return archive_parse(&in->ar, bytes, in->medium.minirt_len);
}

/* What the input is, as the kernel would unpack it. */
static int read_input(struct input *in, const struct build_opts *o)
{
	const struct segment *last;

	if (open_input(in, o) < 0)
		return -1;
	in->nseg = in->ar.nseg;
	in->kept_bytes = in->ar.len;
	if (undo_earlier_build(in) < 0 ||
	    rootfs_unpack(&in->fs, in->ar.seg, in->nseg) < 0 ||
	    find_init(in) < 0 || check_our_dirs(in, in->add_dir) < 0)
		return -1;
	userland_census(in->ar.seg, in->nseg, &in->census);
	if (userland_detect(&in->census, &in->userland) < 0)
		return -1;
	last = &in->ar.seg[in->nseg - 1];
	if (in->layout == LAYOUT_APPEND && last->comp == COMP_LZ4)
		return error_set(
			"it ends in an lz4 segment, and the kernel's lz4 reads to the end of the file: nothing can follow it (use --layout merge)");
	return 0;
}

int input_read(struct input *in, const struct build_opts *o)
{
	memset(in, 0, sizeof(*in));
	in->layout = o->layout;
	if (read_input(in, o) < 0)
		return in->label ? error_prefix("%s", in->label) : -1;
	return 0;
}

/* KNOPPIX's load_modules insmods these directories' modules at boot. */
static bool in_load_dir(const char *path, const char **file)
{
	static const char *const dirs[] = { "modules/", "modules/scsi/" };

	for (size_t i = 0; i < 2; i++) {
		size_t len = strlen(dirs[i]);

		if (!strncmp(path, dirs[i], len) && !strchr(path + len, '/')) {
			*file = path + len;
			return true;
		}
	}
	return false;
}

/* Is node a plain module (not compressed: insmod loads it) for release? */
static bool module_for(const struct rootfs_node *node, const char *release)
{
	struct modinfo info = { 0 };
	char *rel = NULL;
	bool same;

	if (!S_ISREG(node->mode) ||
	    modinfo_read(node->data, node->size, &info) < 0) {
		error_clear();
		return false;
	}
	if (info.vermagic)
		rel = vermagic_release(info.vermagic);
	same = rel && !strcmp(rel, release);
	free(rel);
	modinfo_free(&info);
	return same;
}

/* "ext4.ko" for "ext4" or "ext4.ko"; '-' and '_' alike, as the kernel. */
static bool same_module(const char *file, const char *name)
{
	size_t len = strlen(file);
	char *a, *b;
	bool same;

	if (len < 4 || strcmp(file + len - 3, ".ko"))
		return false;
	a = module_name_from(file);
	b = module_name_from(name);
	same = a && b && !strcmp(a, b);
	free(a);
	free(b);
	error_clear();
	return same;
}

bool input_has_module(const struct input *in, const char *name,
		      const char *release)
{
	for (size_t s = 0; s < in->nseg; s++)
		for (size_t i = 0; i < in->ar.seg[s].entries.n; i++) {
			const char *path = cpio_path(
					   &in->ar.seg[s].entries.v[i]),
				   *file;
			const struct rootfs_node *node;

			if (in_load_dir(path, &file) &&
			    same_module(file, name) &&
			    !rootfs_lookup(&in->fs, path, true, NULL, &node) &&
			    module_for(node, release))
				return true;
		}
	return false;
}
