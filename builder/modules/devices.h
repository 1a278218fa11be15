/* SPDX-License-Identifier: MIT */
/*
 * What the pre-init loads, for one kernel's set of modules. A driver (a
 * module with an alias on a bus the pre-init reads: PCI, virtio, SCSI) is
 * loaded only when a device present matches it; the rest (filesystems and
 * such, with no device to match) always. Two files say so:
 *   load-order: "[?]file.ko" per line, the modules always loaded, each
 *     after what it needs ('?': a soft dependency, may fail);
 *   devices: one line per driver, "[?]dep.ko... driver.ko ALIAS...": the
 *     modules it needs in load order, itself, then its aliases (globs
 *     with '*' and '?' only, as the kernel's file2alias writes them).
 */
#ifndef MV_DEVICES_H
#define MV_DEVICES_H

#include "buf.h"
#include "resolve.h"

#define DEVICES_FILE "devices"

/* Is the alias one the pre-init can match ("pci:", "virtio:", "scsi:")? */
bool devices_alias_usable(const char *alias);

/* Both files' text for set, appended to load_order and devices. */
int devices_split(const struct modset *set, struct buf *load_order,
		  struct buf *devices);

/* How many of the set's modules are drivers loaded on demand. */
size_t devices_count_drivers(const struct modset *set);

#endif
