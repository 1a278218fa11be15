// SPDX-License-Identifier: MIT
/*
 * libFuzzer: the init scan patcher, with and without NVMe names. Beyond not
 * crashing: it only inserts (the input is what is left of the output when
 * the insertions are taken out, in order), it is idempotent (its output
 * needs no second patch), and it reports one line per changed line.
 */
#include "initramfs/initpatch.h"

#include <stdlib.h>
#include <string.h>

/* Is a, in order, what b holds besides insertions? */
static int is_subsequence(const uint8_t *a, size_t alen, const uint8_t *b,
			  size_t blen)
{
	size_t i = 0;

	for (size_t j = 0; i < alen && j < blen; j++)
		if (a[i] == b[j])
			i++;
	return i == alen;
}

static size_t count_lines(const struct buf *b)
{
	size_t n = 0;

	for (size_t i = 0; i < b->len; i++)
		n += b->data[i] == '\n';
	return n;
}

static void check(const uint8_t *data, size_t len, bool nvme)
{
	struct initpatch res, again;
	struct buf out = { 0 }, out2 = { 0 };

	if (initpatch_apply(data, len, nvme, &out, &res) == 0 && res.patched) {
		if (out.len != len + res.added ||
		    !is_subsequence(data, len, out.data, out.len) ||
		    !count_lines(&res.lines) ||
		    count_lines(&res.lines) > res.patched)
			abort();
		if (initpatch_apply(out.data, out.len, nvme, &out2, &again) !=
			    0 ||
		    again.patched || out2.len || again.calls != res.calls ||
		    again.complete != again.calls)
			abort();
		initpatch_free(&again);
	} else if (out.len) {
		abort();
	}
	buf_free(&out);
	buf_free(&out2);
	initpatch_free(&res);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	check(data, len, false);
	check(data, len, true);
	return 0;
}
