// SPDX-License-Identifier: MIT
#include "partition.h"
#include "error.h"
#include "file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static int copy_name(char *out, size_t size, const char *name)
{
	if ((size_t)snprintf(out, size, "%s", name) >= size)
		return error_set("%s: a device name longer than %zu bytes",
				 name, size - 1);
	return 0;
}

/* "/dev/disk/by-uuid/..." and the like to the node's own name. */
static void follow_dev_link(const char *dev_dir, char *name, size_t size)
{
	char path[PATH_MAX], real[PATH_MAX], real_dir[PATH_MAX];
	size_t dlen;

	/* Not there: take the name as the table gives it. */
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dev_dir, name) >=
		    sizeof(path) ||
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

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", sys_block, disk) >=
	    sizeof(path))
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

static int find_device(const struct partition_env *env, const char *path,
		       struct partition *p)
{
	const struct mount_info *m = &p->mount;
	struct stat st;

	if (strncmp(m->source, "/dev/", 5))
		return error_set(
			"%s is on %s (%s), not on a disk partition; KNOPPIX's init mounts only those",
			path, m->source, m->fstype);
	if (copy_name(p->dev, sizeof(p->dev), m->source + 5) < 0)
		return -1;
	follow_dev_link(env->dev_dir, p->dev, sizeof(p->dev));
	if (!strcmp(p->dev, "root")) {
		unsigned maj = m->major, min = m->minor;

		/* /proc/mounts has no numbers: the path's own device has them.
		 */
		if (!m->has_dev && stat(p->real, &st) == 0) {
			maj = major(st.st_dev);
			min = minor(st.st_dev);
		}
		if (name_from_number(env->sys_block, maj, min, p->dev,
				     sizeof(p->dev)) < 0)
			return -1;
	}
	if (!lettered_disk(p->dev, &p->disk, &p->part) &&
	    !numbered_disk(p->dev, &p->disk, &p->part))
		return error_set(
			"%s is on /dev/%s, which KNOPPIX's init cannot mount (it scans plain disk partitions, not LVM, RAID or device-mapper); put the files on a partition such as /boot",
			path, m->source + 5);
	return 0;
}

int partition_locate(const struct partition_env *env, const char *path,
		     struct partition *p)
{
	memset(p, 0, sizeof(*p));
	if (!realpath(path, p->real))
		return error_set("%s: %s", path, strerror(errno));
	if (mount_find(env->table, env->table_len, p->real, &p->mount) < 0)
		return error_prefix("%s", env->table_name);
	if (mount_inner_path(&p->mount, p->real, p->inner, sizeof(p->inner)) <
	    0)
		return error_prefix("%s", path);
	return find_device(env, path, p);
}

int mount_table_read(const char *file, struct buf *text, const char **name)
{
	/* Linux before 2.6.26 (CentOS 5) has no mountinfo. */
	if (file)
		*name = file;
	else if (access("/proc/self/mountinfo", R_OK) == 0)
		*name = "/proc/self/mountinfo";
	else
		*name = "/proc/mounts";
	return read_text_max(*name, MOUNT_TABLE_MAX, text);
}
