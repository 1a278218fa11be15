/* SPDX-License-Identifier: MIT */
/* /dev block nodes from sysfs: the major is dynamic, so never guess it. */
#ifndef PREINIT_DEVNODES_H
#define PREINIT_DEVNODES_H

#include <stdbool.h>
#include <sys/types.h>

struct devnodes_result {
	unsigned created, replaced, kept, failed;
};

typedef void (*devnodes_report)(const char *name, const char *what, int err);

/* Parse a sysfs "dev" file's "MAJOR:MINOR\n". */
bool devnodes_parse_dev(const char *text, dev_t *dev);

/*
 * For every entry of class_dir (like /sys/class/block) make dev_dir/NAME a
 * block node with the number in its "dev" file: create missing nodes,
 * replace ones of the wrong type or number, keep correct ones.
 * report (may be NULL) hears of every change and failure.
 */
int devnodes_sync(const char *class_dir, const char *dev_dir,
		  struct devnodes_result *result, devnodes_report report);

#endif
