/* SPDX-License-Identifier: MIT */
/* Which pre-init fits: the machine of the minirt's own executables. */
#ifndef MV_USERLAND_H
#define MV_USERLAND_H

#include "modset.h"
#include "initramfs/archive.h"
#include "medium/kernel.h"

/* What machines the minirt's programs are for. */
struct census {
	size_t i386, x86_64, other;
	uint16_t other_machine;
};

/* One pass over every file of the segments. */
void userland_census(const struct segment *seg, size_t nseg, struct census *c);

/* ELF_MACHINE_386 or ELF_MACHINE_X86_64, by a majority of executables. */
int userland_detect(const struct census *c, uint16_t *machine);

/*
 * One kernel's set: the pre-init for the userland's machine must run under
 * that kernel, the machine its header says (k, as the set's modules were
 * checked against it), or where it does not say (no k, a header before
 * Linux 3.8), the set's modules'. An i386 userland runs under a 64-bit
 * kernel too: KNOPPIX boots its 32-bit userland on linux64. Modules the
 * minirt already holds are for whatever kernels it served before: they
 * say nothing about these.
 */
int userland_check_set(uint16_t userland, const struct modset *set,
		       const struct kernel *k);

#endif
