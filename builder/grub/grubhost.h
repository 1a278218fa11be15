/* SPDX-License-Identifier: MIT */
/*
 * How the running host keeps its GRUB configuration: GRUB 2's generators
 * in /etc/grub.d and the grub.cfg that update-grub or grub-mkconfig (or
 * grub2-mkconfig) write, with grubenv for a one-time entry; or GRUB
 * legacy's menu.lst (grub.conf), edited by hand, with grub-set-default or
 * the grub shell for a one-time entry.
 */
#ifndef MV_GRUBHOST_H
#define MV_GRUBHOST_H

#include <limits.h>
#include <stdbool.h>

#define GENERATOR_NAME "42_minirt-virtio"

enum grub_kind { GRUB_2, GRUB_LEGACY };

struct grub_host {
	enum grub_kind kind;
	/* GRUB 2 */
	char cfg[PATH_MAX]; /* the grub.cfg GRUB reads */
	char generator[PATH_MAX]; /* /etc/grub.d/42_minirt-virtio */
	char env[PATH_MAX]; /* grubenv beside grub.cfg */
	char mkconfig[PATH_MAX]; /* update-grub, grub-mkconfig, ... */
	bool takes_output; /* grub-mkconfig -o CFG; update-grub takes none */
	char editenv[PATH_MAX]; /* grub-editenv, grub2-editenv */
	/* GRUB legacy */
	char menu[PATH_MAX]; /* menu.lst or grub.conf, links resolved */
	char set_default[PATH_MAX]; /* grub-set-default; "" on Red Hat */
	char shell[PATH_MAX]; /* the grub shell (savedefault --once) */
};

/*
 * The host's GRUB, its files under root ("" for the running system; a
 * directory in tests, whose tools then come from PATH only). 0, or -1 with
 * the error set when none is found.
 */
int grub_host_find(struct grub_host *h, const char *root);

#endif
