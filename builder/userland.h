/* SPDX-License-Identifier: MIT */
/* Which pre-init fits: the machine of the minirt's own executables. */
#ifndef MV_USERLAND_H
#define MV_USERLAND_H

#include "archive.h"
#include "modules.h"

/* What machines the minirt's programs and modules are for. */
struct census {
	size_t i386, x86_64, other;
	uint16_t other_machine;
	uint16_t module_machine; /* of a .ko already in the minirt */
};

/* One pass over every file of the segments. */
void userland_census(const struct segment *seg, size_t nseg, struct census *c);

/* ELF_MACHINE_386 or ELF_MACHINE_X86_64, by a majority of executables. */
int userland_detect(const struct census *c, uint16_t *machine);

/*
 * Modules must be for the userland's machine or the kernel's: the machine of
 * modules already in the minirt, or x86_64 under an i386 userland (KNOPPIX
 * boots its 32-bit userland on a 64-bit kernel too).
 */
int userland_check_modules(const struct census *c, uint16_t userland,
			   const struct modset *set);

#endif
