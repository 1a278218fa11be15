// SPDX-License-Identifier: MIT
/*
 * The host's GRUB as setup and setup --remove find it, files kept to be
 * put back, GRUB's tools run (state.h).
 */
#include "state.h"
#include "atomic.h"
#include "error.h"
#include "file.h"
#include "build/output.h"
#include "grub/runcmd.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CONFIG_MAX ((size_t)16 << 20) /* grub.cfg, menu.lst: a few KiB */

int saved_take(struct saved *s, const char *path)
{
	char real[PATH_MAX];
	struct stat st;
	uint8_t *bytes;
	size_t len;

	saved_free(s);
	if (!realpath(path, real))
		snprintf(real, sizeof(real), "%s", path); /* not there yet */
	if ((size_t)snprintf(s->path, sizeof(s->path), "%s", real) >=
	    sizeof(s->path))
		return error_set("%s: the path is too long", path);
	if (stat(real, &st) < 0 && errno == ENOENT)
		return 0;
	if (read_file_max(real, CONFIG_MAX, &bytes, &len) < 0)
		return error_prefix("%s", path);
	s->existed = true;
	s->mode = st.st_mode & 07777;
	s->bytes = (struct buf){ bytes, len, len };
	return 0;
}

static bool unchanged(const struct saved *s)
{
	uint8_t *now;
	size_t len;
	bool same;

	if (read_file_max(s->path, CONFIG_MAX, &now, &len) < 0) {
		error_clear();
		return false;
	}
	same = len == s->bytes.len && !memcmp(now, s->bytes.data, len);
	free(now);
	return same;
}

int saved_restore(const struct saved *s)
{
	struct stat st;

	if (!s->path[0])
		return 0;
	if (!s->existed) {
		if (unlink(s->path) < 0 && errno != ENOENT)
			return error_set("cannot remove %s: %s", s->path,
					 strerror(errno));
		return 0;
	}
	if (!unchanged(s) && atomic_replace(s->path, &s->bytes, s->mode) < 0)
		return -1;
	if (stat(s->path, &st) == 0 && (st.st_mode & 07777) != s->mode &&
	    chmod(s->path, s->mode) < 0)
		return error_set("cannot give %s its mode back: %s", s->path,
				 strerror(errno));
	return 0;
}

void saved_free(struct saved *s)
{
	buf_free(&s->bytes);
	memset(s, 0, sizeof(*s));
}

/* A tool's output: its last line, and whether it says "Error". */
static int run_and_check(char *const argv[], const char *input, bool says_error)
{
	struct buf out = { 0 };
	char last[256];
	int status = run_command(argv, input, &out);
	bool error = says_error && buf_add(&out, "", 1) == 0 &&
		     strstr((char *)out.data, "Error");

	run_last_line(&out, last, sizeof(last));
	buf_free(&out);
	if (status < 0)
		return -1;
	if (status || error)
		return error_set("%s failed (exit %d)%s%s", argv[0], status,
				 last[0] ? ": " : "", last);
	return 0;
}

int state_run(char *const argv[], const char *input)
{
	return run_and_check(argv, input, false);
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

		/* Its batch mode exits 0 whatever a command said. */
		return run_and_check(argv, script, true);
	}
}

void state_hold_signals(sigset_t *was)
{
	sigset_t stop;

	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	sigaddset(&stop, SIGQUIT);
	sigprocmask(SIG_BLOCK, &stop, was);
}

int state_saved_entry(const struct setup_state *st, unsigned *entry)
{
	char path[PATH_MAX];
	struct buf text = { 0 };
	int ret = -1;

	snprintf(path, sizeof(path), "%s/boot/grub/default", st->o->host_root);
	*entry = 0;
	if (st->grub.set_default[0] && read_text_max(path, 4096, &text) == 0) {
		for (size_t i = 0; i < text.len && text.data[i] >= '0' &&
				   text.data[i] <= '9' && *entry < 100000;
		     i++)
			*entry = *entry * 10 + (unsigned)(text.data[i] - '0');
		ret = 0;
	}
	error_clear();
	buf_free(&text);
	return ret;
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
