// SPDX-License-Identifier: MIT
#include "tmpdir.h"
#include "buf.h"
#include "error.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PREFIX "minirt-virtio."

static const char *tmp_root(void)
{
	const char *tmp = getenv("TMPDIR");

	return tmp && *tmp ? tmp : "/tmp";
}

static int remove_one(const char *path, const struct stat *st, int type,
		      struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return (type == FTW_DP ? rmdir(path) : unlink(path)) < 0 ? -1 : 0;
}

void tmpdir_remove(const char *path)
{
	if (nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
		fprintf(stderr,
			"minirt-virtio: warning: cannot remove %s: %s\n", path,
			strerror(errno));
}

/* "minirt-virtio.PID.XXXXXX" of a process that is no more: its PID. */
static long dead_owner(const char *name)
{
	char *end;
	long pid;

	if (strncmp(name, PREFIX, strlen(PREFIX)))
		return 0;
	pid = strtol(name + strlen(PREFIX), &end, 10);
	if (pid <= 0 || *end != '.' || strlen(end + 1) != 6)
		return 0;
	return kill((pid_t)pid, 0) < 0 && errno == ESRCH ? pid : 0;
}

static void remove_stale(const char *root)
{
	DIR *d = opendir(root);
	struct dirent *de;
	char path[PATH_MAX];

	if (!d)
		return;
	while ((de = readdir(d)))
		if (dead_owner(de->d_name) &&
		    (size_t)snprintf(path, sizeof(path), "%s/%s", root,
				     de->d_name) < sizeof(path))
			tmpdir_remove(path);
	closedir(d);
}

int tmpdir_make(char **path)
{
	const char *root = tmp_root();
	char name[PATH_MAX];

	remove_stale(root);
	if ((size_t)snprintf(name, sizeof(name), "%s/" PREFIX "%ld.XXXXXX",
			     root, (long)getpid()) >= sizeof(name))
		return error_set("TMPDIR %s: path too long", root);
	if (!mkdtemp(name))
		return error_set("cannot make a temporary directory in %s: %s",
				 root, strerror(errno));
	*path = xstrdup(name);
	if (!*path) {
		tmpdir_remove(name);
		return -1;
	}
	return 0;
}
