// SPDX-License-Identifier: MIT
/*
 * Writing OUTPUT: nothing lost, nothing clobbered, nothing left behind.
 * link(), rename() and syscall() are replaced here (the builder's calls
 * reach these first; it calls renameat2 by number) to fail as on FAT, or to
 * let another build win a race.
 */
#include "helpers.h"
#include "error.h"
#include "build/options.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/xattr.h>

static char *dir, *modules, *original_dir, original[512];
static bool link_fails; /* as on FAT: EPERM */
static const char *rename_fails_to; /* renaming onto this fails: EIO */
static const char *race_to; /* something else makes this file first */

static void race(const char *to)
{
	if (race_to && !strcmp(to, race_to)) {
		write_bytes(race_to, "theirs", 6);
		race_to = NULL;
	}
}

int link(const char *from, const char *to)
{
	if (link_fails) {
		errno = EPERM;
		return -1;
	}
	race(to);
	return (int)syscall(SYS_link, from, to);
}

/* What the test set up for a rename onto to: EIO, or a race lost. */
static int before_rename(const char *to)
{
	if (rename_fails_to && !strcmp(to, rename_fails_to)) {
		errno = EIO;
		return -1;
	}
	race(to);
	return 0;
}

int rename(const char *from, const char *to)
{
	if (before_rename(to) < 0)
		return -1;
	return (int)syscall(SYS_rename, from, to);
}

/* Every call passes through; renameat2 first meets what the test set up. */
long syscall(long number, ...)
{
	static long (*real)(long, ...);
	long arg[5];
	va_list ap;

	va_start(ap, number);
	for (int i = 0; i < 5; i++)
		arg[i] = va_arg(ap, long);
	va_end(ap);
	if (number == SYS_renameat2 && before_rename((const char *)arg[3]) < 0)
		return -1;
	if (!real)
		real = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
	return real(number, arg[0], arg[1], arg[2], arg[3], arg[4]);
}

static const char *at(const char *name)
{
	return path_at(dir, name);
}

/* A build; *said: what it printed, if said. */
static int build_as(const char *in, const char *out, enum layout layout,
		    bool force, char **said)
{
	char log[512];
	int saved, fd, ret;
	size_t len;

	snprintf(log, sizeof(log), "%s/stdout.log", original_dir);
	fflush(stdout);
	saved = dup(1);
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(saved >= 0 && fd >= 0);
	dup2(fd, 1);
	close(fd);
	ret = build_with(modules, in, out, layout, force);
	dup2(saved, 1);
	close(saved);
	if (said) {
		*said = (char *)slurp(log, &len);
		(*said)[len] = '\0';
	}
	unlink(log);
	return ret;
}

static int build_to(const char *in, const char *out, bool force, char **said)
{
	return build_as(in, out, LAYOUT_MERGE, force, said);
}

/* No temporary file (ours start with a dot) in dir. */
static void no_temp_left(void)
{
	assert_int_equal(run("ls -A %s | grep -q '^\\.'", dir), 256);
}

static int setup(void **state)
{
	(void)state;
	dir = temp_dir();
	/* The index's tree: how modules are found is not this test's. */
	modules = kernel_modules("dep");
	original_dir = temp_dir();
	snprintf(original, sizeof(original), "%s/original.gz", original_dir);
	make_minirt(original, "tests/fixtures/knoppix6-init", "/bin/busybox");
	setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	remove_tree(original_dir);
	remove_tree(dir);
	free(dir);
	free(original_dir);
	free(modules);
	return 0;
}

static int fresh_dir(void **state)
{
	(void)state;
	assert_int_equal(run("rm -rf %s/* %s/.[!.]*", dir, dir), 0);
	return 0;
}

/* dir/minirt.gz, a copy of the original */
static const char *minirt(void)
{
	const char *path = at("minirt.gz");

	assert_int_equal(run("cp %s %s", original, path), 0);
	return path;
}

static void input_through_symlink(void **state)
{
	const char *real = minirt(), *link_path = at("link.gz");
	const char *orig = at("minirt.gz.orig");
	char *said;
	struct stat st;

	(void)state;
	assert_int_equal(symlink("minirt.gz", link_path), 0);
	assert_int_equal(build_to(link_path, real, false, &said), 0);
	/* A real copy of the real file, beside it; the link left alone. */
	assert_int_equal(lstat(orig, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_true(same_file(orig, original));
	assert_false(same_file(real, original));
	assert_int_equal(access(at("link.gz.orig"), F_OK), -1);
	assert_non_null(strstr(said, "the original is kept as"));
	assert_non_null(strstr(said, "minirt.gz.orig\n"));
	assert_int_equal(lstat(link_path, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	free(said);
}

static void output_symlink_written_through(void **state)
{
	const char *target = minirt(), *link_path = at("link.gz");
	const char *in = at("in.gz");
	char *said;
	struct stat st;

	(void)state;
	assert_int_equal(run("cp %s %s", original, in), 0);
	assert_int_equal(symlink("minirt.gz", link_path), 0);
	/* Not in place: the target is another file, so --force. */
	assert_int_equal(build_to(in, link_path, false, NULL), -1);
	assert_non_null(strstr(error_text(), "add --force"));
	assert_int_equal(build_to(in, link_path, true, &said), 0);
	assert_int_equal(lstat(link_path, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_false(same_file(target, original));
	assert_non_null(strstr(said, "where the symbolic link"));
	/* In place through the link: the target's .orig, the link stays. */
	assert_int_equal(run("cp %s %s", original, target), 0);
	assert_int_equal(build_to(link_path, link_path, false, NULL), 0);
	assert_int_equal(lstat(link_path, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_true(same_file(at("minirt.gz.orig"), original));
	/* A link to nowhere: nothing to write through. */
	assert_int_equal(symlink("missing/file.gz", at("dangling")), 0);
	assert_int_equal(build_to(in, at("dangling"), true, NULL), -1);
	assert_non_null(strstr(error_text(), "leads to no file"));
	no_temp_left();
	free(said);
}

static void stale_orig_refused(void **state)
{
	const char *path = minirt(), *orig = at("minirt.gz.orig");

	(void)state;
	write_bytes(orig, "an older release", 16);
	assert_int_equal(build_to(path, path, false, NULL), -1);
	assert_non_null(strstr(error_text(), "is not the original of"));
	assert_non_null(strstr(error_text(), "move it aside"));
	assert_true(same_file(path, original));
	assert_int_equal(run("test \"$(cat %s)\" = 'an older release'", orig),
			 0);
	/* A directory there is no original either. */
	unlink(orig);
	assert_int_equal(mkdir(orig, 0755), 0);
	assert_int_equal(build_to(path, path, false, NULL), -1);
	assert_non_null(strstr(error_text(), "is not a regular file"));
	assert_true(same_file(path, original));
	no_temp_left();
}

static void orig_trusted_when_provably_the_original(void **state)
{
	const char *path = minirt(), *orig = at("minirt.gz.orig");
	const char *built = at("built.gz");
	char *said;

	(void)state;
	/* A build killed after keeping .orig: .orig is the input itself. */
	assert_int_equal(run("cp %s %s", original, orig), 0);
	assert_int_equal(build_to(path, path, false, &said), 0);
	assert_null(strstr(said, "is kept as"));
	assert_non_null(strstr(said, "was kept before"));
	assert_true(same_file(orig, original));
	free(said);
	/* A build of ours whose .orig is what it was built from. */
	assert_int_equal(build_to(path, path, false, NULL), 0);
	assert_true(same_file(orig, original));
	/* A build made elsewhere, copied here, built again in place: its
	 * .orig is the build, and stays trusted from then on. */
	assert_int_equal(run("cp %s %s && rm %s", path, built, orig), 0);
	assert_int_equal(run("cp %s %s", built, path), 0);
	assert_int_equal(build_to(path, path, false, NULL), 0);
	assert_true(same_file(orig, built));
	assert_int_equal(build_to(path, path, false, NULL), 0);
	assert_true(same_file(orig, built));
}

/*
 * A build of ours rebuilt in place with no original beside it: the file
 * replaced is kept, and called what it is; build-info still records the
 * original, so in place or not, the bytes are the same.
 */
static void rebuild_in_place_keeps_provenance(void **state)
{
	const char *path = at("minirt.gz"), *orig = at("minirt.gz.orig");
	const char *first = at("first.gz"), *direct = at("direct.gz");
	char *said;

	(void)state;
	assert_int_equal(build_to(original, direct, false, NULL), 0);
	assert_int_equal(build_as(original, first, LAYOUT_APPEND, false, NULL),
			 0);
	assert_int_equal(run("cp %s %s", first, path), 0);
	assert_int_equal(build_to(path, path, false, &said), 0);
	assert_non_null(strstr(said, "the previous build is kept as"));
	assert_null(strstr(said, "the original is kept"));
	assert_true(same_file(orig, first));
	assert_true(same_file(path, direct));
	free(said);
	/* Again: .orig, the append build, is from the input's original. */
	assert_int_equal(build_to(path, path, false, &said), 0);
	assert_non_null(strstr(
		said,
		"an earlier build from the same original was kept before"));
	assert_true(same_file(orig, first));
	assert_true(same_file(path, direct));
	free(said);
	no_temp_left();
}

/* A build beside a file it is not the build of is no original of it. */
static void foreign_build_as_orig_refused(void **state)
{
	const char *path = minirt(), *orig = at("minirt.gz.orig");
	const char *other = at("other.gz"), *built = at("built.gz");

	(void)state;
	/* The input is the original: a build of it cannot stand for it. */
	assert_int_equal(build_to(path, orig, false, NULL), 0);
	assert_int_equal(build_to(path, path, false, NULL), -1);
	assert_non_null(strstr(error_text(), "is not the original of"));
	assert_true(same_file(path, original));
	/* A build of another original beside a build of this one. */
	make_minirt(other, "tests/fixtures/rerun-init", "/bin/busybox");
	assert_int_equal(build_to(other, orig, true, NULL), 0);
	assert_int_equal(build_to(original, built, false, NULL), 0);
	assert_int_equal(run("cp %s %s", built, path), 0);
	assert_int_equal(build_to(path, path, false, NULL), -1);
	assert_non_null(strstr(error_text(), "is not the original of"));
	assert_true(same_file(path, built));
	no_temp_left();
}

static void orig_copied_where_links_fail(void **state)
{
	const char *path = minirt(), *orig = at("minirt.gz.orig");
	struct stat st;

	(void)state;
	assert_int_equal(chmod(path, 0640), 0);
	link_fails = true;
	assert_int_equal(build_to(path, path, false, NULL), 0);
	link_fails = false;
	assert_int_equal(stat(orig, &st), 0);
	assert_int_equal(st.st_nlink, 1);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_true(same_file(orig, original));
	no_temp_left();
}

static void attributes_kept(void **state)
{
	const char *path = minirt(), *other = at("other.gz");
	char value[16] = "";
	struct stat st;

	(void)state;
	assert_int_equal(chown(path, 1234, 5678), 0);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(setxattr(path, "user.minirt", "kept", 4, 0), 0);
	assert_int_equal(build_to(path, path, false, NULL), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_uid, 1234);
	assert_int_equal(st.st_gid, 5678);
	assert_int_equal(getxattr(path, "user.minirt", value, sizeof(value)),
			 4);
	assert_string_equal(value, "kept");
	assert_false(same_file(path, original));
	/* --force over another file: its attributes too. */
	write_bytes(other, "x", 1);
	assert_int_equal(chmod(other, 0604), 0);
	assert_int_equal(build_to(original, other, true, NULL), 0);
	assert_int_equal(stat(other, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0604);
}

static void new_file_honours_umask(void **state)
{
	const char *out = at("new.gz");
	mode_t old = umask(027);
	struct stat st;

	(void)state;
	assert_int_equal(build_to(original, out, false, NULL), 0);
	umask(old);
	assert_int_equal(stat(out, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
}

static void new_output_not_clobbered(void **state)
{
	const char *out = at("new.gz");

	(void)state;
	/* Another build makes OUTPUT between our check and our rename. */
	race_to = out;
	assert_int_equal(build_to(original, out, false, NULL), -1);
	race_to = NULL;
	assert_non_null(strstr(error_text(), "made by something else"));
	assert_int_equal(run("test \"$(cat %s)\" = theirs", out), 0);
	no_temp_left();
}

static void failed_build_leaves_no_orig(void **state)
{
	const char *path = minirt(), *orig = at("minirt.gz.orig");

	(void)state;
	rename_fails_to = path;
	assert_int_equal(build_to(path, path, false, NULL), -1);
	rename_fails_to = NULL;
	assert_non_null(strstr(error_text(), path));
	assert_int_equal(access(orig, F_OK), -1);
	assert_true(same_file(path, original));
	no_temp_left();
}

static void stale_temps_removed(void **state)
{
	const char *out = at("minirt.gz");
	const char *stale = at(".minirt.gz.minirt-virtio-AbC123");
	const char *held = at(".other.gz.minirt-virtio-XyZ789");
	const char *foreign = at(".minirt.gz.Q1w2E3");
	int fd;

	(void)state;
	write_bytes(stale, "left by a killed build", 22);
	write_bytes(foreign, "not ours", 8);
	write_bytes(held, "a build still running", 21);
	fd = open(held, O_RDONLY);
	assert_int_equal(flock(fd, LOCK_EX), 0);
	assert_int_equal(build_to(original, out, false, NULL), 0);
	assert_int_equal(access(stale, F_OK), -1);
	assert_int_equal(access(held, F_OK), 0);
	assert_int_equal(access(foreign, F_OK), 0);
	close(fd);
}

static void messages_name_output(void **state)
{
	const char *out = at("out.gz"), *sub = at("sub");
	char long_name[400];
	struct rlimit small = { 100000, RLIM_INFINITY }, saved;

	(void)state;
	/* A write error names OUTPUT, not the temporary file. */
	signal(SIGXFSZ, SIG_IGN);
	getrlimit(RLIMIT_FSIZE, &saved);
	setrlimit(RLIMIT_FSIZE, &small);
	assert_int_equal(build_to(original, out, false, NULL), -1);
	setrlimit(RLIMIT_FSIZE, &saved);
	assert_non_null(strstr(error_text(), "cannot write"));
	assert_non_null(strstr(error_text(), out));
	assert_null(strstr(error_text(), "minirt-virtio-"));
	assert_int_equal(access(out, F_OK), -1);
	no_temp_left();
	/* A directory: not a matter of --force. */
	assert_int_equal(mkdir(sub, 0755), 0);
	assert_int_equal(build_to(original, sub, false, NULL), -1);
	assert_non_null(strstr(error_text(), "is a directory"));
	assert_null(strstr(error_text(), "--force"));
	/* A name too long: the name, not the directory. */
	snprintf(long_name, sizeof(long_name), "%s/%0300d", dir, 7);
	assert_int_equal(build_to(original, long_name, false, NULL), -1);
	assert_non_null(strstr(error_text(), "file name is longer than"));
	assert_null(strstr(error_text(), "cannot write in the directory"));
	no_temp_left();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(input_through_symlink, fresh_dir),
		cmocka_unit_test_setup(output_symlink_written_through,
				       fresh_dir),
		cmocka_unit_test_setup(stale_orig_refused, fresh_dir),
		cmocka_unit_test_setup(orig_trusted_when_provably_the_original,
				       fresh_dir),
		cmocka_unit_test_setup(rebuild_in_place_keeps_provenance,
				       fresh_dir),
		cmocka_unit_test_setup(foreign_build_as_orig_refused,
				       fresh_dir),
		cmocka_unit_test_setup(orig_copied_where_links_fail, fresh_dir),
		cmocka_unit_test_setup(attributes_kept, fresh_dir),
		cmocka_unit_test_setup(new_file_honours_umask, fresh_dir),
		cmocka_unit_test_setup(new_output_not_clobbered, fresh_dir),
		cmocka_unit_test_setup(failed_build_leaves_no_orig, fresh_dir),
		cmocka_unit_test_setup(stale_temps_removed, fresh_dir),
		cmocka_unit_test_setup(messages_name_output, fresh_dir),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
