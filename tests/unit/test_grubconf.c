// SPDX-License-Identifier: MIT
/*
 * What setup writes into GRUB's configuration: the record it reads back,
 * the generator GRUB 2's grub-mkconfig runs, GRUB legacy's block in
 * menu.lst and its default line, put back byte for byte by --remove.
 */
#include "helpers.h"
#include "error.h"
#include "grub/grubconf.h"

static struct setup_record sample(void)
{
	struct setup_record r = { .how = MINIRT_NEW };

	strcpy(r.medium, "/root/KNOPPIX.iso");
	strcpy(r.minirt, "/root/KNOPPIX.minirt.gz");
	strcpy(r.once, "KNOPPIX 3.0.4-64 (linux64, virtio)");
	return r;
}

static const char entries[] = "menuentry 'KNOPPIX' {\n\tlinux /x\n}\n";

static void record_round_trip(void **state)
{
	struct setup_record r = sample(), back;
	struct buf out = { 0 };

	(void)state;
	record_write(&r, &out);
	assert_int_equal(record_parse((char *)out.data, out.len, &back), 0);
	assert_memory_equal(&r, &back, sizeof(r));
	buf_free(&out);
	/* GRUB legacy's fields, and --default. */
	r.how = MINIRT_ORIG_MADE;
	r.permanent = true;
	r.entry = 3;
	r.saved_was = 2;
	r.default_line = 4;
	strcpy(r.default_was, "default=2");
	r.joined = true;
	record_write(&r, &out);
	assert_int_equal(record_parse((char *)out.data, out.len, &back), 0);
	assert_memory_equal(&r, &back, sizeof(r));
	buf_free(&out);
	/* Text without a record is none. */
	assert_int_equal(record_parse("#!/bin/sh\n", 10, &back), 1);
}

static void expect_bad_record(const char *text, const char *message)
{
	struct setup_record r;

	assert_int_equal(record_parse(text, strlen(text), &r), -1);
	assert_string_equal(error_text(), message);
}

/* A record someone edited, or a file that only looks like one. */
static void hostile_records(void **state)
{
	char long_path[PATH_MAX + 64] = RECORD_PREFIX "medium /";

	(void)state;
	expect_bad_record(RECORD_PREFIX "medium root/x.iso\n",
			  "line 1: not an absolute path");
	expect_bad_record("x\n" RECORD_PREFIX "colour blue\n",
			  "line 2: colour: not a field setup writes");
	expect_bad_record(RECORD_PREFIX "minirt old /x\n",
			  "line 1: not new, orig-made or orig-kept");
	expect_bad_record(RECORD_PREFIX "title KNOPPIX\x01\n",
			  "line 1: a control byte in a value");
	expect_bad_record(RECORD_PREFIX "entry 12a\n", "line 1: not a number");
	expect_bad_record(RECORD_PREFIX "entry 99999999999\n",
			  "line 1: a number too large");
	expect_bad_record(RECORD_PREFIX "medium /x\n",
			  "a record without its medium or minirt");
	expect_bad_record(RECORD_PREFIX "medium /x\n" RECORD_PREFIX
					"minirt new /y\n",
			  "a record without its title");
	memset(long_path + strlen(long_path), 'a', PATH_MAX);
	long_path[sizeof(long_path) - 1] = '\0';
	expect_bad_record(long_path, "line 1: a value longer than 4095 bytes");
}

/* The generator, run by sh: the entries while the files are there. */
static void generator_runs(void **state)
{
	struct setup_record r = sample();
	struct buf text = { 0 }, list = { 0 };
	char *dir = temp_dir(), gen[600], file[600], out[600];
	const char *files[1] = { file };
	uint8_t *got;
	size_t len;

	(void)state;
	buf_add_str(&list, entries);
	snprintf(file, sizeof(file), "%s/KNOPPIX.iso", dir);
	snprintf(gen, sizeof(gen), "%s/42_minirt-virtio", dir);
	snprintf(out, sizeof(out), "%s/out", dir);
	generator_write(&r, files, 1, &list, &text);
	write_bytes(gen, text.data, text.len);
	/* The file gone: no entry, and no error for grub-mkconfig. */
	assert_int_equal(run("sh %s >%s 2>/dev/null", gen, out), 0);
	got = slurp(out, &len);
	assert_int_equal(len, 0);
	free(got);
	write_bytes(file, "iso", 3);
	assert_int_equal(run("sh %s >%s 2>/dev/null", gen, out), 0);
	got = slurp(out, &len);
	assert_int_equal(len, strlen(entries));
	assert_memory_equal(got, entries, len);
	free(got);
	/* --default: the entry is the default unless a one-time one is set. */
	buf_free(&text);
	r.permanent = true;
	generator_write(&r, files, 1, &list, &text);
	assert_non_null(
		strstr((char *)text.data,
		       "if [ -z \"${boot_once}\" ]; then\n"
		       "\tset default='KNOPPIX 3.0.4-64 (linux64, virtio)'\n"
		       "fi\n"));
	buf_free(&text);
	buf_free(&list);
	remove_tree(dir);
	free(dir);
}

/* Add the block, take it away: the very bytes again. */
static void legacy_round_trip_of(const char *menu, unsigned entry,
				 unsigned saved_was, const char *default_was)
{
	struct setup_record r = sample();
	struct buf list = { 0 }, added = { 0 }, back = { 0 };
	bool kept;

	buf_add_str(&list, "title KNOPPIX\n\troot (hd0,0)\n");
	assert_int_equal(legacy_place(menu, strlen(menu), &r), 0);
	assert_int_equal(r.entry, entry);
	assert_int_equal(r.saved_was, saved_was);
	assert_string_equal(r.default_was, default_was);
	assert_int_equal(legacy_add(menu, strlen(menu), &r, &list, &added), 0);
	assert_int_equal(buf_add(&added, "", 1), 0);
	added.len--;
	assert_non_null(strstr((char *)added.data, "default saved\n"));
	assert_non_null(strstr((char *)added.data, BLOCK_BEGIN
			       "\n# KNOPPIX from /root/KNOPPIX.iso"));
	assert_non_null(strstr((char *)added.data,
			       "title KNOPPIX\n\troot (hd0,0)\n" BLOCK_END
			       "\n"));
	assert_int_equal(legacy_remove((char *)added.data, added.len, &r, &back,
				       &kept),
			 0);
	assert_false(kept);
	assert_int_equal(back.len, strlen(menu));
	assert_memory_equal(back.data, menu, back.len);
	buf_free(&list);
	buf_free(&added);
	buf_free(&back);
}

static void legacy_round_trips(void **state)
{
	(void)state;
	/* CentOS 6's grub.conf. */
	legacy_round_trip_of(
		"# grub.conf generated by anaconda\n"
		"default=0\ntimeout=5\n"
		"splashimage=(hd0,0)/grub/splash.xpm.gz\nhiddenmenu\n"
		"title CentOS (2.6.32-754.el6.x86_64)\n\troot (hd0,0)\n"
		"\tkernel /vmlinuz-2.6.32-754.el6.x86_64 ro root=/dev/vda2\n"
		"\tinitrd /initramfs-2.6.32-754.el6.x86_64.img\n"
		"title CentOS (2.6.32-696.el6.x86_64)\n\troot (hd0,0)\n",
		2, 0, "default=0");
	/* default 1, with a space; no newline at the very end. */
	legacy_round_trip_of("timeout 3\ndefault 1\ntitle a\ntitle b", 2, 1,
			     "default 1");
	/* No default line at all: one is added at the top, and goes again. */
	legacy_round_trip_of("title a\n\troot (hd0,0)\n", 1, 0, "");
	/* An empty menu.lst. */
	legacy_round_trip_of("", 0, 0, "");
	/* default saved already: it stays. */
	legacy_round_trip_of("default saved\ntitle a\n", 1, 0, "default saved");
}

/* The default line changed since setup: --remove leaves it. */
static void legacy_default_changed(void **state)
{
	const char menu[] = "default 0\ntitle a\n";
	struct setup_record r = sample();
	struct buf list = { 0 }, added = { 0 }, back = { 0 };
	char *edited, *at;
	bool kept;

	(void)state;
	buf_add_str(&list, "title KNOPPIX\n");
	assert_int_equal(legacy_place(menu, strlen(menu), &r), 0);
	assert_int_equal(legacy_add(menu, strlen(menu), &r, &list, &added), 0);
	assert_int_equal(buf_add(&added, "", 1), 0);
	edited = strdup((char *)added.data);
	at = strstr(edited, "default saved");
	memcpy(at, "default 1    ", 13);
	assert_int_equal(
		legacy_remove(edited, strlen(edited), &r, &back, &kept), 0);
	assert_true(kept);
	assert_int_equal(back.len, strlen("default 1    \ntitle a\n"));
	assert_memory_equal(back.data, "default 1    \ntitle a\n", back.len);
	free(edited);
	buf_free(&list);
	buf_free(&added);
	buf_free(&back);
}

static void expect_bad_block(const char *menu, const char *message)
{
	size_t start, end;

	assert_int_equal(legacy_find_block(menu, strlen(menu), &start, &end),
			 -1);
	assert_string_equal(error_text(), message);
}

static void damaged_blocks(void **state)
{
	size_t start, end;

	(void)state;
	expect_bad_block("title a\n" BLOCK_BEGIN "\ntitle b\n",
			 BLOCK_BEGIN " without its END");
	expect_bad_block(BLOCK_END "\n", BLOCK_END " before its BEGIN");
	expect_bad_block(BLOCK_BEGIN "\n" BLOCK_BEGIN "\n" BLOCK_END "\n",
			 "two " BLOCK_BEGIN " lines");
	assert_int_equal(legacy_find_block("title a\n", 8, &start, &end), 1);
	assert_int_equal(legacy_find_block("x\n" BLOCK_BEGIN "\ny\n" BLOCK_END
					   "\nz\n",
					   strlen("x\n" BLOCK_BEGIN
						  "\ny\n" BLOCK_END "\nz\n"),
					   &start, &end),
			 0);
	assert_int_equal(start, 2);
	assert_int_equal(end, strlen("x\n" BLOCK_BEGIN "\ny\n" BLOCK_END "\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(record_round_trip),
		cmocka_unit_test(hostile_records),
		cmocka_unit_test(generator_runs),
		cmocka_unit_test(legacy_round_trips),
		cmocka_unit_test(legacy_default_changed),
		cmocka_unit_test(damaged_blocks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
