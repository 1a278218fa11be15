// SPDX-License-Identifier: MIT
#include "grubhost.h"
#include "buf.h"
#include "error.h"
#include "file.h"
#include "runcmd.h"

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static bool is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int under(char *out, const char *root, const char *path)
{
	if ((size_t)snprintf(out, PATH_MAX, "%s%s", root, path) >= PATH_MAX)
		return error_set("%s%s: the path is too long", root, path);
	return 0;
}

/*
 * Debian's update-grub writes /boot/grub/grub.cfg; elsewhere mkconfig is
 * told the file (Fedora and CentOS: grub2-mkconfig, /boot/grub2 or the
 * ESP's).
 */
static bool find_mkconfig(struct grub_host *h, const char *family, bool efi,
			  bool path_only)
{
	char name[32];

	if (!strcmp(family, "grub") && !efi &&
	    run_find("update-grub", path_only, h->mkconfig,
		     sizeof(h->mkconfig))) {
		h->takes_output = false;
		return true;
	}
	snprintf(name, sizeof(name), "%s-mkconfig", family);
	h->takes_output = true;
	return run_find(name, path_only, h->mkconfig, sizeof(h->mkconfig));
}

/* grub-mkconfig wrote it: not an EFI stub that only loads another. */
static bool made_by_mkconfig(const char *cfg)
{
	struct buf text = { 0 };
	bool made = false;

	if (read_text_max(cfg, (size_t)16 << 20, &text) == 0 &&
	    buf_add(&text, "", 1) == 0)
		made = strstr((char *)text.data, "### BEGIN /etc/grub.d/") !=
		       NULL;
	error_clear();
	buf_free(&text);
	return made;
}

/*
 * GRUB 2 with cfg, the file it boots from; mkconfig of that family, its
 * editenv, grubenv beside cfg. 1 if it is the host's, 0 if not.
 */
static int take_grub2(struct grub_host *h, const char *cfg, const char *family,
		      bool efi, bool path_only)
{
	char name[32], *slash;

	if (!is_file(cfg) || (efi && !made_by_mkconfig(cfg)))
		return 0;
	snprintf(h->cfg, sizeof(h->cfg), "%s", cfg);
	if (!find_mkconfig(h, family, efi, path_only))
		return 0;
	snprintf(name, sizeof(name), "%s-editenv", family);
	if (!run_find(name, path_only, h->editenv, sizeof(h->editenv)))
		return error_set(
			"%s is there, but not %s, which sets GRUB's one-time entry",
			cfg, name);
	snprintf(h->env, sizeof(h->env), "%s", cfg);
	slash = strrchr(h->env, '/');
	if (!slash ||
	    (size_t)(slash - h->env) + sizeof("/grubenv") > sizeof(h->env))
		return error_set("%s: the path is too long", cfg);
	strcpy(slash, "/grubenv");
	h->kind = GRUB_2;
	return 1;
}

/*
 * CentOS 7 and later booted by EFI: grub2-mkconfig writes the ESP's
 * grub.cfg (Debian's ESP holds a stub that reads /boot/grub's).
 */
static int find_efi(struct grub_host *h, const char *root, bool path_only)
{
	char pattern[PATH_MAX];
	glob_t g;
	int found = 0;

	if (under(pattern, root, "/boot/efi/EFI/*/grub.cfg") < 0)
		return -1;
	if (glob(pattern, 0, NULL, &g) != 0)
		return 0;
	for (size_t i = 0; !found && i < g.gl_pathc; i++) {
		found = take_grub2(h, g.gl_pathv[i], "grub2", true, path_only);
		if (!found)
			found = take_grub2(h, g.gl_pathv[i], "grub", true,
					   path_only);
	}
	globfree(&g);
	return found;
}

static int find_grub2(struct grub_host *h, const char *root, bool path_only)
{
	static const char *const families[] = { "grub2", "grub" };
	char cfg[PATH_MAX], path[64], gen_dir[PATH_MAX];
	int found;

	if (under(gen_dir, root, "/etc/grub.d") < 0 ||
	    under(h->generator, root, "/etc/grub.d/" GENERATOR_NAME) < 0)
		return -1;
	if (!is_dir(gen_dir))
		return 0;
	found = find_efi(h, root, path_only);
	for (size_t i = 0; !found && i < 2; i++) {
		snprintf(path, sizeof(path), "/boot/%s/grub.cfg", families[i]);
		if (under(cfg, root, path) < 0)
			return -1;
		found = take_grub2(h, cfg, families[i], false, path_only);
	}
	return found;
}

/* CentOS: grub.conf, with menu.lst a link to it; Debian: menu.lst. */
static int find_legacy(struct grub_host *h, const char *root, bool path_only)
{
	static const char *const names[] = { "/boot/grub/menu.lst",
					     "/boot/grub/grub.conf" };
	char path[PATH_MAX];

	for (size_t i = 0; i < 2; i++) {
		if (under(path, root, names[i]) < 0)
			return -1;
		if (!is_file(path) || !realpath(path, h->menu))
			continue;
		if (!run_find("grub", path_only, h->shell, sizeof(h->shell)))
			return error_set(
				"%s is there, but not the grub shell, which sets GRUB's one-time entry",
				path);
		if (!run_find("grub-set-default", path_only, h->set_default,
			      sizeof(h->set_default)))
			h->set_default[0] = '\0';
		h->kind = GRUB_LEGACY;
		return 1;
	}
	return 0;
}

int grub_host_find(struct grub_host *h, const char *root)
{
	bool path_only = *root != '\0';
	int found;

	memset(h, 0, sizeof(*h));
	found = find_grub2(h, root, path_only);
	if (!found)
		found = find_legacy(h, root, path_only);
	if (found < 0)
		return -1;
	if (!found)
		return error_set(
			"no GRUB configuration found: neither %s/boot/grub/grub.cfg or %s/boot/grub2/grub.cfg with %s/etc/grub.d and grub-mkconfig, nor %s/boot/grub/menu.lst or grub.conf",
			root, root, root, root);
	return 0;
}
