/* SPDX-License-Identifier: MIT */
/* The version string of an x86 bzImage, to match modules' vermagic. */
#ifndef MV_KERNEL_H
#define MV_KERNEL_H

#include "modules.h"

#include <stdbool.h>

/* "6.1.0-27-amd64 (debian-kernel@...) #1 SMP ..." into buf. */
int kernel_version(const uint8_t *image, size_t len, char *buf, size_t size,
		   bool *is_64bit);

/* Refuse modules whose vermagic is not for the kernel in path. */
int kernel_check(const char *path, const struct modset *set);

#endif
