/* SPDX-License-Identifier: MIT */
#ifndef PREINIT_MODLOAD_H
#define PREINIT_MODLOAD_H

#include <stdbool.h>

/*
 * Load the module file at dirfd/file with params. finit_module first,
 * unless *use_init_module; a kernel without it (before 3.8) answers ENOSYS
 * and *use_init_module becomes true, so that the next loads go straight to
 * init_module. A module that is already loaded counts as loaded. Returns 0
 * or -errno.
 */
int module_load(int dirfd, const char *file, const char *params,
		bool *use_init_module);

#endif
