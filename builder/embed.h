/* SPDX-License-Identifier: MIT */
#ifndef MV_EMBED_H
#define MV_EMBED_H

#include <stdint.h>

extern const uint8_t preinit_x86_64[], preinit_x86_64_end[];
extern const uint8_t preinit_i386[], preinit_i386_end[];
extern const uint8_t default_modules_list[], default_modules_list_end[];

#endif
