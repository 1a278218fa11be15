/* SPDX-License-Identifier: MIT */
/* modules.list: one module name per line, '#' comments, blanks ignored. */
#ifndef MV_MODLIST_H
#define MV_MODLIST_H

#include <stddef.h>

/*
 * Split text (NUL-terminated, changed in place) into module names; store at
 * most max of them in names. Returns how many names the text holds.
 */
size_t modlist_parse(char *text, const char **names, size_t max);

#endif
