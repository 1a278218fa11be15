// SPDX-License-Identifier: MIT
#include "menu.h"
#include "error.h"

#include <stdio.h>
#include <string.h>

/* A byte a kernel line in grub.cfg or menu.lst cannot carry as it is. */
static char bad_char(const char *s)
{
	static const char special[] = "\"'\\$;{}#|&<>`";

	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f ||
		    strchr(special, *s))
			return *s ? *s : ' ';
	return 0;
}

int menu_check_option(const char *word)
{
	char c = bad_char(word);

	if (!word[0])
		return error_set("an empty boot option");
	if (c > ' ' && c < 0x7f)
		return error_set(
			"boot option %s: GRUB would read its '%c' specially",
			word, c);
	if (c)
		return error_set(
			"boot option %s: a space or control byte, which GRUB would split or drop",
			word);
	if (!strncmp(word, "knoppix_dir=", 12) ||
	    !strncmp(word, "bootfrom=", 9))
		return error_set(
			"boot option %s: minirt-virtio works it out from where the files are; leave it out",
			word);
	return 0;
}

int menu_check_path(const char *what, const char *path)
{
	char c = bad_char(path);

	if (c > ' ' && c < 0x7f)
		return error_set(
			"%s is %s on its filesystem; its '%c' cannot go on a kernel line or in a GRUB path",
			what, path, c);
	if (c)
		return error_set(
			"%s is %s on its filesystem; a space or control byte in it cannot go on a kernel line or in a GRUB path",
			what, path);
	return 0;
}

/* The release's first word, in the bytes a menu title may hold. */
static void copy_release(char *out, const char *version)
{
	static const char ok[] = "._+~-";
	size_t n = 0;

	while (n + 1 < RELEASE_MAX &&
	       ((version[n] >= 'a' && version[n] <= 'z') ||
		(version[n] >= 'A' && version[n] <= 'Z') ||
		(version[n] >= '0' && version[n] <= '9') ||
		(version[n] && strchr(ok, version[n])))) {
		out[n] = version[n];
		n++;
	}
	out[n] = '\0';
	if (!n)
		strcpy(out, "?");
}

/* The bits only where the kernel's header says them. */
void menu_title(const struct menu_kernel *k, bool tagged, char *out,
		size_t size)
{
	char release[RELEASE_MAX];
	const char *bits = "";

	if (k->bits_known)
		bits = k->is_64bit ? "64-bit, " : "32-bit, ";
	copy_release(release, k->release);
	snprintf(out, size, "KNOPPIX %s (%s, %svirtio%s)", release, k->name,
		 bits, tagged ? ", minirt-virtio setup" : "");
}

/* The flat copy's file: "/boot/KNOPPIX" + "/linux64"; the filesystem's
 * root has no "/" to add. */
static void add_flat_path(struct buf *out, const struct menu *m,
			  const char *name)
{
	if (strcmp(m->part.inner, "/"))
		buf_add_str(out, m->part.inner);
	buf_add_str(out, "/");
	buf_add_str(out, name);
}

static void add_minirt_path(struct buf *out, const struct menu *m)
{
	if (m->iso)
		buf_add_str(out, m->minirt_inner);
	else
		add_flat_path(out, m, "minirt.gz");
}

/* Where KNOPPIX's init finds its files: the ISO by bootfrom=, the flat
 * copy by knoppix_dir= (its directory inside the partition). */
static void add_where(struct buf *out, const struct menu *m)
{
	if (m->iso) {
		buf_add_str(out, " bootfrom=/dev/");
		buf_add_str(out, m->part.dev);
		buf_add_str(out, m->part.inner);
		return;
	}
	buf_add_str(out, " knoppix_dir=");
	buf_add_str(out, strcmp(m->part.inner, "/") ? m->part.inner + 1 : ".");
}

static bool has_console(const struct menu *m)
{
	for (size_t i = 0; i < m->noptions; i++)
		if (!strncmp(m->options[i], "console=", 8))
			return true;
	return false;
}

void menu_say_consoles(const struct menu *m, FILE *to, const char *prefix)
{
	if (has_console(m))
		return;
	for (size_t i = 0; i < m->n; i++)
		if (m->k[i].no_serial)
			fprintf(to,
				"%sconsole: %s (kernel %s) has no serial console driver (8250) built in: its console is the VGA (VNC) one, so no console=ttyS0 on its line\n",
				prefix, m->k[i].name, m->k[i].release);
}

static void add_kernel_line(struct buf *out, const struct menu *m,
			    const struct menu_kernel *k)
{
	buf_add_str(out, m->grub_legacy ? "\tkernel " : "\tlinux ");
	if (m->iso) {
		buf_add_str(out, "(loop)");
		buf_add_str(out, k->path);
	} else {
		add_flat_path(out, m, k->path);
	}
	add_where(out, m);
	if (m->forensic)
		buf_add_str(out, " forensic");
	if (!has_console(m))
		buf_add_str(out, k->no_serial ? " " MENU_CONSOLE_VGA :
						" " MENU_CONSOLE);
	for (size_t i = 0; i < m->noptions; i++) {
		buf_add_str(out, " ");
		buf_add_str(out, m->options[i]);
	}
	buf_add_str(out, "\n");
}

/* "(hd0,0)", and a comment saying what that was worked out from. */
static void add_legacy_root(struct buf *out, const struct partition *p,
			    char *root, size_t size)
{
	char note[256];

	if (p->part)
		snprintf(root, size, "(hd%u,%u)", p->disk, p->part - 1);
	else
		snprintf(root, size, "(hd%u)", p->disk);
	snprintf(
		note, sizeof(note),
		"# %s is /dev/%s if GRUB counts that disk as hd%u: check /boot/grub/device.map\n",
		root, p->dev, p->disk);
	buf_add_str(out, note);
}

/* GRUB 2: search for the partition by a file on it, whatever GRUB calls
 * the disk; the ISO's kernels through loopback. */
static void add_grub2_entry(struct buf *out, const struct menu *m,
			    const struct menu_kernel *k, const char *title)
{
	buf_add_str(out, "menuentry '");
	buf_add_str(out, title);
	buf_add_str(out, "' {\n\tsearch --no-floppy --file --set=root ");
	if (m->iso) {
		buf_add_str(out, m->part.inner);
		buf_add_str(out, "\n\tloopback loop ");
		buf_add_str(out, m->part.inner);
	} else {
		add_flat_path(out, m, "minirt.gz");
	}
	buf_add_str(out, "\n");
	add_kernel_line(out, m, k);
	buf_add_str(out, "\tinitrd ");
	add_minirt_path(out, m);
	buf_add_str(out, "\n}\n");
}

static void add_legacy_entry(struct buf *out, const struct menu *m,
			     const struct menu_kernel *k, const char *title,
			     const char *root)
{
	buf_add_str(out, "title ");
	buf_add_str(out, title);
	/* First: if the kernel cannot be loaded, the next boot is the
	 * host's all the same. */
	if (m->save_default) {
		char line[32];

		snprintf(line, sizeof(line), "\n\tsavedefault %u",
			 m->saved_default);
		buf_add_str(out, line);
	}
	buf_add_str(out, "\n\troot ");
	buf_add_str(out, root);
	buf_add_str(out, "\n");
	add_kernel_line(out, m, k);
	buf_add_str(out, "\tinitrd ");
	add_minirt_path(out, m);
	buf_add_str(out, "\n");
}

int menu_write(const struct menu *m, struct buf *out)
{
	char head[MOUNT_PATH_MAX + PATH_MAX + 256], root[64],
		title[MENU_TITLE_MAX];
	struct buf text = { 0 };

	if (m->iso && m->grub_legacy)
		return error_set(
			"GRUB legacy cannot read a kernel out of an ISO file");
	snprintf(
		head, sizeof(head),
		"# KNOPPIX from %s: %s on /dev/%s (%s); by minirt-virtio " VERSION
		" %s\n",
		m->part.real, m->part.inner, m->part.dev, m->part.mount.fstype,
		m->by);
	buf_add_str(&text, head);
	if (m->grub_legacy)
		add_legacy_root(&text, &m->part, root, sizeof(root));
	for (size_t i = 0; i < m->n; i++) {
		menu_title(&m->k[i], m->tagged, title, sizeof(title));
		if (m->grub_legacy)
			add_legacy_entry(&text, m, &m->k[i], title, root);
		else
			add_grub2_entry(&text, m, &m->k[i], title);
	}
	/* buf_add* fail only out of memory; one check covers them all. */
	if (!text.data || buf_add(out, text.data, text.len) < 0) {
		buf_free(&text);
		return error_set("out of memory");
	}
	buf_free(&text);
	return 0;
}
