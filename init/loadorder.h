/* SPDX-License-Identifier: MIT */
/*
 * The builder's load-order file: the modules loaded whatever the devices
 * (the drivers load by device, devmatch.h). One module per line, "file.ko
 * [params]", '#' starts a comment line; loaded in file order. A '?' before
 * the name marks a module only wanted as a soft dependency: that it fails
 * (crct10dif_pclmul on a CPU without PCLMUL) is no problem worth a line.
 */
#ifndef PREINIT_LOADORDER_H
#define PREINIT_LOADORDER_H

#include <stdbool.h>
#include <stddef.h>

#define MODULE_DIR "/lib/modules/minirt-virtio"
#define LOADORDER_NAME "load-order"
#define MODULE_NAME_MAX 64

struct loadorder_entry {
	bool optional;
	const char *file;
	size_t file_len;
	const char *params;
	size_t params_len;
};

/* Next module line in [*pos, end); false when there is none left. */
bool loadorder_next(const char **pos, const char *end,
		    struct loadorder_entry *entry);

/* A plain "name.ko" of at most MODULE_NAME_MAX bytes, no path in it. */
bool loadorder_valid_file(const char *file, size_t len);

#endif
