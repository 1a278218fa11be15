/* SPDX-License-Identifier: MIT */
/*
 * A command of minirt-virtio: its name, how to use it, and its front-end,
 * which reads its command line and runs it. main.c holds the table of
 * them, as kmod's tools/kmod.c does; each front-end is in its command's
 * directory.
 */
#ifndef MV_COMMAND_H
#define MV_COMMAND_H

#include <stdbool.h>
#include <stdio.h>

#define EXIT_USAGE 2

struct command {
	const char *name;
	/* Its usage lines, "minirt-virtio NAME ...", continuation lines
	 * indented to stand under the name. */
	const char *synopsis;
	const char *help; /* what it does, its options */
	/* argv[0] is the name: 0; EXIT_FAILURE, the error said; or
	 * EXIT_USAGE, the problem said and the usage to follow. */
	int (*run)(int argc, char **argv);
};

extern const struct command cmd_setup, cmd_build, cmd_list, cmd_bootentry;

/* "minirt-virtio: PROBLEM" on stderr (nothing for NULL); EXIT_USAGE. */
int bad_usage(const char *problem);
/* The error set (error.h) on stderr, "minirt-virtio: ERROR"; EXIT_FAILURE. */
int command_failed(void);
/* Where "--" is among argv's argc words (argc if nowhere): what comes
 * after it is the kernel's, not an option of ours. */
int command_options_end(int argc, char **argv);

/* c's usage lines on out, the first after "usage: " if first. */
void command_synopsis(const struct command *c, bool first, FILE *out);
/* c's usage lines and help, for its -h. */
void command_help(const struct command *c, FILE *out);

#endif
