// SPDX-License-Identifier: MIT
#include "runcmd.h"
#include "error.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static bool executable(const char *dir, size_t len, const char *name, char *out,
		       size_t size)
{
	if (!len ||
	    (size_t)snprintf(out, size, "%.*s/%s", (int)len, dir, name) >= size)
		return false;
	return access(out, X_OK) == 0;
}

bool run_find(const char *name, bool path_only, char *out, size_t size)
{
	const char *path = getenv("PATH"), *p;

	for (p = path; p && *p;) {
		size_t len = strcspn(p, ":");

		if (executable(p, len, name, out, size))
			return true;
		p += len + (p[len] == ':');
	}
	return !path_only && (executable("/usr/sbin", 9, name, out, size) ||
			      executable("/sbin", 5, name, out, size));
}

/* In the child: stdin from in_fd, stdout and stderr to out_fd, then argv. */
static void child(char *const argv[], int in_fd, int out_fd)
{
	if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0)
		_exit(127);
	execv(argv[0], argv);
	dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* Keep the last RUNCMD_OUTPUT_MAX bytes of what the tool writes. */
static void keep(struct buf *out, const char *chunk, size_t n)
{
	if (out->len + n > RUNCMD_OUTPUT_MAX) {
		size_t drop = out->len + n - RUNCMD_OUTPUT_MAX;

		drop = drop > out->len ? out->len : drop;
		memmove(out->data, out->data + drop, out->len - drop);
		out->len -= drop;
	}
	if (n > RUNCMD_OUTPUT_MAX)
		chunk += n - RUNCMD_OUTPUT_MAX, n = RUNCMD_OUTPUT_MAX;
	buf_add(out, chunk, n);
}

static int collect(int fd, struct buf *out)
{
	char chunk[4096];
	ssize_t n;

	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return error_set("reading a tool's output: %s",
					 strerror(errno));
		keep(out, chunk, (size_t)n);
	}
	return 0;
}

static int wait_for(pid_t pid, const char *name)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return error_set("%s: %s", name, strerror(errno));
	if (WIFSIGNALED(status))
		return error_set("%s was killed by signal %d", name,
				 WTERMSIG(status));
	return WEXITSTATUS(status);
}

/* The input is small (a few lines for the grub shell): one write. */
static int feed(int fd, const char *input)
{
	size_t len = input ? strlen(input) : 0;
	int ret = 0;

	if (len && write(fd, input, len) != (ssize_t)len)
		ret = error_set("writing to a tool: %s", strerror(errno));
	close(fd);
	return ret;
}

int run_command(char *const argv[], const char *input, struct buf *out)
{
	int in[2], pipe_out[2], ret, status;
	pid_t pid;

	if (pipe2(in, O_CLOEXEC) < 0)
		return error_set("%s: %s", argv[0], strerror(errno));
	if (pipe2(pipe_out, O_CLOEXEC) < 0) {
		close(in[0]);
		close(in[1]);
		return error_set("%s: %s", argv[0], strerror(errno));
	}
	pid = fork();
	if (pid == 0)
		child(argv, in[0], pipe_out[1]);
	close(in[0]);
	close(pipe_out[1]);
	if (pid < 0) {
		close(in[1]);
		close(pipe_out[0]);
		return error_set("%s: %s", argv[0], strerror(errno));
	}
	/* A tool that exits without reading its input: no SIGPIPE here. */
	signal(SIGPIPE, SIG_IGN);
	ret = feed(in[1], input);
	if (collect(pipe_out[0], out) < 0)
		ret = -1;
	close(pipe_out[0]);
	status = wait_for(pid, argv[0]);
	return ret < 0 ? -1 : status;
}

void run_last_line(const struct buf *out, char *line, size_t size)
{
	size_t end = out->len, start;

	while (end &&
	       (out->data[end - 1] == '\n' || out->data[end - 1] == '\r'))
		end--;
	start = end;
	while (start && out->data[start - 1] != '\n')
		start--;
	snprintf(line, size, "%.*s", (int)(end - start),
		 (const char *)out->data + start);
	for (char *p = line; *p; p++)
		if ((unsigned char)*p < ' ')
			*p = ' ';
}
