// SPDX-License-Identifier: MIT
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define KMSG_TEMP "/dev/.minirt-virtio-kmsg"

static int kmsg_fd = -1;
static bool console_ok; /* the kernel gave us /dev/console as fd 2 */

void log_open(const char *kmsg)
{
	console_ok = fcntl(STDERR_FILENO, F_GETFD) != -1;
	if (!kmsg)
		return;
	kmsg_fd = open(kmsg, O_WRONLY | O_CLOEXEC);
	if (kmsg_fd < 0 && errno == ENOENT && !strcmp(kmsg, LOG_KMSG) &&
	    mknod(KMSG_TEMP, S_IFCHR | 0600, makedev(1, 11)) == 0) {
		/* A static /dev without kmsg: use a node nobody will see. */
		kmsg_fd = open(KMSG_TEMP, O_WRONLY | O_CLOEXEC);
		unlink(KMSG_TEMP);
	}
}

void log_close(void)
{
	if (kmsg_fd >= 0)
		close(kmsg_fd);
	kmsg_fd = -1;
}

static void write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

/*
 * The console hears every line straight from us: /dev/kmsg drops lines
 * past a burst of ten. The kernel log gets the summary and the problems,
 * at debug level so that the console does not print them twice; without
 * a console, at info level, which the console shows. The prefix is the
 * level alone, one digit: before Linux 3.5 a write to /dev/kmsg is a
 * printk, which reads nothing else (a "<15>" stayed in the text, shown at
 * the default level); from 3.5 on a prefix without a facility gets
 * LOG_USER, so the record is the same <15> (<14>) as a full prefix makes.
 */
static void emit(const char *line, bool to_kmsg)
{
	struct text t;

	text_reset(&t);
	text_add(&t, console_ok ? "<7>" : "<6>");
	text_add(&t, "minirt-virtio: ");
	text_add(&t, line);
	text_add(&t, "\n");
	if (console_ok)
		write_all(STDERR_FILENO, t.buf + 3, t.len - 3);
	if (kmsg_fd >= 0 && (to_kmsg || !console_ok))
		write_all(kmsg_fd, t.buf, t.len);
}

void log_line(const char *line)
{
	emit(line, true);
}

void log_debug(const char *line)
{
	emit(line, false);
}

void log_text(const struct text *t)
{
	log_line(t->buf);
}

void log_error(const char *what, int err)
{
	struct text t;

	text_reset(&t);
	text_add(&t, what);
	text_add(&t, ": ");
	text_add(&t, strerror(err));
	log_text(&t);
}
