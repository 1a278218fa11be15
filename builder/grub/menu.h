/* SPDX-License-Identifier: MIT */
/*
 * GRUB menu entries that boot KNOPPIX: from a flat copy of its files
 * (/boot/KNOPPIX: linux64, linux, minirt.gz, KNOPPIX) or from its ISO file
 * in place (GRUB 2's loopback; KNOPPIX's init finds it by bootfrom=), for
 * grub.cfg or GRUB legacy's menu.lst.
 */
#ifndef MV_MENU_H
#define MV_MENU_H

#include "buf.h"
#include "partition.h"

#include <stdbool.h>
#include <stdio.h>

/* Added unless the boot options name a console= of their own; the
 * serial one only for a kernel with its driver built in. */
#define MENU_CONSOLE "console=tty0 console=ttyS0,115200n8"
#define MENU_CONSOLE_VGA "console=tty0"
#define RELEASE_MAX 65 /* uname -r, as release_valid() allows it */
#define MENU_KERNELS 2 /* linux64, linux */
#define MENU_TITLE_MAX (RELEASE_MAX + 96)

struct menu_kernel {
	const char *name; /* "linux64", for the title */
	char path[PATH_MAX]; /* inside the ISO, or the flat copy's file name */
	char release[RELEASE_MAX];
	bool bits_known; /* boot protocol 2.12 (Linux 3.8) and later say */
	bool is_64bit;
	/* No 8250 driver built in (modules/serial.h): console=ttyS0 would show
	 * nothing, the VGA (VNC) console is the one. */
	bool no_serial;
};

struct menu {
	struct partition part; /* the flat copy's directory, or the ISO */
	bool iso; /* part is the ISO's; flat: minirt.gz beside the kernels */
	char minirt_inner[MOUNT_PATH_MAX]; /* ISO: the rebuilt minirt beside
					    * it, inside part's filesystem */
	struct menu_kernel k[MENU_KERNELS]; /* 64-bit ones first */
	size_t n;
	char *const *options; /* the user's, last on the kernel line */
	size_t noptions;
	bool forensic; /* KNOPPIX mounts every partition read-only */
	bool grub_legacy; /* menu.lst, not grub.cfg */
	/* GRUB legacy, booted once: each entry saves this one as the default
	 * again (`savedefault N`), so the next boot is the host's own */
	bool save_default;
	unsigned saved_default;
	const char *by; /* "boot-entry", "setup": in the header comment */
	/* setup's: in every title, so that GRUB's one-time entry, chosen by
	 * title, is never an entry boot-entry printed for 40_custom */
	bool tagged;
};

/* 0 if word can go on a kernel line in grub.cfg and menu.lst as it is. */
int menu_check_option(const char *word);
/* 0 if path (what: for the message) can go on a kernel line and in GRUB. */
int menu_check_path(const char *what, const char *path);

/* The entries, appended to out; 0, or -1 with the error set. */
int menu_write(const struct menu *m, struct buf *out);

/* For each kernel without a serial console, a line: that its console is
 * the VGA one, unless the user's options name a console= anyway. */
void menu_say_consoles(const struct menu *m, FILE *to, const char *prefix);

/*
 * "KNOPPIX 3.8.13 (linux64, 64-bit, virtio)": the entry's title; tagged,
 * "KNOPPIX 3.8.13 (linux64, 64-bit, virtio, minirt-virtio setup)".
 */
void menu_title(const struct menu_kernel *k, bool tagged, char *out,
		size_t size);

#endif
