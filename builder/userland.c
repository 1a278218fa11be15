// SPDX-License-Identifier: MIT
#include "userland.h"
#include "elf.h"

#include <stdbool.h>
#include <string.h>

void userland_census(const struct segment *seg, size_t nseg, struct census *c)
{
	memset(c, 0, sizeof(*c));
	for (size_t s = 0; s < nseg; s++) {
		for (size_t i = 0; i < seg[s].entries.n; i++) {
			const struct cpio_entry *e = &seg[s].entries.v[i];
			struct elf_info elf;

			if (!S_ISREG(e->mode) ||
			    !elf_read(e->data, e->size, &elf))
				continue;
			if (elf.type == ELF_REL)
				c->module_machine = elf.machine;
			if (elf.type != ELF_EXEC && elf.type != ELF_DYN)
				continue;
			if (elf.machine == ELF_MACHINE_386) {
				c->i386++;
			} else if (elf.machine == ELF_MACHINE_X86_64) {
				c->x86_64++;
			} else {
				c->other++;
				c->other_machine = elf.machine;
			}
		}
	}
}

int userland_detect(const struct census *c, uint16_t *machine)
{
	if (c->other > c->i386 + c->x86_64)
		return error_set(
			"its programs are for %s; minirt-virtio has pre-inits for i386 and x86_64 only",
			elf_machine_name(c->other_machine));
	if (!c->i386 && !c->x86_64)
		return error_set(
			"no i386 or x86_64 program in it: cannot tell which pre-init would run there");
	*machine = c->i386 > c->x86_64 ? ELF_MACHINE_386 : ELF_MACHINE_X86_64;
	return 0;
}

int userland_check_modules(const struct census *c, uint16_t userland,
			   const struct modset *set)
{
	for (size_t i = 0; i < set->n; i++) {
		uint16_t m = set->v[i].info.machine;
		bool ok = m == userland ||
			  (c->module_machine && m == c->module_machine) ||
			  (userland == ELF_MACHINE_386 &&
			   m == ELF_MACHINE_X86_64 && !c->module_machine);

		if (!ok)
			return error_set(
				"%s is a module for %s, but this minirt is for %s",
				set->v[i].source, elf_machine_name(m),
				elf_machine_name(c->module_machine ?
							 c->module_machine :
							 userland));
	}
	return 0;
}
