/* SPDX-License-Identifier: MIT */
/*
 * What setup and setup --remove share: the host's GRUB and the record of
 * an earlier setup, files kept as they were so that a failed step can put
 * them back byte for byte, and GRUB's tools run with their output kept.
 */
#ifndef MV_SETUP_STATE_H
#define MV_SETUP_STATE_H

#include "setup.h"
#include "grub/grubconf.h"
#include "grub/grubhost.h"
#include "grub/partition.h"

#include <signal.h>

/* A file as it was before: its bytes and mode, or that it was not there. */
struct saved {
	char path[PATH_MAX]; /* symbolic links resolved */
	bool existed;
	unsigned mode;
	struct buf bytes;
};

struct setup_state {
	const struct setup_opts *o;
	struct grub_host grub;
	struct buf table; /* the mount table's text */
	struct partition_env env;
	struct setup_record old; /* an earlier setup's, if has_old */
	bool has_old;
	struct saved cfg, config, env_file; /* grub.cfg; generator or menu.lst;
					     * grubenv or GRUB legacy's default
					     */
};

/* The host's GRUB, the mount table and an earlier setup's record. */
int state_open(struct setup_state *st, const struct setup_opts *o);
void state_close(struct setup_state *st);

int saved_take(struct saved *s, const char *path);
/* Write the bytes and mode back (or remove the file) if they changed. */
int saved_restore(const struct saved *s);
void saved_free(struct saved *s);

/* update-grub (or grub-mkconfig -o CFG): 0, or -1 with its last line. */
int state_regenerate(const struct setup_state *st);

/*
 * A GRUB tool, argv[0] its path: 0, or -1 with the error set to what it
 * last said.
 */
int state_run(char *const argv[], const char *input);

/*
 * GRUB legacy's saved entry, where it can be read: /boot/grub/default,
 * beside grub-set-default (Debian's and upstream's GRUB; Red Hat's keeps
 * it in stage2). 0, or -1 if it cannot.
 */
int state_saved_entry(const struct setup_state *st, unsigned *entry);

/* GRUB legacy's default entry, for the next boot only or for good. */
int state_legacy_default(const struct setup_state *st, unsigned entry,
			 bool once);

/*
 * Ctrl-C, a hangup (the ssh session gone), a kill: held until setup has
 * written everything, or put everything back (sigprocmask with was to
 * deliver them then).
 */
void state_hold_signals(sigset_t *was);

/* setup's two ways, after state_open() (add.c, remove.c). */
int setup_add(struct setup_state *st);
int setup_remove(struct setup_state *st);

#endif
