/* SPDX-License-Identifier: MIT */
#ifndef MV_OUTPUT_H
#define MV_OUTPUT_H

#include "buf.h"

#include <stdbool.h>

/*
 * Write data to path atomically: a temporary file in the same directory,
 * fsynced, renamed over path. If path is input itself, input is first kept
 * as input.orig (unless that exists). An existing path other than input is
 * refused unless force. On failure nothing existing is changed.
 */
int output_write(const char *path, const char *input, const struct buf *data,
		 bool force, bool *kept_orig);

#endif
