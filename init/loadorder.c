// SPDX-License-Identifier: MIT
#include "loadorder.h"

#include <string.h>

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static const char *line_end(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl ? nl : end;
}

bool loadorder_next(const char **pos, const char *end,
		    struct loadorder_entry *entry)
{
	const char *p = *pos;

	while (p < end) {
		const char *eol = line_end(p, end);
		const char *q = p, *last = eol;

		*pos = eol < end ? eol + 1 : end;
		while (q < eol && is_blank(*q))
			q++;
		while (last > q && is_blank(last[-1]))
			last--;
		if (q == last || *q == '#') {
			p = *pos;
			continue;
		}
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
	*pos = end;
	return false;
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
