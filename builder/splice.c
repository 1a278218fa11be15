// SPDX-License-Identifier: MIT
#include "splice.h"
#include "compress.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define WINDOW 32768

struct boundary {
	uint64_t bit; /* where the next block starts in the member */
	size_t out; /* content bytes before it */
	bool stored; /* the next block is a stored one (byte aligned) */
};

struct boundaries {
	struct boundary *v;
	size_t n;
};

static unsigned get_bits(const uint8_t *p, size_t len, uint64_t bit, int n)
{
	unsigned value = 0;

	for (int i = 0; i < n && (bit + i) / 8 < len; i++)
		value |= ((p[(bit + i) / 8] >> ((bit + i) % 8)) & 1u) << i;
	return value;
}

static int add_boundary(struct boundaries *b, const uint8_t *old,
			size_t old_len, const z_stream *zs)
{
	struct boundary *v = realloc(b->v, (b->n + 1) * sizeof(*v));
	uint64_t bit = (uint64_t)zs->total_in * 8 - (zs->data_type & 7);

	if (!v)
		return error_set("out of memory");
	b->v = v;
	v[b->n].bit = bit;
	v[b->n].out = zs->total_out;
	/* the block header: BFINAL, then BTYPE (00: stored) */
	v[b->n].stored = ((get_bits(old, old_len, bit, 3) >> 1) & 3) == 0;
	b->n++;
	return 0;
}

/* Every block start of the member but the final block's end. */
static int find_boundaries(const uint8_t *old, size_t old_len,
			   struct boundaries *b)
{
	uint8_t scratch[65536];
	z_stream zs = { 0 };
	int ret = Z_OK;

	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
		return error_set("zlib: cannot start");
	zs.next_in = (Bytef *)old;
	zs.avail_in = (uInt)old_len;
	while (ret == Z_OK) {
		zs.next_out = scratch;
		zs.avail_out = (uInt)sizeof(scratch);
		ret = inflate(&zs, Z_BLOCK);
		if (ret == Z_OK && (zs.data_type & 128) &&
		    !(zs.data_type & 64) &&
		    add_boundary(b, old, old_len, &zs) < 0)
			ret = Z_MEM_ERROR;
	}
	inflateEnd(&zs);
	return ret == Z_STREAM_END && b->n ?
		       0 :
		       error_set("unreadable gzip member");
}

struct writer {
	struct buf *out;
	unsigned pending; /* bits not yet a whole byte, for deflatePrime */
	int npending;
};

/* Deflate plain[from, to): primed, dictionary, then sync or finish. */
static int deflate_part(struct writer *w, const uint8_t *plain, size_t from,
			size_t to, bool finish)
{
	size_t dict = from < WINDOW ? from : WINDOW;
	z_stream zs = { 0 };
	int ret;

	if (deflateInit2(&zs, 9, Z_DEFLATED, -MAX_WBITS, 8,
			 Z_DEFAULT_STRATEGY) != Z_OK)
		return error_set("zlib: cannot start");
	deflate_tune_best(&zs);
	if (w->npending)
		deflatePrime(&zs, w->npending, (int)w->pending);
	w->npending = 0;
	if (dict)
		deflateSetDictionary(&zs, plain + from - dict, (uInt)dict);
	if (buf_reserve(w->out, deflateBound(&zs, to - from) + 64) < 0) {
		deflateEnd(&zs);
		return -1;
	}
	zs.next_in = (Bytef *)plain + from;
	zs.avail_in = (uInt)(to - from);
	zs.next_out = w->out->data + w->out->len;
	zs.avail_out = (uInt)(w->out->cap - w->out->len);
	ret = deflate(&zs, finish ? Z_FINISH : Z_SYNC_FLUSH);
	w->out->len += zs.total_out;
	deflateEnd(&zs);
	if (ret != (finish ? Z_STREAM_END : Z_OK) || zs.avail_out == 0)
		return error_set("zlib: compression failed");
	return 0;
}

/* Old bits [from, to) after what is written: bytes, the rest pending. */
static int copy_bits(struct writer *w, const uint8_t *old, size_t old_len,
		     uint64_t from, uint64_t to)
{
	uint64_t whole = (to - from) / 8;
	int shift = (int)(from % 8);
	const uint8_t *p = old + from / 8;

	if (buf_reserve(w->out, whole) < 0)
		return -1;
	for (uint64_t i = 0; i < whole; i++) {
		unsigned byte = p[i] >> shift;

		if (shift)
			byte |= (unsigned)p[i + 1] << (8 - shift);
		w->out->data[w->out->len++] = (uint8_t)byte;
	}
	w->npending = (int)((to - from) % 8);
	w->pending = get_bits(old, old_len, from + whole * 8, w->npending);
	return 0;
}

static int put_le32(struct buf *out, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
			 (uint8_t)(v >> 24) };

	return buf_add(out, b, 4);
}

/*
 * Which old blocks after the change can stay: [*first, *last) of the
 * boundaries, or none (false). Stored blocks are byte aligned in the old
 * stream, so none may be shifted.
 */
static bool reusable(const struct boundaries *b, size_t keep,
		     const struct splice_plan *plan, size_t *first,
		     size_t *last)
{
	size_t i = keep + 1, j;

	if (!plan->old_to)
		return false;
	while (i < b->n && b->v[i].out < plan->old_from + WINDOW)
		i++;
	for (j = i; j < b->n && b->v[j].out <= plan->old_to; j++)
		if (b->v[j].stored)
			break;
	/* j: a stored block (kept out), or past the stretch */
	if (j == b->n || b->v[j].out > plan->old_to)
		j--;
	if (i >= b->n || j <= i)
		return false;
	*first = i;
	*last = j;
	return true;
}

static int write_member(struct writer *w, const uint8_t *old, size_t old_len,
			const struct boundaries *b, size_t keep,
			const struct splice_plan *plan, const uint8_t *plain,
			size_t plain_len, size_t *kept)
{
	size_t first, last, shift_from;
	uint64_t head = b->v[keep].bit;

	*kept = b->v[keep].out;
	if (buf_add(w->out, old, (size_t)(head / 8)) < 0)
		return -1;
	w->npending = (int)(head % 8);
	w->pending = get_bits(old, old_len, head - head % 8, w->npending);
	if (reusable(b, keep, plan, &first, &last)) {
		shift_from = plan->new_from - plan->old_from;
		*kept += b->v[last].out - b->v[first].out;
		if (deflate_part(w, plain, b->v[keep].out,
				 b->v[first].out + shift_from, false) < 0 ||
		    copy_bits(w, old, old_len, b->v[first].bit,
			      b->v[last].bit) < 0)
			return -1;
		return deflate_part(w, plain, b->v[last].out + shift_from,
				    plain_len, true);
	}
	return deflate_part(w, plain, b->v[keep].out, plain_len, true);
}

int gzip_splice(const uint8_t *old, size_t old_len,
		const struct splice_plan *plan, const uint8_t *plain,
		size_t plain_len, struct buf *out, size_t *kept)
{
	struct boundaries b = { 0 };
	struct writer w = { .out = out };
	size_t keep = 0, start = out->len;
	int ret;

	if (plain_len > UINT32_MAX || old_len > UINT32_MAX)
		return error_set("too large to splice");
	ret = find_boundaries(old, old_len, &b);
	for (size_t i = 0; !ret && i < b.n && b.v[i].out <= plan->same; i++)
		keep = i;
	if (!ret)
		ret = write_member(&w, old, old_len, &b, keep, plan, plain,
				   plain_len, kept);
	if (!ret)
		ret = put_le32(out, (uint32_t)crc32(0, plain, (uInt)plain_len));
	if (!ret)
		ret = put_le32(out, (uint32_t)plain_len);
	if (ret) {
		out->len = start;
		*kept = 0;
	}
	free(b.v);
	return ret;
}
