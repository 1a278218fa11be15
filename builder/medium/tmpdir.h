/* SPDX-License-Identifier: MIT */
/*
 * The temporary directory a build takes module indexes out into, for
 * libkmod, which reads them only from files: $TMPDIR/minirt-virtio.PID.XXXXXX.
 * A killed build cannot remove its own; the next build removes those whose
 * process is gone.
 */
#ifndef MV_TMPDIR_H
#define MV_TMPDIR_H

/* A new directory (its path, malloc'd, in *path); 0, or -1 with the error. */
int tmpdir_make(char **path);
/* Remove the directory and everything below it; never follows links. */
void tmpdir_remove(const char *path);

#endif
