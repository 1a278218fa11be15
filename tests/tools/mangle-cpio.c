// SPDX-License-Identifier: MIT
/*
 * mangle-cpio: damage a built minirt on purpose, for the fail-open tests.
 *	mangle-cpio IN OUT [--delete PATH | --replace PATH FILE |
 *			    --file PATH FILE]...
 * --file makes PATH (a directory, say) a regular file holding FILE.
 * Reads every segment, applies the edits, writes one gzip'd archive.
 */
#include "error.h"
#include "file.h"
#include "initramfs/archive.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static struct cpio_list all;

static int edit(int argc, char **argv, int *i)
{
	bool make_file = false;
	long at;

	if (!strcmp(argv[*i], "--delete") && *i + 1 < argc) {
		at = cpio_find(&all, argv[++*i]);
		if (at < 0)
			return error_set("no %s", argv[*i]);
		all.v[at].name[0] = '\0'; /* left out when written */
		return 0;
	}
	if ((!strcmp(argv[*i], "--replace") || !strcmp(argv[*i], "--file")) &&
	    *i + 2 < argc) {
		uint8_t *data;
		size_t len;
		int ret;

		if (!strcmp(argv[*i], "--file"))
			make_file = true;
		at = cpio_find(&all, argv[++*i]);
		if (at < 0 || read_file(argv[++*i], &data, &len) < 0)
			return error_set("cannot replace %s", argv[*i - 1]);
		if (make_file)
			all.v[at].mode = S_IFREG | 0644;
		ret = cpio_set_data(&all.v[at], data, len);
		free(data);
		return ret;
	}
	return error_set(
		"usage: mangle-cpio IN OUT [--delete PATH | --replace PATH FILE | --file PATH FILE]...");
}

static void copy_entry(const struct cpio_entry *from)
{
	struct cpio_entry *e =
		cpio_add(&all, from->name, from->mode, from->data, from->size);

	e->ino = from->ino, e->uid = from->uid, e->gid = from->gid;
	e->nlink = from->nlink, e->mtime = from->mtime;
	e->rdevmajor = from->rdevmajor, e->rdevminor = from->rdevminor;
}

int main(int argc, char **argv)
{
	struct buf plain = { 0 }, packed = { 0 };
	struct archive ar;
	FILE *out;

	if (argc < 3 || archive_read(&ar, argv[1]) < 0) {
		fprintf(stderr, "mangle-cpio: %s\n", error_text());
		return 1;
	}
	for (size_t s = 0; s < ar.nseg; s++)
		for (size_t i = 0; i < ar.seg[s].entries.n; i++)
			copy_entry(&ar.seg[s].entries.v[i]);
	for (int i = 3; i < argc; i++)
		if (edit(argc, argv, &i) < 0) {
			fprintf(stderr, "mangle-cpio: %s\n", error_text());
			return 1;
		}
	for (size_t i = all.n; i-- > 0;)
		if (!all.v[i].name[0])
			cpio_remove(&all, i);
	cpio_write(&all, &plain);
	comp_compress(COMP_GZIP, plain.data, plain.len, &packed);
	out = fopen(argv[2], "wb");
	if (!out || fwrite(packed.data, 1, packed.len, out) != packed.len ||
	    fclose(out)) {
		fprintf(stderr, "mangle-cpio: cannot write %s\n", argv[2]);
		return 1;
	}
	return 0;
}
