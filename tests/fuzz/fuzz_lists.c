// SPDX-License-Identifier: MIT
/*
 * libFuzzer: the pre-init's load-order and devices parsers (and its glob
 * matcher, on the aliases against modaliases from the same input), and the
 * builder's modules.list.
 */
#include "devmatch.h"
#include "loadorder.h"
#include "text.h"
#include "modules/modlist.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void in_bounds(const char *p, size_t n, const char *start,
		      const char *end)
{
	if (p < start || p + n > end)
		abort();
}

static void devices(const uint8_t *data, size_t len)
{
	const char *pos = (const char *)data, *end = pos + len, *line, *le;
	static struct modaliases present;
	struct devices_word w, driver;

	memset(&present, 0, sizeof(present));
	while (text_next_line(&pos, end, &line, &le)) {
		const char *p = line;

		in_bounds(line, (size_t)(le - line), (const char *)data, end);
		while (devices_next_word(&p, le, &w)) {
			in_bounds(w.text, w.len, line, le);
			/* every word is a modalias too: an alias matches itself
			 * when it holds no wildcard */
			if (modaliases_add(&present, w.text, w.len) &&
			    !memchr(w.text, '*', w.len) &&
			    !memchr(w.text, '?', w.len) && !present.match_all &&
			    !memchr(w.text, '\0', w.len) &&
			    !glob_match(w.text, w.len,
					present.alias[present.count - 1]))
				abort();
		}
		if (devices_driver(line, le, &driver))
			in_bounds(driver.text, driver.len, line, le);
		devices_line_matches(line, le, &present);
	}
}

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
	devices(data, len);
	text = malloc(len + 1);
	if (!text)
		return 0;
	memcpy(text, data, len);
	text[len] = '\0';
	modlist_parse(text, items, 16);
	free(text);
	return 0;
}
