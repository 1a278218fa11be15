// SPDX-License-Identifier: MIT
#include "cloop.h"
#include "buf.h"
#include "error.h"

#include <lz4.h>
#include <lzma.h>
#include <lzo/lzo1x.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define PREAMBLE_LEN 128
#define SIGNATURE_AT 11
#define FLAGS_SHIFT 60
#define OFFSET_MASK ((UINT64_C(1) << FLAGS_SHIFT) - 1)
/* A compressed block larger than this is not one of a sane image. */
#define PACKED_MAX(bs) ((size_t)(bs)*2 + 4096)
#define XZ_MEMLIMIT ((uint64_t)256 << 20)

size_t cloop_cache_max = (size_t)256 << 20;

struct cloop_cached {
	struct cloop_cached *next; /* in its hash bucket */
	struct cloop_cached *newer, *older;
	uint32_t block;
	uint8_t data[]; /* the block, and a byte to tell "too long" */
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const uint8_t *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

/* "#V2.0 Format": the major version at SIGNATURE_AT + 1; 0 if there is
 * no signature, -1 for a version we do not read. */
static int header_version(const uint8_t *h)
{
	if (h[SIGNATURE_AT] != 'V' || h[SIGNATURE_AT + 2] != '.')
		return 0;
	if (h[SIGNATURE_AT + 1] == '2' || h[SIGNATURE_AT + 1] == '4')
		return h[SIGNATURE_AT + 1] - '0';
	return -1;
}

bool cloop_detect(const struct region *file)
{
	uint8_t h[CLOOP_HEADER_LEN];

	if (file->size < CLOOP_HEADER_LEN)
		return false;
	if (region_read(file, 0, h, sizeof(h)) == 0 && header_version(h))
		return true;
	return region_read(file, file->size - CLOOP_HEADER_LEN, h, sizeof(h)) ==
		       0 &&
	       header_version(h) == 4;
}

static int read_header(struct cloop *c, uint8_t *h)
{
	int v;

	if (c->file.size < CLOOP_HEADER_LEN)
		return error_set("too short for a cloop image (%llu bytes)",
				 (unsigned long long)c->file.size);
	if (region_read(&c->file, 0, h, CLOOP_HEADER_LEN) < 0)
		return -1;
	v = header_version(h);
	if (!v) {
		if (region_read(&c->file, c->file.size - CLOOP_HEADER_LEN, h,
				CLOOP_HEADER_LEN) < 0)
			return -1;
		v = header_version(h);
		c->header_last = true;
	}
	if (v < 0)
		return error_set(
			"cloop format %.4s is not supported (V2.0 and V4.0 are)",
			(const char *)h + SIGNATURE_AT);
	if (!v)
		return error_set(
			"not a cloop image (no #V2.0 or #V4.0 header at its start or end)");
	c->version = v;
	return 0;
}

static int check_geometry(struct cloop *c, const uint8_t *h)
{
	uint64_t table;

	c->block_size = be32(h + PREAMBLE_LEN);
	c->nblocks = be32(h + PREAMBLE_LEN + 4);
	if (!c->block_size || c->block_size % 512 ||
	    c->block_size > CLOOP_BLOCK_MAX)
		return error_set(
			"cloop block size %u is not a multiple of 512 up to 16 MiB",
			c->block_size);
	if (!c->nblocks || c->nblocks > CLOOP_BLOCKS_MAX)
		return error_set(
			"cloop block count %u is out of range (1 to %u)",
			c->nblocks, CLOOP_BLOCKS_MAX);
	table = ((uint64_t)c->nblocks + 1) * 8;
	if (table > c->file.size - CLOOP_HEADER_LEN)
		return error_set(
			"truncated: %u blocks need a %llu-byte offset table, but the file has %llu bytes",
			c->nblocks, (unsigned long long)table,
			(unsigned long long)c->file.size);
	return 0;
}

/* Offsets ascending, inside the data area, and known compressions. */
static int check_offsets(struct cloop *c, uint64_t data_from, uint64_t data_to)
{
	uint64_t prev = data_from;

	for (uint32_t i = 0; i <= c->nblocks; i++) {
		uint64_t off = c->offsets[i] & OFFSET_MASK;
		unsigned flags = (unsigned)(c->offsets[i] >> FLAGS_SHIFT);

		if (c->version == 2 && flags)
			return error_set(
				"cloop offset %u (%#llx) is past the end", i,
				(unsigned long long)c->offsets[i]);
		if (i < c->nblocks && flags > CLOOP_LZO)
			return error_set(
				"cloop block %u has unknown compression %u", i,
				flags);
		if (off > data_to)
			return error_set(
				"cloop offset %u (%llu) is past the end of the data (%llu): truncated or corrupt",
				i, (unsigned long long)off,
				(unsigned long long)data_to);
		if (off < prev || (i && off == prev))
			return error_set(
				"cloop offsets out of order: block %u starts at %llu, before %llu",
				i, (unsigned long long)off,
				(unsigned long long)prev);
		if (i && off - prev > PACKED_MAX(c->block_size))
			return error_set(
				"cloop block %u is %llu bytes compressed, too large for %u-byte blocks",
				i - 1, (unsigned long long)(off - prev),
				c->block_size);
		prev = off;
	}
	return 0;
}

static int read_offsets(struct cloop *c)
{
	uint64_t n = (uint64_t)c->nblocks + 1, table = n * 8, at, from, to;
	uint8_t *raw;
	int ret;

	if (c->header_last) {
		at = c->file.size - CLOOP_HEADER_LEN - table;
		from = 0;
		to = at;
	} else {
		at = CLOOP_HEADER_LEN;
		from = at + table;
		to = c->file.size;
	}
	raw = malloc(table);
	c->offsets = malloc(table);
	if (!raw || !c->offsets) {
		free(raw);
		return error_set("out of memory");
	}
	ret = region_read(&c->file, at, raw, table);
	for (uint64_t i = 0; !ret && i < n; i++)
		c->offsets[i] = be64(raw + i * 8);
	free(raw);
	return ret < 0 ? -1 : check_offsets(c, from, to);
}

static int cloop_view(struct source *s, uint64_t off, const uint8_t **p,
		      size_t *len)
{
	struct cloop *c = (struct cloop *)s;
	uint32_t block = (uint32_t)(off / c->block_size);
	size_t within = (size_t)(off % c->block_size);

	if (cloop_block(c, block, p) < 0)
		return -1;
	*p += within;
	*len = c->block_size - within;
	return 0;
}

/* A bucket per block the cache can hold, so chains stay short. */
static int cache_init(struct cloop_cache *cache, uint32_t block_size)
{
	size_t want = cloop_cache_max / block_size;

	cache->table_size = 64;
	while (cache->table_size < want)
		cache->table_size *= 2;
	cache->table = calloc(cache->table_size, sizeof(*cache->table));
	return cache->table ? 0 : error_set("out of memory");
}

int cloop_open(struct cloop *c, const char *name, const struct region *file)
{
	uint8_t h[CLOOP_HEADER_LEN];

	memset(c, 0, sizeof(*c));
	c->file = *file;
	if (read_header(c, h) < 0 || check_geometry(c, h) < 0 ||
	    read_offsets(c) < 0 || cache_init(&c->cache, c->block_size) < 0)
		goto fail;
	c->seen = calloc(c->nblocks / 8 + 1, 1);
	c->packed = malloc(PACKED_MAX(c->block_size));
	if (!c->seen || !c->packed) {
		error_set("out of memory");
		goto fail;
	}
	c->src.name = name;
	c->src.size = (uint64_t)c->nblocks * c->block_size;
	c->src.view = cloop_view;
	return 0;
fail:
	cloop_close(c);
	return -1;
}

void cloop_close(struct cloop *c)
{
	struct cloop_cached *e = c->cache.newest, *older;

	for (; e; e = older) {
		older = e->older;
		free(e);
	}
	free(c->cache.table);
	free(c->offsets);
	free(c->seen);
	free(c->packed);
	memset(c, 0, sizeof(*c));
}

static int inflate_block(const uint8_t *in, size_t len, uint8_t *out,
			 size_t size, size_t *got)
{
	z_stream zs = { 0 };
	int ret;

	if (inflateInit(&zs) != Z_OK)
		return error_set("zlib: cannot start");
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)len;
	zs.next_out = out;
	zs.avail_out = (uInt)size;
	ret = inflate(&zs, Z_FINISH);
	*got = zs.total_out;
	inflateEnd(&zs);
	/* No room left and not at the end: it holds more than size. */
	if (ret == Z_BUF_ERROR && !zs.avail_out)
		return 0;
	return ret == Z_STREAM_END ? 0 : error_set("zlib data is corrupt");
}

static int unxz_block(const uint8_t *in, size_t len, uint8_t *out, size_t size,
		      size_t *got)
{
	uint64_t memlimit = XZ_MEMLIMIT;
	size_t in_pos = 0;
	lzma_ret ret;

	*got = 0;
	ret = lzma_stream_buffer_decode(&memlimit, 0, NULL, in, &in_pos, len,
					out, got, size);
	if (ret == LZMA_BUF_ERROR && *got == size)
		return 0; /* no room left: it holds more than size */
	if (ret != LZMA_OK)
		return error_set("xz data is corrupt (liblzma error %d)",
				 (int)ret);
	return 0;
}

static int unlz4_block(const uint8_t *in, size_t len, uint8_t *out, size_t size,
		       size_t *got)
{
	/* Stops once out is full, so a too long block shows as such. */
	int n = LZ4_decompress_safe_partial((const char *)in, (char *)out,
					    (int)len, (int)size, (int)size);

	if (n < 0)
		return error_set("lz4 data is corrupt");
	*got = (size_t)n;
	return 0;
}

static int unlzo_block(const uint8_t *in, size_t len, uint8_t *out, size_t size,
		       size_t *got)
{
	lzo_uint n = size;
	int ret;

	if (lzo_init() != LZO_E_OK)
		return error_set("liblzo2: cannot start");
	ret = lzo1x_decompress_safe(in, len, out, &n, NULL);
	if (ret != LZO_E_OK && ret != LZO_E_OUTPUT_OVERRUN)
		return error_set("lzo data is corrupt (liblzo2 error %d)", ret);
	*got = ret == LZO_E_OUTPUT_OVERRUN ? size : n;
	return 0;
}

/*
 * Block i into out, which has room for one byte more than the block size:
 * a block that fills it unpacks to more than it should.
 */
static int unpack(struct cloop *c, uint32_t i, uint8_t *out)
{
	uint64_t from = c->offsets[i] & OFFSET_MASK;
	size_t len = (size_t)((c->offsets[i + 1] & OFFSET_MASK) - from), got;
	size_t room = (size_t)c->block_size + 1;
	unsigned flags = (unsigned)(c->offsets[i] >> FLAGS_SHIFT);
	int ret;

	if (region_read(&c->file, from, c->packed, len) < 0)
		return error_prefix("cloop block %u", i);
	switch (flags) {
	case CLOOP_NONE:
		got = len;
		if (len == c->block_size)
			memcpy(out, c->packed, len);
		ret = 0;
		break;
	case CLOOP_XZ:
		ret = unxz_block(c->packed, len, out, room, &got);
		break;
	case CLOOP_LZ4:
		ret = unlz4_block(c->packed, len, out, room, &got);
		break;
	case CLOOP_LZO:
		ret = unlzo_block(c->packed, len, out, room, &got);
		break;
	default:
		ret = inflate_block(c->packed, len, out, room, &got);
		break;
	}
	if (ret < 0)
		return error_prefix("cloop block %u", i);
	if (got != c->block_size)
		return error_set(
			"cloop block %u unpacks to %s%zu bytes, not the block size %u",
			i, got > c->block_size ? "more than " : "",
			got > c->block_size ? (size_t)c->block_size : got,
			c->block_size);
	return 0;
}

static struct cloop_cached **bucket(struct cloop_cache *cache, uint32_t block)
{
	return &cache->table[block & (cache->table_size - 1)];
}

static void unlink_use(struct cloop_cache *cache, struct cloop_cached *e)
{
	*(e->newer ? &e->newer->older : &cache->newest) = e->older;
	*(e->older ? &e->older->newer : &cache->oldest) = e->newer;
}

static void link_newest(struct cloop_cache *cache, struct cloop_cached *e)
{
	e->newer = NULL;
	e->older = cache->newest;
	*(cache->newest ? &cache->newest->newer : &cache->oldest) = e;
	cache->newest = e;
}

/* Drop the least recently used block. */
static void evict_oldest(struct cloop_cache *cache, uint32_t block_size)
{
	struct cloop_cached *gone = cache->oldest, **p;

	for (p = bucket(cache, gone->block); *p != gone; p = &(*p)->next)
		;
	*p = gone->next;
	unlink_use(cache, gone);
	free(gone);
	cache->bytes -= block_size;
}

int cloop_block(struct cloop *c, uint32_t i, const uint8_t **data)
{
	struct cloop_cache *cache = &c->cache;
	struct cloop_cached *e;

	if (i >= c->nblocks)
		return error_set("cloop block %u is past the last (%u)", i,
				 c->nblocks - 1);
	for (e = *bucket(cache, i); e; e = e->next)
		if (e->block == i) {
			unlink_use(cache, e);
			link_newest(cache, e);
			*data = e->data;
			return 0;
		}
	while (cache->oldest && cache->bytes + c->block_size > cloop_cache_max)
		evict_oldest(cache, c->block_size);
	e = malloc(sizeof(*e) + c->block_size + 1);
	if (!e)
		return error_set("out of memory");
	if (unpack(c, i, e->data) < 0) {
		free(e);
		return -1;
	}
	c->unpacked++;
	if (!(c->seen[i / 8] & (1u << (i % 8)))) {
		c->seen[i / 8] |= (uint8_t)(1u << (i % 8));
		c->distinct++;
	}
	e->block = i;
	e->next = *bucket(cache, i);
	*bucket(cache, i) = e;
	link_newest(cache, e);
	cache->bytes += c->block_size;
	*data = e->data;
	return 0;
}
