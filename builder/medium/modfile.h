/* SPDX-License-Identifier: MIT */
/* Module files: their names, and their bytes, decompressed. */
#ifndef MV_MODFILE_H
#define MV_MODFILE_H

#include "buf.h"

#include <stdbool.h>

/* No module comes near this; a file this large is not one. */
#define MODULE_MAX ((size_t)256 << 20)

/* "virtio-blk.ko.xz" -> "virtio_blk", as the kernel spells it. */
char *module_name_from(const char *file);
/* Ends in .ko, .ko.xz, .ko.zst or .ko.gz. */
bool is_module_file(const char *path);

/* The plain module in a file as stored (image taken over); name: errors. */
int module_unpack(const char *name, struct buf *stored, struct buf *image);
/* Read a module file from disk and unpack it. */
int module_read(const char *path, struct buf *image);

#endif
