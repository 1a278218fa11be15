/* SPDX-License-Identifier: MIT */
/*
 * Drivers for the devices present. The builder's devices file has a line
 * per driver: "[?]dep.ko... driver.ko ALIAS..." (builder/modules/devices.h).
 * The kernel names each device's modalias in sysfs and in its "add" uevent; a
 * driver loads when one of its aliases matches one of those.
 */
#ifndef PREINIT_DEVMATCH_H
#define PREINIT_DEVMATCH_H

#include <stdbool.h>
#include <stddef.h>

#define DEVICES_NAME "devices"
#define MODALIASES_MAX 64
#define MODALIAS_LEN 96

struct modaliases {
	unsigned count;
	bool match_all; /* some did not fit, or no sysfs: every driver */
	char alias[MODALIASES_MAX][MODALIAS_LEN];
};

/* The buses the builder keeps aliases for: "pci:", "virtio:", "scsi:". */
bool modalias_usable(const char *alias, size_t len);
/* Add one (if usable and new); true if it was new. */
bool modaliases_add(struct modaliases *m, const char *alias, size_t len);
/* Every bus_dir/<device>/modalias; how many were new, or -errno. */
int modaliases_read(const char *bus_dir, struct modaliases *m);

/* A glob with '*' and '?' (file2alias writes no other) against text. */
bool glob_match(const char *pattern, size_t len, const char *text);

/* One word of a devices line: a module file, or an alias. */
struct devices_word {
	const char *text;
	size_t len;
	bool file, optional; /* "[?]name.ko" */
};

/* Next word of a line in [*pos, end). */
bool devices_next_word(const char **pos, const char *end,
		       struct devices_word *word);
/* The line's driver: its last file word; false if it has none. */
bool devices_driver(const char *line, const char *end,
		    struct devices_word *driver);
/* Does an alias of the line match a modalias present? */
bool devices_line_matches(const char *line, const char *end,
			  const struct modaliases *present);

#endif
