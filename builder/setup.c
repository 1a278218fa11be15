// SPDX-License-Identifier: MIT
#include "setupstate.h"
#include "archive.h"
#include "menu.h"
#include "output.h"
#include "runcmd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CONFIG_MAX ((size_t)16 << 20) /* grub.cfg, menu.lst: a few KiB */

int saved_take(struct saved *s, const char *path)
{
	uint8_t *bytes;
	size_t len;

	saved_free(s);
	if ((size_t)snprintf(s->path, sizeof(s->path), "%s", path) >=
	    sizeof(s->path))
		return error_set("%s: the path is too long", path);
	if (access(path, F_OK) < 0 && errno == ENOENT)
		return 0;
	if (read_file_max(path, CONFIG_MAX, &bytes, &len) < 0)
		return error_prefix("%s", path);
	s->existed = true;
	s->bytes = (struct buf){ bytes, len, len };
	return 0;
}

int saved_restore(const struct saved *s)
{
	uint8_t *now;
	size_t len;

	if (!s->path[0])
		return 0;
	if (!s->existed) {
		if (unlink(s->path) < 0 && errno != ENOENT)
			return error_set("cannot remove %s: %s", s->path,
					 strerror(errno));
		return 0;
	}
	if (read_file_max(s->path, CONFIG_MAX, &now, &len) == 0) {
		bool same = len == s->bytes.len &&
			    !memcmp(now, s->bytes.data, len);

		free(now);
		if (same)
			return 0;
	}
	error_clear();
	return output_replace(s->path, &s->bytes, 0644);
}

void saved_free(struct saved *s)
{
	buf_free(&s->bytes);
	memset(s, 0, sizeof(*s));
}

int state_run(char *const argv[], const char *input)
{
	struct buf out = { 0 };
	char last[256];
	int status = run_command(argv, input, &out);

	run_last_line(&out, last, sizeof(last));
	buf_free(&out);
	if (status < 0)
		return -1;
	if (status)
		return error_set("%s failed (exit %d)%s%s", argv[0], status,
				 last[0] ? ": " : "", last);
	return 0;
}

int state_regenerate(const struct setup_state *st)
{
	char *argv[] = { (char *)st->grub.mkconfig, "-o", (char *)st->grub.cfg,
			 NULL };

	if (!st->grub.takes_output)
		argv[1] = NULL;
	return state_run(argv, NULL);
}

int state_legacy_default(const struct setup_state *st, unsigned entry,
			 bool once)
{
	char number[16], root_arg[PATH_MAX + 32], script[64];

	snprintf(number, sizeof(number), "%u", entry);
	if (st->grub.set_default[0]) {
		/* GRUB's own /boot/grub/default: N, or N and the one after. */
		char *argv[] = { (char *)st->grub.set_default, root_arg, number,
				 NULL };

		snprintf(root_arg, sizeof(root_arg), "--root-directory=%s/",
			 st->o->host_root);
		return state_run(argv, NULL);
	}
	/* Red Hat's GRUB keeps it in stage2, through its shell. */
	snprintf(script, sizeof(script), "savedefault --default=%u%s\nquit\n",
		 entry, once ? " --once" : "");
	{
		char *argv[] = { (char *)st->grub.shell, "--batch",
				 "--no-floppy", NULL };

		return state_run(argv, script);
	}
}

static int read_old_record(struct setup_state *st)
{
	const struct saved *c = &st->config;
	size_t start = 0, end = c->bytes.len;
	int ret;

	if (!c->existed)
		return 0;
	if (st->grub.kind == GRUB_LEGACY) {
		ret = legacy_find_block((const char *)c->bytes.data,
					c->bytes.len, &start, &end);
		if (ret)
			return ret < 0 ? error_prefix("%s", c->path) : 0;
	}
	ret = record_parse((const char *)c->bytes.data + start, end - start,
			   &st->old);
	if (ret < 0)
		return error_prefix("%s", c->path);
	st->has_old = ret == 0;
	return 0;
}

int state_open(struct setup_state *st, const struct setup_opts *o)
{
	const char *table_name;

	memset(st, 0, sizeof(*st));
	st->o = o;
	if (geteuid() != 0)
		return error_set(
			"setup writes GRUB's configuration: run it as root");
	if (grub_host_find(&st->grub, o->host_root) < 0 ||
	    mount_table_read(o->mount_table, &st->table, &table_name) < 0)
		return -1;
	st->env = (struct partition_env){ (const char *)st->table.data,
					  st->table.len, table_name, "/dev",
					  "/sys/block" };
	if (saved_take(&st->config, st->grub.kind == GRUB_2 ?
					    st->grub.generator :
					    st->grub.menu) < 0)
		return -1;
	return read_old_record(st);
}

void state_close(struct setup_state *st)
{
	buf_free(&st->table);
	saved_free(&st->cfg);
	saved_free(&st->config);
	saved_free(&st->env_file);
}

static const char setup_usage[] =
	"setup takes MEDIUM (a KNOPPIX ISO file or a directory of its files), [-- BOOT OPTIONS]";

/* The options before MEDIUM; *i: the first word not an option. */
static int parse_options(int argc, char **argv, int *i, struct setup_opts *o)
{
	for (*i = 1; *i < argc && argv[*i][0] == '-'; (*i)++) {
		const char *a = argv[*i];

		if (!strcmp(a, "--"))
			break;
		if (!strcmp(a, "--remove"))
			o->remove = true;
		else if (!strcmp(a, "--dry-run"))
			o->dry_run = true;
		else if (!strcmp(a, "--writable"))
			o->writable = true;
		else if (!strcmp(a, "--default"))
			o->permanent = true;
		else if (!strcmp(a, "--host-root") && *i + 1 < argc)
			o->host_root = argv[++*i];
		else if (!strcmp(a, "--mount-table") && *i + 1 < argc)
			o->mount_table = argv[++*i];
		else
			return -1;
	}
	return 0;
}

static int parse(int argc, char **argv, struct setup_opts *o,
		 int (*usage)(const char *))
{
	int i;

	if (parse_options(argc, argv, &i, o) < 0)
		return usage(setup_usage);
	if (i < argc && strcmp(argv[i], "--"))
		o->medium = argv[i++];
	if (i < argc && strcmp(argv[i], "--"))
		return usage("setup takes one MEDIUM");
	if (i < argc)
		i++; /* -- */
	o->options = argv + i;
	o->noptions = (size_t)(argc - i);
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
