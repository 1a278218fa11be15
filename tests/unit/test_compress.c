// SPDX-License-Identifier: MIT
/* Every compression the kernel unpacks: detection, round trip, real tools. */
#include "helpers.h"
#include "error.h"
#include "initramfs/compress.h"

static const enum comp all[] = { COMP_GZIP, COMP_BZIP2, COMP_LZMA,
				 COMP_XZ,   COMP_LZ4,	COMP_ZSTD };

/*
 * 1.4 MB of text: above output_limit's 1 MiB and bzip2's 900 kB blocks,
 * small enough that xz and zstd -19 take a second, not ten.
 */
static struct buf sample(void)
{
	struct buf b = { 0 };

	for (int i = 0; i < 60000; i++) {
		char line[64];

		snprintf(line, sizeof(line), "line %d of a sample %d\n", i,
			 i % 17);
		buf_add_str(&b, line);
	}
	return b;
}

#define NCOMP (sizeof(all) / sizeof(*all))

/* The sample, and it packed by each compression: made once, read by two. */
struct packed {
	struct buf in, packed[NCOMP];
};

static int pack_all(void **state)
{
	struct packed *p = calloc(1, sizeof(*p));

	if (!p)
		return -1;
	p->in = sample();
	for (size_t i = 0; i < NCOMP; i++)
		if (comp_compress(all[i], p->in.data, p->in.len,
				  &p->packed[i]) < 0)
			return -1;
	*state = p;
	return 0;
}

static int free_all(void **state)
{
	struct packed *p = *state;

	buf_free(&p->in);
	for (size_t i = 0; i < NCOMP; i++)
		buf_free(&p->packed[i]);
	free(p);
	return 0;
}

static void round_trip(void **state)
{
	const struct packed *p = *state;

	for (size_t i = 0; i < NCOMP; i++) {
		struct buf packed = { 0 }, out = { 0 };
		size_t consumed;

		buf_add(&packed, p->packed[i].data, p->packed[i].len);
		assert_int_equal(comp_detect(packed.data, packed.len), all[i]);
		/* Then padding: the member ends where it ends. */
		buf_add_zeros(&packed, 16);
		assert_int_equal(comp_decompress(all[i], packed.data,
						 packed.len, &consumed, &out,
						 PLAIN_MAX),
				 0);
		assert_int_equal(consumed, packed.len - 16);
		assert_int_equal(out.len, p->in.len);
		assert_memory_equal(out.data, p->in.data, p->in.len);
		buf_free(&packed);
		buf_free(&out);
	}
}

static void truncated_and_corrupt(void **state)
{
	const struct packed *p = *state;

	for (size_t i = 0; i < NCOMP; i++) {
		struct buf packed = { 0 }, out = { 0 };
		size_t consumed;

		buf_add(&packed, p->packed[i].data, p->packed[i].len);
		assert_int_equal(comp_decompress(all[i], packed.data,
						 packed.len / 2, &consumed,
						 &out, PLAIN_MAX),
				 -1);
		out.len = 0;
		memset(packed.data + packed.len / 3, 0x55, 64);
		/* lz4's legacy frame has no checksum, nor has the zstd
		 * frame comp_compress() writes (ZSTD_compress()): the cpio
		 * parser that reads the result is what catches damage
		 * there. */
		if (all[i] != COMP_LZ4 && all[i] != COMP_ZSTD)
			assert_int_equal(comp_decompress(all[i], packed.data,
							 packed.len, &consumed,
							 &out, PLAIN_MAX),
					 -1);
		buf_free(&packed);
		buf_free(&out);
	}
}

static void output_limit(void **state)
{
	struct buf in = sample(), packed = { 0 }, out = { 0 };
	size_t consumed;

	(void)state;
	comp_compress(COMP_GZIP, in.data, in.len, &packed);
	assert_int_equal(comp_decompress(COMP_GZIP, packed.data, packed.len,
					 &consumed, &out, 1 << 20),
			 -1);
	assert_non_null(strstr(error_text(), "more than"));
	buf_free(&in);
	buf_free(&packed);
	buf_free(&out);
}

/* What the usual tools write, as initramfs generators call them. */
static void real_tools(void **state)
{
	static const struct {
		enum comp comp;
		const char *cmd;
	} tools[] = {
		{ COMP_GZIP, "gzip -9 -n" },
		{ COMP_BZIP2, "bzip2 -9" },
		{ COMP_LZMA, "xz --format=lzma" },
		{ COMP_XZ, "xz --check=crc32" },
		{ COMP_LZ4, "lz4 -l -9 -q" },
		{ COMP_ZSTD, "zstd -q -19" },
	};
	struct buf in = sample();
	char *dir = temp_dir(), src[512], dst[512];

	(void)state;
	snprintf(src, sizeof(src), "%s/in", dir);
	write_bytes(src, in.data, in.len);
	for (size_t i = 0; i < sizeof(tools) / sizeof(*tools); i++) {
		struct buf out = { 0 };
		size_t len = 0, consumed;
		uint8_t *packed;

		snprintf(dst, sizeof(dst), "%s/out%zu", dir, i);
		assert_int_equal(run("%s -c <%s >%s", tools[i].cmd, src, dst),
				 0);
		packed = slurp(dst, &len);
		assert_int_equal(comp_detect(packed, len), tools[i].comp);
		assert_int_equal(comp_decompress(tools[i].comp, packed, len,
						 &consumed, &out, PLAIN_MAX),
				 0);
		assert_int_equal(consumed, len);
		assert_int_equal(out.len, in.len);
		assert_memory_equal(out.data, in.data, in.len);
		free(packed);
		buf_free(&out);
	}
	remove_tree(dir);
	free(dir);
	buf_free(&in);
}

static void detection(void **state)
{
	(void)state;
	assert_int_equal(comp_detect((const uint8_t *)"070701", 6), COMP_NONE);
	assert_int_equal(comp_detect((const uint8_t *)"\x89LZO\0", 5),
			 COMP_LZO);
	assert_int_equal(comp_detect((const uint8_t *)"\x1f", 1), COMP_NONE);
	assert_string_equal(comp_name(COMP_ZSTD), "zstd");
}

/*
 * What merge writes: gzip through libdeflate that gzip(1) tests and unpacks,
 * no larger than GNU gzip -9 of the same bytes (the manual procedure's).
 */
static void gzip_beats_gzip_9(void **state)
{
	struct buf in = { 0 }, ours = { 0 };
	char *dir = temp_dir(), path[512];
	uint8_t *bytes;
	size_t len;

	(void)state;
	bytes = slurp("/bin/busybox", &len);
	buf_add(&in, bytes, len);
	free(bytes);
	bytes = slurp("cache/kernels/amd64/vmlinuz", &len);
	buf_add(&in, bytes, len);
	free(bytes);
	assert_int_equal(gzip_compress(in.data, in.len, GZIP_BEST, &ours), 0);
	snprintf(path, sizeof(path), "%s/ours.gz", dir);
	write_bytes(path, ours.data, ours.len);
	snprintf(path, sizeof(path), "%s/in", dir);
	write_bytes(path, in.data, in.len);
	assert_int_equal(run("cd %s && gzip -t ours.gz && gzip -dc ours.gz | "
			     "cmp - in && test %zu -le $(gzip -9 -n -c in | "
			     "wc -c)",
			     dir, ours.len),
			 0);
	buf_free(&in);
	buf_free(&ours);
	remove_tree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest packed[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(truncated_and_corrupt),
	};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(output_limit),
		cmocka_unit_test(real_tools),
		cmocka_unit_test(detection),
		cmocka_unit_test(gzip_beats_gzip_9),
	};

	return cmocka_run_group_tests(packed, pack_all, free_all) |
	       cmocka_run_group_tests(tests, NULL, NULL);
}
