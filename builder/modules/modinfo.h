/* SPDX-License-Identifier: MIT */
/*
 * A kernel module's .modinfo, read from the module in memory: the
 * "key=value" strings that modinfo(8) prints.
 */
#ifndef MV_MODINFO_H
#define MV_MODINFO_H

#include <stddef.h>
#include <stdint.h>

struct modinfo {
	uint16_t machine;
	char *vermagic; /* NULL if the module has none */
	char *depends; /* comma separated, "" if none */
	char *softdep_pre; /* space separated, "" if none */
	char **aliases;
	size_t naliases;
};

/* 0, or -1 with the error set if image is not a kernel module. */
int modinfo_read(const uint8_t *image, size_t len, struct modinfo *mi);
void modinfo_free(struct modinfo *mi);

/* The kernel release a vermagic starts with ("6.1.0-27-amd64"); a copy. */
char *vermagic_release(const char *vermagic);

#endif
