/* SPDX-License-Identifier: MIT */
/*
 * Running GRUB's own tools (update-grub, grub-editenv, the grub shell):
 * their output kept, not shown, so that a failure can be said in one line.
 */
#ifndef MV_RUNCMD_H
#define MV_RUNCMD_H

#include "buf.h"

#include <limits.h>
#include <stdbool.h>

/* Most output kept: the end of it, where a tool says what went wrong. */
#define RUNCMD_OUTPUT_MAX ((size_t)64 << 10)

/*
 * Run argv (argv[0] a path), input on its stdin, stdout and stderr into
 * out. Its exit status (0-255), or -1 with the error set if it could not
 * run or was killed.
 */
int run_command(char *const argv[], const char *input, struct buf *out);

/* The last line of text out holds, for a message; "" if none. */
void run_last_line(const struct buf *out, char *line, size_t size);

/*
 * name in PATH, then (unless path_only) in /usr/sbin and /sbin, which a
 * root shell's PATH may lack: the program's path into out, or false.
 */
bool run_find(const char *name, bool path_only, char *out, size_t size);

#endif
