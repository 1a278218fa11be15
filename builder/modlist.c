// SPDX-License-Identifier: MIT
#include "modlist.h"

#include <string.h>

#define BLANKS " \t\r"

size_t modlist_parse(char *text, const char **names, size_t max)
{
	size_t count = 0;
	char *line = text;

	while (line && *line) {
		char *next = strchr(line, '\n');
		char *name;

		if (next)
			*next++ = '\0';
		line[strcspn(line, "#")] = '\0';
		name = line + strspn(line, BLANKS);
		name[strcspn(name, BLANKS)] = '\0';
		if (*name) {
			if (count < max)
				names[count] = name;
			count++;
		}
		line = next;
	}
	return count;
}
