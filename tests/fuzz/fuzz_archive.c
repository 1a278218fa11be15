// SPDX-License-Identifier: MIT
/* libFuzzer: the segment walker, every decompressor, the cpio parser. */
#include "archive.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	uint8_t *copy = malloc(len + 1);
	struct archive ar;

	if (!copy)
		return 0;
	memcpy(copy, data, len);
	archive_plain_max = 64u << 20; /* bombs: bounded, not endless */
	if (archive_parse(&ar, copy, len) == 0) {
		struct buf out = { 0 };

		for (size_t s = 0; s < ar.nseg; s++)
			cpio_write(&ar.seg[s].entries, &out);
		buf_free(&out);
	}
	archive_release(&ar);
	return 0;
}
