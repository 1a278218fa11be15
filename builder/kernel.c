// SPDX-License-Identifier: MIT
#include "kernel.h"
#include "archive.h"
#include "elf.h"

#include <stdlib.h>
#include <string.h>

/* See the kernel's Documentation/arch/x86/boot.rst. */
#define HDR_MAGIC_AT 0x202
#define HDR_VERSION_AT 0x206
#define KERNEL_VERSION_AT 0x20e
#define XLOADFLAGS_AT 0x236
#define XLF_KERNEL_64 1

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

int kernel_version(const uint8_t *image, size_t len, char *buf, size_t size,
		   bool *is_64bit)
{
	size_t at, n = 0;

	if (len < XLOADFLAGS_AT + 2 || memcmp(image + HDR_MAGIC_AT, "HdrS", 4))
		return error_set("not an x86 bzImage (no HdrS header)");
	at = (size_t)le16(image + KERNEL_VERSION_AT) + 0x200;
	if (le16(image + KERNEL_VERSION_AT) == 0 || at >= len)
		return error_set("the bzImage has no version string");
	while (at + n < len && image[at + n] && n + 1 < size) {
		buf[n] = (char)image[at + n];
		n++;
	}
	buf[n] = '\0';
	*is_64bit = le16(image + HDR_VERSION_AT) >= 0x20c &&
		    (le16(image + XLOADFLAGS_AT) & XLF_KERNEL_64);
	return 0;
}

static size_t first_word(const char *s)
{
	return strcspn(s, " \t\n");
}

int kernel_check(const char *path, const struct modset *set)
{
	char version[256];
	uint8_t *image;
	size_t len, vlen;
	bool is_64bit;
	int ret;

	if (read_file(path, &image, &len) < 0)
		return error_prefix("%s", path);
	ret = kernel_version(image, len, version, sizeof(version), &is_64bit);
	free(image);
	if (ret < 0)
		return error_prefix("%s", path);
	vlen = first_word(version);
	for (size_t i = 0; i < set->n; i++) {
		const char *magic = set->v[i].vermagic ? set->v[i].vermagic :
							 "";

		if (first_word(magic) != vlen || strncmp(magic, version, vlen))
			return error_set(
				"%s is for kernel %.*s, but %s is %.*s",
				set->v[i].name, (int)first_word(magic), magic,
				path, (int)vlen, version);
		if (is_64bit && set->v[i].machine != ELF_MACHINE_X86_64)
			return error_set(
				"%s is for %s, but %s is a 64-bit kernel",
				set->v[i].name,
				elf_machine_name(set->v[i].machine), path);
	}
	return 0;
}
