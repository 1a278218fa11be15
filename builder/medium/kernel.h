/* SPDX-License-Identifier: MIT */
/* An x86 bzImage's release, to pick and match its modules. */
#ifndef MV_KERNEL_H
#define MV_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kernel {
	char *label; /* its file, as the user knows it */
	char *release; /* "6.1.0-27-amd64": uname -r on it */
	bool is_64bit;
	/* The header says which: boot protocol 2.12 (Linux 3.8) and later. */
	bool bits_known;
};

/*
 * A release is what uname -r prints, and it names directories here: one
 * word of printable characters, no '/', not "." or "..", at most 64 bytes.
 */
bool release_valid(const char *s, size_t len);

/*
 * "6.1.0-27-amd64 (debian-kernel@...) #1 SMP ..." into buf, its bitness
 * into k; a file shorter than its header says is refused.
 */
int kernel_version(const uint8_t *image, size_t len, char *buf, size_t size,
		   struct kernel *k);

/* The kernel in image (len bytes), or -1 with the error naming label. */
int kernel_parse(const char *label, const uint8_t *image, size_t len,
		 struct kernel *k);
/* The kernel in the file at path. */
int kernel_read(const char *path, struct kernel *k);
void kernel_free(struct kernel *k);

/* ELF_MACHINE_X86_64 or ELF_MACHINE_386; 0 if the header does not say. */
uint16_t kernel_machine(const struct kernel *k);

#endif
