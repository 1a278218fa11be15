/* SPDX-License-Identifier: MIT */
/* Just enough of ELF to tell machines apart and find a module's .modinfo. */
#ifndef MV_ELF_H
#define MV_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ELF_REL 1
#define ELF_EXEC 2
#define ELF_DYN 3

#define ELF_MACHINE_386 3
#define ELF_MACHINE_X86_64 62

struct elf_info {
	uint16_t type;
	uint16_t machine;
};

/* false unless p starts with a whole ELF header. */
bool elf_read(const uint8_t *p, size_t len, struct elf_info *info);
const char *elf_machine_name(uint16_t machine);

/* The bytes of the section called name; false if there is none. */
bool elf_section(const uint8_t *p, size_t len, const char *name,
		 const uint8_t **data, size_t *size);

#endif
