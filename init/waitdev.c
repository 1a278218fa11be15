// SPDX-License-Identifier: MIT
#include "waitdev.h"
#include "text.h"
#include "sysdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* From <linux/netlink.h>, which musl-gcc does not see. */
#define NETLINK_KOBJECT_UEVENT 15
struct sockaddr_nl {
	sa_family_t nl_family;
	unsigned short nl_pad;
	uint32_t nl_pid;
	uint32_t nl_groups;
};

bool disk_names_has(const struct disk_names *names, const char *name)
{
	for (unsigned i = 0; i < names->count; i++)
		if (strcmp(names->name[i], name) == 0)
			return true;
	return false;
}

void disk_names_add(struct disk_names *names, const char *name)
{
	if (strlen(name) >= DISK_NAME_LEN || disk_names_has(names, name) ||
	    names->count == DISK_NAMES_MAX)
		return;
	strcpy(names->name[names->count++], name);
}

int disk_name_cmp(const char *a, const char *b)
{
	while (*a && *b) {
		if (is_digit(*a) && is_digit(*b)) {
			size_t la = 0, lb = 0;

			while (*a == '0')
				a++;
			while (*b == '0')
				b++;
			while (is_digit(a[la]))
				la++;
			while (is_digit(b[lb]))
				lb++;
			if (la != lb)
				return la < lb ? -1 : 1;
			for (; la; la--, a++, b++)
				if (*a != *b)
					return *a < *b ? -1 : 1;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		a++;
		b++;
	}
	return *a ? 1 : *b ? -1 : 0;
}

void disk_names_sort(struct disk_names *names)
{
	char tmp[DISK_NAME_LEN];

	for (unsigned i = 1; i < names->count; i++)
		for (unsigned j = i; j > 0 && disk_name_cmp(names->name[j - 1],
							    names->name[j]) > 0;
		     j--) {
			memcpy(tmp, names->name[j], DISK_NAME_LEN);
			memcpy(names->name[j], names->name[j - 1],
			       DISK_NAME_LEN);
			memcpy(names->name[j - 1], tmp, DISK_NAME_LEN);
		}
}

static int add_name(int dirfd, const char *name, unsigned char type, void *arg)
{
	(void)dirfd;
	(void)type;
	disk_names_add(arg, name);
	return 0;
}

int disk_names_snapshot(const char *class_dir, struct disk_names *names)
{
	int fd = open(class_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int ret;

	names->count = 0;
	if (fd < 0)
		return -errno;
	ret = dir_each(fd, add_name, names);
	close(fd);
	return ret;
}

#define ENTRIES_MAX 64
#define PATH_LEN 256
#define SCSI_HOST (-1)
#define SCSI_OTHER (-2)

/* A device of /sys/class/block or /sys/bus/scsi/devices, and where it is. */
struct sys_entry {
	char name[DISK_NAME_LEN];
	char path[PATH_LEN]; /* below /sys: "devices/pci0000:00/..." */
	int type; /* block: 1 for a whole disk; SCSI: the LUN's type */
};

struct entries {
	unsigned count;
	struct sys_entry v[ENTRIES_MAX];
};

struct check {
	int sys_fd;
	struct storage_state *state;
	struct entries *blocks, *luns;
	bool sd, sr; /* the SCSI disk and CD-ROM drivers are there */
};

static bool exists(int dirfd, const char *path)
{
	struct stat st;

	return fstatat(dirfd, path, &st, 0) == 0;
}

/* Where a sysfs link points, as a path below /sys. */
static bool link_path(int dirfd, const char *name, char *out)
{
	char target[PATH_LEN + 64];
	const char *p = target;
	ssize_t n = readlinkat(dirfd, name, target, sizeof(target) - 1);

	if (n <= 0)
		return false;
	target[n] = '\0';
	while (p[0] == '.' && p[1] == '.' && p[2] == '/')
		p += 3;
	if (strlen(p) >= PATH_LEN)
		return false;
	strcpy(out, p);
	return true;
}

/* Is path inside dir? */
static bool under(const char *path, const char *dir)
{
	size_t len = strlen(dir);

	return strncmp(path, dir, len) == 0 && path[len] == '/';
}

static bool sub_path(char *out, const char *name, const char *file)
{
	if (strlen(name) + strlen(file) + 2 > PATH_LEN)
		return false;
	strcpy(out, name);
	strcat(out, "/");
	strcat(out, file);
	return true;
}

static long parse_num(const char *s)
{
	long value = 0;

	if (!is_digit(*s))
		return SCSI_OTHER;
	for (; is_digit(*s) && value < 1000; s++)
		value = value * 10 + (*s - '0');
	return value;
}

/* The next entry, with its name and path; NULL if it does not fit. */
static struct sys_entry *new_entry(struct entries *e, int dirfd,
				   const char *name)
{
	struct sys_entry *v = &e->v[e->count];

	if (e->count == ENTRIES_MAX || strlen(name) >= DISK_NAME_LEN ||
	    !link_path(dirfd, name, v->path))
		return NULL;
	strcpy(v->name, name);
	e->count++;
	return v;
}

static int add_block(int dirfd, const char *name, unsigned char type, void *arg)
{
	struct sys_entry *v = new_entry(arg, dirfd, name);
	char path[PATH_LEN];

	(void)type;
	if (v) /* a whole disk has no "partition" file */
		v->type = sub_path(path, name, "partition") &&
			  !exists(dirfd, path);
	return 0;
}

static int add_scsi(int dirfd, const char *name, unsigned char type, void *arg)
{
	struct sys_entry *v = new_entry(arg, dirfd, name);
	char path[PATH_LEN], text[16];

	(void)type;
	if (!v)
		return 0;
	v->type = SCSI_OTHER; /* a target */
	if (strncmp(name, "host", 4) == 0)
		v->type = SCSI_HOST;
	else if (sub_path(path, name, "type") &&
		 read_small(dirfd, path, text, sizeof(text)) > 0)
		v->type = (int)parse_num(text);
	return 0;
}

static void read_entries(int sys_fd, const char *dir, dir_fn fn,
			 struct entries *e)
{
	int fd = openat(sys_fd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	e->count = 0;
	if (fd < 0)
		return;
	dir_each(fd, fn, e);
	close(fd);
}

static bool announced(const struct storage_state *state, const char *name)
{
	return state->trust_sysfs || disk_names_has(state->old, name) ||
	       disk_names_has(state->seen, name);
}

/* Has a LUN under path of a type with its driver there no disk yet? */
static bool luns_waiting(const struct check *c, const char *path)
{
	for (unsigned i = 0; i < c->luns->count; i++) {
		const struct sys_entry *lun = &c->luns->v[i];
		int t = lun->type;
		bool wanted =
			(c->sd && (t == 0 || t == 7 || t == 14 || t == 20)) ||
			(c->sr && (t == 4 || t == 5));
		bool has_disk = false;

		if (!wanted || !under(lun->path, path))
			continue;
		for (unsigned b = 0; b < c->blocks->count; b++)
			has_disk |= c->blocks->v[b].type == 1 &&
				    under(c->blocks->v[b].path, lun->path);
		if (!has_disk)
			return true;
	}
	return false;
}

static bool has_host(const struct check *c, const char *path)
{
	for (unsigned i = 0; i < c->luns->count; i++)
		if (c->luns->v[i].type == SCSI_HOST &&
		    under(c->luns->v[i].path, path))
			return true;
	return false;
}

/*
 * The disks under a controller: whether there are at least min and every
 * one is announced.
 */
static bool disks_announced(const struct check *c, const char *path,
			    enum disk_kind kind, unsigned min)
{
	struct storage_state *state = c->state;
	unsigned disks = 0;
	bool all = true;

	for (unsigned i = 0; i < c->blocks->count; i++) {
		const struct sys_entry *b = &c->blocks->v[i];

		if (!under(b->path, path))
			continue;
		disk_names_add(&state->names, b->name);
		if (b->type != 1)
			continue;
		disks++;
		if (!announced(state, b->name)) {
			all = false;
			continue;
		}
		if (kind == KIND_SCSI && strncmp(b->name, "sr", 2) == 0)
			state->disks[KIND_CDROM]++;
		else
			state->disks[kind]++;
	}
	return all && disks >= min;
}

static unsigned long parse_hex(const char *s)
{
	unsigned long value = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (;; s++) {
		unsigned digit;

		if (*s >= '0' && *s <= '9')
			digit = (unsigned)(*s - '0');
		else if (*s >= 'a' && *s <= 'f')
			digit = (unsigned)(*s - 'a' + 10);
		else if (*s >= 'A' && *s <= 'F')
			digit = (unsigned)(*s - 'A' + 10);
		else
			return value;
		if (value > 0xffffff)
			return 0;
		value = value * 16 + digit;
	}
}

static int check_virtio(int dirfd, const char *name, unsigned char type,
			void *arg)
{
	struct check *c = arg;
	char path[PATH_LEN], id[32];
	unsigned long device;
	bool done;

	(void)type;
	if (!sub_path(path, name, "device") ||
	    read_small(dirfd, path, id, sizeof(id)) <= 0)
		return 0;
	device = parse_hex(id);
	if (device != VIRTIO_ID_BLOCK && device != VIRTIO_ID_SCSI)
		return 0;
	/* No driver: nothing will come from it (its module failed). */
	if (!exists(c->sys_fd, device == VIRTIO_ID_BLOCK ?
				       "bus/virtio/drivers/virtio_blk" :
				       "bus/virtio/drivers/virtio_scsi") ||
	    !link_path(dirfd, name, path))
		return 0;
	c->state->controllers++;
	if (device == VIRTIO_ID_BLOCK) /* always one disk, maybe empty */
		done = disks_announced(c, path, KIND_VIRTIO_BLK, 1);
	else /* its scan is done once its module's init has returned */
		done = disks_announced(c, path, KIND_SCSI, 0) &&
		       has_host(c, path) && !luns_waiting(c, path);
	c->state->finished += done;
	return 0;
}

static int check_nvme(int dirfd, const char *name, unsigned char type,
		      void *arg)
{
	struct check *c = arg;
	char path[PATH_LEN], state[32];
	bool done;

	(void)type;
	if (!sub_path(path, name, "state") ||
	    read_small(dirfd, path, state, sizeof(state)) <= 0 ||
	    !link_path(dirfd, name, path))
		return 0;
	c->state->controllers++;
	/* Still setting up; any other state (live, dead) is final. */
	done = strncmp(state, "new", 3) && strncmp(state, "resetting", 9) &&
	       strncmp(state, "connecting", 10);
	done = disks_announced(c, path, KIND_NVME, 0) && done;
	c->state->finished += done;
	return 0;
}

static void add_others(const struct check *c)
{
	for (unsigned i = 0; i < c->blocks->count; i++) {
		const struct sys_entry *b = &c->blocks->v[i];

		if (b->type == 1 &&
		    !disk_names_has(&c->state->names, b->name) &&
		    strncmp(b->path, "devices/virtual/", 16) != 0)
			disk_names_add(&c->state->others, b->name);
	}
}

static void each_in(const struct check *c, const char *dir, dir_fn fn)
{
	int fd = openat(c->sys_fd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return;
	dir_each(fd, fn, (void *)c);
	close(fd);
}

int storage_check(const char *sys, struct storage_state *state)
{
	static struct entries blocks, luns;
	struct check c = { .state = state, .blocks = &blocks, .luns = &luns };

	state->controllers = state->finished = 0;
	memset(state->disks, 0, sizeof(state->disks));
	state->names.count = state->others.count = 0;
	c.sys_fd = open(sys, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c.sys_fd < 0)
		return -errno;
	c.sd = exists(c.sys_fd, "bus/scsi/drivers/sd");
	c.sr = exists(c.sys_fd, "bus/scsi/drivers/sr");
	read_entries(c.sys_fd, "class/block", add_block, &blocks);
	read_entries(c.sys_fd, "bus/scsi/devices", add_scsi, &luns);
	each_in(&c, "bus/virtio/devices", check_virtio);
	each_in(&c, "class/nvme", check_nvme);
	add_others(&c);
	close(c.sys_fd);
	return 0;
}

int uevent_open(void)
{
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	int size = 1 << 20;
	int sock;

	sock = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
		      NETLINK_KOBJECT_UEVENT);
	if (sock < 0)
		return -errno;
	/* Best effort: a lost event is caught by -ENOBUFS below. */
	setsockopt(sock, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (bind(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int err = errno;

		close(sock);
		return -err;
	}
	return sock;
}

bool uevent_parse(const char *msg, size_t len, struct uevents *ev)
{
	const char *devname = NULL, *modalias = NULL;
	size_t modalias_len = 0;
	bool add = false, block = false, disk = false;
	size_t pos = 0;

	while (pos < len) {
		const char *field = msg + pos;
		const char *nul = memchr(field, '\0', len - pos);
		size_t flen = nul ? (size_t)(nul - field) : len - pos;

		if (flen == 10 && memcmp(field, "ACTION=add", 10) == 0)
			add = true;
		else if (flen == 15 &&
			 memcmp(field, "SUBSYSTEM=block", 15) == 0)
			block = true;
		else if (flen == 12 && memcmp(field, "DEVTYPE=disk", 12) == 0)
			disk = true;
		else if (nul && flen > 8 && memcmp(field, "DEVNAME=", 8) == 0)
			devname = field + 8;
		else if (flen > 9 && memcmp(field, "MODALIAS=", 9) == 0)
			modalias = field + 9, modalias_len = flen - 9;
		pos += flen + 1;
	}
	if (add && block && disk && devname && !strchr(devname, '/'))
		disk_names_add(&ev->disks, devname);
	return add && modalias &&
	       modaliases_add(&ev->devices, modalias, modalias_len);
}

int uevent_drain(int sock, struct uevents *ev)
{
	char msg[4096];
	int added = 0;
	ssize_t n;

	for (;;) {
		n = recv(sock, msg, sizeof(msg), MSG_DONTWAIT);
		if (n > 0)
			added += uevent_parse(msg, (size_t)n, ev);
		else if (n < 0 && errno != EINTR)
			return errno == ENOBUFS ? -ENOBUFS : added;
	}
}
