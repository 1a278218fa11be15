// SPDX-License-Identifier: MIT
/* Every compression the kernel unpacks: detection, round trip, real tools. */
#include "helpers.h"
#include "compress.h"
#include "splice.h"

static const enum comp all[] = { COMP_GZIP, COMP_BZIP2, COMP_LZMA,
				 COMP_XZ,   COMP_LZ4,	COMP_ZSTD };

static struct buf sample(void)
{
	struct buf b = { 0 };

	for (int i = 0; i < 200000; i++) {
		char line[64];

		snprintf(line, sizeof(line), "line %d of a sample %d\n", i,
			 i % 17);
		buf_add_str(&b, line);
	}
	return b;
}

static void round_trip(void **state)
{
	struct buf in = sample();

	(void)state;
	for (size_t i = 0; i < sizeof(all) / sizeof(*all); i++) {
		struct buf packed = { 0 }, out = { 0 };
		size_t consumed;

		assert_int_equal(
			comp_compress(all[i], in.data, in.len, &packed), 0);
		assert_int_equal(comp_detect(packed.data, packed.len), all[i]);
		/* Then padding: the member ends where it ends. */
		buf_add_zeros(&packed, 16);
		assert_int_equal(comp_decompress(all[i], packed.data,
						 packed.len, &consumed, &out,
						 PLAIN_MAX),
				 0);
		assert_int_equal(consumed, packed.len - 16);
		assert_int_equal(out.len, in.len);
		assert_memory_equal(out.data, in.data, in.len);
		buf_free(&packed);
		buf_free(&out);
	}
	buf_free(&in);
}

static void truncated_and_corrupt(void **state)
{
	struct buf in = sample();

	(void)state;
	for (size_t i = 0; i < sizeof(all) / sizeof(*all); i++) {
		struct buf packed = { 0 }, out = { 0 };
		size_t consumed;

		comp_compress(all[i], in.data, in.len, &packed);
		assert_int_equal(comp_decompress(all[i], packed.data,
						 packed.len / 2, &consumed,
						 &out, PLAIN_MAX),
				 -1);
		out.len = 0;
		memset(packed.data + packed.len / 3, 0x55, 64);
		/* lz4's legacy frame has no checksum: the cpio parser that
		 * reads the result is what catches damage there. */
		if (all[i] != COMP_LZ4)
			assert_int_equal(comp_decompress(all[i], packed.data,
							 packed.len, &consumed,
							 &out, PLAIN_MAX),
					 -1);
		buf_free(&packed);
		buf_free(&out);
	}
	buf_free(&in);
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

/* GNU gzip -9 of in, as dir/in.gz (its path left in path). */
static uint8_t *gzip9(const struct buf *in, const char *dir, char *path,
		      size_t size, size_t *len)
{
	snprintf(path, size, "%s/in", dir);
	write_bytes(path, in->data, in->len);
	assert_int_equal(run("gzip -9 -n %s", path), 0);
	strncat(path, ".gz", size - strlen(path) - 1);
	return slurp(path, len);
}

/* Keep gzip -9's blocks up to a change, deflate the rest: same content. */
static void splice_after_change(void **state)
{
	struct buf in = sample();
	char *dir = temp_dir(), path[512];
	static const size_t changes[] = { 0, 1, 70000, 1000000, 3000000 };
	uint8_t *old;
	size_t old_len;

	(void)state;
	old = gzip9(&in, dir, path, sizeof(path), &old_len);
	for (size_t i = 0; i < sizeof(changes) / sizeof(*changes); i++) {
		struct buf changed = { 0 }, spliced = { 0 }, back = { 0 };
		size_t kept, consumed, at = changes[i];

		buf_add(&changed, in.data, in.len);
		memcpy(changed.data + at, "CHANGED", 7);
		buf_add_str(&changed, "and a new tail\n");
		struct splice_plan sp = { .same = at };

		assert_int_equal(gzip_splice(old, old_len, &sp, changed.data,
					     changed.len, &spliced, &kept),
				 0);
		assert_true(kept <= at);
		if (at > 1000000)
			assert_true(kept > at / 2);
		assert_int_equal(comp_decompress(COMP_GZIP, spliced.data,
						 spliced.len, &consumed, &back,
						 PLAIN_MAX),
				 0);
		assert_int_equal(consumed, spliced.len);
		assert_int_equal(back.len, changed.len);
		assert_memory_equal(back.data, changed.data, changed.len);
		/* gzip itself agrees, CRC and length included */
		write_bytes(path, spliced.data, spliced.len);
		assert_int_equal(run("gzip -t %s", path), 0);
		buf_free(&changed);
		buf_free(&spliced);
		buf_free(&back);
	}
	free(old);
	buf_free(&in);
	remove_tree(dir);
	free(dir);
}

/* A change in the middle: the blocks after it are kept too, bit-shifted. */
static void splice_around_change(void **state)
{
	struct buf in = sample(), changed = { 0 }, spliced = { 0 };
	struct buf back = { 0 };
	char *dir = temp_dir(), path[512];
	size_t old_len, kept, consumed, at = 500000;
	uint8_t *old;

	(void)state;
	old = gzip9(&in, dir, path, sizeof(path), &old_len);
	/* 13 bytes become 21 at "at"; the rest moves on by 8, then a tail. */
	buf_add(&changed, in.data, at);
	buf_add_str(&changed, "init.orig....changed");
	buf_add(&changed, in.data + at + 13, in.len - at - 13);
	buf_add_str(&changed, "our own entries at the end\n");
	struct splice_plan sp = { .same = at,
				  .old_from = at + 13,
				  .old_to = in.len,
				  .new_from = at + 20 };

	assert_int_equal(gzip_splice(old, old_len, &sp, changed.data,
				     changed.len, &spliced, &kept),
			 0);
	assert_int_equal(comp_decompress(COMP_GZIP, spliced.data, spliced.len,
					 &consumed, &back, PLAIN_MAX),
			 0);
	assert_int_equal(back.len, changed.len);
	assert_memory_equal(back.data, changed.data, changed.len);
	/* Most of it came from the old blocks. */
	assert_true(kept > in.len * 3 / 4);
	assert_true(spliced.len < old_len + old_len / 50);
	write_bytes(path, spliced.data, spliced.len);
	assert_int_equal(run("gzip -t %s", path), 0);
	free(old);
	buf_free(&in);
	buf_free(&changed);
	buf_free(&spliced);
	buf_free(&back);
	remove_tree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(truncated_and_corrupt),
		cmocka_unit_test(output_limit),
		cmocka_unit_test(real_tools),
		cmocka_unit_test(detection),
		cmocka_unit_test(splice_after_change),
		cmocka_unit_test(splice_around_change),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
