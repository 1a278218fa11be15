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

#define WALK_DEPTH_MAX 6

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

struct disk_walk {
	const struct storage_state *state;
	unsigned depth;
	unsigned disks;
	bool all_ready;
};

static int check_disk(int dirfd, const char *name, unsigned char type,
		      void *arg)
{
	struct disk_walk *walk = arg;
	const struct storage_state *state = walk->state;

	(void)dirfd;
	(void)type;
	walk->disks++;
	if (!state->trust_sysfs && !disk_names_has(state->old, name) &&
	    !disk_names_has(state->seen, name))
		walk->all_ready = false;
	return 0;
}

/* Find "block/<disk>" anywhere below a device, not following links. */
static int walk_device(int dirfd, const char *name, unsigned char type,
		       void *arg)
{
	struct disk_walk *walk = arg;
	int fd, ret;

	if (type != DT_DIR || walk->depth >= WALK_DEPTH_MAX)
		return 0;
	fd = openat(dirfd, name,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 0;
	walk->depth++;
	if (strcmp(name, "block") == 0)
		ret = dir_each(fd, check_disk, walk);
	else
		ret = dir_each(fd, walk_device, walk);
	walk->depth--;
	close(fd);
	return ret < 0 ? 0 : ret;
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

static int check_device(int dirfd, const char *name, unsigned char type,
			void *arg)
{
	struct storage_state *state = arg;
	struct disk_walk walk = { .state = state, .all_ready = true };
	char path[300], id[32];
	struct stat st;
	unsigned long device_id;
	int fd;

	(void)type;
	if (strlen(name) > 200)
		return 0;
	strcpy(path, name);
	strcat(path, "/device");
	if (read_small(dirfd, path, id, sizeof(id)) <= 0)
		return 0;
	device_id = parse_hex(id);
	if (device_id != VIRTIO_ID_BLOCK && device_id != VIRTIO_ID_SCSI)
		return 0;
	/* A device no driver took (its module failed) will never show. */
	strcpy(path, name);
	strcat(path, "/driver");
	if (fstatat(dirfd, path, &st, 0) < 0)
		return 0;
	state->devices++;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	dir_each(fd, walk_device, &walk);
	close(fd);
	if (walk.disks && walk.all_ready)
		state->ready++;
	return 0;
}

int storage_check(const char *virtio_dir, struct storage_state *state)
{
	int fd, ret;

	state->devices = 0;
	state->ready = 0;
	fd = open(virtio_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = dir_each(fd, check_device, state);
	close(fd);
	return ret;
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

void uevent_parse(const char *msg, size_t len, struct disk_names *seen)
{
	const char *devname = NULL;
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
		pos += flen + 1;
	}
	if (add && block && disk && devname && !strchr(devname, '/'))
		disk_names_add(seen, devname);
}

int uevent_drain(int sock, struct disk_names *seen)
{
	char msg[4096];
	ssize_t n;

	for (;;) {
		n = recv(sock, msg, sizeof(msg), MSG_DONTWAIT);
		if (n > 0)
			uevent_parse(msg, (size_t)n, seen);
		else if (n < 0 && errno != EINTR)
			return errno == ENOBUFS ? -ENOBUFS : 0;
	}
}
