// SPDX-License-Identifier: MIT
/* setup's command line, and which of setup_add and setup_remove runs. */
#include "command.h"
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
	OPT_MOUNT_TABLE,
	OPT_HELP = 'h'
};

static const struct option setup_options[] = {
	{ "remove", no_argument, NULL, OPT_REMOVE },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "writable", no_argument, NULL, OPT_WRITABLE },
	{ "default", no_argument, NULL, OPT_DEFAULT },
	{ "host-root", required_argument, NULL, OPT_HOST_ROOT },
	{ "mount-table", required_argument, NULL, OPT_MOUNT_TABLE },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

/*
 * The options among argc words; getopt_long() puts MEDIUM at optind. 1:
 * the help asked for.
 */
static int parse_options(int argc, char **argv, struct setup_opts *o)
{
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", setup_options, NULL)) != -1) {
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
		case OPT_HELP:
			return 1;
		default:
			return -1;
		}
	}
	return 0;
}

/*
 * Before "--": options in any order and MEDIUM; after it, the boot
 * options, which getopt_long() never sees. 0, 1 for the help, or a usage
 * error.
 */
static int parse(int argc, char **argv, struct setup_opts *o)
{
	int ends = command_options_end(argc, argv);
	int ret = parse_options(ends, argv, o);

	if (ret)
		return ret < 0 ? bad_usage(setup_usage) : ret;
	if (optind < ends)
		o->medium = argv[optind++];
	if (optind < ends)
		return bad_usage(
			"setup takes one MEDIUM, then -- BOOT OPTIONS");
	if (ends < argc)
		ends++;
	o->options = argv + ends;
	o->noptions = (size_t)(argc - ends);
	if (o->medium && !*o->medium)
		return bad_usage("MEDIUM needs a file name");
	if (o->remove && (o->writable || o->permanent || o->noptions))
		return bad_usage(
			"setup --remove takes only --dry-run and MEDIUM");
	if (!o->remove && !o->medium)
		return bad_usage(setup_usage);
	for (size_t k = 0; k < o->noptions; k++)
		if (menu_check_option(o->options[k]) < 0)
			return bad_usage(error_text());
	return 0;
}

static int setup_main(int argc, char **argv)
{
	struct setup_opts o = { .host_root = "" };
	struct setup_state st;
	int ret = parse(argc, argv, &o);

	if (ret == 1) {
		command_help(&cmd_setup, stdout);
		return 0;
	}
	if (ret)
		return ret;
	ret = state_open(&st, &o);
	if (!ret)
		ret = o.remove ? setup_remove(&st) : setup_add(&st);
	if (ret)
		command_failed();
	state_close(&st);
	return ret ? EXIT_FAILURE : 0;
}

const struct command cmd_setup = {
	.name = "setup",
	.synopsis =
		"minirt-virtio setup [--dry-run] [--writable] [--default] MEDIUM\n"
		"                    [-- BOOT OPTIONS...]\n"
		"minirt-virtio setup --remove [--dry-run] [MEDIUM]\n",
	.help = "setup (as root): boot KNOPPIX once from this host's GRUB. MEDIUM is\n"
		"  KNOPPIX's ISO file (booted in place; the minirt is written beside it)\n"
		"  or a directory of its files (minirt.gz rebuilt in place, the original\n"
		"  kept as minirt.gz.orig), on a plain partition. Adds the driver of\n"
		"  MEDIUM's filesystem, writes /etc/grub.d/42_minirt-virtio and runs\n"
		"  update-grub (GRUB legacy: a block in menu.lst), and makes the next boot\n"
		"  only take KNOPPIX, with forensic (partitions mounted read-only).\n"
		"      --writable         no forensic on the kernel line\n"
		"      --default          KNOPPIX on every boot, not the next one only\n"
		"      --dry-run          say what would be done; change nothing\n"
		"      --remove           take away all that setup wrote\n",
	.run = setup_main,
};
