// SPDX-License-Identifier: MIT
#include "loadorder.h"
#include "text.h"

#include <string.h>

bool loadorder_next(const char **pos, const char *end,
		    struct loadorder_entry *entry)
{
	const char *q, *last;

	if (!text_next_line(pos, end, &q, &last))
		return false;
	while (last > q && is_blank(last[-1]))
		last--;
	entry->optional = *q == '?';
	if (entry->optional)
		q++;
	entry->file = q;
	while (q < last && !is_blank(*q))
		q++;
	entry->file_len = (size_t)(q - entry->file);
	while (q < last && is_blank(*q))
		q++;
	entry->params = q;
	entry->params_len = (size_t)(last - q);
	return true;
}

bool loadorder_valid_file(const char *file, size_t len)
{
	if (len < 4 || len > MODULE_NAME_MAX || file[0] == '.')
		return false;
	if (memcmp(file + len - 3, ".ko", 3) != 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (file[i] == '/' || file[i] == '\0')
			return false;
	return true;
}
