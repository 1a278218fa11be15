// SPDX-License-Identifier: MIT
#include "serial.h"
#include "buf.h"
#include "error.h"
#include "file.h"
#include "medium/modfile.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INDEX_MAX ((size_t)64 << 20)
#define SERIAL_MODULE "8250"

/* Does a line of text (a path, or modules.dep's "path: deps") name the
 * 8250 module? */
static bool names_serial(const char *line, size_t len)
{
	const char *colon = memchr(line, ':', len);
	char path[PATH_MAX], *name;
	bool found;

	if (colon)
		len = (size_t)(colon - line);
	if (!len || len >= sizeof(path))
		return false;
	memcpy(path, line, len);
	path[len] = '\0';
	name = module_name_from(path);
	found = name && !strcmp(name, SERIAL_MODULE);
	free(name);
	return found;
}

/* 1 if a line of dir/file names the module, 0 if none does, -1 if the
 * file cannot be read. */
static int file_names_serial(const char *dir, const char *file)
{
	char path[PATH_MAX];
	struct buf text = { 0 };
	int found = 0;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, file) >=
		    sizeof(path) ||
	    read_text_max(path, INDEX_MAX, &text) < 0 ||
	    buf_add(&text, "", 1) < 0) {
		error_clear();
		buf_free(&text);
		return -1;
	}
	for (const char *line = (const char *)text.data; *line && !found;) {
		size_t len = strcspn(line, "\n");

		found = names_serial(line, len);
		line += len + (line[len] == '\n');
	}
	buf_free(&text);
	return found;
}

bool serial_builtin(const char *dir)
{
	int listed = file_names_serial(dir, "modules.builtin");

	if (listed >= 0)
		return listed;
	return file_names_serial(dir, "modules.dep") != 1;
}
