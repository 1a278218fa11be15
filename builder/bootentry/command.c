// SPDX-License-Identifier: MIT
/* boot-entry's command line: the entries for a directory, on stdout. */
#include "buf.h"
#include "command.h"
#include "error.h"
#include "grub/bootentry.h"
#include "grub/menu.h"
#include "grub/partition.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char bootentry_usage[] =
	"boot-entry takes --grub-legacy, --mount-table FILE, DIR and -- BOOT OPTIONS";

enum { OPT_GRUB_LEGACY = 256, OPT_MOUNT_TABLE, OPT_HELP = 'h' };

static const struct option bootentry_options[] = {
	{ "grub-legacy", no_argument, NULL, OPT_GRUB_LEGACY },
	{ "mount-table", required_argument, NULL, OPT_MOUNT_TABLE },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

/*
 * Before "--": options in any order and DIR; after it, the boot options.
 * 0, 1 for the help, or a usage error.
 */
static int parse(int argc, char **argv, struct bootentry_opts *o,
		 const char **table_path)
{
	int ends = command_options_end(argc, argv), c;

	optind = 1;
	while ((c = getopt_long(ends, argv, "h", bootentry_options, NULL)) !=
	       -1) {
		if (c == OPT_GRUB_LEGACY)
			o->grub_legacy = true;
		else if (c == OPT_MOUNT_TABLE)
			*table_path = optarg;
		else if (c == OPT_HELP)
			return 1;
		else
			return bad_usage(bootentry_usage);
	}
	if (optind < ends)
		o->dir = argv[optind++];
	if (optind < ends)
		return bad_usage("boot-entry takes one DIR");
	if (!o->dir)
		return bad_usage("boot-entry needs DIR, e.g. /boot/KNOPPIX");
	if (ends < argc)
		ends++;
	o->boot_options = argv + ends;
	o->nboot_options = (size_t)(argc - ends);
	for (size_t k = 0; k < o->nboot_options; k++)
		if (menu_check_option(o->boot_options[k]) < 0)
			return bad_usage(error_text());
	return 0;
}

static int write_stdout(const struct buf *b)
{
	if (fwrite(b->data, 1, b->len, stdout) != b->len || fflush(stdout))
		return error_set("stdout: %s", strerror(errno));
	return 0;
}

static int bootentry_main(int argc, char **argv)
{
	struct bootentry_opts o = { .env = { .dev_dir = "/dev",
					     .sys_block = "/sys/block" } };
	struct buf table = { 0 }, out = { 0 };
	const char *table_path = NULL;
	int ret = parse(argc, argv, &o, &table_path);

	if (ret == 1) {
		command_help(&cmd_bootentry, stdout);
		return 0;
	}
	if (ret)
		return ret;
	ret = mount_table_read(table_path, &table, &o.env.table_name);
	o.env.table = (const char *)table.data;
	o.env.table_len = table.len;
	if (!ret)
		ret = bootentry_write(&o, &out);
	if (!ret)
		ret = write_stdout(&out);
	if (ret)
		command_failed();
	buf_free(&table);
	buf_free(&out);
	return ret ? EXIT_FAILURE : 0;
}

const struct command cmd_bootentry = {
	.name = "boot-entry",
	.synopsis =
		"minirt-virtio boot-entry [--grub-legacy] [--mount-table FILE] DIR\n"
		"                         [-- BOOT OPTIONS...]\n",
	.help = "boot-entry: print GRUB 2 menu entries (menu.lst ones with\n"
		"  --grub-legacy) that boot KNOPPIX from DIR (/boot/KNOPPIX: minirt.gz\n"
		"  built by minirt-virtio, linux64 and/or linux, KNOPPIX). The kernel\n"
		"  line: knoppix_dir= (DIR inside its filesystem), then\n"
		"  console=tty0 console=ttyS0,115200n8 unless BOOT OPTIONS have a\n"
		"  console=, then BOOT OPTIONS (lang=ja, 2 for text mode, ...).\n"
		"      --mount-table FILE read FILE, not /proc/self/mountinfo\n",
	.run = bootentry_main,
};
