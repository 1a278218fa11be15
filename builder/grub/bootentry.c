// SPDX-License-Identifier: MIT
#include "bootentry.h"
#include "error.h"
#include "file.h"
#include "initramfs/archive.h"
#include "initramfs/ourfiles.h"
#include "medium/kernel.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The names KNOPPIX gives its files on the medium (boot/isolinux/). */
static const char *const kernel_names[] = { "linux64", "linux" };
#define NKERNELS (sizeof(kernel_names) / sizeof(*kernel_names))

/* dir/name into out; -1 (error set) if it does not fit. */
static int join(char *out, size_t size, const char *dir, const char *name)
{
	if ((size_t)snprintf(out, size, "%s/%s", dir, name) >= size)
		return error_set("%s/%s: a path longer than %zu bytes", dir,
				 name, size - 1);
	return 0;
}

static bool file_exists(const char *dir, const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	return join(path, sizeof(path), dir, name) == 0 &&
	       stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int check_dir(const char *dir, char *real)
{
	struct stat st;

	if (!realpath(dir, real))
		return error_set("%s: %s", dir, strerror(errno));
	if (stat(real, &st) < 0 || !S_ISDIR(st.st_mode))
		return error_set("%s: not a directory", dir);
	if (!file_exists(real, "minirt.gz"))
		return error_set("%s: no minirt.gz in it", dir);
	if (!file_exists(real, "KNOPPIX"))
		return error_set(
			"%s: no KNOPPIX in it (the image KNOPPIX's init looks for)",
			dir);
	return 0;
}

bool bootentry_serves(const struct archive *ar, const char *release)
{
	char path[sizeof(OUR_DIR) + RELEASE_MAX];

	snprintf(path, sizeof(path), OUR_DIR "/%s", release);
	return archive_find(ar, ar->nseg, path, NULL);
}

/* Build-info's "no-serial RELEASE" line (initramfs/ourfiles.h). */
static bool lacks_serial(const struct cpio_entry *info, const char *release)
{
	char line[sizeof(BUILD_INFO_NO_SERIAL) + RELEASE_MAX + 2];
	int len = snprintf(line, sizeof(line), "\n" BUILD_INFO_NO_SERIAL "%s\n",
			   release);

	return info->size && len > 0 && (size_t)len < sizeof(line) &&
	       memmem(info->data, info->size, line, (size_t)len);
}

/*
 * Only a kernel the minirt has modules for gets an entry: under any other
 * the pre-init finds no driver and KNOPPIX stops as it did before.
 */
static int keep_served(const char *dir, const struct archive *ar,
		       struct menu *m)
{
	char kernels[NKERNELS * (RELEASE_MAX + 16)] = "";
	bool served[NKERNELS];
	size_t kept = 0, used = 0;

	for (size_t i = 0; i < m->n; i++) {
		const struct menu_kernel *k = &m->k[i];

		served[i] = bootentry_serves(ar, k->release);
		kept += served[i];
		used += (size_t)snprintf(kernels + used, sizeof(kernels) - used,
					 "%s%s %s", i ? ", " : "", k->name,
					 k->release);
	}
	if (!kept)
		return error_set(
			"%s/minirt.gz: no modules for the kernels beside it (%s); rebuild it with minirt-virtio build --medium %s",
			dir, kernels, dir);
	kept = 0;
	for (size_t i = 0; i < m->n; i++) {
		const struct menu_kernel *k = &m->k[i];

		if (served[i])
			m->k[kept++] = *k;
		else
			fprintf(stderr,
				"minirt-virtio: warning: %s/%s is kernel %s, for which %s/minirt.gz has no modules; no entry for it\n",
				dir, k->name, k->release, dir);
	}
	m->n = kept;
	return 0;
}

/* Our build, with modules for at least one kernel in DIR. */
static int check_minirt(const char *dir, const char *real, struct menu *m)
{
	char path[PATH_MAX];
	const struct cpio_entry *info;
	struct archive ar;
	int ret;

	if (join(path, sizeof(path), real, "minirt.gz") < 0)
		return -1;
	if (archive_read(&ar, path) < 0) {
		archive_release(&ar);
		return error_prefix("%s/minirt.gz", dir);
	}
	info = archive_find(&ar, ar.nseg, BUILD_INFO, NULL);
	if (!info) {
		ret = error_set(
			"%s/minirt.gz: not built by minirt-virtio, so it cannot find a virtio disk; run minirt-virtio build on it first",
			dir);
	} else {
		for (size_t i = 0; i < m->n; i++)
			m->k[i].no_serial = lacks_serial(info, m->k[i].release);
		ret = keep_served(dir, &ar, m);
	}
	archive_release(&ar);
	return ret;
}

void bootentry_take_kernel(struct menu_kernel *k, const char *name,
			   const struct kernel *kernel)
{
	k->name = name;
	snprintf(k->release, sizeof(k->release), "%s", kernel->release);
	k->bits_known = kernel->bits_known;
	k->is_64bit = kernel->is_64bit;
}

static int read_kernel(const char *dir, const char *real, const char *name,
		       struct menu_kernel *k)
{
	char path[PATH_MAX], label[PATH_MAX];
	struct kernel kernel;
	uint8_t *image;
	size_t len;
	int ret;

	if (join(path, sizeof(path), real, name) < 0 ||
	    join(label, sizeof(label), dir, name) < 0)
		return -1;
	if (read_file(path, &image, &len) < 0)
		return error_prefix("%s", label);
	ret = kernel_parse(label, image, len, &kernel);
	free(image);
	if (!ret) {
		bootentry_take_kernel(k, name, &kernel);
		snprintf(k->path, sizeof(k->path), "%s", name);
	}
	kernel_free(&kernel);
	return ret;
}

void bootentry_order_kernels(struct menu *m)
{
	if (m->n == 2 && m->k[0].bits_known && !m->k[0].is_64bit &&
	    m->k[1].is_64bit) {
		struct menu_kernel first = m->k[0];

		m->k[0] = m->k[1];
		m->k[1] = first;
	}
}

/* The kernels in DIR, 64-bit ones first. */
static int find_kernels(const char *dir, const char *real, struct menu *m)
{
	for (size_t i = 0; i < NKERNELS; i++) {
		if (!file_exists(real, kernel_names[i]))
			continue;
		if (read_kernel(dir, real, kernel_names[i], &m->k[m->n]) < 0)
			return -1;
		m->n++;
	}
	if (!m->n)
		return error_set("%s: no kernel in it (linux64 or linux)", dir);
	bootentry_order_kernels(m);
	return 0;
}

int bootentry_locate(const struct partition_env *env, const char *path,
		     struct partition *p)
{
	if (partition_locate(env, path, p) < 0)
		return -1;
	return menu_check_path(path, p->inner);
}

int bootentry_write(const struct bootentry_opts *o, struct buf *out)
{
	struct menu m = { .options = o->boot_options,
			  .noptions = o->nboot_options,
			  .grub_legacy = o->grub_legacy,
			  .by = "boot-entry" };
	char real[PATH_MAX];

	for (size_t i = 0; i < o->nboot_options; i++)
		if (menu_check_option(o->boot_options[i]) < 0)
			return -1;
	if (check_dir(o->dir, real) < 0 || find_kernels(o->dir, real, &m) < 0 ||
	    check_minirt(o->dir, real, &m) < 0 ||
	    bootentry_locate(&o->env, o->dir, &m.part) < 0)
		return -1;
	if (menu_write(&m, out) < 0)
		return -1;
	menu_say_consoles(&m, stderr, "minirt-virtio: ");
	return 0;
}
