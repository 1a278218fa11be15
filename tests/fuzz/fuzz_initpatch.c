// SPDX-License-Identifier: MIT
/*
 * libFuzzer: the init scan patcher. Beyond not crashing: it only inserts
 * (the output is the input plus one INITPATCH_ADDED a patched call), and its
 * output needs no second patch.
 */
#include "initpatch.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct initpatch res, again;
	struct buf out = { 0 }, out2 = { 0 };

	if (initpatch_apply(data, len, &out, &res) == 0 && res.patched) {
		if (out.len != len + res.patched * strlen(INITPATCH_ADDED))
			abort();
		if (initpatch_apply(out.data, out.len, &out2, &again) != 0 ||
		    again.patched)
			abort();
		initpatch_free(&again);
	}
	buf_free(&out);
	buf_free(&out2);
	initpatch_free(&res);
	return 0;
}
