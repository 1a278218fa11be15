// SPDX-License-Identifier: MIT
#include "log.h"
#include "sysdir.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define KMSG_TEMP "/dev/.minirt-virtio-kmsg"

static int kmsg_fd = -1;
static bool kmsg_echoes; /* the kernel prints our kmsg lines itself */

/* Does the console show info-level messages (console_loglevel > 6)? */
static bool console_shows_info(void)
{
	char text[64];

	if (read_small(AT_FDCWD, "/proc/sys/kernel/printk", text,
		       sizeof(text)) <= 0)
		return false;
	return text[0] >= '7' && text[0] <= '9';
}

void log_open(void)
{
	kmsg_fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (kmsg_fd < 0 && errno == ENOENT &&
	    mknod(KMSG_TEMP, S_IFCHR | 0600, makedev(1, 11)) == 0) {
		/* A static /dev without kmsg: use a node nobody will see. */
		kmsg_fd = open(KMSG_TEMP, O_WRONLY | O_CLOEXEC);
		unlink(KMSG_TEMP);
	}
	kmsg_echoes = kmsg_fd >= 0 && console_shows_info();
}

void log_close(void)
{
	if (kmsg_fd >= 0)
		close(kmsg_fd);
	kmsg_fd = -1;
	kmsg_echoes = false;
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

void log_line(const char *line)
{
	struct text t;

	text_reset(&t);
	text_add(&t, "<14>minirt-virtio: ");
	text_add(&t, line);
	text_add(&t, "\n");
	if (kmsg_fd >= 0)
		write_all(kmsg_fd, t.buf, t.len);
	if (!kmsg_echoes)
		write_all(STDERR_FILENO, t.buf + 4, t.len - 4);
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
