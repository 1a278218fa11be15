// SPDX-License-Identifier: MIT
#include "splice.h"

#include <stdbool.h>
#include <string.h>
#include <zlib.h>

#define WINDOW 32768

struct boundary {
	size_t in; /* compressed bytes consumed */
	int unused; /* bits of the last of them that belong to the next block */
	size_t out; /* content bytes before the boundary */
};

/* The last block boundary of old at or before content offset same. */
static int last_boundary(const uint8_t *old, size_t old_len, size_t same,
			 struct boundary *b)
{
	uint8_t scratch[65536];
	z_stream zs = { 0 };
	int ret = Z_OK;
	bool found = false;

	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
		return error_set("zlib: cannot start");
	zs.next_in = (Bytef *)old;
	zs.avail_in = old_len > UINT32_MAX ? UINT32_MAX : (uInt)old_len;
	while (ret == Z_OK && zs.total_out <= same) {
		zs.next_out = scratch;
		zs.avail_out = (uInt)sizeof(scratch);
		if (same - zs.total_out < sizeof(scratch))
			zs.avail_out = (uInt)(same - zs.total_out + 1);
		ret = inflate(&zs, Z_BLOCK);
		if ((ret == Z_OK || ret == Z_BUF_ERROR) &&
		    (zs.data_type & 128) && !(zs.data_type & 64) &&
		    zs.total_out <= same) {
			*b = (struct boundary){ zs.total_in, zs.data_type & 7,
						zs.total_out };
			found = true;
		}
		if (ret == Z_BUF_ERROR && zs.avail_in)
			ret = Z_OK;
	}
	inflateEnd(&zs);
	return found ? 0 : error_set("no block boundary to keep");
}

static int put_le32(struct buf *out, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
			 (uint8_t)(v >> 24) };

	return buf_add(out, b, 4);
}

static int deflate_rest(const struct boundary *b, uint8_t last_byte,
			const uint8_t *plain, size_t plain_len, struct buf *out)
{
	size_t dict = b->out < WINDOW ? b->out : WINDOW;
	z_stream zs = { 0 };
	int ret;

	if (deflateInit2(&zs, 9, Z_DEFLATED, -MAX_WBITS, 8,
			 Z_DEFAULT_STRATEGY) != Z_OK)
		return error_set("zlib: cannot start");
	/* The kept bits of the byte the boundary splits. */
	if (b->unused)
		deflatePrime(&zs, 8 - b->unused,
			     last_byte & ((1 << (8 - b->unused)) - 1));
	if (dict)
		deflateSetDictionary(&zs, plain + b->out - dict, (uInt)dict);
	if (buf_reserve(out, deflateBound(&zs, plain_len - b->out) + 16) < 0) {
		deflateEnd(&zs);
		return -1;
	}
	zs.next_in = (Bytef *)plain + b->out;
	zs.avail_in = (uInt)(plain_len - b->out);
	zs.next_out = out->data + out->len;
	zs.avail_out = (uInt)(out->cap - out->len);
	ret = deflate(&zs, Z_FINISH);
	out->len += zs.total_out;
	deflateEnd(&zs);
	return ret == Z_STREAM_END ? 0 : error_set("zlib: compression failed");
}

int gzip_splice(const uint8_t *old, size_t old_len, size_t same,
		const uint8_t *plain, size_t plain_len, struct buf *out,
		size_t *kept)
{
	struct boundary b;
	size_t whole;

	if (plain_len > UINT32_MAX || old_len > UINT32_MAX ||
	    last_boundary(old, old_len, same, &b) < 0)
		return -1;
	whole = b.unused ? b.in - 1 : b.in;
	if (buf_add(out, old, whole) < 0 ||
	    deflate_rest(&b, old[b.in - 1], plain, plain_len, out) < 0 ||
	    put_le32(out, (uint32_t)crc32(0, plain, (uInt)plain_len)) < 0 ||
	    put_le32(out, (uint32_t)plain_len) < 0)
		return -1;
	*kept = b.out;
	return 0;
}
