/* SPDX-License-Identifier: MIT */
/* Whole files read into memory, within a bound; paths split. */
#ifndef MV_FILE_H
#define MV_FILE_H

#include "buf.h"

#include <stddef.h>
#include <stdint.h>

/* Read a whole file into memory: one of at most 2 GiB, or of at most max. */
int read_file(const char *path, uint8_t **bytes, size_t *len);
int read_file_max(const char *path, size_t max, uint8_t **bytes, size_t *len);
/* A /proc file (its size says 0) or a user's text, at most max bytes,
 * appended to out (room for a '\0' after it). */
int read_text_max(const char *path, size_t max, struct buf *out);

/* "a/b": dir "a", returns "b"; "b": dir ".", returns "b" (dir: PATH_MAX). */
const char *path_split(const char *path, char *dir);

#endif
