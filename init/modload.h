/* SPDX-License-Identifier: MIT */
#ifndef PREINIT_MODLOAD_H
#define PREINIT_MODLOAD_H

#include <stdbool.h>

/*
 * Load the module file at dirfd/file with params. finit_module first;
 * init_module on kernels without it (before 3.8) or when no_finit is set.
 * A module that is already loaded counts as loaded. Returns 0 or -errno.
 */
int module_load(int dirfd, const char *file, const char *params, bool no_finit);

#endif
