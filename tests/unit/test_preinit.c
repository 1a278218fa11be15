// SPDX-License-Identifier: MIT
/* The pre-init's logic that needs no kernel, on the host. */
#include "helpers.h"
#include "cmdline.h"
#include "devnodes.h"
#include "loadorder.h"
#include "text.h"
#include "waitdev.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/sysmacros.h>

static void command_line(void **state)
{
	struct preinit_opts o;

	(void)state;
	cmdline_parse("console=ttyS0 quiet", &o);
	assert_false(o.off);
	assert_false(o.debug);
	assert_int_equal(o.timeout_ms, DEFAULT_TIMEOUT_MS);
	cmdline_parse("minirt_virtio=off minirt_virtio.debug "
		      "minirt_virtio.timeout=2.25 minirt_virtio.modules=a,b_c",
		      &o);
	assert_true(o.off);
	assert_true(o.debug);
	assert_int_equal(o.timeout_ms, 2250);
	assert_string_equal(o.modules, "a,b_c");
	cmdline_parse("minirt_virtio.timeout=0.5", &o);
	assert_int_equal(o.timeout_ms, 500);
	cmdline_parse("minirt_virtio.timeout=7", &o);
	assert_int_equal(o.timeout_ms, 7000);
	/* Malformed or absurd values keep the default. */
	cmdline_parse("minirt_virtio.timeout=5s", &o);
	assert_int_equal(o.timeout_ms, DEFAULT_TIMEOUT_MS);
	cmdline_parse("minirt_virtio.timeout=99999999999", &o);
	assert_int_equal(o.timeout_ms, DEFAULT_TIMEOUT_MS);
	cmdline_parse("minirt_virtio.timeout=600.4", &o); /* a fuzz finding */
	assert_int_equal(o.timeout_ms, DEFAULT_TIMEOUT_MS);
	cmdline_parse("minirt_virtio.timeout=600", &o);
	assert_int_equal(o.timeout_ms, 600000);
	cmdline_parse("minirt_virtio.timeout=", &o);
	assert_int_equal(o.timeout_ms, DEFAULT_TIMEOUT_MS);
	cmdline_parse("minirt_virtio=offline minirt_virtio.debugger", &o);
	assert_false(o.off);
	assert_false(o.debug);
	cmdline_parse("minirt_virtio.no_finit", &o);
	assert_true(o.no_finit);
}

static void module_params(void **state)
{
	const char *cmdline = "root=/dev/vda1 virtio_blk.queue_depth=64 "
			      "virtio-blk.poll_queues=2 virtio_blk_x.y=1 "
			      "virtio_blk.msg=\"a b\" virtio_blk. "
			      "virtio_blk.=3";
	char buf[128] = "";

	(void)state;
	assert_int_equal(cmdline_module_params(cmdline, "virtio_blk", buf,
					       sizeof(buf)),
			 0);
	assert_string_equal(buf, "queue_depth=64 poll_queues=2 msg=\"a b\"");
	strcpy(buf, "from_file=1");
	assert_int_equal(cmdline_module_params("virtio_pci.force_legacy=1",
					       "virtio_pci", buf, sizeof(buf)),
			 0);
	assert_string_equal(buf, "from_file=1 force_legacy=1");
	buf[0] = '\0';
	assert_int_equal(cmdline_module_params(cmdline, "virtio_blk", buf, 10),
			 -1);
}

static void load_order(void **state)
{
	const char text[] = "# comment\n\n  virtio.ko\nvirtio_pci.ko  "
			    "force_legacy=1 x=2 \r\n?crct10dif_pclmul.ko\n"
			    "last.ko";
	const char *pos = text, *end = text + sizeof(text) - 1;
	struct loadorder_entry e;

	(void)state;
	assert_true(loadorder_next(&pos, end, &e));
	assert_int_equal(e.file_len, 9);
	assert_memory_equal(e.file, "virtio.ko", 9);
	assert_int_equal(e.params_len, 0);
	assert_false(e.optional);
	assert_true(loadorder_next(&pos, end, &e));
	assert_memory_equal(e.file, "virtio_pci.ko", 13);
	assert_int_equal(e.params_len, 18);
	assert_memory_equal(e.params, "force_legacy=1 x=2", 18);
	assert_true(loadorder_next(&pos, end, &e));
	assert_true(e.optional);
	assert_memory_equal(e.file, "crct10dif_pclmul.ko", 19);
	assert_true(loadorder_next(&pos, end, &e));
	assert_memory_equal(e.file, "last.ko", 7);
	assert_false(loadorder_next(&pos, end, &e));

	assert_true(loadorder_valid_file("virtio.ko", 9));
	assert_false(loadorder_valid_file("../x.ko", 7));
	assert_false(loadorder_valid_file("a/b.ko", 6));
	assert_false(loadorder_valid_file("virtio.o", 8));
	assert_false(loadorder_valid_file(".ko", 3));
}

static void dev_numbers(void **state)
{
	dev_t dev;

	(void)state;
	assert_true(devnodes_parse_dev("254:17\n", &dev));
	assert_int_equal(major(dev), 254);
	assert_int_equal(minor(dev), 17);
	assert_true(devnodes_parse_dev("259:1048575", &dev));
	assert_false(devnodes_parse_dev("4096:0\n", &dev));
	assert_false(devnodes_parse_dev("8:1048576\n", &dev));
	assert_false(devnodes_parse_dev("8:\n", &dev));
	assert_false(devnodes_parse_dev(":1\n", &dev));
	assert_false(devnodes_parse_dev("8:1\nx", &dev));
	assert_false(devnodes_parse_dev("", &dev));
}

static void make_sysfs_dev(const char *dir, const char *name, const char *text)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/class/%s", dir, name);
	assert_int_equal(mkdir(path, 0755), 0);
	strcat(path, "/dev");
	write_bytes(path, text, strlen(text));
}

static void check_node(const char *dir, const char *name, unsigned maj,
		       unsigned min)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/dev/%s", dir, name);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISBLK(st.st_mode));
	assert_int_equal(major(st.st_rdev), maj);
	assert_int_equal(minor(st.st_rdev), min);
}

static void dev_nodes(void **state)
{
	char *dir = temp_dir(), path[1024];
	struct devnodes_result r;
	char class_dir[512], dev_dir[512];

	(void)state;
	snprintf(class_dir, sizeof(class_dir), "%s/class", dir);
	snprintf(dev_dir, sizeof(dev_dir), "%s/dev", dir);
	mkdir(class_dir, 0755);
	mkdir(dev_dir, 0755);
	make_sysfs_dev(dir, "vda", "254:0\n");
	make_sysfs_dev(dir, "vda1", "254:1\n");
	make_sysfs_dev(dir, "vda10", "254:10\n");
	make_sysfs_dev(dir, "sda", "8:0\n");
	make_sysfs_dev(dir, "broken", "nonsense\n");
	make_sysfs_dev(dir, "cciss!c0d0", "104:0\n");
	/* right already; the wrong major (the seed's 251); not a node */
	snprintf(path, sizeof(path), "%s/sda", dev_dir);
	assert_int_equal(mknod(path, S_IFBLK | 0660, makedev(8, 0)), 0);
	snprintf(path, sizeof(path), "%s/vda1", dev_dir);
	assert_int_equal(mknod(path, S_IFBLK | 0660, makedev(251, 1)), 0);
	snprintf(path, sizeof(path), "%s/vda10", dev_dir);
	write_bytes(path, "file", 4);

	assert_int_equal(devnodes_sync(class_dir, dev_dir, &r, NULL), 0);
	assert_int_equal(r.created, 1);
	assert_int_equal(r.replaced, 2);
	assert_int_equal(r.kept, 1);
	assert_int_equal(r.failed, 1);
	check_node(dir, "vda", 254, 0);
	check_node(dir, "vda1", 254, 1);
	check_node(dir, "vda10", 254, 10);
	check_node(dir, "sda", 8, 0);
	snprintf(path, sizeof(path), "%s/cciss!c0d0", dev_dir);
	assert_int_equal(access(path, F_OK), -1);

	/* A second run changes nothing. */
	assert_int_equal(devnodes_sync(class_dir, dev_dir, &r, NULL), 0);
	assert_int_equal(r.kept, 4);
	assert_int_equal(r.created + r.replaced, 0);
	assert_int_equal(devnodes_sync("/nonexistent", dev_dir, &r, NULL),
			 -ENOENT);
	remove_tree(dir);
	free(dir);
}

static void make_device(const char *dir, const char *name, const char *id,
			bool driver, const char *disk_dir)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/device", dir, name);
	write_bytes(path, id, strlen(id));
	if (driver) {
		snprintf(path, sizeof(path), "%s/%s/driver", dir, name);
		assert_int_equal(symlink("/", path), 0);
	}
	if (disk_dir) {
		snprintf(path, sizeof(path), "mkdir -p %s/%s/%s", dir, name,
			 disk_dir);
		assert_int_equal(system(path), 0);
	}
}

static void storage_readiness(void **state)
{
	char *dir = temp_dir();
	struct disk_names old = { 0 }, seen = { 0 };
	struct storage_state st = { .old = &old, .seen = &seen };

	(void)state;
	make_device(dir, "virtio0", "0x0002\n", true, "block/vda/vda1");
	make_device(dir, "virtio1", "0x0001\n", true, NULL);
	make_device(dir, "virtio2", "0x0008\n", true,
		    "host0/target0:0:0/0:0:0:0/block/sda");
	make_device(dir, "virtio3", "0x0002\n", false, NULL);
	make_device(dir, "virtio4", "0x0008\n", true, "host1");

	assert_int_equal(storage_check(dir, &st), 0);
	assert_int_equal(st.devices, 3);
	assert_int_equal(st.ready, 0);
	disk_names_add(&old, "vda");
	storage_check(dir, &st);
	assert_int_equal(st.ready, 1);
	uevent_parse("add@/devices/x/block/sda\0ACTION=add\0DEVPATH=/x\0"
		     "SUBSYSTEM=block\0DEVNAME=sda\0DEVTYPE=disk\0",
		     89, &seen);
	storage_check(dir, &st);
	assert_int_equal(st.ready, 2);
	/* virtio4: a SCSI host with no disk yet */
	st.trust_sysfs = true;
	storage_check(dir, &st);
	assert_int_equal(st.ready, 2);
	remove_tree(dir);
	free(dir);
}

static void uevents(void **state)
{
	struct disk_names seen = { 0 };
	static const char part[] = "add@/x/vda/vda1\0ACTION=add\0"
				   "SUBSYSTEM=block\0DEVNAME=vda1\0"
				   "DEVTYPE=partition";
	static const char removed[] = "remove@/x\0ACTION=remove\0"
				      "SUBSYSTEM=block\0DEVNAME=vdb\0"
				      "DEVTYPE=disk";
	static const char cut[] = "add@/x\0ACTION=add\0SUBSYSTEM=block\0"
				  "DEVTYPE=disk\0DEVNAME=vdc";

	(void)state;
	uevent_parse(part, sizeof(part), &seen);
	uevent_parse(removed, sizeof(removed), &seen);
	uevent_parse(cut, sizeof(cut) - 1, &seen); /* no final NUL */
	assert_int_equal(seen.count, 0);
	uevent_parse(cut, sizeof(cut), &seen);
	assert_int_equal(seen.count, 1);
	assert_string_equal(seen.name[0], "vdc");
}

static void names_in_order(void **state)
{
	struct disk_names n = { 0 };
	static const char *const in[] = { "vdb", "vda10", "vda2",
					  "vda", "vda1",  "sda" };

	(void)state;
	for (size_t i = 0; i < 6; i++)
		disk_names_add(&n, in[i]);
	disk_names_add(&n, "vda"); /* once only */
	disk_names_sort(&n);
	assert_int_equal(n.count, 6);
	assert_string_equal(n.name[0], "sda");
	assert_string_equal(n.name[1], "vda");
	assert_string_equal(n.name[2], "vda1");
	assert_string_equal(n.name[3], "vda2");
	assert_string_equal(n.name[4], "vda10");
	assert_string_equal(n.name[5], "vdb");
}

static void text_numbers(void **state)
{
	struct text t;

	(void)state;
	text_reset(&t);
	text_ms(&t, 12449999);
	text_add(&t, " ");
	text_ms(&t, 50000);
	text_add(&t, " ");
	text_num(&t, 0);
	text_add(&t, " ");
	text_ms(&t, -5);
	assert_string_equal(t.buf, "12.4 0.1 0 0.0");
	for (int i = 0; i < 300; i++)
		text_add(&t, "overflow ");
	assert_int_equal(t.len, sizeof(t.buf) - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(command_line),
		cmocka_unit_test(module_params),
		cmocka_unit_test(load_order),
		cmocka_unit_test(dev_numbers),
		cmocka_unit_test(dev_nodes),
		cmocka_unit_test(storage_readiness),
		cmocka_unit_test(uevents),
		cmocka_unit_test(names_in_order),
		cmocka_unit_test(text_numbers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
