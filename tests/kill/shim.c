// SPDX-License-Identifier: MIT
/*
 * LD_PRELOAD shim for the kill test (tests/kill/run.sh). It counts the
 * calls by which a build changes files and, at the one MV_KILL_AT names
 * (1, 2, ...), kills the process with SIGKILL before the call happens.
 * MV_NO_LINK=1 makes link() fail with EPERM, as on FAT, so that .orig must
 * be copied. MV_COUNT_FILE names a file to write the count to at exit.
 * A shim rather than a switch in the builder: the builder ships without
 * test code, and is tested as it ships.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

static long counted, kill_at = -1;

/* One more moment at which the build may be killed. */
static void moment(void)
{
	if (++counted == kill_at)
		raise(SIGKILL);
}

#define REAL(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))

__attribute__((constructor)) static void start(void)
{
	const char *at = getenv("MV_KILL_AT");

	if (at)
		kill_at = atol(at);
}

__attribute__((destructor)) static void stop(void)
{
	const char *path = getenv("MV_COUNT_FILE");
	FILE *f = path ? fopen(path, "w") : NULL;

	if (f) {
		fprintf(f, "%ld\n", counted);
		fclose(f);
	}
}

ssize_t write(int fd, const void *buf, size_t len)
{
	if (fd > 2)
		moment();
	return REAL(write)(fd, buf, len);
}

int fsync(int fd)
{
	moment();
	return REAL(fsync)(fd);
}

int fchmod(int fd, mode_t mode)
{
	moment();
	return REAL(fchmod)(fd, mode);
}

int fchown(int fd, uid_t uid, gid_t gid)
{
	moment();
	return REAL(fchown)(fd, uid, gid);
}

int fsetxattr(int fd, const char *name, const void *value, size_t size,
	      int flags)
{
	moment();
	return REAL(fsetxattr)(fd, name, value, size, flags);
}

int futimens(int fd, const struct timespec times[2])
{
	moment();
	return REAL(futimens)(fd, times);
}

int link(const char *from, const char *to)
{
	const char *no_link = getenv("MV_NO_LINK");

	moment();
	if (no_link && *no_link == '1') {
		errno = EPERM;
		return -1;
	}
	return REAL(link)(from, to);
}

int rename(const char *from, const char *to)
{
	moment();
	return REAL(rename)(from, to);
}

int renameat2(int fromfd, const char *from, int tofd, const char *to,
	      unsigned int flags)
{
	moment();
	return REAL(renameat2)(fromfd, from, tofd, to, flags);
}

int unlink(const char *path)
{
	moment();
	return REAL(unlink)(path);
}

int unlinkat(int dirfd, const char *path, int flags)
{
	moment();
	return REAL(unlinkat)(dirfd, path, flags);
}
