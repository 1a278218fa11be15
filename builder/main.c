// SPDX-License-Identifier: MIT
/*
 * minirt-virtio: make an initramfs (KNOPPIX's minirt) boot from virtio.
 * The commands, each with its front-end in its own directory.
 */
#include "command.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct command *const commands[] = {
	&cmd_setup,
	&cmd_build,
	&cmd_list,
	&cmd_bootentry,
};

#define NCOMMANDS (sizeof(commands) / sizeof(*commands))

/* Every command's usage lines, then each one's help. */
static void usage(FILE *out)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		command_synopsis(commands[i], i == 0, out);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "\n%s", commands[i]->help);
	fputs("\n  -h, --help             this text (COMMAND -h: that command's)\n"
	      "  -V, --version\n",
	      out);
}

static int no_command(const char *problem)
{
	bad_usage(problem);
	usage(stderr);
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return no_command("a command is needed");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("minirt-virtio %s\n", VERSION);
		return 0;
	}
	for (size_t i = 0; i < NCOMMANDS; i++) {
		int ret;

		if (strcmp(argv[1], commands[i]->name))
			continue;
		ret = commands[i]->run(argc - 1, argv + 1);
		if (ret == EXIT_USAGE)
			usage(stderr);
		return ret;
	}
	return no_command("the commands are setup, build, list and boot-entry");
}
