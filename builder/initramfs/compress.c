// SPDX-License-Identifier: MIT
#include "compress.h"
#include "error.h"

#include <bzlib.h>
#include <libdeflate.h>
#include <lz4.h>
#include <lz4hc.h>
#include <lzma.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#define CHUNK (256 * 1024)
/* xz -9 needs 65 MiB to unpack; a header asking for more is hostile. */
#define LZMA_MEMLIMIT ((uint64_t)256 << 20)
/* The kernel's lz4 "legacy" frame: this magic, then sized blocks. */
#define LZ4_LEGACY_MAGIC 0x184c2102u
#define LZ4_LEGACY_BLOCK (8u << 20)

static const struct {
	enum comp comp;
	const char *name;
	const uint8_t magic[6];
	size_t magic_len;
} formats[] = {
	{ COMP_GZIP, "gzip", { 0x1f, 0x8b }, 2 },
	{ COMP_GZIP, "gzip", { 0x1f, 0x9e }, 2 },
	{ COMP_BZIP2, "bzip2", { 'B', 'Z', 'h' }, 3 },
	{ COMP_LZMA, "lzma", { 0x5d, 0x00, 0x00 }, 3 },
	{ COMP_XZ, "xz", { 0xfd, '7', 'z', 'X', 'Z', 0x00 }, 6 },
	{ COMP_LZO, "lzo", { 0x89, 'L', 'Z', 'O', 0x00 }, 5 },
	{ COMP_LZ4, "lz4", { 0x02, 0x21, 0x4c, 0x18 }, 4 },
	{ COMP_ZSTD, "zstd", { 0x28, 0xb5, 0x2f, 0xfd }, 4 },
};

enum comp comp_detect(const uint8_t *data, size_t len)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(*formats); i++)
		if (len >= formats[i].magic_len &&
		    !memcmp(data, formats[i].magic, formats[i].magic_len))
			return formats[i].comp;
	return COMP_NONE;
}

const char *comp_name(enum comp comp)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(*formats); i++)
		if (formats[i].comp == comp)
			return formats[i].name;
	return "none";
}

bool comp_from_name(const char *name, enum comp *comp)
{
	if (!strcmp(name, "none")) {
		*comp = COMP_NONE;
		return true;
	}
	for (size_t i = 0; i < sizeof(formats) / sizeof(*formats); i++)
		if (!strcmp(name, formats[i].name) &&
		    formats[i].comp != COMP_LZO) {
			*comp = formats[i].comp;
			return true;
		}
	return false;
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* Make room for the next piece of output, within limit. */
static int out_room(struct buf *out, size_t start, size_t limit)
{
	if (out->len - start >= limit)
		return error_set("decompresses to more than %zu MiB",
				 limit >> 20);
	return buf_reserve(out, CHUNK);
}

static size_t room_left(const struct buf *out, size_t start, size_t limit)
{
	size_t room = out->cap - out->len;
	size_t allowed = limit - (out->len - start);

	return room < allowed ? room : allowed;
}

/* zlib, streaming: the slow way, for its precise word on bad data. */
static int gunzip_zlib(const uint8_t *in, size_t len, size_t *consumed,
		       struct buf *out, size_t limit)
{
	z_stream zs = { 0 };
	size_t start = out->len;
	int ret = Z_OK;

	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
		return error_set("zlib: cannot start");
	zs.next_in = (Bytef *)in;
	while (ret != Z_STREAM_END) {
		size_t avail_in =
			len - (size_t)((const uint8_t *)zs.next_in - in);

		if (out_room(out, start, limit) < 0)
			break;
		zs.avail_in = avail_in > UINT32_MAX ? UINT32_MAX :
						      (uInt)avail_in;
		zs.next_out = out->data + out->len;
		zs.avail_out = (uInt)room_left(out, start, limit);
		ret = inflate(&zs, Z_NO_FLUSH);
		out->len = (size_t)(zs.next_out - out->data);
		if (ret == Z_BUF_ERROR && zs.avail_in == 0) {
			error_set("gzip data is truncated");
			break;
		}
		if (ret != Z_OK && ret != Z_STREAM_END && ret != Z_BUF_ERROR) {
			error_set("gzip data is corrupt (%s)",
				  zs.msg ? zs.msg : "zlib error");
			break;
		}
	}
	*consumed = (size_t)((const uint8_t *)zs.next_in - in);
	inflateEnd(&zs);
	return ret == Z_STREAM_END ? 0 : -1;
}

/*
 * What the member probably unpacks to: gzip's last four bytes give the
 * size of the last member, which is this one when there is only one.
 */
static size_t size_guess(const uint8_t *in, size_t len, size_t limit)
{
	size_t guess = len >= 18 ? (size_t)get_le32(in + len - 4) : 0;

	if (guess < len)
		guess = len > SIZE_MAX / 4 ? SIZE_MAX : len * 4;
	if (guess < 65536)
		guess = 65536;
	return guess < limit ? guess : limit;
}

/*
 * libdeflate unpacks a whole member at twice zlib's speed, into room given
 * up front: the guess, doubled until it fits within limit. Bad data goes
 * the zlib way, which says what is wrong.
 */
static int gunzip(const uint8_t *in, size_t len, size_t *consumed,
		  struct buf *out, size_t limit)
{
	struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
	size_t room = size_guess(in, len, limit), used_in, used_out;
	enum libdeflate_result r = LIBDEFLATE_BAD_DATA;

	while (d && buf_reserve(out, room) == 0) {
		r = libdeflate_gzip_decompress_ex(d, in, len,
						  out->data + out->len, room,
						  &used_in, &used_out);
		if (r != LIBDEFLATE_INSUFFICIENT_SPACE || room == limit)
			break;
		room = room > limit / 2 ? limit : room * 2;
	}
	libdeflate_free_decompressor(d);
	if (r == LIBDEFLATE_SUCCESS) {
		out->len += used_out;
		*consumed = used_in;
		return 0;
	}
	if (r == LIBDEFLATE_INSUFFICIENT_SPACE)
		return error_set("decompresses to more than %zu MiB",
				 limit >> 20);
	return gunzip_zlib(in, len, consumed, out, limit);
}

static int xz_run(lzma_stream *zs, const char *what, const uint8_t *in,
		  size_t len, size_t *consumed, struct buf *out, size_t limit)
{
	size_t start = out->len;
	lzma_ret ret = LZMA_OK;

	zs->next_in = in;
	zs->avail_in = len;
	while (ret == LZMA_OK) {
		if (out_room(out, start, limit) < 0)
			break;
		zs->next_out = out->data + out->len;
		zs->avail_out = room_left(out, start, limit);
		ret = lzma_code(zs, LZMA_FINISH);
		out->len = (size_t)(zs->next_out - out->data);
	}
	*consumed = len - zs->avail_in;
	lzma_end(zs);
	if (ret == LZMA_STREAM_END)
		return 0;
	if (ret == LZMA_OK)
		return -1;
	if (ret == LZMA_BUF_ERROR)
		return error_set("%s data is truncated", what);
	if (ret == LZMA_MEMLIMIT_ERROR)
		return error_set(
			"%s data asks for more than %llu MiB to unpack", what,
			(unsigned long long)(LZMA_MEMLIMIT >> 20));
	return error_set("%s data is corrupt (liblzma error %d)", what,
			 (int)ret);
}

static int unxz(enum comp comp, const uint8_t *in, size_t len, size_t *consumed,
		struct buf *out, size_t limit)
{
	lzma_stream zs = LZMA_STREAM_INIT;
	lzma_ret ret;

	if (comp == COMP_XZ)
		ret = lzma_stream_decoder(&zs, LZMA_MEMLIMIT, 0);
	else
		ret = lzma_alone_decoder(&zs, LZMA_MEMLIMIT);
	if (ret != LZMA_OK)
		return error_set("liblzma: cannot start");
	return xz_run(&zs, comp_name(comp), in, len, consumed, out, limit);
}

static int bunzip2(const uint8_t *in, size_t len, size_t *consumed,
		   struct buf *out, size_t limit)
{
	bz_stream bz = { 0 };
	size_t start = out->len;
	int ret = BZ_OK;

	if (BZ2_bzDecompressInit(&bz, 0, 0) != BZ_OK)
		return error_set("libbz2: cannot start");
	bz.next_in = (char *)in;
	bz.avail_in = len > UINT32_MAX ? UINT32_MAX : (unsigned)len;
	while (ret == BZ_OK) {
		unsigned before = bz.avail_in;

		if (out_room(out, start, limit) < 0)
			break;
		bz.next_out = (char *)out->data + out->len;
		bz.avail_out = (unsigned)room_left(out, start, limit);
		ret = BZ2_bzDecompress(&bz);
		out->len = (size_t)((uint8_t *)bz.next_out - out->data);
		if (ret == BZ_OK && bz.avail_in == 0 && before == 0) {
			error_set("bzip2 data is truncated");
			break;
		}
	}
	*consumed = (size_t)((const uint8_t *)bz.next_in - in);
	BZ2_bzDecompressEnd(&bz);
	if (ret == BZ_STREAM_END)
		return 0;
	if (ret == BZ_OK)
		return -1;
	return error_set("bzip2 data is corrupt (libbz2 error %d)", ret);
}

static int unlz4(const uint8_t *in, size_t len, size_t *consumed,
		 struct buf *out, size_t limit)
{
	size_t pos = 4, start = out->len;

	while (len - pos >= 4) {
		uint32_t chunk = get_le32(in + pos);
		int n;

		if (chunk == LZ4_LEGACY_MAGIC) {
			pos += 4;
			continue;
		}
		if (chunk == 0) /* zero padding after the last block */
			break;
		if (chunk > len - pos - 4 ||
		    chunk > (uint32_t)LZ4_compressBound(LZ4_LEGACY_BLOCK))
			return error_set("lz4 data is truncated or corrupt");
		if (out->len - start + LZ4_LEGACY_BLOCK > limit)
			return error_set("decompresses to more than %zu MiB",
					 limit >> 20);
		if (buf_reserve(out, LZ4_LEGACY_BLOCK) < 0)
			return -1;
		n = LZ4_decompress_safe((const char *)in + pos + 4,
					(char *)out->data + out->len,
					(int)chunk, LZ4_LEGACY_BLOCK);
		if (n < 0)
			return error_set("lz4 data is corrupt");
		out->len += (size_t)n;
		pos += 4 + chunk;
	}
	if (pos == 4)
		return error_set("lz4 data is truncated");
	*consumed = pos;
	return 0;
}

static int unzstd(const uint8_t *in, size_t len, size_t *consumed,
		  struct buf *out, size_t limit)
{
	ZSTD_DStream *zs = ZSTD_createDStream();
	ZSTD_inBuffer zin = { in, len, 0 };
	size_t start = out->len, ret = 1;

	if (!zs)
		return error_set("libzstd: cannot start");
	/* Frames follow each other as long as the next one starts here. */
	while (ret != 0 || (len - zin.pos >= 4 &&
			    comp_detect(in + zin.pos, 4) == COMP_ZSTD)) {
		ZSTD_outBuffer zout;

		if (out_room(out, start, limit) < 0)
			break;
		zout = (ZSTD_outBuffer){ out->data + out->len,
					 room_left(out, start, limit), 0 };
		ret = ZSTD_decompressStream(zs, &zout, &zin);
		out->len += zout.pos;
		if (ZSTD_isError(ret)) {
			error_set("zstd data is corrupt (%s)",
				  ZSTD_getErrorName(ret));
			break;
		}
		if (ret != 0 && zin.pos == len && zout.pos < zout.size) {
			error_set("zstd data is truncated");
			break;
		}
	}
	*consumed = zin.pos;
	ZSTD_freeDStream(zs);
	return ret == 0 ? 0 : -1;
}

int comp_decompress(enum comp comp, const uint8_t *in, size_t len,
		    size_t *consumed, struct buf *out, size_t limit)
{
	*consumed = 0;
	switch (comp) {
	case COMP_GZIP:
		return gunzip(in, len, consumed, out, limit);
	case COMP_XZ:
	case COMP_LZMA:
		return unxz(comp, in, len, consumed, out, limit);
	case COMP_BZIP2:
		return bunzip2(in, len, consumed, out, limit);
	case COMP_LZ4:
		return unlz4(in, len, consumed, out, limit);
	case COMP_ZSTD:
		return unzstd(in, len, consumed, out, limit);
	case COMP_LZO:
		return error_set(
			"lzo compression is not supported; recompress the initramfs with gzip, xz or zstd");
	case COMP_NONE:
		break;
	}
	return error_set("not compressed");
}

int gzip_compress(const uint8_t *in, size_t len, int level, struct buf *out)
{
	struct libdeflate_compressor *c = libdeflate_alloc_compressor(level);
	size_t bound, n;

	if (!c)
		return error_set("libdeflate: cannot start");
	/* Its gzip header has no time and no name: output is reproducible. */
	bound = libdeflate_gzip_compress_bound(c, len);
	if (buf_reserve(out, bound) < 0) {
		libdeflate_free_compressor(c);
		return -1;
	}
	n = libdeflate_gzip_compress(c, in, len, out->data + out->len, bound);
	libdeflate_free_compressor(c);
	if (!n)
		return error_set("libdeflate: compression failed");
	out->len += n;
	return 0;
}

static int xz_compress(enum comp comp, const uint8_t *in, size_t len,
		       struct buf *out)
{
	lzma_options_lzma opt;
	size_t pos = out->len;
	lzma_ret ret;

	if (buf_reserve(out, lzma_stream_buffer_bound(len)) < 0)
		return -1;
	if (lzma_lzma_preset(&opt, 6))
		return error_set("liblzma: no preset 6");
	if (comp == COMP_XZ) {
		/* The kernel's xz checks CRC32 only, and knows LZMA2 only. */
		lzma_filter filters[] = {
			{ LZMA_FILTER_LZMA2, &opt },
			{ LZMA_VLI_UNKNOWN, NULL },
		};
		ret = lzma_stream_buffer_encode(filters, LZMA_CHECK_CRC32, NULL,
						in, len, out->data, &pos,
						out->cap);
	} else {
		lzma_stream zs = LZMA_STREAM_INIT;

		ret = lzma_alone_encoder(&zs, &opt);
		if (ret == LZMA_OK) {
			zs.next_in = in;
			zs.avail_in = len;
			zs.next_out = out->data + pos;
			zs.avail_out = out->cap - pos;
			ret = lzma_code(&zs, LZMA_FINISH);
			pos += zs.total_out;
			lzma_end(&zs);
			if (ret == LZMA_STREAM_END)
				ret = LZMA_OK;
		}
	}
	out->len = pos;
	return ret == LZMA_OK ? 0 : error_set("liblzma: compression failed");
}

static int bzip2_compress(const uint8_t *in, size_t len, struct buf *out)
{
	unsigned int out_len;
	size_t bound = len + len / 100 + 600;
	int ret;

	if (len > UINT32_MAX / 2 || buf_reserve(out, bound) < 0)
		return error_set("too large for bzip2");
	out_len = (unsigned int)bound;
	ret = BZ2_bzBuffToBuffCompress((char *)out->data + out->len, &out_len,
				       (char *)in, (unsigned)len, 9, 0, 0);
	if (ret != BZ_OK)
		return error_set("libbz2: compression failed (%d)", ret);
	out->len += out_len;
	return 0;
}

static int put_le32(struct buf *out, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
			 (uint8_t)(v >> 24) };

	return buf_add(out, b, 4);
}

static int lz4_compress(const uint8_t *in, size_t len, struct buf *out)
{
	if (put_le32(out, LZ4_LEGACY_MAGIC) < 0)
		return -1;
	for (size_t pos = 0; pos < len; pos += LZ4_LEGACY_BLOCK) {
		size_t block = len - pos < LZ4_LEGACY_BLOCK ? len - pos :
							      LZ4_LEGACY_BLOCK;
		int bound = LZ4_compressBound((int)block), n;

		if (buf_reserve(out, 4 + (size_t)bound) < 0)
			return -1;
		n = LZ4_compress_HC((const char *)in + pos,
				    (char *)out->data + out->len + 4,
				    (int)block, bound, LZ4HC_CLEVEL_MAX);
		if (n <= 0)
			return error_set("liblz4: compression failed");
		put_le32(out, (uint32_t)n);
		out->len += (size_t)n;
	}
	return 0;
}

static int zstd_compress(const uint8_t *in, size_t len, struct buf *out)
{
	size_t bound = ZSTD_compressBound(len), n;

	if (buf_reserve(out, bound) < 0)
		return -1;
	n = ZSTD_compress(out->data + out->len, bound, in, len, 19);
	if (ZSTD_isError(n))
		return error_set("libzstd: %s", ZSTD_getErrorName(n));
	out->len += n;
	return 0;
}

int comp_compress(enum comp comp, const uint8_t *in, size_t len,
		  struct buf *out)
{
	switch (comp) {
	case COMP_NONE:
		return buf_add(out, in, len);
	case COMP_GZIP:
		return gzip_compress(in, len, GZIP_BEST, out);
	case COMP_XZ:
	case COMP_LZMA:
		return xz_compress(comp, in, len, out);
	case COMP_BZIP2:
		return bzip2_compress(in, len, out);
	case COMP_LZ4:
		return lz4_compress(in, len, out);
	case COMP_ZSTD:
		return zstd_compress(in, len, out);
	case COMP_LZO:
		break;
	}
	return error_set("cannot write lzo");
}
