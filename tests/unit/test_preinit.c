// SPDX-License-Identifier: MIT
/* The pre-init's logic that needs no kernel, on the host. */
#include "helpers.h"
#include "cmdline.h"
#include "devmatch.h"
#include "devnodes.h"
#include "loadorder.h"
#include "log.h"
#include "text.h"
#include "waitdev.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/sysmacros.h>

/* minirt_virtio=off reaches init in its environment, as the kernel puts
 * it there; that is where the pre-init looks. */
static void off_in_environment(void **state)
{
	char *off[] = { "HOME=/", "minirt_virtio=off", NULL };
	char *offline[] = { "minirt_virtio=offline", "TERM=linux", NULL };
	char *none[] = { NULL };

	(void)state;
	assert_true(cmdline_env_off(off));
	assert_false(cmdline_env_off(offline));
	assert_false(cmdline_env_off(none));
}

static void command_line(void **state)
{
	struct preinit_opts o;

	(void)state;
	cmdline_parse("console=ttyS0 quiet", &o);
	assert_false(o.debug);
	assert_int_equal(o.timeout_ms, DEFAULT_TIMEOUT_MS);
	cmdline_parse("minirt_virtio=off minirt_virtio.debug "
		      "minirt_virtio.timeout=2.25 minirt_virtio.modules=a,b_c",
		      &o);
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

/* A fake sysfs below root: directories, files, links as the kernel has. */
static void sys_file(const char *root, const char *path, const char *text)
{
	char full[1024], cmd[1100];

	snprintf(full, sizeof(full), "%s/%s", root, path);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", full);
	assert_int_equal(system(cmd), 0);
	if (text)
		write_bytes(full, text, strlen(text));
	else
		assert_int_equal(mkdir(full, 0755), 0);
}

static void sys_link(const char *root, const char *link, const char *target)
{
	char full[1024], rel[1024] = "";

	/* relative, as sysfs links are: ../../devices/... */
	for (const char *p = strchr(link, '/'); p; p = strchr(p + 1, '/'))
		strcat(rel, "../");
	strcat(rel, target);
	snprintf(full, sizeof(full), "%s/%s", root, link);
	assert_int_equal(symlink(rel, full), 0);
}

static void make_sysfs(const char *root)
{
	static const char *const dirs[] = { "class/block",
					    "class/nvme",
					    "bus/virtio/devices",
					    "bus/scsi/devices",
					    "bus/virtio/drivers/virtio_blk",
					    "bus/virtio/drivers/virtio_scsi",
					    "bus/scsi/drivers/sr" };
	static const struct {
		const char *name, *id, *path;
	} virtio[] = {
		{ "virtio0", "0x0002\n", "devices/pci0/0000:00:03.0/virtio0" },
		{ "virtio1", "0x0008\n", "devices/pci0/0000:00:04.0/virtio1" },
		{ "virtio2", "0x0008\n", "devices/pci0/0000:00:05.0/virtio2" },
		{ "virtio3", "0x0005\n", "devices/pci0/0000:00:06.0/virtio3" },
	};
	char path[512];

	for (size_t i = 0; i < sizeof(dirs) / sizeof(*dirs); i++)
		sys_file(root, dirs[i], NULL);
	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/device", virtio[i].path);
		sys_file(root, path, virtio[i].id);
		snprintf(path, sizeof(path), "bus/virtio/devices/%s",
			 virtio[i].name);
		sys_link(root, path, virtio[i].path);
	}
}

static void add_block(const char *root, const char *dev, const char *name,
		      bool part)
{
	char path[400], link[512];

	snprintf(path, sizeof(path), "%s/%s", dev, name);
	sys_file(root, path, NULL);
	if (part) {
		snprintf(link, sizeof(link), "%s/partition", path);
		sys_file(root, link, "1\n");
	}
	snprintf(link, sizeof(link), "class/block/%s", name);
	sys_link(root, link, path);
}

static void add_scsi(const char *root, const char *name, const char *path,
		     const char *type)
{
	char file[512], link[512];

	snprintf(file, sizeof(file), "%s/type", path);
	if (type)
		sys_file(root, file, type);
	else
		sys_file(root, path, NULL);
	snprintf(link, sizeof(link), "bus/scsi/devices/%s", name);
	sys_link(root, link, path);
}

#define V0 "devices/pci0/0000:00:03.0/virtio0"
#define V1 "devices/pci0/0000:00:04.0/virtio1"
#define V2 "devices/pci0/0000:00:05.0/virtio2"
#define NV "devices/pci0/0000:00:07.0/nvme/nvme0"

static struct uevents events;

static void announce(const char *disk)
{
	char msg[256];
	int len = snprintf(msg, sizeof(msg),
			   "add@/x/%s%cACTION=add%cSUBSYSTEM=block%c"
			   "DEVNAME=%s%cDEVTYPE=disk",
			   disk, 0, 0, 0, disk, 0);

	uevent_parse(msg, (size_t)len + 1, &events);
}

static void storage_readiness(void **state)
{
	char *root = temp_dir(), path[512];
	struct disk_names old = { 0 };
	struct storage_state st = { .old = &old, .seen = &events.disks };

	(void)state;
	memset(&events, 0, sizeof(events));
	make_sysfs(root);
	add_block(root, V0 "/block", "vda", false);
	add_block(root, V0 "/block/vda", "vda1", true);
	add_scsi(root, "host0", V1 "/host0", NULL);
	add_scsi(root, "target0:0:0", V1 "/host0/target0:0:0", NULL);
	add_scsi(root, "0:0:0:0", V1 "/host0/target0:0:0/0:0:0:0", "5\n");
	add_block(root, V1 "/host0/target0:0:0/0:0:0:0/block", "sr0", false);
	/* virtio2: a SCSI host and nothing on it */
	add_scsi(root, "host1", V2 "/host1", NULL);
	sys_file(root, NV "/state", "connecting\n");
	sys_link(root, "class/nvme/nvme0", NV);
	add_block(root, NV, "nvme0n1", false);
	add_block(root, NV "/nvme0n1", "nvme0n1p1", true);
	/* The kernel's own: an IDE disk, and a loop device, which is none */
	add_block(root, "devices/pci0/0000:00:01.1/ata1/host2/block", "hda",
		  false);
	add_block(root, "devices/pci0/0000:00:01.1/ata1/host2/block/hda",
		  "hda1", true);
	add_block(root, "devices/virtual/block", "loop0", false);

	/* Nothing announced: only the empty controller has finished. */
	assert_int_equal(storage_check(root, &st), 0);
	assert_int_equal(st.controllers, 4);
	assert_int_equal(st.finished, 1);
	assert_int_equal(st.others.count, 1);
	assert_true(disk_names_has(&st.others, "hda"));
	disk_names_add(&old, "vda"); /* there before the modules */
	announce("sr0");
	announce("nvme0n1");
	storage_check(root, &st);
	assert_int_equal(st.finished, 3); /* NVMe still connecting */
	assert_int_equal(st.disks[KIND_VIRTIO_BLK], 1);
	assert_int_equal(st.disks[KIND_CDROM], 1);
	assert_int_equal(st.disks[KIND_NVME], 1);
	assert_int_equal(st.names.count, 5);
	assert_int_equal(st.others.count, 1); /* counted afresh each time */
	snprintf(path, sizeof(path), "%s/" NV "/state", root);
	write_bytes(path, "live\n", 5);
	storage_check(root, &st);
	assert_int_equal(st.finished, 4);

	/* A disk LUN on virtio2: waited for once the sd driver is there. */
	add_scsi(root, "1:0:0:0", V2 "/host1/target1:0:0/1:0:0:0", "0\n");
	storage_check(root, &st);
	assert_int_equal(st.finished, 4);
	sys_file(root, "bus/scsi/drivers/sd", NULL);
	storage_check(root, &st);
	assert_int_equal(st.finished, 3);
	add_block(root, V2 "/host1/target1:0:0/1:0:0:0/block", "sda", false);
	storage_check(root, &st);
	assert_int_equal(st.finished, 3); /* not announced yet */
	st.trust_sysfs = true; /* uevents were lost */
	storage_check(root, &st);
	assert_int_equal(st.finished, 4);
	assert_int_equal(st.disks[KIND_SCSI], 1);

	/* Without virtio_scsi's driver its devices are nobody's. */
	snprintf(path, sizeof(path), "%s/bus/virtio/drivers/virtio_scsi", root);
	assert_int_equal(rmdir(path), 0);
	storage_check(root, &st);
	assert_int_equal(st.controllers, 2);
	assert_int_equal(storage_check("/nonexistent", &st), -ENOENT);
	remove_tree(root);
	free(root);
}

static void assert_file_holds(const char *path, const char *text)
{
	size_t len;
	uint8_t *bytes = slurp(path, &len);

	assert_non_null(bytes);
	assert_int_equal(len, strlen(text));
	assert_memory_equal(bytes, text, len);
	free(bytes);
}

/*
 * The kernel log's copy: a level of one digit first, all that printk reads
 * before Linux 3.5 (a "<15>" stayed in the text, on the console too).
 * Debug level with a console on fd 2, and debug lines not at all; info
 * level without one, every line.
 */
static void kmsg_prefix(void **state)
{
	char *dir = temp_dir(), *with = path_in(dir, "with-console"),
	     *without = path_in(dir, "without-console");
	int saved = dup(STDERR_FILENO);

	(void)state;
	write_bytes(with, "", 0);
	write_bytes(without, "", 0);
	log_open(with);
	log_line("summary");
	log_debug("a step");
	log_close();
	assert_file_holds(with, "<7>minirt-virtio: summary\n");
	close(STDERR_FILENO);
	log_open(without);
	log_line("summary");
	log_debug("a step");
	log_close();
	assert_int_equal(dup2(saved, STDERR_FILENO), STDERR_FILENO);
	close(saved);
	assert_file_holds(without, "<6>minirt-virtio: summary\n"
				   "<6>minirt-virtio: a step\n");
	remove_tree(dir);
	free(with);
	free(without);
	free(dir);
}

static void uevents(void **state)
{
	static const char part[] = "add@/x/vda/vda1\0ACTION=add\0"
				   "SUBSYSTEM=block\0DEVNAME=vda1\0"
				   "DEVTYPE=partition";
	static const char removed[] = "remove@/x\0ACTION=remove\0"
				      "SUBSYSTEM=block\0DEVNAME=vdb\0"
				      "DEVTYPE=disk";
	static const char cut[] = "add@/x\0ACTION=add\0SUBSYSTEM=block\0"
				  "DEVTYPE=disk\0DEVNAME=vdc";
	static const char device[] = "add@/x/virtio1\0ACTION=add\0"
				     "SUBSYSTEM=virtio\0"
				     "MODALIAS=virtio:d00000002v00001AF4";
	static const char bind[] = "bind@/x/virtio1\0ACTION=bind\0"
				   "MODALIAS=virtio:d00000008v00001AF4";
	static const char acpi[] = "add@/x\0ACTION=add\0MODALIAS=acpi:PNP0A03:";

	(void)state;
	memset(&events, 0, sizeof(events));
	uevent_parse(part, sizeof(part), &events);
	uevent_parse(removed, sizeof(removed), &events);
	uevent_parse(cut, sizeof(cut) - 1, &events); /* no final NUL */
	assert_int_equal(events.disks.count, 0);
	uevent_parse(cut, sizeof(cut), &events);
	assert_int_equal(events.disks.count, 1);
	assert_string_equal(events.disks.name[0], "vdc");
	assert_true(uevent_parse(device, sizeof(device), &events));
	assert_false(uevent_parse(device, sizeof(device), &events));
	assert_false(uevent_parse(bind, sizeof(bind), &events));
	assert_false(uevent_parse(acpi, sizeof(acpi), &events));
	assert_int_equal(events.devices.count, 1);
	assert_string_equal(events.devices.alias[0],
			    "virtio:d00000002v00001AF4");
}

static void globs(void **state)
{
	static const char pci[] = "pci:v00001AF4d00001001sv00001AF4sd00000002"
				  "bc01sc00i00";

	(void)state;
	assert_true(glob_match("pci:v00001AF4d*sv*sd*bc*sc*i*", 29, pci));
	assert_true(glob_match("pci:v*d*sv*sd*bc01sc*i*", 23, pci));
	assert_false(glob_match("pci:v*d*sv*sd*bc01sc08i02*", 26, pci));
	assert_true(glob_match("scsi:t-0x05*", 12, "scsi:t-0x05"));
	assert_false(glob_match("scsi:t-0x05*", 12, "scsi:t-0x00"));
	assert_true(glob_match("virtio:d0000000?v*", 18,
			       "virtio:d00000002v00001AF4"));
	assert_false(glob_match("virtio:d00000002v", 17,
				"virtio:d00000002v00001AF4"));
	/* only len bytes of the pattern count: it sits in a longer line */
	assert_true(glob_match("scsi:t-0x00* more", 12, "scsi:t-0x00"));
	assert_true(glob_match("**", 2, ""));
	assert_false(glob_match("?", 1, ""));
}

static void device_lines(void **state)
{
	static const char text[] =
		"# comment\n\n"
		"virtio_ring.ko virtio.ko virtio_blk.ko virtio:d00000002v*\n"
		"  scsi_mod.ko ?crc.ko sd_mod.ko scsi:t-0x00* scsi:t-0x07*\r\n"
		"no_driver_here pci:v*\n"
		"last.ko";
	const char *pos = text, *end = text + sizeof(text) - 1, *line, *le;
	struct modaliases present = { 0 };
	struct devices_word w, driver;
	const char *p;

	(void)state;
	assert_true(modaliases_add(&present, "scsi:t-0x07\n", 12));
	assert_false(modaliases_add(&present, "scsi:t-0x07", 11));
	assert_false(modaliases_add(&present, "acpi:PNP0A03:", 13));
	assert_int_equal(present.count, 1);

	assert_true(text_next_line(&pos, end, &line, &le));
	assert_true(devices_driver(line, le, &driver));
	assert_int_equal(driver.len, 13);
	assert_memory_equal(driver.text, "virtio_blk.ko", 13);
	assert_false(devices_line_matches(line, le, &present));

	assert_true(text_next_line(&pos, end, &line, &le));
	assert_true(devices_line_matches(line, le, &present));
	p = line;
	assert_true(devices_next_word(&p, le, &w));
	assert_true(w.file && !w.optional);
	assert_true(devices_next_word(&p, le, &w));
	assert_true(w.file && w.optional);
	assert_memory_equal(w.text, "crc.ko", 6);

	assert_true(text_next_line(&pos, end, &line, &le));
	assert_false(devices_driver(line, le, &driver));
	assert_true(text_next_line(&pos, end, &line, &le));
	assert_true(devices_driver(line, le, &driver));
	assert_false(text_next_line(&pos, end, &line, &le));

	/* Too many devices to keep: every driver is loaded. */
	for (int i = 0; i < MODALIASES_MAX; i++) {
		char alias[32];

		snprintf(alias, sizeof(alias), "pci:v%08d", i);
		modaliases_add(&present, alias, strlen(alias));
	}
	assert_true(present.match_all);
	assert_true(devices_line_matches(text, text + 5, &present));
}

static void modaliases_from_sysfs(void **state)
{
	char *root = temp_dir(), bus[600];
	struct modaliases m = { 0 };

	(void)state;
	sys_file(root, "devices/a/modalias", "pci:v00001AF4d00001001\n");
	sys_file(root, "devices/b/modalias", "pci:v00001AF4d00001001\n");
	sys_file(root, "devices/c/modalias", "platform:serial8250\n");
	sys_file(root, "devices/d/x", "no modalias here");
	snprintf(bus, sizeof(bus), "%s/devices", root);
	assert_int_equal(modaliases_read(bus, &m), 1);
	assert_int_equal(m.count, 1);
	assert_int_equal(modaliases_read(bus, &m), 0);
	assert_int_equal(modaliases_read("/nonexistent", &m), -ENOENT);
	remove_tree(root);
	free(root);
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
		cmocka_unit_test(off_in_environment),
		cmocka_unit_test(module_params),
		cmocka_unit_test(load_order),
		cmocka_unit_test(dev_numbers),
		cmocka_unit_test(dev_nodes),
		cmocka_unit_test(storage_readiness),
		cmocka_unit_test(kmsg_prefix),
		cmocka_unit_test(uevents),
		cmocka_unit_test(globs),
		cmocka_unit_test(device_lines),
		cmocka_unit_test(modaliases_from_sysfs),
		cmocka_unit_test(names_in_order),
		cmocka_unit_test(text_numbers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
