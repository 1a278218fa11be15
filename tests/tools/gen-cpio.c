// SPDX-License-Identifier: MIT
/*
 * gen-cpio: write a newc cpio to stdout from a list in the format of the
 * kernel's usr/gen_init_cpio, so fixtures need no root and no mknod:
 *	dir NAME MODE UID GID
 *	file NAME SOURCE MODE UID GID [HARDLINK...]
 *	slink NAME TARGET MODE UID GID
 *	nod NAME MODE UID GID b|c MAJOR MINOR
 * A file with hard links has its data on the last name, as there. Beyond
 * gen_init_cpio, "trailer" ends an archive; the next one (in the same
 * output) numbers its inodes from 1 again, as separate runs would.
 * Every entry gets mtime 0 unless SOURCE_DATE_EPOCH says otherwise.
 */
#include "error.h"
#include "file.h"
#include "initramfs/archive.h"
#include "initramfs/cpio.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static uint32_t mtime, ino;

static int add(struct cpio_list *l, const char *name, uint32_t mode,
	       unsigned uid, unsigned gid, const void *data, size_t size)
{
	struct cpio_entry *e;

	while (*name == '/') /* as gen_init_cpio: names are relative */
		name++;
	e = cpio_add(l, name, mode, data, (uint32_t)size);

	if (!e)
		return -1;
	e->uid = uid;
	e->gid = gid;
	e->mtime = mtime;
	e->ino = ++ino;
	return 0;
}

/* name and its hard links (space-separated): one inode, data on the last. */
static int add_file(struct cpio_list *l, const char *name, char *links,
		    unsigned mode, unsigned uid, unsigned gid,
		    const uint8_t *data, size_t len)
{
	const char *names[64] = { name };
	size_t n = 1, first = l->n;
	char *save = NULL;

	for (char *w = strtok_r(links, " ", &save); w && n < 64;
	     w = strtok_r(NULL, " ", &save))
		names[n++] = w;
	for (size_t i = 0; i < n; i++)
		if (add(l, names[i], S_IFREG | mode, uid, gid, data,
			i + 1 == n ? len : 0) < 0)
			return -1;
	for (size_t i = first; n > 1 && i < l->n; i++) {
		l->v[i].ino = l->v[first].ino;
		l->v[i].nlink = (uint32_t)n;
	}
	ino = l->v[first].ino;
	return 0;
}

static int add_line(struct cpio_list *l, char *line)
{
	char kind[16], name[1024], arg[1024], type;
	unsigned mode, uid, gid, major, minor;
	uint8_t *data;
	size_t len;
	int ret, links = 0;

	if (sscanf(line, "%15s", kind) != 1 || kind[0] == '#')
		return 0;
	if (!strcmp(kind, "dir") &&
	    sscanf(line, "%*s %1023s %o %u %u", name, &mode, &uid, &gid) == 4)
		return add(l, name, S_IFDIR | mode, uid, gid, NULL, 0);
	if (!strcmp(kind, "slink") && sscanf(line, "%*s %1023s %1023s %o %u %u",
					     name, arg, &mode, &uid, &gid) == 5)
		return add(l, name, S_IFLNK | mode, uid, gid, arg, strlen(arg));
	if (!strcmp(kind, "nod") &&
	    sscanf(line, "%*s %1023s %o %u %u %c %u %u", name, &mode, &uid,
		   &gid, &type, &major, &minor) == 7) {
		if (add(l, name, (type == 'b' ? S_IFBLK : S_IFCHR) | mode, uid,
			gid, NULL, 0) < 0)
			return -1;
		l->v[l->n - 1].rdevmajor = major;
		l->v[l->n - 1].rdevminor = minor;
		return 0;
	}
	if (!strcmp(kind, "file") &&
	    sscanf(line, "%*s %1023s %1023s %o %u %u %n", name, arg, &mode,
		   &uid, &gid, &links) == 5) {
		if (read_file(arg, &data, &len) < 0)
			return error_prefix("%s", arg);
		ret = add_file(l, name, line + links, mode, uid, gid, data,
			       len);
		free(data);
		return ret;
	}
	return error_set("cannot read the line: %s", line);
}

int main(int argc, char **argv)
{
	struct cpio_list list = { 0 };
	struct buf out = { 0 };
	char line[4096];
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	FILE *in = argc > 1 ? fopen(argv[1], "r") : stdin;

	if (!in) {
		perror(argv[1]);
		return 1;
	}
	mtime = epoch ? (uint32_t)strtoul(epoch, NULL, 10) : 0;
	while (fgets(line, sizeof(line), in)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strcmp(line, "trailer")) {
			if (cpio_write(&list, &out) < 0)
				return 1;
			cpio_free(&list);
			ino = 0;
			continue;
		}
		if (add_line(&list, line) < 0) {
			fprintf(stderr, "gen-cpio: %s\n", error_text());
			return 1;
		}
	}
	if (cpio_write(&list, &out) < 0 ||
	    fwrite(out.data, 1, out.len, stdout) != out.len) {
		fprintf(stderr, "gen-cpio: cannot write\n");
		return 1;
	}
	cpio_free(&list);
	buf_free(&out);
	return 0;
}
