/* SPDX-License-Identifier: MIT */
/*
 * modules.list: one module name per line, optionally followed by the word
 * "required" (missing and not built in: an error; otherwise a warning);
 * '#' starts a comment, blank lines are ignored.
 */
#ifndef MV_MODLIST_H
#define MV_MODLIST_H

#include <stdbool.h>
#include <stddef.h>

struct modlist_item {
	const char *name;
	bool required;
};

/*
 * Split text (NUL-terminated, changed in place) into module names; store at
 * most max of them in items. Returns how many names the text holds.
 */
size_t modlist_parse(char *text, struct modlist_item *items, size_t max);

#endif
