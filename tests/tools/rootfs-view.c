// SPDX-License-Identifier: MIT
/*
 * rootfs-view: what the kernel would leave at some paths when it unpacks
 * an initramfs, as builder/initramfs/rootfs.c models it, in one line:
 *	rootfs-view FILE PATH...
 *	RULES: PATH=file:CONTENT|dir|link:TARGET|other|none ...
 * The kernel-rules boot test compares it with what a booted kernel shows
 * (tests/fixtures/rules-init prints the same line).
 */
#include "error.h"
#include "initramfs/rootfs.h"

#include <stdio.h>

static void show(const struct rootfs *fs, const char *path)
{
	const struct rootfs_node *n;
	size_t len;

	printf(" %s=", path);
	if (rootfs_lookup(fs, path, false, NULL, &n) != 0) {
		printf("none");
		return;
	}
	len = n->size;
	while (S_ISREG(n->mode) && len && n->data[len - 1] == '\n')
		len--; /* as the shell's $(cat) */
	if (S_ISREG(n->mode))
		printf("file:%.*s", (int)len, (const char *)n->data);
	else if (S_ISLNK(n->mode))
		printf("link:%.*s", (int)len, (const char *)n->data);
	else if (S_ISDIR(n->mode))
		printf("dir");
	else
		printf("other");
}

int main(int argc, char **argv)
{
	struct archive ar;
	struct rootfs fs;

	if (argc < 2 || archive_read(&ar, argv[1]) < 0 ||
	    rootfs_unpack(&fs, ar.seg, ar.nseg) < 0) {
		fprintf(stderr, "rootfs-view: %s\n",
			argc < 2 ? "usage: rootfs-view FILE PATH..." :
				   error_text());
		return 1;
	}
	printf("RULES:");
	for (int i = 2; i < argc; i++)
		show(&fs, argv[i]);
	printf("\n");
	rootfs_free(&fs);
	archive_release(&ar);
	return 0;
}
