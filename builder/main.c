// SPDX-License-Identifier: MIT
/* minirt-virtio: make an initramfs (KNOPPIX's minirt) boot from virtio. */
#include "buf.h"
#include "error.h"
#include "build/options.h"
#include "grub/bootentry.h"
#include "list/list.h"
#include "setup/setup.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_USAGE 2
#define DRIVERS_MAX 64
#define SOURCES_MAX 16

static const char usage_text[] =
	"usage: minirt-virtio build [options] INPUT -o OUTPUT\n"
	"       minirt-virtio build [options] --medium PATH -o OUTPUT\n"
	"       minirt-virtio list INPUT\n"
	"       minirt-virtio boot-entry [--grub-legacy] [--mount-table FILE] DIR\n"
	"                                [-- BOOT OPTIONS...]\n"
	"       minirt-virtio setup [--dry-run] [--writable] [--default] MEDIUM\n"
	"                           [-- BOOT OPTIONS...]\n"
	"       minirt-virtio setup --remove [--dry-run] [MEDIUM]\n"
	"\n"
	"setup (as root): boot KNOPPIX once from this host's GRUB. MEDIUM is\n"
	"  KNOPPIX's ISO file (booted in place; the minirt is written beside it)\n"
	"  or a directory of its files (minirt.gz rebuilt in place, the original\n"
	"  kept as minirt.gz.orig), on a plain partition. Adds the driver of\n"
	"  MEDIUM's filesystem, writes /etc/grub.d/"
	"42_minirt-virtio and runs\n"
	"  update-grub (GRUB legacy: a block in menu.lst), and makes the next boot\n"
	"  only take KNOPPIX, with forensic (partitions mounted read-only).\n"
	"      --writable         no forensic on the kernel line\n"
	"      --default          KNOPPIX on every boot, not the next one only\n"
	"      --dry-run          say what would be done; change nothing\n"
	"      --remove           take away all that setup wrote\n"
	"\n"
	"build: write INPUT with virtio drivers loaded before its /init.\n"
	"  -o, --output FILE      where to write; through a symbolic link, its\n"
	"                         target; a file replaced keeps its mode, owner\n"
	"                         and extended attributes. May be INPUT itself:\n"
	"                         the file replaced is then kept as FILE.orig\n"
	"                         beside the real file (the previous build if\n"
	"                         INPUT is one and no .orig is there); a .orig\n"
	"                         there must be the original or a build of\n"
	"                         the same original, else move it aside\n"
	"      --medium PATH      a KNOPPIX medium: its ISO file, the ISO's\n"
	"                         tree, or the flat copy in /boot/KNOPPIX;\n"
	"                         its minirt is INPUT, its kernels (linux,\n"
	"                         linux64) are served, with modules out of\n"
	"                         its KNOPPIX images\n"
	"  -m, --modules SOURCE   modules (repeatable): /lib/modules/<ver>,\n"
	"                         a directory of .ko[.xz|.zst|.gz] files, a\n"
	"                         KNOPPIX cloop image, or an ISO\n"
	"  -k, --kernel VMLINUZ   a kernel to serve (repeatable): its modules\n"
	"                         are taken and checked against it\n"
	"      --driver NAME      another module to add (repeatable)\n"
	"      --layout merge|append\n"
	"                         merge (default): one archive, recompressed;\n"
	"                         append: INPUT's bytes, then one new segment\n"
	"                         (not after an lz4 segment)\n"
	"      --no-patch-init    leave /init's device scan as it is\n"
	"      --force            overwrite an existing OUTPUT\n"
	"list: every segment and entry of INPUT, compressed segments too.\n"
	"boot-entry: print GRUB 2 menu entries (menu.lst ones with\n"
	"  --grub-legacy) that boot KNOPPIX from DIR (/boot/KNOPPIX: minirt.gz\n"
	"  built by minirt-virtio, linux64 and/or linux, KNOPPIX). The kernel\n"
	"  line: knoppix_dir= (DIR inside its filesystem), then\n"
	"  console=tty0 console=ttyS0,115200n8 unless BOOT OPTIONS have a\n"
	"  console=, then BOOT OPTIONS (lang=ja, 2 for text mode, ...).\n"
	"      --mount-table FILE read FILE, not /proc/self/mountinfo\n"
	"  -h, --help, -V, --version\n";

static int usage(const char *problem)
{
	if (problem)
		fprintf(stderr, "minirt-virtio: %s\n", problem);
	fputs(usage_text, stderr);
	return EXIT_USAGE;
}

static int parse_layout(const char *arg, struct build_opts *o)
{
	if (!strcmp(arg, "merge"))
		o->layout = LAYOUT_MERGE;
	else if (!strcmp(arg, "append"))
		o->layout = LAYOUT_APPEND;
	else
		return -1;
	return 0;
}

enum { OPT_DRIVER = 256, OPT_LAYOUT, OPT_NO_PATCH, OPT_FORCE, OPT_MEDIUM };

static const struct option build_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "modules", required_argument, NULL, 'm' },
	{ "kernel", required_argument, NULL, 'k' },
	{ "driver", required_argument, NULL, OPT_DRIVER },
	{ "layout", required_argument, NULL, OPT_LAYOUT },
	{ "no-patch-init", no_argument, NULL, OPT_NO_PATCH },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "medium", required_argument, NULL, OPT_MEDIUM },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int build_command(int argc, char **argv)
{
	static const char *drivers[DRIVERS_MAX], *sources[SOURCES_MAX],
		*kernels[SOURCES_MAX];
	struct build_opts o = { .drivers = drivers,
				.module_srcs = sources,
				.kernels = kernels,
				.patch_init = true };
	int c;

	for (;;) {
		c = getopt_long(argc, argv, "o:m:k:h", build_options, NULL);
		if (c == -1)
			break;
		switch (c) {
		case 'o':
			if (!*optarg)
				return usage("-o needs a file name");
			o.output = optarg;
			break;
		case 'm':
			if (!*optarg)
				return usage("-m needs a module source");
			if (o.nmodule_srcs == SOURCES_MAX)
				return usage("too many -m options");
			sources[o.nmodule_srcs++] = optarg;
			break;
		case 'k':
			if (!*optarg)
				return usage("-k needs a kernel file");
			if (o.nkernels == SOURCES_MAX)
				return usage("too many -k options");
			kernels[o.nkernels++] = optarg;
			break;
		case OPT_MEDIUM:
			if (!*optarg)
				return usage("--medium needs a path");
			o.medium = optarg;
			break;
		case OPT_DRIVER:
			if (!*optarg)
				return usage("--driver needs a module name");
			if (o.ndrivers == DRIVERS_MAX)
				return usage("too many --driver options");
			drivers[o.ndrivers++] = optarg;
			break;
		case OPT_LAYOUT:
			if (parse_layout(optarg, &o) < 0)
				return usage("--layout is merge or append");
			break;
		case OPT_NO_PATCH:
			o.patch_init = false;
			break;
		case OPT_FORCE:
			o.force = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			return usage(NULL);
		}
	}
	if (o.medium && optind != argc)
		return usage("build takes INPUT or --medium, not both");
	if (o.medium && o.nkernels)
		return usage("--medium serves the medium's own kernels: no -k");
	if (!o.medium && optind + 1 != argc)
		return usage("build takes one INPUT");
	o.input = o.medium ? NULL : argv[optind];
	if (o.input && !*o.input)
		return usage("INPUT needs a file name");
	if (!o.output)
		return usage("build needs -o OUTPUT");
	if (build_run(&o) < 0) {
		fprintf(stderr, "minirt-virtio: %s\n", error_text());
		return EXIT_FAILURE;
	}
	return 0;
}

static int list_command(int argc, char **argv)
{
	if (argc != 2)
		return usage("list takes one INPUT");
	if (!*argv[1])
		return usage("INPUT needs a file name");
	if (list_run(argv[1]) < 0) {
		fprintf(stderr, "minirt-virtio: %s: %s\n", argv[1],
			error_text());
		return EXIT_FAILURE;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage("a command is needed");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("minirt-virtio %s\n", VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "build"))
		return build_command(argc - 1, argv + 1);
	if (!strcmp(argv[1], "list"))
		return list_command(argc - 1, argv + 1);
	if (!strcmp(argv[1], "boot-entry"))
		return bootentry_command(argc - 1, argv + 1, usage);
	if (!strcmp(argv[1], "setup"))
		return setup_command(argc - 1, argv + 1, usage);
	return usage("the commands are setup, build, list and boot-entry");
}
