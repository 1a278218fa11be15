/* SPDX-License-Identifier: MIT */
/* Lines for whoever watches the console, and for dmesg via /dev/kmsg. */
#ifndef PREINIT_LOG_H
#define PREINIT_LOG_H

#include "text.h"

#include <stdbool.h>

#define LOG_KMSG "/dev/kmsg"

/* Lines to fd 2 if it is open; and to kmsg unless NULL (LOG_KMSG: through
 * a private node if /dev has none). */
void log_open(const char *kmsg);
void log_close(void);

/* "minirt-virtio: <line>" on the console and in the kernel log. */
void log_line(const char *line);
void log_text(const struct text *t);
/* On the console only: minirt_virtio.debug's many lines. */
void log_debug(const char *line);

/* "minirt-virtio: <what>: <strerror(err)>" */
void log_error(const char *what, int err);

#endif
