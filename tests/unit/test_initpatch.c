// SPDX-License-Identifier: MIT
/* Adding vd (and NVMe) names to every device scan of KNOPPIX's init. */
#include "helpers.h"
#include "initramfs/initpatch.h"

#define SCAN                                                                   \
	"'hd[a-z]' 'hd[a-z][0-9]*' 'scd[0-9]*' 'sr[0-9]*' 'sd[a-z]' "          \
	"'sd[a-z][0-9]*'"
#define VD INITPATCH_VD
#define NVME INITPATCH_NVME

static char *patch(const char *text, bool nvme, struct initpatch *res)
{
	struct buf out = { 0 };

	assert_int_equal(initpatch_apply((const uint8_t *)text, strlen(text),
					 nvme, &out, res),
			 0);
	if (!out.len)
		return NULL;
	buf_add(&out, "", 1);
	return (char *)out.data;
}

/* Patched as want says, and a second patch changes nothing. */
static void expect_patched(const char *in, bool nvme, const char *want)
{
	struct initpatch res, again;
	char *out = patch(in, nvme, &res);

	assert_non_null(out);
	assert_string_equal(out, want);
	assert_int_equal(res.added, strlen(want) - strlen(in));
	assert_null(patch(out, nvme, &again));
	assert_int_equal(again.patched, 0);
	assert_int_equal(again.complete, again.calls);
	free(out);
	initpatch_free(&res);
	initpatch_free(&again);
}

static void expect_unchanged(const char *in, bool nvme)
{
	struct initpatch res;

	assert_null(patch(in, nvme, &res));
	assert_int_equal(res.patched, 0);
	assert_int_equal(res.lines.len, 0);
	initpatch_free(&res);
}

/* The seed's two lines: the scan, and the USB retry loop's. */
static void seed_lines(void **state)
{
	const char *in = "#!/static/sh\n"
			 "if [ -n \"$x\" ]; then :\n"
			 "elif ! findknoppix $(listpartitions " SCAN "); then\n"
			 "  for i in 1 2; do\n"
			 "    findknoppix $(listpartitions 'scd[0-9]*' "
			 "'sr[0-9]*' 'sd[a-z]' 'sd[a-z][0-9]*') && break\n"
			 "  done\n"
			 "fi\n";
	const char *want =
		"#!/static/sh\n"
		"if [ -n \"$x\" ]; then :\n"
		"elif ! findknoppix $(listpartitions " SCAN VD "); then\n"
		"  for i in 1 2; do\n"
		"    findknoppix $(listpartitions 'scd[0-9]*' "
		"'sr[0-9]*' 'sd[a-z]' 'sd[a-z][0-9]*'" VD ") && break\n"
		"  done\n"
		"fi\n";
	struct initpatch res;
	char *out = patch(in, false, &res);

	(void)state;
	assert_string_equal(out, want);
	assert_int_equal(res.calls, 2);
	assert_int_equal(res.patched, 2);
	assert_string_equal(
		(char *)res.lines.data,
		"line 3: elif ! findknoppix $(listpartitions " SCAN VD
		"); then\n"
		"line 5:     findknoppix $(listpartitions "
		"'scd[0-9]*' 'sr[0-9]*' 'sd[a-z]' 'sd[a-z][0-9]*'" VD
		") && break\n");
	free(out);
	initpatch_free(&res);
	expect_patched(in, false, want);
}

/* findknoppix $root $(listpartitions ...): other arguments before it. */
static void arguments_before(void **state)
{
	(void)state;
	expect_patched("#!/bin/sh\nfindknoppix $root $(listpartitions "
		       "'sr[0-9]*' 'sd[a-z]') && break\n",
		       false,
		       "#!/bin/sh\nfindknoppix $root $(listpartitions "
		       "'sr[0-9]*' 'sd[a-z]'" VD ") && break\n");
}

/* The bootfrom= fall-back: a loop over every partition. */
static void for_loop(void **state)
{
	(void)state;
	expect_patched("#!/bin/sh\nfor BOOTDEV in $(listpartitions " SCAN
		       "); do\n\tmount $BOOTDEV /x\ndone\n",
		       false,
		       "#!/bin/sh\nfor BOOTDEV in $(listpartitions " SCAN VD
		       "); do\n\tmount $BOOTDEV /x\ndone\n");
}

/* Derivatives rename findknoppix; any use of the listing counts. */
static void renamed_and_other_uses(void **state)
{
	(void)state;
	expect_patched(
		"#!/bin/sh\nfind_medium $(listpartitions 'sd[a-z]')\n"
		"devs=\"$(listpartitions 'sd[a-z]')\"\n"
		"set -- $(listpartitions 'sd[a-z]' | sort -r)\n"
		"x=$(listpartitions 'sd[a-z]'>/tmp/l; cat /tmp/l)\n",
		false,
		"#!/bin/sh\nfind_medium $(listpartitions 'sd[a-z]'" VD ")\n"
		"devs=\"$(listpartitions 'sd[a-z]'" VD ")\"\n"
		"set -- $(listpartitions 'sd[a-z]'" VD " | sort -r)\n"
		"x=$(listpartitions 'sd[a-z]'" VD ">/tmp/l; cat /tmp/l)\n");
}

static void continued_lines(void **state)
{
	(void)state;
	expect_patched("#!/bin/sh\n"
		       "findknoppix $(listpartitions 'hd[a-z]' \\\n"
		       "\t'sd[a-z]' 'sd[a-z][0-9]*' \\\n"
		       "\t) || echo no\n",
		       false,
		       "#!/bin/sh\n"
		       "findknoppix $(listpartitions 'hd[a-z]' \\\n"
		       "\t'sd[a-z]' 'sd[a-z][0-9]*'" VD " \\\n"
		       "\t) || echo no\n");
}

static void other_quotes_and_spacing(void **state)
{
	(void)state;
	expect_patched("#!/bin/sh\nfindknoppix $( listpartitions \"sd[a-z]\""
		       " sd[a-z][0-9]* )\n",
		       false,
		       "#!/bin/sh\nfindknoppix $( listpartitions"
		       " \"sd[a-z]\" sd[a-z][0-9]*" VD " )\n");
}

/* Two calls on one line: both patched, the line reported once. */
static void two_calls_one_line(void **state)
{
	struct initpatch res;
	char *out = patch("#!/bin/sh\na $(listpartitions 'sd[a-z]') "
			  "$(listpartitions 'sd[a-z]')\n",
			  false, &res);

	(void)state;
	assert_int_equal(res.patched, 2);
	assert_string_equal((char *)res.lines.data,
			    "line 2: a $(listpartitions 'sd[a-z]'" VD
			    ") $(listpartitions 'sd[a-z]'" VD ")\n");
	free(out);
	initpatch_free(&res);
}

/* With an nvme module: NVMe names beside the vd ones, or alone. */
static void nvme_names(void **state)
{
	struct initpatch res;
	char *out;

	(void)state;
	expect_patched("#!/bin/sh\nfindknoppix $(listpartitions " SCAN ")\n",
		       true,
		       "#!/bin/sh\nfindknoppix $(listpartitions " SCAN VD NVME
		       ")\n");
	/* KNOPPIX 7, or the seed's edit: only NVMe is missing */
	expect_patched("#!/bin/sh\nfindknoppix $(listpartitions 'sd[a-z]' "
		       "'vda' 'vda[0-9]')\n",
		       true,
		       "#!/bin/sh\nfindknoppix $(listpartitions 'sd[a-z]' "
		       "'vda' 'vda[0-9]'" NVME ")\n");
	expect_unchanged("#!/bin/sh\nfindknoppix $(listpartitions 'sd[a-z]' "
			 "'vd[a-z]' 'nvme0n1p1')\n",
			 true);
	out = patch("#!/bin/sh\nf $(listpartitions 'sd[a-z]' 'vd[a-z]')\n",
		    false, &res);
	assert_null(out);
	assert_int_equal(res.calls, 1);
	assert_int_equal(res.complete, 1);
	initpatch_free(&res);
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
		/* only cdrom names: nothing to extend */
		"#!/bin/sh\nfindknoppix $(listpartitions 'sr[0-9]*')\n",
		/* not a call: quoted, escaped, commented, a definition */
		"#!/bin/sh\necho '$(listpartitions sd[a-z])'\n",
		"#!/bin/sh\necho \\$(listpartitions sd[a-z])\n",
		"#!/bin/sh\n  # findknoppix $(listpartitions 'sd[a-z]')\n",
		"#!/bin/sh\nx=1 # $(listpartitions 'sd[a-z]')\n",
		"#!/bin/sh\nlistpartitions() { find /sys -name sd; }\n",
		"#!/bin/sh\nx=$(listpartitions2 'sd[a-z]')\n",
		"#!/bin/sh\nx=$((listpartitions + 1)) # sd\n",
		/* shapes not understood: nested, a newline inside, unended */
		"#!/bin/sh\nx=$(listpartitions $(echo sd))\n",
		"#!/bin/sh\nx=$(listpartitions \"$(echo sd)\")\n",
		"#!/bin/sh\nx=$(listpartitions 'sd[a-z]'\n)\n",
		"#!/bin/sh\nfindknoppix $(listpartitions 'sd[a-z]'",
		"#!/bin/sh\nfindknoppix $(listpartitions 'sd[a-z]\n",
		/* not a script */
		"\x7f"
		"ELF findknoppix $(listpartitions 'sd[a-z]')",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(inits) / sizeof(*inits); i++)
		expect_unchanged(inits[i], false);
}

/* The stand-ins the boot tests use: every scan in them is found. */
static void stand_in(void **state)
{
	size_t len;
	uint8_t *text = slurp("tests/fixtures/knoppix6-init", &len);
	struct buf out = { 0 };
	struct initpatch res;

	(void)state;
	assert_non_null(text);
	assert_int_equal(initpatch_apply(text, len, true, &out, &res), 0);
	assert_int_equal(res.calls, 3);
	assert_int_equal(res.patched, 3);
	assert_int_equal(out.len, len + res.added);
	buf_free(&out);
	initpatch_free(&res);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seed_lines),
		cmocka_unit_test(arguments_before),
		cmocka_unit_test(for_loop),
		cmocka_unit_test(renamed_and_other_uses),
		cmocka_unit_test(continued_lines),
		cmocka_unit_test(other_quotes_and_spacing),
		cmocka_unit_test(two_calls_one_line),
		cmocka_unit_test(nvme_names),
		cmocka_unit_test(left_alone),
		cmocka_unit_test(stand_in),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
