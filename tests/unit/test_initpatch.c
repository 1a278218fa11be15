// SPDX-License-Identifier: MIT
/* Adding vd names to KNOPPIX's device scans, and nothing else. */
#include "helpers.h"
#include "initpatch.h"

static char *patch(const char *text, struct initpatch *res)
{
	struct buf out = { 0 };

	assert_int_equal(initpatch_apply((const uint8_t *)text, strlen(text),
					 &out, res),
			 0);
	if (!out.len)
		return NULL;
	buf_add(&out, "", 1);
	return (char *)out.data;
}

static void expect_patched(const char *in, const char *want)
{
	struct initpatch res;
	char *out = patch(in, &res);

	assert_non_null(out);
	assert_string_equal(out, want);
	free(out);
	initpatch_free(&res);
}

static void seed_lines(void **state)
{
	const char *in = "#!/static/sh\n"
			 "if [ -n \"$x\" ]; then :\n"
			 "elif ! findknoppix $(listpartitions 'hd[a-z]' "
			 "'hd[a-z][0-9]*'"
			 " 'scd[0-9]*' 'sr[0-9]*' 'sd[a-z]' 'sd[a-z][0-9]*'); "
			 "then\n"
			 "  for i in 1 2; do\n"
			 "    findknoppix $(listpartitions 'scd[0-9]*' "
			 "'sr[0-9]*' "
			 "'sd[a-z]' 'sd[a-z][0-9]*') && break\n"
			 "  done\n"
			 "fi\n";
	const char *want = "#!/static/sh\n"
			   "if [ -n \"$x\" ]; then :\n"
			   "elif ! findknoppix $(listpartitions 'hd[a-z]' "
			   "'hd[a-z][0-9]*'"
			   " 'scd[0-9]*' 'sr[0-9]*' 'sd[a-z]' 'sd[a-z][0-9]*'"
			   " 'vd[a-z]' 'vd[a-z][0-9]*'); then\n"
			   "  for i in 1 2; do\n"
			   "    findknoppix $(listpartitions 'scd[0-9]*' "
			   "'sr[0-9]*' "
			   "'sd[a-z]' 'sd[a-z][0-9]*' 'vd[a-z]' "
			   "'vd[a-z][0-9]*')"
			   " && break\n"
			   "  done\n"
			   "fi\n";
	struct initpatch res;
	char *out = patch(in, &res);

	(void)state;
	assert_non_null(out);
	assert_string_equal(out, want);
	assert_int_equal(res.calls, 2);
	assert_int_equal(res.patched, 2);
	assert_non_null(strstr((char *)res.lines.data, "line 3: elif"));
	assert_non_null(strstr((char *)res.lines.data, "line 5: "));
	free(out);
	initpatch_free(&res);
}

static void continued_lines(void **state)
{
	const char *in = "#!/bin/sh\n"
			 "findknoppix $(listpartitions 'hd[a-z]' \\\n"
			 "\t'sd[a-z]' 'sd[a-z][0-9]*' \\\n"
			 "\t) || echo no\n";
	const char *want = "#!/bin/sh\n"
			   "findknoppix $(listpartitions 'hd[a-z]' \\\n"
			   "\t'sd[a-z]' 'sd[a-z][0-9]*' 'vd[a-z]' "
			   "'vd[a-z][0-9]*' \\\n"
			   "\t) || echo no\n";

	(void)state;
	expect_patched(in, want);
}

static void other_quotes_and_spacing(void **state)
{
	const char *in = "#!/bin/sh\nfindknoppix $( listpartitions \"sd[a-z]\""
			 " sd[a-z][0-9]* )\n";
	const char *want = "#!/bin/sh\nfindknoppix $( listpartitions"
			   " \"sd[a-z]\" sd[a-z][0-9]* 'vd[a-z]'"
			   " 'vd[a-z][0-9]*' )\n";

	(void)state;
	expect_patched(in, want);
}

static void left_alone(void **state)
{
	static const char *const inits[] = {
		/* scans vd names already (KNOPPIX 7 style) */
		"#!/bin/sh\nfindknoppix $(listpartitions 'sd[a-z]' \\\n"
		"  'vd[a-z]' 'vd[a-z][0-9]*')\n",
		/* the seed's own edit */
		"#!/bin/sh\nfindknoppix $(listpartitions 'sd[a-z]' 'vda'"
		" 'vda[0-9]')\n",
		/* no such call */
		"#!/bin/sh\nexec /sbin/init\n",
		/* listpartitions alone, not for findknoppix */
		"#!/bin/sh\nfor d in $(listpartitions 'sd[a-z]'); do :; done\n",
		/* only cdrom names: nothing to extend */
		"#!/bin/sh\nfindknoppix $(listpartitions 'sr[0-9]*')\n",
		/* not a script */
		"\x7f"
		"ELF findknoppix $(listpartitions 'sd[a-z]')",
	};
	struct initpatch res;

	(void)state;
	for (size_t i = 0; i < sizeof(inits) / sizeof(*inits); i++) {
		assert_null(patch(inits[i], &res));
		assert_int_equal(res.patched, 0);
		initpatch_free(&res);
	}
	patch(inits[0], &res);
	assert_int_equal(res.with_vd, 1);
	initpatch_free(&res);
}

static void unterminated_call(void **state)
{
	struct initpatch res;

	(void)state;
	assert_null(patch("#!/bin/sh\nfindknoppix $(listpartitions 'sd[a-z]'",
			  &res));
	assert_null(patch("#!/bin/sh\nfindknoppix $(listpartitions 'sd[a-z]\n",
			  &res));
	initpatch_free(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seed_lines),
		cmocka_unit_test(continued_lines),
		cmocka_unit_test(other_quotes_and_spacing),
		cmocka_unit_test(left_alone),
		cmocka_unit_test(unterminated_call),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
