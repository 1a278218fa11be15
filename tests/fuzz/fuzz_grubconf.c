// SPDX-License-Identifier: MIT
/*
 * libFuzzer: what setup reads back from GRUB's configuration: a record (in
 * a generator or menu.lst), menu.lst's block; and for any menu.lst without
 * one, adding the block and taking it away gives the very same bytes.
 */
#include "error.h"
#include "grub/grubconf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void round_trip(const char *menu, size_t len)
{
	struct setup_record r = { 0 }, back_r;
	struct buf entries = { 0 }, added = { 0 }, back = { 0 };
	size_t start, end;
	bool kept;

	strcpy(r.medium, "/root/KNOPPIX.iso");
	strcpy(r.minirt, "/root/KNOPPIX.minirt.gz");
	strcpy(r.once, "KNOPPIX");
	buf_add_str(&entries, "title KNOPPIX\n");
	if (legacy_find_block(menu, len, &start, &end) != 1 ||
	    legacy_place(menu, len, &r) < 0)
		goto out;
	/* Taken away as --remove does: by the record read back from it. */
	if (legacy_add(menu, len, &r, &entries, &added) < 0 ||
	    legacy_find_block((char *)added.data, added.len, &start, &end) ||
	    record_parse((char *)added.data + start, end - start, &back_r) ||
	    legacy_remove((char *)added.data, added.len, &back_r, &back,
			  &kept) < 0 ||
	    kept || back.len != len || (len && memcmp(back.data, menu, len)))
		abort();
out:
	buf_free(&entries);
	buf_free(&added);
	buf_free(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct setup_record r;
	size_t start, end;

	if (record_parse((const char *)data, len, &r) == 0 &&
	    (r.medium[0] != '/' || r.minirt[0] != '/' || !r.once[0]))
		abort();
	if (legacy_find_block((const char *)data, len, &start, &end) == 0 &&
	    (start >= end || end > len))
		abort();
	round_trip((const char *)data, len);
	error_clear();
	return 0;
}
