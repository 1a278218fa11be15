// SPDX-License-Identifier: MIT
#include "elf.h"

#include <string.h>

#define EI_CLASS 4
#define EI_DATA 5
#define ELF_HEADER_MIN 52 /* the 32-bit header; 64-bit is longer */

bool elf_read(const uint8_t *p, size_t len, struct elf_info *info)
{
	if (len < ELF_HEADER_MIN || memcmp(p, "\177ELF", 4))
		return false;
	if (p[EI_CLASS] != 1 && p[EI_CLASS] != 2)
		return false;
	if (p[EI_CLASS] == 2 && len < 64)
		return false;
	if (p[EI_DATA] == 1) {
		info->type = (uint16_t)(p[16] | p[17] << 8);
		info->machine = (uint16_t)(p[18] | p[19] << 8);
	} else if (p[EI_DATA] == 2) {
		info->type = (uint16_t)(p[16] << 8 | p[17]);
		info->machine = (uint16_t)(p[18] << 8 | p[19]);
	} else {
		return false;
	}
	return true;
}

const char *elf_machine_name(uint16_t machine)
{
	switch (machine) {
	case ELF_MACHINE_386:
		return "i386";
	case ELF_MACHINE_X86_64:
		return "x86_64";
	case 40:
		return "arm";
	case 183:
		return "aarch64";
	case 8:
		return "mips";
	case 20:
		return "ppc";
	case 21:
		return "ppc64";
	case 22:
		return "s390";
	case 243:
		return "riscv";
	default:
		return "an unknown machine";
	}
}
