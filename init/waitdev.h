/* SPDX-License-Identifier: MIT */
/*
 * Waiting for disks without fixed sleeps. A storage controller (virtio-blk,
 * virtio-scsi, NVMe) counts once its driver is there. It has finished when
 * it is done discovering (a SCSI host exists; an NVMe controller is past
 * connecting) and every disk it has, and every SCSI LUN whose driver is
 * there, is announced: the disk existed before the modules were loaded, or
 * the kernel sent its "add" uevent, which comes after its partitions exist.
 * A virtio-blk device always has its one disk; a SCSI host or NVMe
 * controller with none has finished too: its scan is over when the init of
 * the module that began it has returned (the kernel waits for it), so
 * nothing more will come. The wait ends when every controller has finished.
 */
#ifndef PREINIT_WAITDEV_H
#define PREINIT_WAITDEV_H

#include "devmatch.h"

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

enum disk_kind { KIND_VIRTIO_BLK, KIND_SCSI, KIND_CDROM, KIND_NVME, KINDS };

struct storage_state {
	unsigned controllers; /* with their driver there */
	unsigned finished; /* of those, done (see above) */
	bool trust_sysfs; /* uevents were lost: any disk in sysfs counts */
	const struct disk_names *old, *seen;
	unsigned disks[KINDS]; /* whole disks of each kind, announced */
	struct disk_names names; /* those disks and their partitions */
	/* Whole disks on controllers it does not drive (IDE, AHCI, built
	 * into the kernel); loop, ram and other virtual ones left out. */
	struct disk_names others;
};

/* Look at the controllers under sys (the sysfs root, "/sys"). */
int storage_check(const char *sys, struct storage_state *state);

/* What uevents told: disks added, and the modaliases of devices added. */
struct uevents {
	struct disk_names disks;
	struct modaliases devices;
};

/* Kernel uevent socket, or -errno. */
int uevent_open(void);

/* Note the disk or device an "add" uevent message announces; true if it
 * named a device (modalias) not seen before. */
bool uevent_parse(const char *msg, size_t len, struct uevents *ev);

/* Read all pending uevents: how many devices were new, or -ENOBUFS if
 * some were lost. */
int uevent_drain(int sock, struct uevents *ev);

#endif
