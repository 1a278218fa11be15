/* SPDX-License-Identifier: MIT */
/*
 * Recompressing only what changed in a gzip member. Its compressed blocks
 * are kept up to the last block boundary before the first change; blocks
 * that lie wholly in an unchanged stretch after the change (and 32 KiB past
 * its start, so that no match reaches back into the change) are copied too,
 * bit-shifted into place. Only the rest is deflated again, primed with the
 * kept bits and the 32 KiB before it as dictionary.
 */
#ifndef MV_SPLICE_H
#define MV_SPLICE_H

#include "buf.h"

struct splice_plan {
	size_t same; /* new and old content agree on [0, same) */
	/* and old [old_from, old_to) is new [new_from, ...); 0s: no such */
	size_t old_from, old_to, new_from;
};

/*
 * old: a gzip member of the old content. Appends a gzip member of plain to
 * out; *kept says how many content bytes old's kept blocks hold.
 */
int gzip_splice(const uint8_t *old, size_t old_len,
		const struct splice_plan *plan, const uint8_t *plain,
		size_t plain_len, struct buf *out, size_t *kept);

#endif
