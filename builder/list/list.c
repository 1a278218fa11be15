// SPDX-License-Identifier: MIT
#include "list.h"
#include "command.h"
#include "error.h"
#include "initramfs/archive.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static void mode_string(uint32_t mode, char *s)
{
	static const char rwx[] = "rwxrwxrwx";

	switch (mode & S_IFMT) {
	case S_IFDIR:
		s[0] = 'd';
		break;
	case S_IFLNK:
		s[0] = 'l';
		break;
	case S_IFCHR:
		s[0] = 'c';
		break;
	case S_IFBLK:
		s[0] = 'b';
		break;
	case S_IFIFO:
		s[0] = 'p';
		break;
	case S_IFSOCK:
		s[0] = 's';
		break;
	default:
		s[0] = '-';
		break;
	}
	for (int i = 0; i < 9; i++)
		s[1 + i] = mode & (1u << (8 - i)) ? rwx[i] : '-';
	s[10] = '\0';
}

static void list_entry(const struct cpio_entry *e)
{
	char mode[11];

	mode_string(e->mode, mode);
	if (S_ISCHR(e->mode) || S_ISBLK(e->mode))
		printf("  %s %4u,%4u %s\n", mode, e->rdevmajor, e->rdevminor,
		       e->name);
	else if (S_ISLNK(e->mode))
		printf("  %s %9u %s -> %.*s\n", mode, e->size, e->name,
		       (int)e->size, (const char *)e->data);
	else
		printf("  %s %9u %s\n", mode, e->size, e->name);
}

int list_run(const char *input)
{
	struct archive ar;

	if (archive_read(&ar, input) < 0) {
		archive_release(&ar);
		return -1;
	}
	if (ar.lead_padding)
		printf("%zu zero bytes of padding at 0\n", ar.lead_padding);
	for (size_t s = 0; s < ar.nseg; s++) {
		const struct segment *seg = &ar.seg[s];

		printf("segment %zu at %zu: %s, %zu bytes, %zu entries%s\n",
		       s + 1, seg->offset, comp_name(seg->comp), seg->length,
		       seg->entries.n,
		       cpio_find(&seg->entries,
				 "lib/modules/minirt-virtio/build-info") >= 0 ?
			       " (minirt-virtio)" :
			       "");
		for (size_t i = 0; i < seg->entries.n; i++)
			list_entry(&seg->entries.v[i]);
		if (seg->padding)
			printf("%zu zero bytes of padding at %zu\n",
			       seg->padding, seg->offset + seg->length);
	}
	archive_release(&ar);
	return 0;
}

static const struct option list_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int list_main(int argc, char **argv)
{
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", list_options, NULL)) != -1) {
		if (c != 'h')
			return bad_usage(NULL);
		command_help(&cmd_list, stdout);
		return 0;
	}
	if (optind + 1 != argc)
		return bad_usage("list takes one INPUT");
	if (!*argv[optind])
		return bad_usage("INPUT needs a file name");
	if (list_run(argv[optind]) < 0) {
		fprintf(stderr, "minirt-virtio: %s: %s\n", argv[optind],
			error_text());
		return EXIT_FAILURE;
	}
	return 0;
}

const struct command cmd_list = {
	.name = "list",
	.synopsis = "minirt-virtio list INPUT\n",
	.help = "list: every segment and entry of INPUT, compressed segments too.\n",
	.run = list_main,
};
