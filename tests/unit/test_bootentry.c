// SPDX-License-Identifier: MIT
/*
 * minirt-virtio boot-entry: the entries for GRUB 2 and GRUB legacy, from a
 * directory of KNOPPIX files and a mount table the test writes.
 */
#include "helpers.h"
#include "error.h"
#include "grub/bootentry.h"
#include "initramfs/compress.h"
#include "initramfs/cpio.h"

#include <sys/sysmacros.h>

static char *tmp; /* the test's directory: fs/ is "the disk" */
static char dir[512]; /* tmp/fs/boot/KNOPPIX */
static char table[8192];
static struct buf out;

/*
 * A bzImage header that kernel_version() reads: HdrS, version string, and
 * as many bytes as its header says (setup_sects 0 counts as 4, syssize 0).
 */
static void write_kernel_protocol(const char *name, const char *release,
				  bool is_64bit, uint8_t minor)
{
	uint8_t image[5 * 512] = { 0 };
	char path[600];

	memcpy(image + 0x202, "HdrS", 4);
	image[0x206] = minor; /* boot protocol 2.minor */
	image[0x207] = 0x02;
	image[0x20f] = 0x01; /* version string at 0x100 + 0x200 */
	image[0x236] = is_64bit ? 1 : 0;
	snprintf((char *)image + 0x300, 0x100, "%s (someone@somewhere) #1 SMP",
		 release);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	write_bytes(path, image, sizeof(image));
}

static void write_kernel(const char *name, const char *release, bool is_64bit)
{
	write_kernel_protocol(name, release, is_64bit, 15);
}

/*
 * A gzip'd cpio; ours if releases is not NULL: minirt-virtio's build-info
 * (with more_info after its first lines) and a set of modules for each
 * release it names (space-separated).
 */
static void write_minirt_info(const char *releases, const char *more_info)
{
	struct cpio_list l = { 0 };
	struct buf plain = { 0 }, packed = { 0 };
	char path[600], names[256], info[256], *name, *save;

	cpio_add(&l, "init", S_IFREG | 0755, "#!/bin/sh\n", 10);
	if (releases) {
		cpio_add(&l, "lib/modules/minirt-virtio", S_IFDIR | 0755, "",
			 0);
		snprintf(names, sizeof(names), "%s", releases);
		for (name = strtok_r(names, " ", &save); name;
		     name = strtok_r(NULL, " ", &save)) {
			snprintf(path, sizeof(path),
				 "lib/modules/minirt-virtio/%s", name);
			cpio_add(&l, path, S_IFDIR | 0755, "", 0);
		}
		snprintf(info, sizeof(info),
			 "minirt-virtio 0.1\nlayout merge\n%s", more_info);
		cpio_add(&l, "lib/modules/minirt-virtio/build-info",
			 S_IFREG | 0644, info, strlen(info));
	}
	assert_int_equal(cpio_write(&l, &plain), 0);
	assert_int_equal(
		comp_compress(COMP_GZIP, plain.data, plain.len, &packed), 0);
	snprintf(path, sizeof(path), "%s/minirt.gz", dir);
	write_bytes(path, packed.data, packed.len);
	cpio_free(&l);
	buf_free(&plain);
	buf_free(&packed);
}

static void write_minirt_for(const char *releases)
{
	write_minirt_info(releases, "");
}

/* Ours with modules for every kernel the tests put beside it, or not ours. */
static void write_minirt(bool ours)
{
	write_minirt_for(ours ? "3.0.4-64 3.0.4 4.19.0-64" : NULL);
}

static void write_file(const char *name, const char *text)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	write_bytes(path, text, strlen(text));
}

/* The usual KNOPPIX directory: our minirt, KNOPPIX, the 64-bit kernel. */
static int setup(void **state)
{
	(void)state;
	tmp = temp_dir();
	snprintf(dir, sizeof(dir), "%s/fs/boot/KNOPPIX", tmp);
	assert_int_equal(
		run("mkdir -p '%s' '%s/dev' '%s/sys/block'", dir, tmp, tmp), 0);
	write_minirt(true);
	write_file("KNOPPIX", "a stand-in for the cloop image\n");
	write_kernel("linux64", "3.0.4-64", true);
	out = (struct buf){ 0 };
	error_clear();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	remove_tree(tmp);
	free(tmp);
	buf_free(&out);
	return 0;
}

/* The host's / on vda (a disk of its own), then the test's mounts. */
static void mounts(const char *fmt, ...)
{
	char lines[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(lines, sizeof(lines), fmt, ap);
	va_end(ap);
	snprintf(table, sizeof(table),
		 "22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n"
		 "23 22 0:21 / /proc rw,relatime - proc proc rw\n%s",
		 lines);
}

/* The test's fs/ is the filesystem of device (254:1, unless given). */
static void fs_on(const char *device, const char *fstype)
{
	mounts("30 22 254:1 / %s/fs rw - %s %s rw\n", tmp, fstype, device);
}

static void assert_has(const char *text)
{
	assert_non_null(strstr((char *)out.data, text));
}

static int entry_for(const char *path, bool legacy, char **options,
		     size_t noptions)
{
	char dev[600], sys[600];
	struct bootentry_opts o = { .dir = path,
				    .grub_legacy = legacy,
				    .boot_options = options,
				    .nboot_options = noptions,
				    .env = { .table = table,
					     .table_len = strlen(table),
					     .table_name = "mountinfo",
					     .dev_dir = dev,
					     .sys_block = sys } };
	int ret;

	snprintf(dev, sizeof(dev), "%s/dev", tmp);
	snprintf(sys, sizeof(sys), "%s/sys/block", tmp);
	ret = bootentry_write(&o, &out);
	assert_int_equal(buf_add(&out, "", 1), 0); /* a C string */
	out.len--;
	return ret;
}

static int entry(bool legacy, char **options, size_t noptions)
{
	return entry_for(dir, legacy, options, noptions);
}

static void assert_output(const char *fmt, ...)
{
	char want[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(want, sizeof(want), fmt, ap);
	va_end(ap);
	assert_string_equal((char *)out.data, want);
}

/* Refused: nothing printed, one line naming the problem. */
static void assert_refused(int ret, const char *fmt, ...)
{
	char want[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(want, sizeof(want), fmt, ap);
	va_end(ap);
	assert_int_equal(ret, -1);
	assert_int_equal(out.len, 0);
	assert_string_equal(error_text(), want);
}

static void separate_boot_grub2(void **state)
{
	(void)state;
	mounts("30 22 254:2 / %s/fs rw - ext4 /dev/vda2 rw\n"
	       "31 30 254:1 / %s/fs/boot rw - ext4 /dev/vda1 rw\n",
	       tmp, tmp);
	assert_int_equal(entry(false, NULL, 0), 0);
	assert_output(
		"# KNOPPIX from %s: /KNOPPIX on /dev/vda1 (ext4); by minirt-virtio 0.1 boot-entry\n"
		"menuentry 'KNOPPIX 3.0.4-64 (linux64, 64-bit, virtio)' {\n"
		"\tsearch --no-floppy --file --set=root /KNOPPIX/minirt.gz\n"
		"\tlinux /KNOPPIX/linux64 knoppix_dir=KNOPPIX console=tty0 console=ttyS0,115200n8\n"
		"\tinitrd /KNOPPIX/minirt.gz\n"
		"}\n",
		dir);
}

static void separate_boot_legacy(void **state)
{
	(void)state;
	mounts("30 22 254:2 / %s/fs rw - ext4 /dev/vda2 rw\n"
	       "31 30 254:1 / %s/fs/boot rw - ext3 /dev/vda1 rw\n",
	       tmp, tmp);
	assert_int_equal(entry(true, NULL, 0), 0);
	assert_output(
		"# KNOPPIX from %s: /KNOPPIX on /dev/vda1 (ext3); by minirt-virtio 0.1 boot-entry\n"
		"# (hd0,0) is /dev/vda1 if GRUB counts that disk as hd0: check /boot/grub/device.map\n"
		"title KNOPPIX 3.0.4-64 (linux64, 64-bit, virtio)\n"
		"\troot (hd0,0)\n"
		"\tkernel /KNOPPIX/linux64 knoppix_dir=KNOPPIX console=tty0 console=ttyS0,115200n8\n"
		"\tinitrd /KNOPPIX/minirt.gz\n",
		dir);
}

static void root_only_grub2(void **state)
{
	(void)state;
	fs_on("/dev/vda1", "ext4");
	assert_int_equal(entry(false, NULL, 0), 0);
	assert_output(
		"# KNOPPIX from %s: /boot/KNOPPIX on /dev/vda1 (ext4); by minirt-virtio 0.1 boot-entry\n"
		"menuentry 'KNOPPIX 3.0.4-64 (linux64, 64-bit, virtio)' {\n"
		"\tsearch --no-floppy --file --set=root /boot/KNOPPIX/minirt.gz\n"
		"\tlinux /boot/KNOPPIX/linux64 knoppix_dir=boot/KNOPPIX console=tty0 console=ttyS0,115200n8\n"
		"\tinitrd /boot/KNOPPIX/minirt.gz\n"
		"}\n",
		dir);
}

/* A second disk's third partition: (hd1,2), partitions from 0. */
static void root_only_legacy(void **state)
{
	(void)state;
	fs_on("/dev/sdb3", "ext4");
	assert_int_equal(entry(true, NULL, 0), 0);
	assert_output(
		"# KNOPPIX from %s: /boot/KNOPPIX on /dev/sdb3 (ext4); by minirt-virtio 0.1 boot-entry\n"
		"# (hd1,2) is /dev/sdb3 if GRUB counts that disk as hd1: check /boot/grub/device.map\n"
		"title KNOPPIX 3.0.4-64 (linux64, 64-bit, virtio)\n"
		"\troot (hd1,2)\n"
		"\tkernel /boot/KNOPPIX/linux64 knoppix_dir=boot/KNOPPIX console=tty0 console=ttyS0,115200n8\n"
		"\tinitrd /boot/KNOPPIX/minirt.gz\n",
		dir);
}

/* Only the 32-bit kernel: one entry, for it. */
static void one_kernel_32bit(void **state)
{
	char path[600];

	(void)state;
	snprintf(path, sizeof(path), "%s/linux64", dir);
	assert_int_equal(unlink(path), 0);
	write_kernel("linux", "3.0.4", false);
	fs_on("/dev/vda1", "ext4");
	assert_int_equal(entry(false, NULL, 0), 0);
	assert_has(
		"menuentry 'KNOPPIX 3.0.4 (linux, 32-bit, virtio)' {\n"
		"\tsearch --no-floppy --file --set=root /boot/KNOPPIX/minirt.gz\n"
		"\tlinux /boot/KNOPPIX/linux knoppix_dir=boot/KNOPPIX ");
	assert_null(strstr((char *)out.data, "linux64"));
}

static size_t count(const char *text, const char *word)
{
	size_t n = 0;

	for (const char *p = text; (p = strstr(p, word)); p++)
		n++;
	return n;
}

/* Both kernels, both flavours: the 64-bit entry first. */
static void two_kernels(void **state)
{
	char *first, *second;

	(void)state;
	write_kernel("linux", "3.0.4", false);
	fs_on("/dev/vda1", "ext4");
	assert_int_equal(entry(false, NULL, 0), 0);
	assert_int_equal(count((char *)out.data, "menuentry "), 2);
	assert_int_equal(count((char *)out.data, "\tsearch --no-floppy"), 2);
	first = strstr((char *)out.data, "\tlinux /boot/KNOPPIX/linux64 ");
	second = strstr((char *)out.data, "\tlinux /boot/KNOPPIX/linux ");
	assert_non_null(first);
	assert_non_null(second);
	assert_true(first < second);
	assert_true(strstr((char *)out.data, "(linux64, 64-bit, virtio)") <
		    strstr((char *)out.data, "(linux, 32-bit, virtio)"));

	buf_free(&out);
	assert_int_equal(entry(true, NULL, 0), 0);
	assert_int_equal(count((char *)out.data, "title "), 2);
	assert_int_equal(count((char *)out.data, "\troot (hd0,0)\n"), 2);
	first = strstr((char *)out.data, "\tkernel /boot/KNOPPIX/linux64 ");
	second = strstr((char *)out.data, "\tkernel /boot/KNOPPIX/linux ");
	assert_non_null(first);
	assert_non_null(second);
	assert_true(first < second);
}

/*
 * Before boot protocol 2.12 (Linux 3.8, so KNOPPIX 6.x's 3.0.4-64) the
 * header does not say whether a kernel is 64-bit: the title does not
 * guess, and linux64 stays first.
 */
static void bits_unknown(void **state)
{
	(void)state;
	write_kernel_protocol("linux64", "3.0.4-64", true, 10);
	write_kernel_protocol("linux", "3.0.4", false, 10);
	fs_on("/dev/vda1", "ext4");
	assert_int_equal(entry(false, NULL, 0), 0);
	assert_has("menuentry 'KNOPPIX 3.0.4-64 (linux64, virtio)' {\n");
	assert_has("menuentry 'KNOPPIX 3.0.4 (linux, virtio)' {\n");
	assert_true(strstr((char *)out.data, "(linux64, virtio)") <
		    strstr((char *)out.data, "(linux, virtio)"));
}

/* A kernel the minirt has no modules for gets no entry: it could only fail. */
static void kernel_not_served(void **state)
{
	(void)state;
	write_kernel("linux", "3.0.4", false);
	write_minirt_for("3.0.4-64");
	fs_on("/dev/vda1", "ext4");
	assert_int_equal(entry(false, NULL, 0), 0);
	assert_int_equal(count((char *)out.data, "menuentry "), 1);
	assert_has("(linux64, 64-bit, virtio)");
	assert_null(strstr((char *)out.data, "(linux, 32-bit"));
	assert_null(strstr((char *)out.data, "/linux "));
}

/* A 64-bit kernel named linux still comes first. */
static void two_kernels_by_bitness(void **state)
{
	(void)state;
	write_kernel("linux64", "3.0.4", false);
	write_kernel("linux", "4.19.0-64", true);
	fs_on("/dev/vda1", "ext4");
	assert_int_equal(entry(false, NULL, 0), 0);
	assert_true(strstr((char *)out.data, "(linux, 64-bit, virtio)") <
		    strstr((char *)out.data, "(linux64, 32-bit, virtio)"));
}

static void options_appended(void **state)
{
	char *options[] = { "lang=ja", "2", "fromhd=/dev/vda1" };

	(void)state;
	fs_on("/dev/vda1", "ext4");
	assert_int_equal(entry(false, options, 3), 0);
	assert_has(
		"\tlinux /boot/KNOPPIX/linux64 knoppix_dir=boot/KNOPPIX console=tty0 console=ttyS0,115200n8 lang=ja 2 fromhd=/dev/vda1\n");
}

/* A console= of the user's replaces both default ones. */
static void console_replaces_default(void **state)
{
	char *options[] = { "console=tty0", "lang=de" };

	(void)state;
	fs_on("/dev/vda1", "ext4");
	assert_int_equal(entry(true, options, 2), 0);
	assert_has(
		"\tkernel /boot/KNOPPIX/linux64 knoppix_dir=boot/KNOPPIX console=tty0 lang=de\n");
	assert_null(strstr((char *)out.data, "ttyS0"));
}

/*
 * A kernel without the 8250 driver built in (KNOPPIX 6's 2.6.32), as the
 * build recorded it: its console is the VGA one, so no console=ttyS0 on
 * its line; the other kernel's line keeps both.
 */
static void no_serial_driver(void **state)
{
	(void)state;
	write_kernel("linux", "3.0.4", false);
	write_minirt_info("3.0.4-64 3.0.4", "no-serial 3.0.4\n");
	fs_on("/dev/vda1", "ext4");
	assert_int_equal(entry(false, NULL, 0), 0);
	assert_has(
		"\tlinux /boot/KNOPPIX/linux64 knoppix_dir=boot/KNOPPIX console=tty0 console=ttyS0,115200n8\n");
	assert_has(
		"\tlinux /boot/KNOPPIX/linux knoppix_dir=boot/KNOPPIX console=tty0\n");
}

static void bad_options(void **state)
{
	char *quote[] = { "lang=ja", "a'b" }, *space[] = { "a b" },
	     *dir_opt[] = { "knoppix_dir=elsewhere" }, *dollar[] = { "$x" };

	(void)state;
	fs_on("/dev/vda1", "ext4");
	assert_refused(entry(false, quote, 2),
		       "boot option a'b: GRUB would read its ''' specially");
	assert_refused(entry(false, dollar, 1),
		       "boot option $x: GRUB would read its '$' specially");
	assert_refused(
		entry(false, space, 1),
		"boot option a b: a space or control byte, which GRUB would split or drop");
	assert_refused(
		entry(true, dir_opt, 1),
		"boot option knoppix_dir=elsewhere: minirt-virtio works it out from where the files are; leave it out");
}

static void bad_dir_missing(void **state)
{
	char path[600];

	(void)state;
	mounts("");
	snprintf(path, sizeof(path), "%s/nothing", tmp);
	assert_refused(entry_for(path, false, NULL, 0),
		       "%s: No such file or directory", path);
	snprintf(path, sizeof(path), "%s/KNOPPIX", dir);
	assert_refused(entry_for(path, false, NULL, 0), "%s: not a directory",
		       path);
}

static void bad_dir_no_minirt(void **state)
{
	char path[600];

	(void)state;
	mounts("");
	snprintf(path, sizeof(path), "%s/minirt.gz", dir);
	assert_int_equal(unlink(path), 0);
	assert_refused(entry(false, NULL, 0), "%s: no minirt.gz in it", dir);
}

static void bad_dir_no_kernel(void **state)
{
	char path[600];

	(void)state;
	mounts("");
	snprintf(path, sizeof(path), "%s/linux64", dir);
	assert_int_equal(unlink(path), 0);
	assert_refused(entry(true, NULL, 0),
		       "%s: no kernel in it (linux64 or linux)", dir);
}

static void bad_dir_no_knoppix(void **state)
{
	char path[600];

	(void)state;
	mounts("");
	snprintf(path, sizeof(path), "%s/KNOPPIX", dir);
	assert_int_equal(unlink(path), 0);
	assert_refused(
		entry(false, NULL, 0),
		"%s: no KNOPPIX in it (the image KNOPPIX's init looks for)",
		dir);
}

/* The original minirt could only fail on a virtio disk. */
static void bad_dir_minirt_not_ours(void **state)
{
	(void)state;
	fs_on("/dev/vda1", "ext4");
	write_minirt(false);
	assert_refused(
		entry(false, NULL, 0),
		"%s/minirt.gz: not built by minirt-virtio, so it cannot find a virtio disk; run minirt-virtio build on it first",
		dir);
	write_file("minirt.gz", "not an initramfs at all");
	assert_int_equal(entry(false, NULL, 0), -1);
	assert_int_equal(out.len, 0);
	assert_true(!strncmp(error_text(), dir, strlen(dir)));
	assert_non_null(strstr(error_text(), "/minirt.gz: "));
}

/* Built for other kernels than the ones beside it: no entry could boot. */
static void bad_dir_no_kernel_served(void **state)
{
	(void)state;
	fs_on("/dev/vda1", "ext4");
	write_kernel("linux", "3.0.4", false);
	write_minirt_for("2.6.32");
	assert_refused(
		entry(false, NULL, 0),
		"%s/minirt.gz: no modules for the kernels beside it (linux64 3.0.4-64, linux 3.0.4); rebuild it with minirt-virtio build --medium %s",
		dir, dir);
}

static void bad_dir_kernel_not_bzimage(void **state)
{
	(void)state;
	fs_on("/dev/vda1", "ext4");
	write_file("linux64", "#!/bin/sh\necho I am no kernel\n");
	assert_refused(entry(false, NULL, 0),
		       "%s/linux64: not an x86 bzImage (no HdrS header)", dir);
}

/* KNOPPIX's init scans partitions: LVM, RAID, tmpfs could only fail. */
static void bad_dir_not_on_partition(void **state)
{
	(void)state;
	fs_on("/dev/mapper/vg-root", "ext4");
	assert_refused(
		entry(false, NULL, 0),
		"%s is on /dev/mapper/vg-root, which KNOPPIX's init cannot mount (it scans plain disk partitions, not LVM, RAID or device-mapper); put the files on a partition such as /boot",
		dir);
	fs_on("/dev/md0", "ext4");
	assert_refused(
		entry(true, NULL, 0),
		"%s is on /dev/md0, which KNOPPIX's init cannot mount (it scans plain disk partitions, not LVM, RAID or device-mapper); put the files on a partition such as /boot",
		dir);
	fs_on("tmpfs", "tmpfs");
	assert_refused(
		entry(false, NULL, 0),
		"%s is on tmpfs (tmpfs), not on a disk partition; KNOPPIX's init mounts only those",
		dir);
}

/* CentOS 5 (Linux 2.6.18): no mountinfo, and nash mounts / as /dev/root. */
static void proc_mounts_and_dev_root(void **state)
{
	struct stat st;
	char line[64];

	(void)state;
	assert_int_equal(stat(dir, &st), 0);
	snprintf(line, sizeof(line), "%u:%u\n", major(st.st_dev),
		 minor(st.st_dev));
	assert_int_equal(
		run("mkdir -p %s/sys/block/hda/hda2 "
		    "%s/sys/block/hda/device && "
		    "echo 3:0 >%s/sys/block/hda/dev && "
		    "printf '%%s' '%s' >%s/sys/block/hda/device/dev && "
		    "printf '%%s' '%s' >%s/sys/block/hda/hda2/dev",
		    tmp, tmp, tmp, line, tmp, line, tmp),
		0);
	snprintf(table, sizeof(table),
		 "rootfs / rootfs rw 0 0\n"
		 "/proc /proc proc rw 0 0\n"
		 "/dev/root %s/fs ext3 rw,data=ordered 0 0\n",
		 tmp);
	assert_int_equal(entry(true, NULL, 0), 0);
	assert_has(": /boot/KNOPPIX on /dev/hda2 (ext3); by ");
	assert_has("\troot (hd0,1)\n");
}

/* mountinfo names /dev/root's numbers itself. */
static void mountinfo_dev_root(void **state)
{
	(void)state;
	assert_int_equal(run("mkdir -p %s/sys/block/vda/vda1 && "
			     "echo 254:0 >%s/sys/block/vda/dev && "
			     "echo 254:1 >%s/sys/block/vda/vda1/dev",
			     tmp, tmp, tmp),
			 0);
	fs_on("/dev/root", "ext4");
	assert_int_equal(entry(true, NULL, 0), 0);
	assert_has("\troot (hd0,0)\n");
	mounts("30 22 254:7 / %s/fs rw - ext4 /dev/root rw\n", tmp);
	buf_free(&out);
	assert_refused(entry(true, NULL, 0),
		       "/dev/root: no block device 254:7 in %s/sys/block", tmp);
}

/* Old Ubuntu shows / as /dev/disk/by-uuid/...: the link names the node. */
static void by_uuid_link(void **state)
{
	(void)state;
	assert_int_equal(run("mkdir -p %s/dev/disk/by-uuid && "
			     ": >%s/dev/xvda5 && "
			     "ln -s ../../xvda5 %s/dev/disk/by-uuid/1234-abcd",
			     tmp, tmp, tmp),
			 0);
	fs_on("/dev/disk/by-uuid/1234-abcd", "ext4");
	assert_int_equal(entry(true, NULL, 0), 0);
	assert_has(" on /dev/xvda5 (ext4)");
	assert_has("\troot (hd0,4)\n");
}

static void nvme_and_whole_disk(void **state)
{
	(void)state;
	fs_on("/dev/nvme1n1p2", "ext4");
	assert_int_equal(entry(true, NULL, 0), 0);
	assert_has("\troot (hd1,1)\n");
	buf_free(&out);
	fs_on("/dev/vdb", "ext4");
	assert_int_equal(entry(true, NULL, 0), 0);
	assert_has("\troot (hd1)\n");
}

/* A later mount on the same point hides the earlier one. */
static void last_mount_wins(void **state)
{
	(void)state;
	mounts("30 22 254:1 / %s/fs/boot rw - ext4 /dev/vda1 rw\n"
	       "31 22 254:3 / %s/fs/boot rw - ext4 /dev/vda3 rw\n"
	       "32 22 254:5 / %s/fs/bootx rw - ext4 /dev/vda5 rw\n",
	       tmp, tmp, tmp);
	assert_int_equal(entry(false, NULL, 0), 0);
	assert_has(": /KNOPPIX on /dev/vda3 (ext4); by ");
}

/* Bind mounts and btrfs subvolumes: the root field is part of the path. */
static void bind_mount_root(void **state)
{
	(void)state;
	mounts("30 22 254:1 /@ %s/fs rw shared:5 master:2 - btrfs /dev/vda1 rw\n",
	       tmp);
	assert_int_equal(entry(false, NULL, 0), 0);
	assert_has(
		"\tlinux /@/boot/KNOPPIX/linux64 knoppix_dir=@/boot/KNOPPIX ");
}

/* The files at the top of their filesystem: knoppix_dir=. */
static void dir_is_mount_point(void **state)
{
	(void)state;
	mounts("30 22 254:1 / %s/fs/boot/KNOPPIX rw - ext4 /dev/vda1 rw\n",
	       tmp);
	assert_int_equal(entry(false, NULL, 0), 0);
	assert_non_null(
		strstr((char *)out.data,
		       "\tsearch --no-floppy --file --set=root /minirt.gz\n"
		       "\tlinux /linux64 knoppix_dir=. "));
}

/* A mount point with a space, as the kernel escapes it. */
static void escaped_mount_point(void **state)
{
	char spaced[600], link[700];

	(void)state;
	snprintf(spaced, sizeof(spaced), "%s/my disk", tmp);
	assert_int_equal(run("mv '%s/fs' '%s'", tmp, spaced), 0);
	snprintf(link, sizeof(link), "%s/boot/KNOPPIX", spaced);
	mounts("30 22 254:1 / %s/my\\040disk rw - ext4 /dev/vda1 rw\n", tmp);
	assert_int_equal(entry_for(link, false, NULL, 0), 0);
	assert_has("\tlinux /boot/KNOPPIX/linux64 knoppix_dir=boot/KNOPPIX ");
	/* Inside the filesystem, a space cannot go on the kernel line. */
	buf_free(&out);
	mounts("30 22 254:1 / %s rw - ext4 /dev/vda1 rw\n", tmp);
	assert_refused(
		entry_for(link, false, NULL, 0),
		"%s is /my disk/boot/KNOPPIX on its filesystem; a space or control byte in it cannot go on a kernel line or in a GRUB path",
		link);
}

static void hostile_tables(void **state)
{
	static const char *const bad[][2] = {
		{ "30 22 254:1 / /x\n",
		  "mountinfo: line 3: neither a mountinfo nor a /proc/mounts line" },
		{ "30 22 254 / /x rw - ext4 /dev/vda1 rw\n",
		  "mountinfo: line 3: no MAJOR:MINOR in the third field" },
		{ "30 22 1:1 / x rw - ext4 /dev/vda1 rw\n",
		  "mountinfo: line 3: a mount point or root not starting with /" },
		{ "30 22 1:1 / /x\\000 rw - ext4 /dev/vda1 rw\n",
		  "mountinfo: line 3: a \\000 or out-of-range escape" },
		{ "30 22 1:1 / /x rw - ext4444444444444444444444444444444444444444444444444444444444444444 /dev/vda1 rw\n",
		  "mountinfo: line 3: a field longer than 63 bytes" },
	};
	char many[512] = "30 22 1:1 / /x rw";

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		mounts("%s", bad[i][0]);
		assert_refused(entry(false, NULL, 0), "%s", bad[i][1]);
	}
	for (int i = 0; i < 70; i++)
		strcat(many, " x");
	strcat(many, " - ext4 /dev/vda1 rw\n");
	mounts("%s", many);
	assert_refused(entry(false, NULL, 0),
		       "mountinfo: line 3: more than 64 fields");
	/* A NUL byte inside the text given. */
	fs_on("/dev/vda1", "ext4");
	table[30] = '\0';
	{
		size_t len = strlen(table + 31) + 31;
		struct bootentry_opts o = { .dir = dir,
					    .env = { .table = table,
						     .table_len = len,
						     .table_name = "mountinfo",
						     .dev_dir = "/nonexistent",
						     .sys_block =
							     "/nonexistent" } };

		assert_int_equal(bootentry_write(&o, &out), -1);
		assert_string_equal(error_text(),
				    "mountinfo: line 1: a NUL byte");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(separate_boot_grub2),
		T(separate_boot_legacy),
		T(root_only_grub2),
		T(root_only_legacy),
		T(one_kernel_32bit),
		T(two_kernels),
		T(two_kernels_by_bitness),
		T(kernel_not_served),
		T(bits_unknown),
		T(bad_dir_no_kernel_served),
		T(options_appended),
		T(no_serial_driver),
		T(console_replaces_default),
		T(bad_options),
		T(bad_dir_missing),
		T(bad_dir_no_minirt),
		T(bad_dir_no_kernel),
		T(bad_dir_no_knoppix),
		T(bad_dir_minirt_not_ours),
		T(bad_dir_kernel_not_bzimage),
		T(bad_dir_not_on_partition),
		T(proc_mounts_and_dev_root),
		T(mountinfo_dev_root),
		T(by_uuid_link),
		T(nvme_and_whole_disk),
		T(last_mount_wins),
		T(bind_mount_root),
		T(dir_is_mount_point),
		T(escaped_mount_point),
		T(hostile_tables),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
