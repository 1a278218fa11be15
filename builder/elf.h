/* SPDX-License-Identifier: MIT */
/* Just enough of an ELF header to tell machines and file kinds apart. */
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

#endif
