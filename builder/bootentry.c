// SPDX-License-Identifier: MIT
#include "bootentry.h"
#include "archive.h"
#include "kernel.h"
#include "mounts.h"
#include "ours.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define RELEASE_MAX 65 /* uname -r, as release_valid() allows it */
#define DEV_NAME_MAX 64

/* The names KNOPPIX gives its files on the medium (boot/isolinux/). */
static const char *const kernel_names[] = { "linux64", "linux" };
#define NKERNELS (sizeof(kernel_names) / sizeof(*kernel_names))

struct entry_kernel {
	const char *name;
	char release[RELEASE_MAX];
	bool bits_known; /* boot protocol 2.12 (Linux 3.8) and later say */
	bool is_64bit;
};

struct where {
	char real[PATH_MAX]; /* DIR, symbolic links resolved */
	char inner[MOUNT_PATH_MAX]; /* DIR inside its filesystem */
	struct mount_info mount;
	char dev[DEV_NAME_MAX]; /* "vda1" */
	unsigned disk, part; /* 0-based disk, 1-based partition (0: none) */
};

struct entry_set {
	struct entry_kernel k[NKERNELS];
	size_t n;
	struct where w;
};

/* A byte a kernel line in grub.cfg or menu.lst cannot carry as it is. */
static char bad_char(const char *s)
{
	static const char special[] = "\"'\\$;{}#|&<>`";

	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f ||
		    strchr(special, *s))
			return *s ? *s : ' ';
	return 0;
}

int bootentry_check_option(const char *word)
{
	char c = bad_char(word);

	if (!word[0])
		return error_set("an empty boot option");
	if (c > ' ' && c < 0x7f)
		return error_set(
			"boot option %s: GRUB would read its '%c' specially",
			word, c);
	if (c)
		return error_set(
			"boot option %s: a space or control byte, which GRUB would split or drop",
			word);
	if (!strncmp(word, "knoppix_dir=", 12))
		return error_set(
			"boot option %s: boot-entry works knoppix_dir= out from DIR; leave it out",
			word);
	return 0;
}

/* dir/name into out; -1 (error set) if it does not fit. */
static int join(char *out, size_t size, const char *dir, const char *name)
{
	if ((size_t)snprintf(out, size, "%s/%s", dir, name) >= size)
		return error_set("%s/%s: a path longer than %zu bytes", dir,
				 name, size - 1);
	return 0;
}

static int copy_name(char *out, size_t size, const char *name)
{
	if ((size_t)snprintf(out, size, "%s", name) >= size)
		return error_set("%s: a device name longer than %zu bytes",
				 name, size - 1);
	return 0;
}

static bool file_exists(const char *dir, const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	return join(path, sizeof(path), dir, name) == 0 &&
	       stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int check_dir(const char *dir, struct where *w)
{
	struct stat st;

	if (!realpath(dir, w->real))
		return error_set("%s: %s", dir, strerror(errno));
	if (stat(w->real, &st) < 0 || !S_ISDIR(st.st_mode))
		return error_set("%s: not a directory", dir);
	if (!file_exists(w->real, "minirt.gz"))
		return error_set("%s: no minirt.gz in it", dir);
	if (!file_exists(w->real, "KNOPPIX"))
		return error_set(
			"%s: no KNOPPIX in it (the image KNOPPIX's init looks for)",
			dir);
	return 0;
}

/* Only a minirt minirt-virtio built can find a virtio disk. */
/* Whether the minirt has a set of modules for release: its directory. */
static bool serves(const struct archive *ar, const char *release)
{
	char path[sizeof(OUR_DIR) + RELEASE_MAX];

	snprintf(path, sizeof(path), OUR_DIR "/%s", release);
	return archive_find(ar, ar->nseg, path, NULL);
}

/*
 * Only a kernel the minirt has modules for gets an entry: under any other
 * the pre-init finds no driver and KNOPPIX stops as it did before.
 */
static int keep_served(const char *dir, const struct archive *ar,
		       struct entry_set *set)
{
	char kernels[NKERNELS * (RELEASE_MAX + 16)] = "";
	bool served[NKERNELS];
	size_t kept = 0, used = 0;

	for (size_t i = 0; i < set->n; i++) {
		const struct entry_kernel *k = &set->k[i];

		served[i] = serves(ar, k->release);
		kept += served[i];
		used += (size_t)snprintf(kernels + used, sizeof(kernels) - used,
					 "%s%s %s", i ? ", " : "", k->name,
					 k->release);
	}
	if (!kept)
		return error_set(
			"%s/minirt.gz: no modules for the kernels beside it (%s); rebuild it with minirt-virtio build --medium %s",
			dir, kernels, dir);
	kept = 0;
	for (size_t i = 0; i < set->n; i++) {
		const struct entry_kernel *k = &set->k[i];

		if (served[i])
			set->k[kept++] = *k;
		else
			fprintf(stderr,
				"minirt-virtio: warning: %s/%s is kernel %s, for which %s/minirt.gz has no modules; no entry for it\n",
				dir, k->name, k->release, dir);
	}
	set->n = kept;
	return 0;
}

/* Our build, with modules for at least one kernel in DIR. */
static int check_minirt(const char *dir, const char *real,
			struct entry_set *set)
{
	char path[PATH_MAX];
	struct archive ar;
	int ret;

	if (join(path, sizeof(path), real, "minirt.gz") < 0)
		return -1;
	if (archive_read(&ar, path) < 0) {
		archive_release(&ar);
		return error_prefix("%s/minirt.gz", dir);
	}
	if (!archive_find(&ar, ar.nseg, BUILD_INFO, NULL))
		ret = error_set(
			"%s/minirt.gz: not built by minirt-virtio, so it cannot find a virtio disk; run minirt-virtio build on it first",
			dir);
	else
		ret = keep_served(dir, &ar, set);
	archive_release(&ar);
	return ret;
}

/* The release's first word, in the bytes a menu title may hold. */
static void copy_release(char *out, const char *version)
{
	static const char ok[] = "._+~-";
	size_t n = 0;

	while (n + 1 < RELEASE_MAX &&
	       ((version[n] >= 'a' && version[n] <= 'z') ||
		(version[n] >= 'A' && version[n] <= 'Z') ||
		(version[n] >= '0' && version[n] <= '9') ||
		(version[n] && strchr(ok, version[n])))) {
		out[n] = version[n];
		n++;
	}
	out[n] = '\0';
	if (!n)
		strcpy(out, "?");
}

static int read_kernel(const char *dir, const char *real,
		       struct entry_kernel *k)
{
	char path[PATH_MAX], label[PATH_MAX];
	struct kernel kernel;
	uint8_t *image;
	size_t len;
	int ret;

	if (join(path, sizeof(path), real, k->name) < 0 ||
	    join(label, sizeof(label), dir, k->name) < 0)
		return -1;
	if (read_file(path, &image, &len) < 0)
		return error_prefix("%s", label);
	ret = kernel_parse(label, image, len, &kernel);
	free(image);
	if (ret < 0) {
		kernel_free(&kernel);
		return -1;
	}
	snprintf(k->release, sizeof(k->release), "%s", kernel.release);
	k->bits_known = kernel.bits_known;
	k->is_64bit = kernel.is_64bit;
	kernel_free(&kernel);
	return 0;
}

/* The kernels in DIR, 64-bit ones first. */
static int find_kernels(const char *dir, struct entry_set *set)
{
	for (size_t i = 0; i < NKERNELS; i++) {
		struct entry_kernel *k = &set->k[set->n];

		if (!file_exists(set->w.real, kernel_names[i]))
			continue;
		k->name = kernel_names[i];
		if (read_kernel(dir, set->w.real, k) < 0)
			return -1;
		set->n++;
	}
	if (!set->n)
		return error_set("%s: no kernel in it (linux64 or linux)", dir);
	if (set->n == 2 && set->k[0].bits_known && !set->k[0].is_64bit &&
	    set->k[1].is_64bit) {
		struct entry_kernel first = set->k[0];

		set->k[0] = set->k[1];
		set->k[1] = first;
	}
	return 0;
}

/* "/dev/disk/by-uuid/..." and the like to the node's own name. */
static void follow_dev_link(const char *dev_dir, char *name, size_t size)
{
	char path[PATH_MAX], real[PATH_MAX], real_dir[PATH_MAX];
	size_t dlen;

	/* Not there: take the name as the table gives it. */
	if (join(path, sizeof(path), dev_dir, name) < 0 ||
	    !realpath(path, real) || !realpath(dev_dir, real_dir))
		return;
	dlen = strlen(real_dir);
	if (!strncmp(real, real_dir, dlen) && real[dlen] == '/')
		copy_name(name, size, real + dlen + 1);
}

/* Whether dir/name/dev holds "major:minor". */
static bool has_number(const char *dir, const char *name, unsigned major,
		       unsigned minor)
{
	char path[PATH_MAX], line[32], want[32];
	FILE *f;
	bool same;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s/dev", dir, name) >=
	    sizeof(path))
		return false;
	f = fopen(path, "r");
	if (!f)
		return false;
	snprintf(want, sizeof(want), "%u:%u\n", major, minor);
	same = fgets(line, sizeof(line), f) && !strcmp(line, want);
	fclose(f);
	return same;
}

/* A partition of disk under sys_block with that number, into name. */
static bool find_partition(const char *sys_block, const char *disk,
			   unsigned major, unsigned minor, char *name,
			   size_t size)
{
	char path[PATH_MAX];
	struct dirent *p;
	bool found = false;
	DIR *sub;

	if (join(path, sizeof(path), sys_block, disk) < 0)
		return false;
	sub = opendir(path);
	while (sub && !found && (p = readdir(sub)))
		/* Partitions only: device/ may hold a char device's number. */
		found = !strncmp(p->d_name, disk, strlen(disk)) &&
			has_number(path, p->d_name, major, minor) &&
			copy_name(name, size, p->d_name) == 0;
	if (sub)
		closedir(sub);
	return found;
}

/* The disk or partition in sys_block with that number (for /dev/root). */
static int name_from_number(const char *sys_block, unsigned major,
			    unsigned minor, char *name, size_t size)
{
	DIR *top = opendir(sys_block);
	struct dirent *d;
	bool found = false;

	if (!top)
		return error_set("/dev/root: cannot read %s: %s", sys_block,
				 strerror(errno));
	while (!found && (d = readdir(top)))
		found = d->d_name[0] != '.' &&
			(has_number(sys_block, d->d_name, major, minor) ?
				 copy_name(name, size, d->d_name) == 0 :
				 find_partition(sys_block, d->d_name, major,
						minor, name, size));
	closedir(top);
	if (!found)
		return error_set("/dev/root: no block device %u:%u in %s",
				 major, minor, sys_block);
	return 0;
}

static bool take_number(const char **p, unsigned *value)
{
	unsigned long v = 0;
	const char *s = *p;

	if (*s < '0' || *s > '9')
		return false;
	while (*s >= '0' && *s <= '9' && v < 100000)
		v = v * 10 + (unsigned long)(*s++ - '0');
	*value = (unsigned)v;
	*p = s;
	return true;
}

/* sda1, vdb, xvda2, hdc5: disk by its letters (a = 0), partition number. */
static bool lettered_disk(const char *name, unsigned *disk, unsigned *part)
{
	static const char *const prefixes[] = { "xvd", "sd", "vd", "hd" };
	unsigned letters = 0, n = 0;
	const char *p = NULL;

	for (size_t i = 0; i < 4 && !p; i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			p = name + strlen(prefixes[i]);
	while (p && *p >= 'a' && *p <= 'z' && letters < 3) {
		n = n * 26 + (unsigned)(*p++ - 'a') + 1;
		letters++;
	}
	if (!letters)
		return false;
	*disk = n - 1;
	*part = 0;
	return (!*p || take_number(&p, part)) && !*p;
}

/* nvme0n1p2, mmcblk0p1: disk by its controller number. */
static bool numbered_disk(const char *name, unsigned *disk, unsigned *part)
{
	const char *p = name;
	unsigned ns;

	*part = 0;
	if (!strncmp(p, "nvme", 4)) {
		p += 4;
		if (!take_number(&p, disk) || *p++ != 'n' ||
		    !take_number(&p, &ns))
			return false;
	} else if (!strncmp(p, "mmcblk", 6)) {
		p += 6;
		if (!take_number(&p, disk))
			return false;
	} else {
		return false;
	}
	if (*p == 'p' && (p++, !take_number(&p, part)))
		return false;
	return !*p;
}

static int find_device(const struct bootentry_opts *o, struct where *w)
{
	const struct mount_info *m = &w->mount;
	struct stat st;

	if (strncmp(m->source, "/dev/", 5))
		return error_set(
			"%s is on %s (%s), not on a disk partition; KNOPPIX's init mounts only those",
			o->dir, m->source, m->fstype);
	if (copy_name(w->dev, sizeof(w->dev), m->source + 5) < 0)
		return -1;
	follow_dev_link(o->dev_dir, w->dev, sizeof(w->dev));
	if (!strcmp(w->dev, "root")) {
		unsigned maj = m->major, min = m->minor;

		/* /proc/mounts has no numbers: DIR's own device has them. */
		if (!m->has_dev && stat(w->real, &st) == 0) {
			maj = major(st.st_dev);
			min = minor(st.st_dev);
		}
		if (name_from_number(o->sys_block, maj, min, w->dev,
				     sizeof(w->dev)) < 0)
			return -1;
	}
	if (!lettered_disk(w->dev, &w->disk, &w->part) &&
	    !numbered_disk(w->dev, &w->disk, &w->part))
		return error_set(
			"%s is on /dev/%s, which KNOPPIX's init cannot mount (it scans plain disk partitions, not LVM, RAID or device-mapper); put the files on a partition such as /boot",
			o->dir, w->dev);
	return 0;
}

static int locate(const struct bootentry_opts *o, struct where *w)
{
	char c;

	if (mount_find(o->mount_table, o->mount_table_len, w->real, &w->mount) <
	    0)
		return error_prefix("%s", o->mount_table_name);
	if (mount_inner_path(&w->mount, w->real, w->inner, sizeof(w->inner)) <
	    0)
		return error_prefix("%s", o->dir);
	c = bad_char(w->inner);
	if (c > ' ' && c < 0x7f)
		return error_set(
			"%s is %s on its filesystem; its '%c' cannot go on a kernel line or in a GRUB path",
			o->dir, w->inner, c);
	if (c)
		return error_set(
			"%s is %s on its filesystem; a space or control byte in it cannot go on a kernel line or in a GRUB path",
			o->dir, w->inner);
	return find_device(o, w);
}

/* "/boot/KNOPPIX" + "/linux64"; the filesystem's root has no "/" to add. */
static void add_path(struct buf *out, const struct where *w, const char *name)
{
	if (strcmp(w->inner, "/"))
		buf_add_str(out, w->inner);
	buf_add_str(out, "/");
	buf_add_str(out, name);
}

static void add_kernel_line(struct buf *out, const struct bootentry_opts *o,
			    const struct where *w, const struct entry_kernel *k,
			    const char *command)
{
	bool console = false;

	buf_add_str(out, command);
	add_path(out, w, k->name);
	buf_add_str(out, " knoppix_dir=");
	buf_add_str(out, strcmp(w->inner, "/") ? w->inner + 1 : ".");
	for (size_t i = 0; i < o->nboot_options; i++)
		console |= !strncmp(o->boot_options[i], "console=", 8);
	if (!console)
		buf_add_str(out, " " BOOTENTRY_CONSOLE);
	for (size_t i = 0; i < o->nboot_options; i++) {
		buf_add_str(out, " ");
		buf_add_str(out, o->boot_options[i]);
	}
	buf_add_str(out, "\n");
}

/* "KNOPPIX 3.8.13 (linux64, 64-bit, virtio)"; the bits only where known. */
static void add_title(struct buf *out, const struct entry_kernel *k)
{
	char title[RELEASE_MAX + 64], release[RELEASE_MAX];
	const char *bits = "";

	if (k->bits_known)
		bits = k->is_64bit ? "64-bit, " : "32-bit, ";
	copy_release(release, k->release);
	snprintf(title, sizeof(title), "KNOPPIX %s (%s, %svirtio)", release,
		 k->name, bits);
	buf_add_str(out, title);
}

/* "(hd0,0)", and a comment saying what that was worked out from. */
static void add_legacy_root(struct buf *out, const struct where *w, char *root,
			    size_t size)
{
	char note[256];

	if (w->part)
		snprintf(root, size, "(hd%u,%u)", w->disk, w->part - 1);
	else
		snprintf(root, size, "(hd%u)", w->disk);
	snprintf(
		note, sizeof(note),
		"# %s is /dev/%s if GRUB counts that disk as hd%u: check /boot/grub/device.map\n",
		root, w->dev, w->disk);
	buf_add_str(out, note);
}

/* One entry per kernel: menuentry { search, linux, initrd } or title, root,
 * kernel, initrd. */
static void add_menu(struct buf *out, const struct bootentry_opts *o,
		     const struct entry_set *set)
{
	char root[64];

	if (o->grub_legacy)
		add_legacy_root(out, &set->w, root, sizeof(root));
	for (size_t i = 0; i < set->n; i++) {
		buf_add_str(out, o->grub_legacy ? "title " : "menuentry '");
		add_title(out, &set->k[i]);
		if (o->grub_legacy) {
			buf_add_str(out, "\n\troot ");
			buf_add_str(out, root);
		} else {
			buf_add_str(out,
				    "' {\n"
				    "\tsearch --no-floppy --file --set=root ");
			add_path(out, &set->w, "minirt.gz");
		}
		buf_add_str(out, "\n");
		add_kernel_line(out, o, &set->w, &set->k[i],
				o->grub_legacy ? "\tkernel " : "\tlinux ");
		buf_add_str(out, "\tinitrd ");
		add_path(out, &set->w, "minirt.gz");
		buf_add_str(out, o->grub_legacy ? "\n" : "\n}\n");
	}
}

static int add_entries(struct buf *out, const struct bootentry_opts *o,
		       const struct entry_set *set)
{
	struct buf text = { 0 };
	char head[MOUNT_PATH_MAX + PATH_MAX + 256];

	snprintf(
		head, sizeof(head),
		"# KNOPPIX from %s: %s on /dev/%s (%s); by minirt-virtio " VERSION
		" boot-entry\n",
		set->w.real, set->w.inner, set->w.dev, set->w.mount.fstype);
	buf_add_str(&text, head);
	add_menu(&text, o, set);
	/* buf_add* fail only out of memory; one check covers them all. */
	if (!text.data || buf_add(out, text.data, text.len) < 0) {
		buf_free(&text);
		return error_set("out of memory");
	}
	buf_free(&text);
	return 0;
}

int bootentry_write(const struct bootentry_opts *o, struct buf *out)
{
	struct entry_set set = { 0 };

	for (size_t i = 0; i < o->nboot_options; i++)
		if (bootentry_check_option(o->boot_options[i]) < 0)
			return -1;
	if (check_dir(o->dir, &set.w) < 0 || find_kernels(o->dir, &set) < 0 ||
	    check_minirt(o->dir, set.w.real, &set) < 0 || locate(o, &set.w) < 0)
		return -1;
	return add_entries(out, o, &set);
}

/* A /proc file (its size says 0) or a user's file, at most max bytes. */
static int read_text(const char *path, size_t max, struct buf *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return error_set("%s: %s", path, strerror(errno));
	for (;;) {
		ssize_t n;

		if (buf_reserve(out, 65536) < 0)
			break;
		n = read(fd, out->data + out->len, 65536);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			return n ? error_set("%s: %s", path, strerror(errno)) :
				   0;
		}
		out->len += (size_t)n;
		if (out->len > max) {
			error_set("%s: more than %zu bytes", path, max);
			break;
		}
	}
	close(fd);
	return -1;
}

static int read_mount_table(const char *path, struct buf *text,
			    const char **name)
{
	/* Linux before 2.6.26 (CentOS 5) has no mountinfo. */
	if (path)
		*name = path;
	else if (access("/proc/self/mountinfo", R_OK) == 0)
		*name = "/proc/self/mountinfo";
	else
		*name = "/proc/mounts";
	return read_text(*name, MOUNT_TABLE_MAX, text);
}

static int write_stdout(const struct buf *b)
{
	if (fwrite(b->data, 1, b->len, stdout) != b->len || fflush(stdout))
		return error_set("stdout: %s", strerror(errno));
	return 0;
}

int bootentry_command(int argc, char **argv, int (*usage)(const char *))
{
	struct bootentry_opts o = { .dev_dir = "/dev",
				    .sys_block = "/sys/block" };
	struct buf table = { 0 }, out = { 0 };
	const char *table_path = NULL;
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (!strcmp(argv[i], "--grub-legacy"))
			o.grub_legacy = true;
		else if (!strcmp(argv[i], "--mount-table") && i + 1 < argc)
			table_path = argv[++i];
		else if (argv[i][0] == '-')
			return usage(
				"boot-entry takes --grub-legacy, --mount-table FILE, DIR and -- BOOT OPTIONS");
		else if (o.dir)
			return usage("boot-entry takes one DIR");
		else
			o.dir = argv[i];
	}
	if (!o.dir)
		return usage("boot-entry needs DIR, e.g. /boot/KNOPPIX");
	o.boot_options = argv + i;
	o.nboot_options = (size_t)(argc - i);
	for (size_t k = 0; k < o.nboot_options; k++)
		if (bootentry_check_option(o.boot_options[k]) < 0)
			return usage(error_text());
	ret = read_mount_table(table_path, &table, &o.mount_table_name);
	o.mount_table = (const char *)table.data;
	o.mount_table_len = table.len;
	if (!ret)
		ret = bootentry_write(&o, &out);
	if (!ret)
		ret = write_stdout(&out);
	if (ret)
		fprintf(stderr, "minirt-virtio: %s\n", error_text());
	buf_free(&table);
	buf_free(&out);
	return ret ? EXIT_FAILURE : 0;
}
