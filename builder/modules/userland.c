// SPDX-License-Identifier: MIT
#include "userland.h"
#include "error.h"
#include "medium/elf.h"
#include "medium/kernel.h"

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

/* An i386 pre-init runs under a 64-bit kernel too, not the reverse. */
static bool runs_under(uint16_t userland, uint16_t kernel)
{
	return userland == kernel ||
	       (userland == ELF_MACHINE_386 && kernel == ELF_MACHINE_X86_64);
}

int userland_check_set(uint16_t userland, const struct modset *set,
		       const struct kernel *k)
{
	uint16_t machine = k ? kernel_machine(k) : 0;

	if (machine && !runs_under(userland, machine))
		return error_set("%s is a %s kernel, but this minirt is for %s",
				 k->label, k->is_64bit ? "64-bit" : "32-bit",
				 elf_machine_name(userland));
	if (machine)
		return 0; /* kernel_check() held each module to it */
	/* The header does not say: the modules do, all for one machine. */
	for (size_t i = 0; i < set->n; i++) {
		uint16_t m = set->v[i].info.machine,
			 first = set->v[0].info.machine;

		if (m != first)
			return error_set(
				"%s is a module for %s, but %s is for %s",
				set->v[i].source, elf_machine_name(m),
				set->v[0].source, elf_machine_name(first));
		if (!runs_under(userland, m))
			return error_set(
				"%s is a module for %s, but this minirt is for %s",
				set->v[i].source, elf_machine_name(m),
				elf_machine_name(userland));
	}
	return 0;
}
