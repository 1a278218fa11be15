// SPDX-License-Identifier: MIT
/* setup's command line, and which of setup_add and setup_remove runs. */
#include "error.h"
#include "state.h"
#include "grub/menu.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char setup_usage[] =
	"setup takes MEDIUM (a KNOPPIX ISO file or a directory of its files), [-- BOOT OPTIONS]";

enum {
	OPT_REMOVE = 256,
	OPT_DRY_RUN,
	OPT_WRITABLE,
	OPT_DEFAULT,
	OPT_HOST_ROOT,
	OPT_MOUNT_TABLE
};

static const struct option setup_options[] = {
	{ "remove", no_argument, NULL, OPT_REMOVE },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "writable", no_argument, NULL, OPT_WRITABLE },
	{ "default", no_argument, NULL, OPT_DEFAULT },
	{ "host-root", required_argument, NULL, OPT_HOST_ROOT },
	{ "mount-table", required_argument, NULL, OPT_MOUNT_TABLE },
	{ NULL, 0, NULL, 0 },
};

/* The options among argc words; getopt_long() puts MEDIUM at optind. */
static int parse_options(int argc, char **argv, struct setup_opts *o)
{
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", setup_options, NULL)) != -1) {
		switch (c) {
		case OPT_REMOVE:
			o->remove = true;
			break;
		case OPT_DRY_RUN:
			o->dry_run = true;
			break;
		case OPT_WRITABLE:
			o->writable = true;
			break;
		case OPT_DEFAULT:
			o->permanent = true;
			break;
		case OPT_HOST_ROOT:
			o->host_root = optarg;
			break;
		case OPT_MOUNT_TABLE:
			o->mount_table = optarg;
			break;
		default:
			return -1;
		}
	}
	return 0;
}

/*
 * Before "--": options in any order and MEDIUM; after it, the boot
 * options, which getopt_long() never sees.
 */
static int parse(int argc, char **argv, struct setup_opts *o,
		 int (*usage)(const char *))
{
	int ends = 1;

	while (ends < argc && strcmp(argv[ends], "--"))
		ends++;
	if (parse_options(ends, argv, o) < 0)
		return usage(setup_usage);
	if (optind < ends)
		o->medium = argv[optind++];
	if (optind < ends)
		return usage("setup takes one MEDIUM, then -- BOOT OPTIONS");
	if (ends < argc)
		ends++;
	o->options = argv + ends;
	o->noptions = (size_t)(argc - ends);
	if (o->medium && !*o->medium)
		return usage("MEDIUM needs a file name");
	if (o->remove && (o->writable || o->permanent || o->noptions))
		return usage("setup --remove takes only --dry-run and MEDIUM");
	if (!o->remove && !o->medium)
		return usage(setup_usage);
	for (size_t k = 0; k < o->noptions; k++)
		if (menu_check_option(o->options[k]) < 0)
			return usage(error_text());
	return 0;
}

int setup_command(int argc, char **argv, int (*usage)(const char *))
{
	struct setup_opts o = { .host_root = "" };
	struct setup_state st;
	int ret = parse(argc, argv, &o, usage);

	if (ret)
		return ret;
	ret = state_open(&st, &o);
	if (!ret)
		ret = o.remove ? setup_remove(&st) : setup_add(&st);
	if (ret)
		fprintf(stderr, "minirt-virtio: %s\n", error_text());
	state_close(&st);
	return ret ? EXIT_FAILURE : 0;
}
