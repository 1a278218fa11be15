// SPDX-License-Identifier: MIT
/*
 * setup --remove: exactly what setup wrote goes, as its record says: the
 * generator (grub.cfg made again) or menu.lst's block and default line,
 * the one-time entry if still pending, the minirt it built (the original
 * put back in place). The ISO, KNOPPIX's files and an original minirt stay.
 */
#include "atomic.h"
#include "error.h"
#include "file.h"
#include "state.h"
#include "build/output.h"
#include "grub/runcmd.h"
#include "initramfs/archive.h"
#include "initramfs/ourfiles.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A build of ours: the original it records, or known false. */
static bool ours(const char *path, struct file_id *original)
{
	struct cpio_entry *info;
	struct archive ar;
	char *text;
	bool is_ours = false;

	memset(original, 0, sizeof(*original));
	if (archive_read(&ar, path) == 0 &&
	    (info = archive_find(&ar, ar.nseg, BUILD_INFO, NULL))) {
		is_ours = true;
		text = strndup((const char *)info->data, info->size);
		if (text)
			file_id_read(text, original);
		free(text);
	}
	archive_release(&ar);
	error_clear();
	return is_ours;
}

static bool is_original(const char *path, const struct file_id *want)
{
	struct file_id id;
	uint8_t *bytes;
	size_t len;
	bool same;

	if (read_file_max(path, (size_t)1 << 31, &bytes, &len) < 0) {
		error_clear();
		return false;
	}
	same = file_id_of(bytes, len, &id) == 0 && want->known &&
	       id.size == want->size &&
	       !memcmp(id.hash, want->hash, sizeof(id.hash));
	free(bytes);
	error_clear();
	return same;
}

static void remove_beside(const struct setup_record *r, bool dry)
{
	struct file_id original;

	if (access(r->minirt, F_OK) < 0)
		printf("minirt: %s was gone already\n", r->minirt);
	else if (!ours(r->minirt, &original))
		printf("minirt: %s is not a build of minirt-virtio any more; left as it is\n",
		       r->minirt);
	else if (dry)
		printf("minirt: would remove %s\n", r->minirt);
	else if (unlink(r->minirt) < 0)
		printf("minirt: cannot remove %s: %s\n", r->minirt,
		       strerror(errno));
	else
		printf("minirt: removed %s\n", r->minirt);
}

/* In place: the .orig setup made becomes minirt.gz again. */
static void put_original_back(const struct setup_record *r, bool dry)
{
	char orig[PATH_MAX + 8];
	struct file_id original;

	snprintf(orig, sizeof(orig), "%s.orig", r->minirt);
	if (!ours(r->minirt, &original) || !is_original(orig, &original))
		printf("minirt: %s and %s are not the build and its original any more; left as they are\n",
		       r->minirt, orig);
	else if (dry)
		printf("minirt: would put the original %s back as %s\n", orig,
		       r->minirt);
	else if (rename(orig, r->minirt) < 0)
		printf("minirt: cannot put %s back as %s: %s\n", orig,
		       r->minirt, strerror(errno));
	else
		printf("minirt: the original is %s again (it was kept as %s)\n",
		       r->minirt, orig);
}

static void remove_minirt(const struct setup_record *r, bool dry)
{
	switch (r->how) {
	case MINIRT_NEW:
		remove_beside(r, dry);
		break;
	case MINIRT_ORIG_MADE:
		put_original_back(r, dry);
		break;
	case MINIRT_ORIG_KEPT:
		printf("minirt: %s stays as it is: its original, %s.orig, was kept before setup ran\n",
		       r->minirt, r->minirt);
		break;
	}
}

static void say_header(const struct setup_state *st)
{
	printf("minirt-virtio setup --remove: KNOPPIX from %s\n",
	       st->old.medium);
}

/* Does text hold line (without its '\n') as a line of its own? */
static bool has_line(const char *text, const char *line)
{
	size_t len = strlen(line);

	for (const char *p = text; (p = strstr(p, line)); p++)
		if ((p == text || p[-1] == '\n') && (p[len] == '\n' || !p[len]))
			return true;
	return false;
}

/*
 * grubenv's next_entry, if it still is the entry setup set, or empty as
 * GRUB leaves it once it has booted that entry.
 */
static int clear_once_grub2(const struct setup_state *st, bool *cleared)
{
	const struct grub_host *g = &st->grub;
	char *list[] = { (char *)g->editenv, (char *)g->env, "list", NULL };
	char *unset[] = { (char *)g->editenv, (char *)g->env, "unset",
			  "next_entry", NULL };
	char want[MENU_TITLE_MAX + 16];
	struct buf out = { 0 };
	int status;
	bool pending = false, used = false;

	*cleared = false;
	if (st->old.permanent || access(g->env, F_OK) < 0)
		return 0;
	status = run_command(list, NULL, &out);
	snprintf(want, sizeof(want), "next_entry=%s", st->old.once);
	if (status == 0 && buf_add(&out, "", 1) == 0) {
		pending = has_line((char *)out.data, want);
		used = has_line((char *)out.data, "next_entry=");
	}
	buf_free(&out);
	if (status != 0)
		return status < 0 ? -1 :
				    error_set("%s list failed (exit %d)",
					      g->editenv, status);
	*cleared = pending;
	return pending || used ? state_run(unset, NULL) : 0;
}

/* GRUB 2, each step undone if the regeneration fails. */
static int regenerate_without(struct setup_state *st)
{
	const char *gen = st->grub.generator;
	char first[1024];

	/* Not executable: grub-mkconfig skips it, the record stays. */
	if (chmod(gen, 0644) < 0)
		return error_set("cannot change %s: %s", gen, strerror(errno));
	if (state_regenerate(st) == 0)
		return 0;
	snprintf(first, sizeof(first), "%s", error_text());
	if (saved_restore(&st->config) < 0 || saved_restore(&st->cfg) < 0 ||
	    saved_restore(&st->env_file) < 0)
		return error_set("%s; and it could not be put back: %s", first,
				 error_text());
	return error_set("%s; nothing was changed", first);
}

/*
 * The one-time entry first, so that no boot of KNOPPIX is left armed;
 * the generator, setup's record, last, so that --remove can run again
 * whenever it stopped.
 */
static int remove_grub2(struct setup_state *st)
{
	bool cleared;

	if (saved_take(&st->cfg, st->grub.cfg) < 0 ||
	    saved_take(&st->env_file, st->grub.env) < 0 ||
	    clear_once_grub2(st, &cleared) < 0 || regenerate_without(st) < 0)
		return -1;
	say_header(st);
	if (cleared)
		printf("once: the one-time entry, still pending, is cleared\n");
	printf("GRUB 2: %s made again without the entries\n", st->grub.cfg);
	remove_minirt(&st->old, false);
	if (unlink(st->grub.generator) < 0)
		return error_set("cannot remove %s: %s", st->grub.generator,
				 strerror(errno));
	printf("GRUB 2: removed %s\n", st->grub.generator);
	return 0;
}

/*
 * GRUB legacy's saved entry, where it still is one of ours (Debian's
 * /boot/grub/default says; Red Hat's stage2 keeps it out of reach, so
 * there it is set anyway): the default from before setup again.
 */
static int reset_legacy_default(const struct setup_state *st)
{
	unsigned saved;

	if (state_saved_entry(st, &saved) == 0 && saved < st->old.entry)
		return 0;
	return state_legacy_default(st, st->old.saved_was, false);
}

/* The default first, the block (setup's record) last. */
static int remove_legacy(struct setup_state *st)
{
	const struct saved *menu = &st->config;
	struct buf text = { 0 };
	bool kept;
	int ret = legacy_remove((const char *)menu->bytes.data, menu->bytes.len,
				&st->old, &text, &kept);

	if (!ret)
		ret = reset_legacy_default(st);
	if (!ret) {
		say_header(st);
		remove_minirt(&st->old, false);
	}
	if (!ret)
		ret = atomic_replace(menu->path, &text, menu->mode);
	buf_free(&text);
	if (ret)
		return error_prefix("%s", menu->path);
	printf("GRUB legacy: removed the block from %s%s\n", menu->path,
	       kept ? "; its default line was changed since setup, so it stays" :
		      ", and its default line is as it was");
	return 0;
}

static int check_medium(const struct setup_state *st)
{
	char real[PATH_MAX];

	if (!st->has_old && !st->config.existed)
		return error_set("nothing to remove: there is no %s",
				 st->config.path);
	if (!st->has_old)
		return error_set(
			"nothing to remove: %s holds no setup of minirt-virtio",
			st->config.path);
	if (st->o->medium &&
	    (!realpath(st->o->medium, real) || strcmp(real, st->old.medium)))
		return error_set(
			"set up for %s, not for %s; nothing was changed",
			st->old.medium, st->o->medium);
	return 0;
}

int setup_remove(struct setup_state *st)
{
	sigset_t was;
	int ret;

	if (check_medium(st) < 0)
		return -1;
	if (st->o->dry_run) {
		say_header(st);
		printf("GRUB: would remove what setup wrote to %s\n",
		       st->config.path);
		remove_minirt(&st->old, true);
		printf("--dry-run: nothing was changed\n");
		return 0;
	}
	state_hold_signals(&was);
	ret = st->grub.kind == GRUB_2 ? remove_grub2(st) : remove_legacy(st);
	sigprocmask(SIG_SETMASK, &was, NULL);
	return ret;
}
