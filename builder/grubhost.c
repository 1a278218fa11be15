// SPDX-License-Identifier: MIT
#include "grubhost.h"
#include "buf.h"
#include "runcmd.h"

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
 * Debian's update-grub writes /boot/grub/grub.cfg; elsewhere mkconfig
 * is told the file (Fedora and CentOS: grub2-mkconfig, /boot/grub2).
 */
static bool find_mkconfig(struct grub_host *h, const char *family,
			  bool path_only)
{
	char name[32];

	if (!strcmp(family, "grub") &&
	    run_find("update-grub", path_only, h->mkconfig,
		     sizeof(h->mkconfig))) {
		h->takes_output = false;
		return true;
	}
	snprintf(name, sizeof(name), "%s-mkconfig", family);
	h->takes_output = true;
	return run_find(name, path_only, h->mkconfig, sizeof(h->mkconfig));
}

static int find_grub2(struct grub_host *h, const char *root, bool path_only)
{
	static const char *const families[] = { "grub2", "grub" };
	char path[64], gen_dir[PATH_MAX], name[32];

	if (under(gen_dir, root, "/etc/grub.d") < 0 ||
	    under(h->generator, root, "/etc/grub.d/" GENERATOR_NAME) < 0)
		return -1;
	if (!is_dir(gen_dir))
		return 0;
	for (size_t i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "/boot/%s/grub.cfg", families[i]);
		if (under(h->cfg, root, path) < 0)
			return -1;
		if (!is_file(h->cfg) ||
		    !find_mkconfig(h, families[i], path_only))
			continue;
		snprintf(name, sizeof(name), "%s-editenv", families[i]);
		if (!run_find(name, path_only, h->editenv, sizeof(h->editenv)))
			return error_set(
				"%s is there, but not %s, which sets GRUB's one-time entry",
				h->cfg, name);
		snprintf(path, sizeof(path), "/boot/%s/grubenv", families[i]);
		h->kind = GRUB_2;
		return under(h->env, root, path) < 0 ? -1 : 1;
	}
	return 0;
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
