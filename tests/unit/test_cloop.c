// SPDX-License-Identifier: MIT
/*
 * cloop images (V2.0 from Debian's create_compressed_fs, V4.0 from
 * mkcloop4 with every block compression, header first and last), the
 * ISO9660 filesystem inside them, and KNOPPIX media.
 */
#include "helpers.h"
#include "error.h"
#include "medium/cloop.h"
#include "medium/isofs.h"
#include "medium/medium.h"

#include <fcntl.h>

static char *dir;

static char *in_dir(const char *name)
{
	char *path = malloc(strlen(dir) + strlen(name) + 2);

	sprintf(path, "%s/%s", dir, name);
	return path;
}

/* A source file mixing text and noise, not a whole number of blocks. */
static int setup(void **state)
{
	(void)state;
	dir = temp_dir();
	assert_int_equal(run("cd %s && { head -c 200000 /dev/urandom; "
			     "cat /bin/busybox; seq 1 50000; } >plain && "
			     "create_compressed_fs -q -B 65536 plain v2 "
			     ">/dev/null 2>&1 && "
			     "%s/build/mkcloop4 plain v4 && "
			     "%s/build/mkcloop4 --header-first plain v4h && "
			     "%s/build/mkcloop4 --block-size 4096 --only lzo "
			     "plain v4lzo",
			     dir, getenv("PWD"), getenv("PWD"), getenv("PWD")),
			 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	remove_tree(dir);
	free(dir);
	return 0;
}

static int open_image(const char *name, struct cloop *c, int *fd)
{
	char *path = in_dir(name);
	struct stat st;
	struct region r;
	int ret;

	*fd = open(path, O_RDONLY);
	assert_true(*fd >= 0);
	assert_int_equal(fstat(*fd, &st), 0);
	r = (struct region){ *fd, 0, (uint64_t)st.st_size };
	ret = cloop_open(c, name, &r);
	free(path);
	return ret;
}

/* Every byte the image unpacks to is the source's (then zero padding). */
static void check_content(const char *name, int version, bool last)
{
	char *path = in_dir("plain");
	size_t len;
	uint8_t *plain = slurp(path, &len);
	struct cloop c;
	int fd;

	assert_int_equal(open_image(name, &c, &fd), 0);
	assert_int_equal(c.version, version);
	assert_int_equal(c.header_last, last);
	assert_int_equal(c.src.size, (uint64_t)c.nblocks * c.block_size);
	assert_true(c.src.size >= len && c.src.size - len < c.block_size);
	for (uint64_t off = 0; off < c.src.size;) {
		const uint8_t *p;
		size_t n;

		assert_int_equal(c.src.view(&c.src, off, &p, &n), 0);
		for (size_t i = 0; i < n; i++)
			if (off + i < len ? p[i] != plain[off + i] : p[i] != 0)
				fail_msg("%s: byte %llu differs", name,
					 (unsigned long long)(off + i));
		off += n;
	}
	assert_int_equal(c.distinct, c.nblocks);
	/* Asked again: nothing is unpacked twice while the cache holds all,
	 * and with a small one only what it let go. */
	assert_int_equal(c.src.view(&c.src, 0, &(const uint8_t *){ 0 },
				    &(size_t){ 0 }),
			 0);
	if (c.src.size <= cloop_cache_max)
		assert_int_equal(c.unpacked, c.nblocks);
	else
		assert_int_equal(c.unpacked, c.nblocks + 1);
	cloop_close(&c);
	close(fd);
	free(plain);
	free(path);
}

static void v2_from_create_compressed_fs(void **state)
{
	(void)state;
	check_content("v2", 2, false);
}

/* A cache of four blocks: the oldest go, what comes back is right. */
static void small_cache(void **state)
{
	size_t saved = cloop_cache_max;

	(void)state;
	cloop_cache_max = 4 * 65536;
	check_content("v4", 4, true);
	cloop_cache_max = saved;
}

static void v4_every_compression(void **state)
{
	(void)state;
	check_content("v4", 4, true);
	check_content("v4h", 4, false);
	check_content("v4lzo", 4, true);
}

/* A copy of an image, changed with a shell command run in dir. */
static int broken(const char *from, const char *cmd)
{
	struct cloop c;
	int fd, ret;

	assert_int_equal(run("cd %s && cp %s bad && %s", dir, from, cmd), 0);
	ret = open_image("bad", &c, &fd);
	if (!ret) { /* the header is fine: reading every block is not */
		for (uint32_t i = 0; !ret && i < c.nblocks; i++)
			ret = cloop_block(&c, i, &(const uint8_t *){ 0 });
	}
	cloop_close(&c);
	close(fd);
	return ret;
}

/* Bytes (octal escapes: sh is dash) at an offset of ./bad, from its end if
 * negative. */
#define POKE(off, hex)                                                         \
	"o=" off "; [ $o -lt 0 ] && o=$(($(stat -c %s bad) + o)); "            \
	"printf '" hex "' | dd of=bad bs=1 seek=$o conv=notrunc status=none"

static void hostile_images(void **state)
{
	(void)state;
	assert_int_equal(broken("v2", "truncate -s 1000 bad"), -1);
	assert_non_null(strstr(error_text(), "truncated or corrupt"));
	assert_int_equal(broken("v2", "truncate -s 300 bad"), -1);
	assert_non_null(strstr(error_text(), "truncated: "));
	assert_int_equal(broken("v2", "truncate -s 100 bad"), -1);
	assert_non_null(strstr(error_text(), "too short for a cloop image"));
	/* Block 1's offset (at 136 + 8) set before block 0's. */
	assert_int_equal(broken("v2", POKE("148", "\\000\\000\\000\\001")), -1);
	assert_non_null(strstr(error_text(), "out of order"));
	/* The last offset past the end of the file. */
	assert_int_equal(broken("v2", "n=$(od -An -tu1 -j135 -N1 bad); " POKE(
					      "$((136 + 8 * n))",
					      "\\000\\000\\000\\177")),
			 -1);
	assert_non_null(strstr(error_text(), "past the end"));
	/* Half the block size: block 0 holds more than that. */
	assert_int_equal(broken("v2", POKE("128", "\\000\\000\\200\\000")), -1);
	assert_non_null(strstr(error_text(), "unpacks to more than 32768"));
	/* Twice the block size: every block unpacks short. */
	assert_int_equal(broken("v2", POKE("128", "\\000\\002\\000\\000")), -1);
	assert_non_null(strstr(error_text(), "not the block size 131072"));
	assert_int_equal(broken("v2", POKE("128", "\\000\\000\\001\\001")), -1);
	assert_non_null(strstr(error_text(), "not a multiple of 512"));
	/* V4, header last: block 0's flags (table just before the header). */
	assert_int_equal(broken("v4",
				"n=$(($(stat -c %s bad) - 136)); "
				"b=$(od -An -tu1 -j$((n + 135)) -N1 bad);" POKE(
					"$((n - 8 * (b + 1)))", "\\160")),
			 -1);
	assert_non_null(strstr(error_text(), "unknown compression 7"));
	assert_int_equal(broken("v2", POKE("11", "V3")), -1);
	assert_non_null(strstr(error_text(), "V3.0 is not supported"));
	assert_int_equal(broken("v2", POKE("11", "X")), -1);
	assert_non_null(strstr(error_text(), "not a cloop image"));
	/* A corrupt block is named. */
	assert_int_equal(
		broken("v2", POKE("$(($(stat -c %s bad) - 40))", "garbage!")),
		-1);
	assert_non_null(strstr(error_text(), "cloop block"));
}

struct walked {
	size_t files;
	bool saw_nested, saw_link;
};

static int pick_all(void *ctx, const struct isofs_entry *e)
{
	struct walked *w = ctx;

	w->saw_link |= e->type == S_IFLNK && !strcmp(e->path, "link");
	return e->type == S_IFREG;
}

/* Each file read out of the image is the file in the tree. */
static int compare(void *ctx, const struct isofs_entry *e, struct buf *data)
{
	struct walked *w = ctx;
	char *path = malloc(strlen(dir) + strlen(e->path) + 8);
	uint8_t *want;
	size_t len;

	sprintf(path, "%s/tree/%s", dir, e->path);
	want = slurp(path, &len);
	assert_non_null(want);
	assert_int_equal(data->len, len);
	assert_memory_equal(data->data, want, len);
	w->files++;
	w->saw_nested |= !strcmp(e->path, "lib/modules/1.2.3/kernel/x.ko");
	free(want);
	free(path);
	return 0;
}

static void iso_inside_cloop(void **state)
{
	struct walked w = { 0 };
	struct cloop c;
	int fd;

	(void)state;
	assert_int_equal(run("cd %s && mkdir -p tree/lib/modules/1.2.3/kernel "
			     "&& cp /bin/busybox tree/lib/modules/1.2.3/kernel/"
			     "x.ko && seq 1 100000 >tree/Long-Name.txt && "
			     "ln -s Long-Name.txt tree/link && "
			     "genisoimage -quiet -R -o tree.iso tree && "
			     "%s/build/mkcloop4 tree.iso tree.cloop",
			     dir, getenv("PWD")),
			 0);
	assert_int_equal(open_image("tree.cloop", &c, &fd), 0);
	assert_int_equal(isofs_walk(&c.src, pick_all, compare, &w), 0);
	assert_int_equal(w.files, 2);
	assert_true(w.saw_nested && w.saw_link);
	cloop_close(&c);
	close(fd);
}

static int pick_files(void *ctx, const struct isofs_entry *e)
{
	(*(size_t *)ctx)++;
	return e->type == S_IFREG;
}

static int count_taken(void *ctx, const struct isofs_entry *e, struct buf *data)
{
	(void)ctx;
	(void)e;
	(void)data;
	return 0;
}

/* Joliet only: a name the C locale cannot spell is passed over. */
static void joliet_names(void **state)
{
	struct region_source rs;
	struct region r;
	struct stat st;
	size_t seen = 0;
	char *path = in_dir("joliet.iso");
	int fd;

	(void)state;
	assert_int_equal(run("cd %s && mkdir -p j/lib/modules/9.9.9 && "
			     "echo x >j/lib/modules/9.9.9/m\303\266dules.x && "
			     "echo y >j/lib/modules/9.9.9/modules.y && "
			     "genisoimage -quiet -J -o joliet.iso j",
			     dir),
			 0);
	fd = open(path, O_RDONLY);
	assert_int_equal(fstat(fd, &st), 0);
	r = (struct region){ fd, 0, (uint64_t)st.st_size };
	region_source_init(&rs, "joliet.iso", &r);
	assert_int_equal(isofs_walk(&rs.src, pick_files, count_taken, &seen),
			 0);
	assert_true(seen >= 4); /* lib, modules, 9.9.9, modules.y */
	close(fd);
	free(path);
}

/* The stand-in medium of the boot tests, in each of its three forms. */
static void knoppix_media(void **state)
{
	static const char *const forms[] = { "knoppix.iso", "tree", "flat" };
	char *kver = kernel_release();

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		char path[256];
		struct medium m;

		snprintf(path, sizeof(path), "build/fixtures/medium/%s",
			 forms[i]);
		assert_int_equal(medium_open(&m, path), 0);
		assert_int_equal(m.is_iso, i == 0);
		assert_non_null(strstr(m.minirt_label, "minirt.gz"));
		assert_true(i == 0 ? m.minirt_len > 0 && !m.minirt_path :
				     m.minirt_path != NULL);
		assert_int_equal(m.nkernels, 2);
		assert_non_null(strstr(m.kernels[0].label, "linux"));
		assert_false(m.kernels[0].is_64bit);
		assert_non_null(strstr(m.kernels[1].label, "linux64"));
		assert_true(m.kernels[1].is_64bit);
		assert_string_equal(m.kernels[1].release, kver);
		assert_int_equal(m.nimages, 1);
		assert_true(m.images[0].is_cloop);
		medium_close(&m);
	}
	free(kver);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(v2_from_create_compressed_fs),
		cmocka_unit_test(v4_every_compression),
		cmocka_unit_test(small_cache),
		cmocka_unit_test(hostile_images),
		cmocka_unit_test(iso_inside_cloop),
		cmocka_unit_test(joliet_names),
		cmocka_unit_test(knoppix_media),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
