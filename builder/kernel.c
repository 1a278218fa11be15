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

bool release_valid(const char *s, size_t len)
{
	if (!len || len > 64 ||
	    (s[0] == '.' && (len == 1 || (len == 2 && s[1] == '.'))))
		return false;
	for (size_t i = 0; i < len; i++)
		if (s[i] <= ' ' || s[i] > '~' || s[i] == '/')
			return false;
	return true;
}

int kernel_parse(const char *label, const uint8_t *image, size_t len,
		 struct kernel *k)
{
	char version[256];
	size_t rlen;

	memset(k, 0, sizeof(*k));
	if (kernel_version(image, len, version, sizeof(version), &k->is_64bit) <
	    0)
		return error_prefix("%s", label);
	rlen = strcspn(version, " \t\n");
	if (!release_valid(version, rlen))
		return error_set("%s: no kernel release in its version string",
				 label);
	k->label = xstrdup(label);
	k->release = strndup(version, rlen);
	if (!k->label || !k->release)
		return error_set("out of memory");
	return 0;
}

int kernel_read(const char *path, struct kernel *k)
{
	uint8_t *image;
	size_t len;
	int ret;

	memset(k, 0, sizeof(*k));
	if (read_file(path, &image, &len) < 0)
		return error_prefix("%s", path);
	ret = kernel_parse(path, image, len, k);
	free(image);
	return ret;
}

void kernel_free(struct kernel *k)
{
	free(k->label);
	free(k->release);
	memset(k, 0, sizeof(*k));
}

int kernel_check(const struct kernel *k, const struct modset *set)
{
	if (set->n && strcmp(set->release, k->release))
		return error_set("%s is for kernel %s, but %s is %s",
				 set->v[0].name, set->release, k->label,
				 k->release);
	for (size_t i = 0; i < set->n; i++)
		if (k->is_64bit && set->v[i].info.machine != ELF_MACHINE_X86_64)
			return error_set(
				"%s is for %s, but %s is a 64-bit kernel",
				set->v[i].name,
				elf_machine_name(set->v[i].info.machine),
				k->label);
	return 0;
}
