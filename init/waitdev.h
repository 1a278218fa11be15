/* SPDX-License-Identifier: MIT */
/*
 * Waiting for virtio disks without fixed sleeps. A disk counts as ready when
 * it existed before the modules were loaded, or when the kernel announced it
 * with an "add" uevent: the kernel sends that only after the disk's
 * partitions exist, so its partitions are ready too.
 */
#ifndef PREINIT_WAITDEV_H
#define PREINIT_WAITDEV_H

#include <stdbool.h>
#include <stddef.h>

#define DISK_NAMES_MAX 64
#define DISK_NAME_LEN 32

#define VIRTIO_ID_BLOCK 2
#define VIRTIO_ID_SCSI 8

struct disk_names {
	unsigned count;
	char name[DISK_NAMES_MAX][DISK_NAME_LEN];
};

bool disk_names_has(const struct disk_names *names, const char *name);
void disk_names_add(struct disk_names *names, const char *name);

/* Natural order: vda, vda1, vda2, vda10, vdb. */
int disk_name_cmp(const char *a, const char *b);
void disk_names_sort(struct disk_names *names);

/* Every entry of a directory such as /sys/class/block. */
int disk_names_snapshot(const char *class_dir, struct disk_names *names);

struct storage_state {
	unsigned devices; /* virtio block/SCSI devices with a driver */
	unsigned ready; /* of those, with all their disks ready */
	bool trust_sysfs; /* uevents were lost: any disk in sysfs counts */
	const struct disk_names *old, *seen;
};

/* Count the storage devices under virtio_dir (/sys/bus/virtio/devices). */
int storage_check(const char *virtio_dir, struct storage_state *state);

/* Kernel uevent socket, or -errno. */
int uevent_open(void);

/* Add the disk a uevent message announces (ACTION=add, DEVTYPE=disk). */
void uevent_parse(const char *msg, size_t len, struct disk_names *seen);

/* Read all pending uevents. Returns 0, or -ENOBUFS if some were lost. */
int uevent_drain(int sock, struct disk_names *seen);

#endif
