// SPDX-License-Identifier: MIT
/*
 * setup: check everything first, build the minirt in memory, work out the
 * entries; then write the minirt, the generator (or menu.lst's block),
 * regenerate grub.cfg and set the one-time entry, each step undone again
 * if a later one fails.
 */
#include "atomic.h"
#include "error.h"
#include "file.h"
#include "state.h"
#include "build/build.h"
#include "build/output.h"
#include "grub/bootentry.h"
#include "initramfs/ourfiles.h"
#include "medium/medium.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define FS_DRIVERS_MAX 8

struct adding {
	struct setup_state *st;
	const struct setup_opts *o;
	struct partition part; /* where the medium is */
	bool iso;
	char minirt[PATH_MAX]; /* the minirt written */
	bool minirt_existed; /* ISO: an earlier setup's minirt beside it */
	const char *fs_drivers[FS_DRIVERS_MAX];
	size_t nfs_drivers;
	struct build_opts bo;
	struct build build;
	struct menu menu;
	struct setup_record rec;
	struct buf entries, config; /* the generator, or menu.lst */
	char title[MENU_TITLE_MAX]; /* the entry booted */
	/* done so far, to undo */
	bool built, config_written, env_set;
};

/* Nothing in these paths that a GRUB file or its shell would misread. */
static int check_plain_path(const char *path)
{
	for (const char *p = path; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f ||
		    strchr("\"'\\$`", *p))
			return error_set(
				"%s: a space, quote or control byte in the path, which GRUB's configuration cannot carry; rename it",
				path);
	return 0;
}

static bool exists(const char *dir, const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	return (size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) <
		       sizeof(path) &&
	       stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The ISO file, or KNOPPIX's files side by side (/boot/KNOPPIX). */
static int check_medium(struct adding *a)
{
	const char *m = a->o->medium;
	struct stat st;

	if (stat(m, &st) < 0)
		return error_set("%s: %s", m, strerror(errno));
	if (S_ISREG(st.st_mode) && medium_is_iso(m)) {
		a->iso = true;
		return 0;
	}
	if (!S_ISDIR(st.st_mode))
		return error_set(
			"%s: not a KNOPPIX medium: neither an ISO file nor a directory of its files",
			m);
	if (!exists(m, "minirt.gz") || !exists(m, "KNOPPIX") ||
	    (!exists(m, "linux64") && !exists(m, "linux")))
		return error_set(
			"%s: not a KNOPPIX medium: no minirt.gz, KNOPPIX and linux64 or linux side by side in it (as /boot/KNOPPIX holds them)",
			m);
	return 0;
}

/*
 * GRUB forgets a one-time entry by writing grubenv (GRUB legacy: its
 * default file) at boot, in place: only on a plain partition, and not on
 * btrfs or ZFS, whose checksums forbid it. Else KNOPPIX boots every time.
 */
static int check_grub_writes(struct adding *a)
{
	const struct grub_host *g = &a->st->grub;
	char dir[PATH_MAX];
	struct partition p;
	const char *file = g->kind == GRUB_2 ? g->env : g->menu;

	if (a->o->permanent)
		return 0;
	snprintf(dir, sizeof(dir), "%s", file);
	if (partition_locate(&a->st->env, dirname(dir), &p) < 0)
		return error_prefix(
			"GRUB cannot write beside %s at boot, so it cannot boot KNOPPIX only once (--default boots it every time)",
			file);
	if (!strcmp(p.mount.fstype, "btrfs") || !strcmp(p.mount.fstype, "zfs"))
		return error_set(
			"GRUB cannot write beside %s at boot (on %s), so it cannot boot KNOPPIX only once (--default boots it every time)",
			file, p.mount.fstype);
	return 0;
}

/* The filesystem's driver (and the ISO's) for KNOPPIX's init to mount. */
static void pick_fs_drivers(struct adding *a)
{
	const char *fs = a->part.mount.fstype;

	if (!strcmp(fs, "iso9660"))
		fs = "isofs";
	a->fs_drivers[a->nfs_drivers++] = fs;
	if (!strcmp(fs, "vfat")) { /* its default codepage and charset */
		a->fs_drivers[a->nfs_drivers++] = "nls_cp437";
		a->fs_drivers[a->nfs_drivers++] = "nls_iso8859_1";
	}
	if (a->iso) {
		a->fs_drivers[a->nfs_drivers++] = "loop";
		if (strcmp(fs, "isofs"))
			a->fs_drivers[a->nfs_drivers++] = "isofs";
	}
}

/* "/root/KNOPPIX.iso" -> "/root/KNOPPIX.minirt.gz". */
static int minirt_beside_iso(struct adding *a)
{
	const char *real = a->part.real;
	size_t len = strlen(real);

	if (len > 4 && !strcasecmp(real + len - 4, ".iso"))
		len -= 4;
	if ((size_t)snprintf(a->minirt, sizeof(a->minirt), "%.*s.minirt.gz",
			     (int)len, real) >= sizeof(a->minirt))
		return error_set("%s: the path is too long", real);
	return 0;
}

/*
 * Beside the ISO, only the minirt an earlier setup of this ISO wrote may
 * be replaced: anything else there is the user's, whatever made it.
 */
static int check_minirt_beside(struct adding *a)
{
	const struct setup_state *st = a->st;

	if (access(a->minirt, F_OK) < 0)
		return 0;
	if (!st->has_old || strcmp(st->old.minirt, a->minirt))
		return error_set(
			"%s is there already; move it aside (setup writes its minirt there, and --remove removes it)",
			a->minirt);
	a->minirt_existed = true;
	return 0;
}

/*
 * GRUB reads btrfs from its top subvolume, KNOPPIX's init mounts the
 * default one: their paths agree only by chance.
 */
static int check_not_subvolume(const struct adding *a)
{
	const struct mount_info *m = &a->part.mount;

	if (strcmp(m->fstype, "btrfs") || !strcmp(m->root, "/"))
		return 0;
	return error_set(
		"%s is on the btrfs subvolume %s of %s, where GRUB and KNOPPIX's init may not see the same paths; put it on a partition such as /boot",
		a->o->medium, m->root, m->source);
}

static int locate_medium(struct adding *a)
{
	if (check_medium(a) < 0 ||
	    bootentry_locate(&a->st->env, a->o->medium, &a->part) < 0 ||
	    check_not_subvolume(a) < 0 || check_plain_path(a->part.real) < 0)
		return -1;
	if (a->iso && a->st->grub.kind == GRUB_LEGACY)
		return error_set(
			"%s: GRUB legacy cannot read a kernel out of an ISO file; copy KNOPPIX's files to a directory such as /boot/KNOPPIX (README) and run setup on it",
			a->o->medium);
	if (a->iso)
		return minirt_beside_iso(a) < 0 ? -1 : check_minirt_beside(a);
	if (strlen(a->part.real) + sizeof("/minirt.gz") > sizeof(a->minirt))
		return error_set("%s: the path is too long", a->part.real);
	strcpy(a->minirt, a->part.real);
	strcat(a->minirt, "/minirt.gz");
	return 0;
}

static int build(struct adding *a)
{
	pick_fs_drivers(a);
	a->bo = (struct build_opts){ .medium = a->o->medium,
				     .output = a->minirt,
				     .fs_drivers = a->fs_drivers,
				     .nfs_drivers = a->nfs_drivers,
				     .layout = LAYOUT_MERGE,
				     .patch_init = true,
				     .force = a->minirt_existed,
				     .undoable = true };
	return build_prepare(&a->build, &a->bo);
}

/* "ISO:/boot/isolinux/linux64" -> "/boot/isolinux/linux64"; "linux64". */
static void kernel_where(const struct adding *a, const struct kernel *k,
			 struct menu_kernel *mk)
{
	const char *label = k->label, *name = strrchr(label, '/');
	const struct modset *set;

	name = name ? name + 1 : label;
	if (a->iso)
		snprintf(mk->path, sizeof(mk->path), "%s",
			 label + strlen(a->o->medium) + 1);
	else
		snprintf(mk->path, sizeof(mk->path), "%s", name);
	bootentry_take_kernel(mk, name, k);
	set = served_modules(&a->build.served, k->release);
	mk->no_serial = set && !set->serial_builtin;
}

/* Can this machine run a 64-bit kernel? Its CPU's "lm" flag says. */
static bool long_mode(void)
{
	struct buf text = { 0 };
	bool lm = true;

	if (read_text_max("/proc/cpuinfo", (size_t)4 << 20, &text) == 0 &&
	    buf_add(&text, "", 1) == 0)
		lm = strstr((char *)text.data, " lm ") ||
		     strstr((char *)text.data, " lm\n");
	error_clear();
	buf_free(&text);
	return lm;
}

/* The medium's kernels, the one this machine can run best first. */
static int take_kernels(struct adding *a)
{
	const struct medium *m = &a->build.in.medium;
	struct menu *menu = &a->menu;

	for (size_t i = 0; i < m->nkernels && menu->n < MENU_KERNELS; i++)
		kernel_where(a, &m->kernels[i], &menu->k[menu->n++]);
	/* linux64 before linux: the names say what the headers may not. */
	if (menu->n == 2 && !strcmp(menu->k[1].name, "linux64")) {
		struct menu_kernel first = menu->k[0];

		menu->k[0] = menu->k[1];
		menu->k[1] = first;
	}
	bootentry_order_kernels(menu);
	if (menu->n == 2 && !long_mode()) {
		struct menu_kernel first = menu->k[0];

		menu->k[0] = menu->k[1];
		menu->k[1] = first;
	}
	menu_title(&menu->k[0], true, a->title, sizeof(a->title));
	return 0;
}

/* The ISO's minirt beside it: its path inside the same filesystem. */
static int minirt_inner(struct adding *a)
{
	if (mount_inner_path(&a->part.mount, a->minirt, a->menu.minirt_inner,
			     sizeof(a->menu.minirt_inner)) < 0)
		return error_prefix("%s", a->minirt);
	return 0;
}

static enum minirt_how how_written(const struct adding *a)
{
	const struct output *out = &a->build.output;

	if (a->iso)
		return MINIRT_NEW;
	return out->orig_state == ORIG_THERE ? MINIRT_ORIG_KEPT :
					       MINIRT_ORIG_MADE;
}

static void fill_record(struct adding *a)
{
	const struct setup_state *st = a->st;
	struct setup_record *r = &a->rec;

	snprintf(r->medium, sizeof(r->medium), "%s", a->part.real);
	snprintf(r->minirt, sizeof(r->minirt), "%s", a->minirt);
	r->how = how_written(a);
	/* Setup again: what was there before the first one still counts (the
	 * .orig it made, the file it made beside the ISO). */
	if (st->has_old && !strcmp(st->old.minirt, r->minirt))
		r->how = st->old.how;
	r->permanent = a->o->permanent;
	snprintf(r->once, sizeof(r->once), "%s", a->title);
}

static int grub2_config(struct adding *a)
{
	const char *files[MENU_KERNELS + 3];
	char paths[MENU_KERNELS + 1][PATH_MAX];
	size_t n = 0;

	files[n++] = a->iso ? a->part.real : a->minirt;
	if (a->iso)
		files[n++] = a->minirt;
	for (size_t i = 0; !a->iso && i < a->menu.n; i++) {
		if ((size_t)snprintf(paths[i], sizeof(paths[i]), "%s/%s",
				     a->part.real,
				     a->menu.k[i].path) >= sizeof(paths[i]))
			return error_set("%s: the path is too long",
					 a->part.real);
		files[n++] = paths[i];
	}
	if (menu_write(&a->menu, &a->entries) < 0)
		return -1;
	generator_write(&a->rec, files, n, &a->entries, &a->config);
	return a->config.data ? 0 : error_set("out of memory");
}

/*
 * menu.lst boots its saved entry already: which one, from GRUB's
 * /boot/grub/default (Debian's and upstream's, with grub-set-default), to
 * save it again after KNOPPIX. Red Hat's GRUB keeps it in stage2.
 */
static int read_saved_entry(struct adding *a)
{
	if (state_saved_entry(a->st, &a->rec.saved_was) == 0)
		return 0;
	return error_set(
		"it says `default saved`, and this GRUB keeps its saved entry where setup cannot read it, so setup could not boot that entry again after KNOPPIX; make the default line name the entry (default 0), then run setup again");
}

/* menu.lst without an earlier setup's block, then with this one's. */
static int legacy_config(struct adding *a)
{
	const struct saved *menu = &a->st->config;
	struct buf base = { 0 };
	bool kept;
	int ret = 0;

	if (a->st->has_old)
		ret = legacy_remove((const char *)menu->bytes.data,
				    menu->bytes.len, &a->st->old, &base, &kept);
	else
		ret = buf_add(&base, menu->bytes.data, menu->bytes.len);
	if (!ret)
		ret = legacy_place((const char *)base.data, base.len, &a->rec);
	if (!ret && legacy_boots_saved(&a->rec))
		ret = read_saved_entry(a);
	a->menu.save_default = !a->o->permanent;
	a->menu.saved_default = a->rec.saved_was;
	if (!ret)
		ret = menu_write(&a->menu, &a->entries);
	if (!ret)
		ret = legacy_add((const char *)base.data, base.len, &a->rec,
				 &a->entries, &a->config);
	buf_free(&base);
	return ret < 0 ? error_prefix("%s", menu->path) : 0;
}

static int write_entries(struct adding *a)
{
	struct menu *m = &a->menu;

	m->part = a->part;
	m->iso = a->iso;
	m->options = a->o->options;
	m->noptions = a->o->noptions;
	m->forensic = !a->o->writable;
	m->grub_legacy = a->st->grub.kind == GRUB_LEGACY;
	m->by = "setup";
	m->tagged = true;
	if (take_kernels(a) < 0 || (a->iso && minirt_inner(a) < 0))
		return -1;
	fill_record(a);
	return a->st->grub.kind == GRUB_2 ? grub2_config(a) : legacy_config(a);
}

/* Setup again for the same medium replaces it; another one must go first. */
static int check_old(struct adding *a)
{
	const struct setup_state *st = a->st;

	if (st->has_old && strcmp(st->old.medium, a->part.real))
		return error_set(
			"set up already for %s; run minirt-virtio setup --remove first",
			st->old.medium);
	return 0;
}

/*
 * The kernel booted must have every driver the init needs: one that its
 * modules.builtin does not list and KNOPPIX has no module for means the
 * init can only stop at "Could not mount disk to /mnt-system.".
 */
static int check_drivers(const struct adding *a)
{
	const struct menu_kernel *k = &a->menu.k[0];
	const struct modset *set = served_modules(&a->build.served, k->release);

	if (!set || !set->knows_builtin)
		return 0;
	for (size_t d = 0; d < a->nfs_drivers; d++)
		if (name_list_has(set->missing, set->nmissing,
				  a->fs_drivers[d]))
			return error_set(
				"KNOPPIX's kernel %s (%s) has no %s, neither as a module nor built in: its init could not mount /dev/%s",
				k->release, k->name, a->fs_drivers[d],
				a->part.dev);
	return 0;
}

static int prepare(struct adding *a)
{
	if (locate_medium(a) < 0 || check_old(a) < 0 ||
	    check_grub_writes(a) < 0 || build(a) < 0 || write_entries(a) < 0 ||
	    check_drivers(a) < 0)
		return -1;
	return 0;
}

/* How often text holds what. */
static size_t occurrences(const char *text, const char *what)
{
	size_t n = 0;

	for (const char *p = text; (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}

/*
 * grub.cfg, as made again, must hold the entry booted once, once: GRUB
 * boots the first entry of that title.
 */
static int check_cfg_has_entry(const struct adding *a)
{
	const struct grub_host *g = &a->st->grub;
	char want[MENU_TITLE_MAX + 16];
	struct buf cfg = { 0 };
	size_t n;

	if (read_text_max(g->cfg, (size_t)16 << 20, &cfg) < 0 ||
	    buf_add(&cfg, "", 1) < 0) {
		buf_free(&cfg);
		return -1;
	}
	snprintf(want, sizeof(want), "menuentry '%s'", a->title);
	n = occurrences((char *)cfg.data, want);
	buf_free(&cfg);
	if (!n)
		return error_set(
			"%s ran, but %s has no entry '%s': does this host's GRUB run %s?",
			g->mkconfig, g->cfg, a->title, g->generator);
	if (n > 1)
		return error_set(
			"%s has %zu entries '%s', and GRUB would boot the first; remove the others (from /etc/grub.d/40_custom?)",
			g->cfg, n, a->title);
	return 0;
}

static int set_once_grub2(struct adding *a)
{
	char value[MENU_TITLE_MAX + 16];
	char *argv[] = { a->st->grub.editenv, a->st->grub.env, "set", value,
			 NULL };

	if (saved_take(&a->st->env_file, a->st->grub.env) < 0)
		return -1;
	snprintf(value, sizeof(value), "next_entry=%s", a->title);
	a->env_set = true;
	return state_run(argv, NULL);
}

/*
 * The generator first, with its record, but not executable yet (so that
 * grub-mkconfig skips it): a setup killed at any later moment leaves what
 * --remove needs to take everything away.
 */
static int write_grub2(struct adding *a)
{
	struct setup_state *st = a->st;
	const char *gen = st->grub.generator;

	if (saved_take(&st->cfg, st->grub.cfg) < 0)
		return -1;
	a->config_written = true;
	if (atomic_replace(gen, &a->config, 0644) < 0)
		return -1;
	if (chmod(gen, 0644) < 0)
		return error_set("cannot write %s: %s", gen, strerror(errno));
	if (build_commit(&a->build) < 0)
		return -1;
	a->built = true;
	if (chmod(gen, 0755) < 0)
		return error_set("cannot make %s executable: %s", gen,
				 strerror(errno));
	if (state_regenerate(st) < 0 || check_cfg_has_entry(a) < 0)
		return -1;
	return a->o->permanent ? 0 : set_once_grub2(a);
}

/* Where GRUB legacy keeps its saved entry, to put back if need be. */
static int write_legacy(struct adding *a)
{
	struct setup_state *st = a->st;
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/boot/grub/default", a->o->host_root);
	if (saved_take(&st->env_file, path) < 0 || build_commit(&a->build) < 0)
		return -1;
	a->built = true;
	a->config_written = true;
	if (atomic_replace(st->grub.menu, &a->config, 0644) < 0)
		return -1;
	a->env_set = true;
	return state_legacy_default(st, a->rec.entry, !a->o->permanent);
}

/* Everything written so far, back as it was; the first failure said. */
static void undo(struct adding *a)
{
	struct setup_state *st = a->st;
	const char *failed = NULL;
	char first[1024];

	snprintf(first, sizeof(first), "%s", error_text());
	if (a->env_set && saved_restore(&st->env_file) < 0)
		failed = st->env_file.path;
	if (a->config_written && saved_restore(&st->config) < 0)
		failed = st->config.path;
	if (a->config_written && st->grub.kind == GRUB_2 &&
	    saved_restore(&st->cfg) < 0)
		failed = st->cfg.path;
	if (a->built && build_undo(&a->build) < 0)
		failed = a->minirt;
	if (failed)
		error_set("%s; and %s could not be put back as it was: %s",
			  first, failed, error_text());
	else
		error_set("%s; nothing was changed", first);
}

static int commit(struct adding *a)
{
	sigset_t was;
	int ret;

	state_hold_signals(&was);
	ret = a->st->grub.kind == GRUB_2 ? write_grub2(a) : write_legacy(a);
	if (ret < 0)
		undo(a);
	sigprocmask(SIG_SETMASK, &was, NULL);
	return ret;
}

static const char *how_text(enum minirt_how how)
{
	switch (how) {
	case MINIRT_NEW:
		return "new, beside the ISO";
	case MINIRT_ORIG_MADE:
		return "in place; the original is kept as minirt.gz.orig";
	case MINIRT_ORIG_KEPT:
		return "in place; the original minirt.gz.orig stays";
	}
	return "";
}

static bool is_fs_driver(const struct adding *a, const char *name)
{
	for (size_t i = 0; i < a->nfs_drivers; i++)
		if (!strcmp(a->fs_drivers[i], name))
			return true;
	return false;
}

/* What became of driver d in one kernel's set. */
static const char *driver_fate(const struct modset *set, const char *d)
{
	if (name_list_has(set->in_minirt, set->nin_minirt, d))
		return "in the minirt's /modules already";
	if (name_list_has(set->builtin, set->nbuiltin, d))
		return "built in";
	if (!name_list_has(set->missing, set->nmissing, d))
		return "added";
	return set->knows_builtin ?
		       "NOT FOUND: neither a module nor built in" :
		       "not a module: built in, then (no modules.builtin to say)";
}

/* One kernel's filesystem drivers: added, built in, there already. */
static void say_set_drivers(const struct adding *a, const struct modset *set)
{
	const char *sep = "";

	printf("  %s:", set->release);
	for (size_t i = 0; i < a->nfs_drivers; i++) {
		printf("%s %s %s", sep, a->fs_drivers[i],
		       driver_fate(set, a->fs_drivers[i]));
		sep = ",";
	}
	/* The default drivers a kernel lacks (nvme before Linux 3.3). */
	sep = "; not in KNOPPIX, left out:";
	for (size_t i = 0; i < set->nmissing; i++) {
		if (is_fs_driver(a, set->missing[i]))
			continue;
		printf("%s %s", sep, set->missing[i]);
		sep = ",";
	}
	printf("\n");
}

static void say_what(const struct adding *a, bool done)
{
	const struct grub_host *g = &a->st->grub;

	printf("minirt-virtio setup: KNOPPIX from %s (%s), on /dev/%s (%s)\n",
	       a->part.real,
	       a->iso ? "its ISO, booted in place" : "its files, flat",
	       a->part.dev, a->part.mount.fstype);
	printf("minirt: %s%s (%s), %zu bytes, for %zu kernel%s\n",
	       done ? "wrote " : "would write ", a->minirt,
	       how_text(a->rec.how), a->build.out.len, a->build.served.nsets,
	       a->build.served.nsets == 1 ? "" : "s");
	printf("drivers for KNOPPIX's init to mount /dev/%s%s:\n", a->part.dev,
	       a->iso ? " and the ISO" : "");
	for (size_t i = 0; i < a->build.served.nsets; i++)
		say_set_drivers(a, &a->build.served.sets[i]);
	if (g->kind == GRUB_2)
		printf("GRUB 2: %s%s (%zu entries, kept by every later update-grub), then %s%s\n",
		       done ? "wrote " : "would write ", g->generator,
		       a->menu.n, done ? "ran " : "would run ", g->mkconfig);
	else
		printf("GRUB legacy: %sa block at the end of %s (%zu entries, from entry %u), and its default line set to `default saved`\n",
		       done ? "wrote " : "would write ", g->menu, a->menu.n,
		       a->rec.entry);
	if (a->o->permanent)
		printf("every boot: '%s' %sthe default (--default)\n", a->title,
		       done ? "is " : "would be ");
	else
		printf("once: the next boot only %s '%s'; the one after, or a reset from the provider's panel, is this system again\n",
		       done ? "takes" : "would take", a->title);
	if (a->o->writable)
		printf("writable: no forensic on the kernel line, so KNOPPIX mounts partitions read-write (a dd image taken then is of a mounted filesystem)\n");
	else
		printf("read-only: forensic on the kernel line, so KNOPPIX mounts every partition read-only and a dd image of the disk is consistent (--writable leaves it out)\n");
	menu_say_consoles(&a->menu, stdout, "");
	printf("undo: minirt-virtio setup --remove\n");
}

int setup_add(struct setup_state *st)
{
	struct adding a = { .st = st, .o = st->o };
	int ret = prepare(&a);

	if (!ret && st->o->dry_run) {
		say_what(&a, false);
		printf("--dry-run: nothing was changed; %s would hold:\n%.*s",
		       st->grub.kind == GRUB_2 ? st->grub.generator :
						 st->grub.menu,
		       (int)a.config.len, (char *)a.config.data);
	} else if (!ret) {
		ret = commit(&a);
		if (!ret)
			say_what(&a, true);
	}
	build_free(&a.build);
	buf_free(&a.entries);
	buf_free(&a.config);
	return ret;
}
