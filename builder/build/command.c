// SPDX-License-Identifier: MIT
/* build's command line. */
#include "build.h"
#include "command.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#define DRIVERS_MAX 64
#define SOURCES_MAX 16

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

static int build_main(int argc, char **argv)
{
	static const char *drivers[DRIVERS_MAX], *sources[SOURCES_MAX],
		*kernels[SOURCES_MAX];
	struct build_opts o = { .drivers = drivers,
				.module_srcs = sources,
				.kernels = kernels,
				.patch_init = true };
	int c;

	optind = 1;
	for (;;) {
		c = getopt_long(argc, argv, "o:m:k:h", build_options, NULL);
		if (c == -1)
			break;
		switch (c) {
		case 'o':
			if (!*optarg)
				return bad_usage("-o needs a file name");
			o.output = optarg;
			break;
		case 'm':
			if (!*optarg)
				return bad_usage("-m needs a module source");
			if (o.nmodule_srcs == SOURCES_MAX)
				return bad_usage("too many -m options");
			sources[o.nmodule_srcs++] = optarg;
			break;
		case 'k':
			if (!*optarg)
				return bad_usage("-k needs a kernel file");
			if (o.nkernels == SOURCES_MAX)
				return bad_usage("too many -k options");
			kernels[o.nkernels++] = optarg;
			break;
		case OPT_MEDIUM:
			if (!*optarg)
				return bad_usage("--medium needs a path");
			o.medium = optarg;
			break;
		case OPT_DRIVER:
			if (!*optarg)
				return bad_usage(
					"--driver needs a module name");
			if (o.ndrivers == DRIVERS_MAX)
				return bad_usage("too many --driver options");
			drivers[o.ndrivers++] = optarg;
			break;
		case OPT_LAYOUT:
			if (parse_layout(optarg, &o) < 0)
				return bad_usage("--layout is merge or append");
			break;
		case OPT_NO_PATCH:
			o.patch_init = false;
			break;
		case OPT_FORCE:
			o.force = true;
			break;
		case 'h':
			command_help(&cmd_build, stdout);
			return 0;
		default:
			return bad_usage(NULL);
		}
	}
	if (o.medium && optind != argc)
		return bad_usage("build takes INPUT or --medium, not both");
	if (o.medium && o.nkernels)
		return bad_usage(
			"--medium serves the medium's own kernels: no -k");
	if (!o.medium && optind + 1 != argc)
		return bad_usage("build takes one INPUT");
	o.input = o.medium ? NULL : argv[optind];
	if (o.input && !*o.input)
		return bad_usage("INPUT needs a file name");
	if (!o.output)
		return bad_usage("build needs -o OUTPUT");
	if (build_run(&o) < 0)
		return command_failed();
	return 0;
}

const struct command cmd_build = {
	.name = "build",
	.synopsis = "minirt-virtio build [options] INPUT -o OUTPUT\n"
		    "minirt-virtio build [options] --medium PATH -o OUTPUT\n",
	.help = "build: write INPUT with virtio drivers loaded before its /init.\n"
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
		"      --force            overwrite an existing OUTPUT\n",
	.run = build_main,
};
