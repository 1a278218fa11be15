// SPDX-License-Identifier: MIT
/*
 * Written by hand: libkmod reads .modinfo only from files, and libelf would
 * be a dependency for two dozen lines of bounds-checked header reading.
 */
#include "elf.h"

#include <string.h>

#define EI_CLASS 4
#define EI_DATA 5
#define ELF_HEADER_MIN 52 /* the 32-bit header; 64-bit is longer */
#define SHT_NOBITS 8

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

/* Fields of either byte order and width; the caller checked the bounds. */
struct elf_view {
	const uint8_t *p;
	bool big, wide;
};

static uint64_t get(const struct elf_view *v, size_t at, size_t width)
{
	uint64_t value = 0;

	for (size_t i = 0; i < width; i++) {
		size_t byte = v->big ? i : width - 1 - i;

		value = value << 8 | v->p[at + byte];
	}
	return value;
}

/* Offset and size of section index; false if it lies outside the file. */
static bool section_at(const struct elf_view *v, size_t len, uint64_t shoff,
		       uint64_t entsize, uint64_t index, uint64_t *off,
		       uint64_t *size, uint32_t *name, uint32_t *type)
{
	size_t word = v->wide ? 8 : 4;
	uint64_t at = shoff + index * entsize;

	if (at > len || len - at < entsize)
		return false;
	*name = (uint32_t)get(v, at, 4);
	*type = (uint32_t)get(v, at + 4, 4);
	*off = get(v, at + 8 + 2 * word, word);
	*size = get(v, at + 8 + 3 * word, word);
	if (*type == SHT_NOBITS)
		*size = 0;
	return *off <= len && *size <= len - *off;
}

bool elf_section(const uint8_t *p, size_t len, const char *name,
		 const uint8_t **data, size_t *size)
{
	struct elf_info info;
	struct elf_view v = { p, false, false };
	uint64_t shoff, entsize, count, strndx, str_off, str_size, off, sz;
	uint32_t sname, type;
	size_t nlen = strlen(name);

	if (!elf_read(p, len, &info))
		return false;
	v.big = p[EI_DATA] == 2;
	v.wide = p[EI_CLASS] == 2;
	shoff = get(&v, v.wide ? 0x28 : 0x20, v.wide ? 8 : 4);
	entsize = get(&v, v.wide ? 0x3a : 0x2e, 2);
	count = get(&v, v.wide ? 0x3c : 0x30, 2);
	strndx = get(&v, v.wide ? 0x3e : 0x32, 2);
	if (entsize < (v.wide ? 64u : 40u) || strndx >= count ||
	    !section_at(&v, len, shoff, entsize, strndx, &str_off, &str_size,
			&sname, &type))
		return false;
	for (uint64_t i = 0; i < count; i++) {
		if (!section_at(&v, len, shoff, entsize, i, &off, &sz, &sname,
				&type) ||
		    sname >= str_size || str_size - sname <= nlen)
			continue;
		if (!memcmp(p + str_off + sname, name, nlen + 1)) {
			*data = p + off;
			*size = (size_t)sz;
			return true;
		}
	}
	return false;
}
