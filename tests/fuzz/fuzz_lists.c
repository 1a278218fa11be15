// SPDX-License-Identifier: MIT
/* libFuzzer: the pre-init's load-order parser and the builder's modules.list.
 */
#include "loadorder.h"
#include "modlist.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const char *pos = (const char *)data, *end = pos + len;
	struct loadorder_entry e;
	struct modlist_item items[16];
	char *text;

	while (loadorder_next(&pos, end, &e)) {
		if (e.file < (const char *)data || e.file + e.file_len > end ||
		    e.params + e.params_len > end)
			abort();
		loadorder_valid_file(e.file, e.file_len);
	}
	text = malloc(len + 1);
	if (!text)
		return 0;
	memcpy(text, data, len);
	text[len] = '\0';
	modlist_parse(text, items, 16);
	free(text);
	return 0;
}
