// SPDX-License-Identifier: MIT
/*
 * mkcloop4: write a cloop V4.0 image, for the tests (Debian's
 * create_compressed_fs writes V2.0 only).
 *	mkcloop4 [--header-first] [--block-size N] [--only METHOD] IN OUT
 * Each block's compression goes round zlib, none, xz, lz4, lzo unless
 * --only names one; the header is written last (V4.0's "streaming"
 * layout) unless --header-first. A short last block is padded with zeros.
 */
#include <lz4.h>
#include <lzma.h>
#include <lzo/lzo1x.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static const char *const methods[] = { "zlib", "none", "xz", "lz4", "lzo" };

static void die(const char *what)
{
	fprintf(stderr, "mkcloop4: %s\n", what);
	exit(1);
}

static void put_be(uint8_t *p, uint64_t v, int bytes)
{
	for (int i = bytes - 1; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

/* Compress one block with method m into out; its length. */
static size_t pack(int m, const uint8_t *in, size_t len, uint8_t *out,
		   size_t cap)
{
	static lzo_align_t work[(LZO1X_1_MEM_COMPRESS + sizeof(lzo_align_t) - 1) /
				sizeof(lzo_align_t)];
	uLongf zlen = cap;
	size_t pos = 0;
	lzo_uint olen = cap;
	int n;

	switch (m) {
	case 0:
		if (compress2(out, &zlen, in, len, 9) != Z_OK)
			die("zlib failed");
		return zlen;
	case 1:
		memcpy(out, in, len);
		return len;
	case 2:
		if (lzma_easy_buffer_encode(6, LZMA_CHECK_CRC32, NULL, in, len,
					    out, &pos, cap) != LZMA_OK)
			die("xz failed");
		return pos;
	case 3:
		n = LZ4_compress_default((const char *)in, (char *)out,
					 (int)len, (int)cap);
		if (n <= 0)
			die("lz4 failed");
		return (size_t)n;
	default:
		if (lzo_init() != LZO_E_OK ||
		    lzo1x_1_compress(in, len, out, &olen, work) != LZO_E_OK)
			die("lzo failed");
		return olen;
	}
}

static void write_all(FILE *f, const void *p, size_t len)
{
	if (len && fwrite(p, 1, len, f) != len)
		die("cannot write");
}

static void header(uint8_t *h, uint32_t bs, uint32_t n)
{
	memset(h, 0, 136);
	strcpy((char *)h, "#!/bin/sh\n#V4.0 Format\n"
			  "modprobe cloop file=$0 && mount -r -t iso9660 "
			  "/dev/cloop $1\nexit $?\n");
	put_be(h + 128, bs, 4);
	put_be(h + 132, n, 4);
}

static int method_index(const char *name)
{
	for (int m = 0; m < 5; m++)
		if (!strcmp(methods[m], name))
			return m;
	die("unknown method");
	return -1;
}

static void put_entry(FILE *out, uint64_t value)
{
	uint8_t e[8];

	put_be(e, value, 8);
	write_all(out, e, 8);
}

int main(int argc, char **argv)
{
	static const char usage[] =
		"usage: mkcloop4 [--header-first] [--block-size N] [--only METHOD] IN OUT";
	bool first = false;
	int only = -1, i = 1;
	uint32_t bs = 65536, n;
	FILE *in, *out;
	long size;
	uint8_t *block, *packed, h[136];
	uint64_t *table, at;
	size_t cap;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--header-first"))
			first = true;
		else if (!strcmp(argv[i], "--block-size") && i + 1 < argc)
			bs = (uint32_t)strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--only") && i + 1 < argc)
			only = method_index(argv[++i]);
		else
			die(usage);
	}
	if (i + 2 != argc || !bs || bs % 512)
		die(usage);
	in = fopen(argv[i], "rb");
	out = fopen(argv[i + 1], "wb");
	if (!in || !out || fseek(in, 0, SEEK_END) || (size = ftell(in)) < 0)
		die("cannot open");
	rewind(in);
	n = (uint32_t)((size + bs - 1) / bs);
	cap = (size_t)bs * 2 + 4096;
	block = malloc(bs);
	packed = malloc(cap);
	table = calloc((size_t)n + 1, sizeof(*table));
	if (!block || !packed || !table)
		die("out of memory");
	header(h, bs, n);
	/* Header first: the table's place is kept, filled in at the end. */
	at = first ? 136 + ((uint64_t)n + 1) * 8 : 0;
	if (first) {
		write_all(out, h, 136);
		for (uint32_t b = 0; b <= n; b++)
			put_entry(out, 0);
	}
	for (uint32_t b = 0; b < n; b++) {
		int m = only >= 0 ? only : (int)(b % 5);
		size_t got = fread(block, 1, bs, in), len;

		memset(block + got, 0, bs - got);
		len = pack(m, block, bs, packed, cap);
		table[b] = at | (uint64_t)m << 60;
		write_all(out, packed, len);
		at += len;
	}
	table[n] = at;
	if (first && fseek(out, 136, SEEK_SET))
		die("cannot seek");
	for (uint32_t b = 0; b <= n; b++)
		put_entry(out, table[b]);
	if (!first)
		write_all(out, h, 136);
	if (fclose(out) || fclose(in))
		die("cannot write");
	free(block);
	free(packed);
	free(table);
	return 0;
}
