// SPDX-License-Identifier: MIT
#include "modlist.h"

#include <string.h>

#define BLANKS " \t\r"

/* The next blank-separated word of *p, NUL-terminated in place. */
static char *next_word(char **p)
{
	char *word = *p + strspn(*p, BLANKS);
	size_t len = strcspn(word, BLANKS);

	*p = word + len + (word[len] != '\0');
	word[len] = '\0';
	return word;
}

size_t modlist_parse(char *text, struct modlist_item *items, size_t max)
{
	size_t count = 0;
	char *line = text;

	while (line && *line) {
		char *next = strchr(line, '\n'), *name;

		if (next)
			*next++ = '\0';
		line[strcspn(line, "#")] = '\0';
		name = next_word(&line);
		if (*name) {
			if (count < max)
				items[count] = (struct modlist_item){
					name,
					!strcmp(next_word(&line), "required")
				};
			count++;
		}
		line = next;
	}
	return count;
}
