// SPDX-License-Identifier: MIT
#include "kernel.h"
#include "elf.h"
#include "error.h"
#include "file.h"

#include <stdlib.h>
#include <string.h>

/* See the kernel's Documentation/arch/x86/boot.rst. */
#define SETUP_SECTS_AT 0x1f1
#define SYSSIZE_AT 0x1f4
#define HDR_MAGIC_AT 0x202
#define HDR_VERSION_AT 0x206
#define KERNEL_VERSION_AT 0x20e
#define XLOADFLAGS_AT 0x236
#define XLF_KERNEL_64 1
#define PROTOCOL_XLOADFLAGS 0x20c
#define PROTOCOL_SYSSIZE_32 0x204
#define SECTOR 512

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)le16(p) | (uint32_t)le16(p + 2) << 16;
}

/*
 * The setup sectors (0 means 4) after the boot sector, then syssize
 * 16-byte paragraphs of protected-mode code: a file cut short of that has
 * its release in the header, but no kernel to boot.
 */
static int check_length(const uint8_t *image, size_t len)
{
	uint64_t setup = image[SETUP_SECTS_AT] ? image[SETUP_SECTS_AT] : 4;
	uint64_t syssize = le16(image + HDR_VERSION_AT) >= PROTOCOL_SYSSIZE_32 ?
				   le32(image + SYSSIZE_AT) :
				   le16(image + SYSSIZE_AT);
	uint64_t want = (setup + 1) * SECTOR + syssize * 16;

	if (len < want)
		return error_set(
			"truncated: %zu bytes, its header says at least %llu",
			len, (unsigned long long)want);
	return 0;
}

int kernel_version(const uint8_t *image, size_t len, char *buf, size_t size,
		   struct kernel *k)
{
	size_t at, n = 0;

	if (len < XLOADFLAGS_AT + 2 || memcmp(image + HDR_MAGIC_AT, "HdrS", 4))
		return error_set("not an x86 bzImage (no HdrS header)");
	if (check_length(image, len) < 0)
		return -1;
	at = (size_t)le16(image + KERNEL_VERSION_AT) + 0x200;
	if (le16(image + KERNEL_VERSION_AT) == 0 || at >= len)
		return error_set("the bzImage has no version string");
	while (at + n < len && image[at + n] && n + 1 < size) {
		buf[n] = (char)image[at + n];
		n++;
	}
	buf[n] = '\0';
	/* xloadflags came with protocol 2.12 (Linux 3.8): before, no word. */
	k->bits_known = le16(image + HDR_VERSION_AT) >= PROTOCOL_XLOADFLAGS;
	k->is_64bit = k->bits_known &&
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
	if (kernel_version(image, len, version, sizeof(version), k) < 0)
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

uint16_t kernel_machine(const struct kernel *k)
{
	if (!k->bits_known)
		return 0;
	return k->is_64bit ? ELF_MACHINE_X86_64 : ELF_MACHINE_386;
}
