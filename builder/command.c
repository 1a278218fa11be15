// SPDX-License-Identifier: MIT
#include "command.h"
#include "error.h"

#include <stdlib.h>
#include <string.h>

int bad_usage(const char *problem)
{
	if (problem)
		fprintf(stderr, "minirt-virtio: %s\n", problem);
	return EXIT_USAGE;
}

int command_failed(void)
{
	fprintf(stderr, "minirt-virtio: %s\n", error_text());
	return EXIT_FAILURE;
}

int command_options_end(int argc, char **argv)
{
	int end = 1;

	while (end < argc && strcmp(argv[end], "--"))
		end++;
	return end;
}

void command_synopsis(const struct command *c, bool first, FILE *out)
{
	const char *line = c->synopsis;

	while (*line) {
		size_t len = strcspn(line, "\n");

		fprintf(out, "%s%.*s\n", first ? "usage: " : "       ",
			(int)len, line);
		first = false;
		line += len + (line[len] == '\n');
	}
}

void command_help(const struct command *c, FILE *out)
{
	command_synopsis(c, true, out);
	fprintf(out, "\n%s", c->help);
}
