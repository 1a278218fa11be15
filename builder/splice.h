/* SPDX-License-Identifier: MIT */
/*
 * Recompressing only what changed: a gzip member whose content begins like
 * the new content keeps its compressed blocks up to the last block boundary
 * within that common beginning; only the rest is deflated again, primed with
 * the kept bits and the 32 KiB before the boundary as dictionary.
 */
#ifndef MV_SPLICE_H
#define MV_SPLICE_H

#include "buf.h"

/*
 * old: a gzip member; same: how many leading bytes its content shares with
 * plain. Appends a gzip member of plain to out; *kept says how many
 * content bytes came from old's blocks as they were.
 */
int gzip_splice(const uint8_t *old, size_t old_len, size_t same,
		const uint8_t *plain, size_t plain_len, struct buf *out,
		size_t *kept);

#endif
