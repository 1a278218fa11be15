// SPDX-License-Identifier: MIT
/* Module closure with libkmod, on the real modules of Debian's kernel. */
#include "helpers.h"
#include "error.h"
#include "medium/elf.h"
#include "medium/kernel.h"
#include "modules/devices.h"
#include "modules/modinfo.h"
#include "modules/modlist.h"
#include "modules/resolve.h"
#include "modules/serial.h"
#include "modules/userland.h"

/* The modules req asks for, out of the directory dir. */
static int resolve(const char *dir, const struct modreq *req, size_t n,
		   struct modset *set)
{
	struct modtree tree;
	int ret = modtree_from_dir(&tree, dir);

	memset(set, 0, sizeof(*set));
	if (!ret)
		ret = modules_resolve(&tree, req, n, NULL, set);
	modtree_free(&tree);
	return ret;
}

static const struct modreq virtio[] = {
	{ "virtio_pci", true },
	{ "virtio_blk", true },
	{ "virtio_scsi", false },
};

static long position(const struct modset *set, const char *name)
{
	for (size_t i = 0; i < set->n; i++)
		if (!strcmp(set->v[i].name, name))
			return (long)i;
	return -1;
}

static void check_virtio_closure(const struct modset *set)
{
	static const char *const needed[] = {
		"virtio",
		"virtio_ring",
		"virtio_pci_modern_dev",
		"virtio_pci_legacy_dev",
		"virtio_pci",
		"virtio_blk",
		"scsi_mod",
		"virtio_scsi",
	};

	for (size_t i = 0; i < sizeof(needed) / sizeof(*needed); i++)
		if (position(set, needed[i]) < 0)
			fail_msg("%s missing from the closure", needed[i]);
	assert_true(position(set, "virtio") < position(set, "virtio_blk"));
	assert_true(position(set, "virtio_ring") < position(set, "virtio_pci"));
	assert_true(position(set, "virtio_pci_modern_dev") <
		    position(set, "virtio_pci"));
	assert_true(position(set, "scsi_mod") < position(set, "virtio_scsi"));
	for (size_t i = 0; i < set->n; i++) {
		assert_int_equal(set->v[i].info.machine, ELF_MACHINE_X86_64);
		assert_string_equal(set->v[i].info.vermagic,
				    set->v[0].info.vermagic);
	}
}

static void closure_from_modinfo(void **state)
{
	char *dir = kernel_modules("nodep");
	struct modset set;

	(void)state;
	assert_int_equal(resolve(dir, virtio, 3, &set), 0);
	assert_false(set.used_index);
	check_virtio_closure(&set);
	modset_free(&set);
	free(dir);
}

static void closure_from_modules_dep(void **state)
{
	char *dir = kernel_modules("dep"), *nodep = kernel_modules("nodep");
	struct modset set, other;

	(void)state;
	assert_int_equal(resolve(dir, virtio, 3, &set), 0);
	assert_true(set.used_index);
	check_virtio_closure(&set);
	/* Hard dependencies agree whichever way they were found. */
	assert_int_equal(resolve(nodep, virtio, 2, &other), 0);
	modset_free(&set);
	assert_int_equal(resolve(dir, virtio, 2, &set), 0);
	assert_int_equal(set.n, other.n);
	for (size_t i = 0; i < other.n; i++)
		assert_true(position(&set, other.v[i].name) >= 0);
	modset_free(&set);
	modset_free(&other);
	free(dir);
	free(nodep);
}

static void seed_five_files(void **state)
{
	static const char *const five[] = { "virtio", "virtio_ring",
					    "virtio_balloon", "virtio_pci",
					    "virtio_blk" };
	char *tree = kernel_modules("nodep"), *dir = temp_dir(), want[512];
	struct modset set;

	(void)state;
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(run("cp $(find %s -name %s.ko) %s/", tree,
				     five[i], dir),
				 0);
	assert_int_equal(resolve(dir, virtio, 2, &set), -1);
	snprintf(want, sizeof(want),
		 "virtio_pci needs virtio_pci_modern_dev"
		 " and virtio_pci_legacy_dev, which are not in %s",
		 dir);
	assert_string_equal(error_text(), want);
	modset_free(&set);
	remove_tree(dir);
	free(dir);
	free(tree);
}

static void compressed_modules(void **state)
{
	static const struct modreq blk[] = { { "virtio_blk", true } };
	char *tree = kernel_modules("nodep"), *dir = temp_dir();
	struct modset set;
	uint8_t *plain;
	size_t len;
	char path[512];

	(void)state;
	assert_int_equal(run("cd %s && for m in virtio virtio_ring virtio_blk;"
			     " do cp $(find %s/%s -name $m.ko) .; done && "
			     "xz --check=crc32 virtio.ko && zstd -q --rm "
			     "virtio_ring.ko && gzip virtio_blk.ko",
			     dir, getcwd(path, sizeof(path)), tree),
			 0);
	assert_int_equal(resolve(dir, blk, 1, &set), 0);
	assert_int_equal(set.n, 3);
	snprintf(path, sizeof(path), "gzip -dc %s/virtio_blk.ko.gz >%s/plain",
		 dir, dir);
	assert_int_equal(system(path), 0);
	snprintf(path, sizeof(path), "%s/plain", dir);
	plain = slurp(path, &len);
	assert_int_equal(set.v[2].image.len, len);
	assert_memory_equal(set.v[2].image.data, plain, len);
	assert_string_equal(set.v[2].name, "virtio_blk");
	free(plain);
	modset_free(&set);
	remove_tree(dir);
	free(dir);
	free(tree);
}

static void built_in(void **state)
{
	char *dir = temp_dir(), path[512];
	const char *list = "kernel/drivers/virtio/virtio_pci.ko\n"
			   "kernel/drivers/block/virtio_blk.ko\n";
	struct modset set;

	(void)state;
	snprintf(path, sizeof(path), "%s/modules.builtin", dir);
	write_bytes(path, list, strlen(list));
	assert_int_equal(resolve(dir, virtio, 3, &set), 0);
	assert_int_equal(set.n, 0);
	assert_int_equal(set.nbuiltin, 2);
	assert_string_equal(set.builtin[1], "virtio_blk");
	modset_free(&set);
	/* Without them built in, virtio_blk missing is an error. */
	unlink(path);
	assert_int_equal(resolve(dir, virtio, 3, &set), -1);
	assert_non_null(strstr(error_text(), "virtio_pci is neither in"));
	modset_free(&set);
	remove_tree(dir);
	free(dir);
}

/* A relocatable ELF with the given modinfo: enough for libkmod. */
static void fake_module(const char *dir, const char *name, const char *info,
			const char *cc)
{
	char path[512];
	size_t len = strlen(info);
	char *nul = strdup(info);

	for (size_t i = 0; i < len; i++)
		if (nul[i] == ';')
			nul[i] = '\0';
	snprintf(path, sizeof(path), "%s/%s.info", dir, name);
	write_bytes(path, nul, len + 1);
	free(nul);
	assert_int_equal(run("cd %s && echo 'int %s_x;' >%s.c && %s -c %s.c "
			     "-o %s.o && objcopy --add-section .modinfo=%s.info"
			     " %s.o %s.ko && rm %s.c %s.o %s.info",
			     dir, name, name, cc, name, name, name, name, name,
			     name, name, name),
			 0);
}

static void bad_module_sets(void **state)
{
	static const struct modreq a[] = { { "a", true } };
	char *dir = temp_dir(), path[512];
	struct modset set;

	(void)state;
	fake_module(dir, "a", "name=a;depends=b;vermagic=1.2.3 SMP", "cc");
	fake_module(dir, "b", "name=b;depends=c;vermagic=1.2.3 SMP", "cc");
	fake_module(dir, "c", "name=c;depends=a;vermagic=1.2.3 SMP", "cc");
	assert_int_equal(resolve(dir, a, 1, &set), -1);
	assert_string_equal(error_text(), "dependency cycle: a -> b -> c -> a");
	modset_free(&set);

	fake_module(dir, "c", "name=c;depends=;vermagic=1.2.4 SMP", "cc");
	assert_int_equal(resolve(dir, a, 1, &set), -1);
	assert_non_null(strstr(error_text(), "built for \"1.2.3 SMP\" but c"));
	modset_free(&set);

	fake_module(dir, "c", "name=c;depends=;vermagic=1.2.3 SMP",
		    "i686-linux-gnu-gcc");
	assert_int_equal(resolve(dir, a, 1, &set), -1);
	assert_non_null(strstr(error_text(), "is for x86_64 but c for i386"));
	modset_free(&set);

	snprintf(path, sizeof(path), "%s/c.ko", dir);
	write_bytes(path, "not an ELF file", 15);
	assert_int_equal(resolve(dir, a, 1, &set), -1);
	assert_non_null(strstr(error_text(), "is not a kernel module"));
	modset_free(&set);
	remove_tree(dir);
	free(dir);
}

static void kernel_version_match(void **state)
{
	static const struct modreq blk[] = { { "virtio_blk", true } };
	char *tree = kernel_modules("nodep");
	struct modset set;
	struct kernel k;

	(void)state;
	assert_int_equal(resolve(tree, blk, 1, &set), 0);
	assert_int_equal(kernel_read(KERNEL_CACHE "/vmlinuz", &k), 0);
	assert_string_equal(k.release, set.release);
	assert_true(k.is_64bit);
	assert_int_equal(kernel_check(&k, &set), 0);
	free(set.release);
	set.release = strdup("3.0.4");
	assert_int_equal(kernel_check(&k, &set), -1);
	assert_non_null(strstr(error_text(), "is for kernel 3.0.4, but"));
	kernel_free(&k);
	assert_int_equal(kernel_read("/bin/sh", &k), -1);
	assert_non_null(strstr(error_text(), "not an x86 bzImage"));
	modset_free(&set);
	free(tree);
}

/* The 686 kernel's tree (cache/kernels/686), variant "nodep". */
static char *modules_686(void)
{
	char path[512], *kver = kernel_release_in(KERNEL_CACHE_686);

	snprintf(path, sizeof(path), KERNEL_CACHE_686 "/nodep/lib/modules/%s",
		 kver);
	free(kver);
	return strdup(path);
}

/* The kernel in file, its header's protocol version set to protocol. */
static void kernel_as(const char *file, uint16_t protocol, struct kernel *k)
{
	size_t len;
	uint8_t *image = slurp(file, &len);

	assert_non_null(image);
	image[0x206] = (uint8_t)protocol;
	image[0x207] = (uint8_t)(protocol >> 8);
	assert_int_equal(kernel_parse(file, image, len, k), 0);
	free(image);
}

/*
 * Each set against its own kernel, both ways round; the pre-init against
 * the kernel it runs under: an i386 one under either, an x86_64 one only
 * under a 64-bit kernel. A header before Linux 3.8 (KNOPPIX 6's linux64,
 * 3.0.4) does not say: the modules do.
 */
static void machines_per_kernel(void **state)
{
	static const struct modreq blk[] = { { "virtio_blk", true } };
	char *tree64 = kernel_modules("nodep"), *tree32 = modules_686();
	struct modset set64, set32;
	struct kernel k64, k32, old64;

	(void)state;
	assert_int_equal(resolve(tree64, blk, 1, &set64), 0);
	assert_int_equal(resolve(tree32, blk, 1, &set32), 0);
	assert_int_equal(kernel_read(KERNEL_CACHE "/vmlinuz", &k64), 0);
	assert_int_equal(kernel_read("cache/kernels/686/vmlinuz", &k32), 0);
	assert_true(k32.bits_known);
	assert_false(k32.is_64bit);
	assert_int_equal(kernel_check(&k32, &set32), 0);
	free(set64.release);
	set64.release = strdup(k32.release);
	assert_int_equal(kernel_check(&k32, &set64), -1);
	assert_non_null(strstr(error_text(), "is for x86_64, but "
					     "cache/kernels/686/vmlinuz is a "
					     "32-bit kernel"));
	free(set64.release);
	set64.release = strdup(k64.release);

	assert_int_equal(userland_check_set(ELF_MACHINE_386, &set64, &k64), 0);
	assert_int_equal(userland_check_set(ELF_MACHINE_386, &set32, &k32), 0);
	assert_int_equal(userland_check_set(ELF_MACHINE_X86_64, &set64, &k64),
			 0);
	assert_int_equal(userland_check_set(ELF_MACHINE_X86_64, &set32, &k32),
			 -1);
	assert_string_equal(error_text(),
			    "cache/kernels/686/vmlinuz is a 32-bit kernel, but "
			    "this minirt is for x86_64");
	/* No kernel named: the modules tell. */
	assert_int_equal(userland_check_set(ELF_MACHINE_386, &set64, NULL), 0);
	assert_int_equal(userland_check_set(ELF_MACHINE_X86_64, &set32, NULL),
			 -1);
	assert_non_null(strstr(error_text(), ".ko is a module for i386, but "
					     "this minirt is for x86_64"));

	/* Nor may a set mix machines, whatever its first module is for. */
	set64.v[set64.n - 1].info.machine = ELF_MACHINE_386;
	assert_int_equal(userland_check_set(ELF_MACHINE_386, &set64, NULL), -1);
	assert_non_null(strstr(error_text(), ".ko is a module for i386, but "));
	assert_non_null(strstr(error_text(), ".ko is for x86_64"));
	set64.v[set64.n - 1].info.machine = ELF_MACHINE_X86_64;

	kernel_as(KERNEL_CACHE "/vmlinuz", 0x20b, &old64);
	assert_false(old64.bits_known);
	assert_int_equal(kernel_check(&old64, &set64), 0);
	assert_int_equal(userland_check_set(ELF_MACHINE_386, &set64, &old64),
			 0);
	assert_int_equal(userland_check_set(ELF_MACHINE_X86_64, &set64, &old64),
			 0);
	assert_int_equal(userland_check_set(ELF_MACHINE_X86_64, &set32, &old64),
			 -1);
	assert_non_null(strstr(error_text(), "is a module for i386"));
	kernel_free(&old64);
	kernel_free(&k32);
	kernel_free(&k64);
	modset_free(&set32);
	modset_free(&set64);
	free(tree32);
	free(tree64);
}

/* ext4's soft dependency is an alias, crypto-crc32c: found either way. */
static void soft_dependency_alias(void **state)
{
	static const struct modreq ext4[] = { { "ext4", true } };
	static const char *const variants[] = { "dep", "nodep" };

	(void)state;
	for (size_t v = 0; v < 2; v++) {
		char *dir = kernel_modules(variants[v]);
		struct modset set;
		long crc, fs;

		assert_int_equal(resolve(dir, ext4, 1, &set), 0);
		assert_int_equal(set.nskipped_soft, 0);
		crc = position(&set, "crc32c_generic");
		fs = position(&set, "ext4");
		assert_true(crc >= 0 && crc < fs);
		assert_true(set.v[crc].optional);
		assert_false(set.v[fs].optional);
		assert_false(set.v[position(&set, "jbd2")].optional);
		modset_free(&set);
		free(dir);
	}
}

/* A copy of a tree whose index names modules it lacks is refused. */
static void index_names_missing_file(void **state)
{
	static const struct modreq blk[] = { { "virtio_blk", true } };
	char *tree = kernel_modules("dep"), *dir = temp_dir();
	struct modset set;

	(void)state;
	assert_int_equal(run("cp %s/modules.* %s/ && mkdir -p %s/kernel && cp "
			     "$(find %s -name virtio_blk.ko) %s/kernel/",
			     tree, dir, dir, tree, dir),
			 0);
	assert_int_equal(resolve(dir, blk, 1, &set), -1);
	assert_non_null(strstr(error_text(), "which is not in"));
	modset_free(&set);
	remove_tree(dir);
	free(dir);
	free(tree);
}

/* Modules linked in from elsewhere count; a huge file is no module. */
static void linked_and_oversized(void **state)
{
	static const struct modreq blk[] = { { "virtio_blk", true } };
	char *tree = kernel_modules("nodep"), *dir = temp_dir(), cwd[512];
	struct modset set;

	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(run("for m in virtio virtio_ring virtio_blk; do "
			     "ln -s %s/$(find %s -name $m.ko) %s/; done",
			     cwd, tree, dir),
			 0);
	assert_int_equal(resolve(dir, blk, 1, &set), 0);
	assert_int_equal(set.n, 3);
	modset_free(&set);
	assert_int_equal(run("rm %s/virtio.ko && truncate -s 300M %s/virtio.ko",
			     dir, dir),
			 0);
	assert_int_equal(resolve(dir, blk, 1, &set), -1);
	assert_non_null(strstr(error_text(), "at most 256 MiB"));
	modset_free(&set);
	remove_tree(dir);
	free(dir);
	free(tree);
}

/* .modinfo straight from the module in memory, as modinfo(8) shows it. */
static void modinfo_in_memory(void **state)
{
	char *tree = kernel_modules("nodep"), path[600],
	     *kver = kernel_release();
	struct buf image = { 0 };
	struct modinfo mi;
	FILE *f;
	bool alias = false;

	(void)state;
	snprintf(path, sizeof(path), "find %s -name virtio_blk.ko", tree);
	f = popen(path, "r");
	assert_non_null(fgets(path, sizeof(path), f));
	pclose(f);
	path[strcspn(path, "\n")] = '\0';
	image.data = slurp(path, &image.len);
	assert_int_equal(modinfo_read(image.data, image.len, &mi), 0);
	assert_int_equal(mi.machine, ELF_MACHINE_X86_64);
	assert_int_equal(strncmp(mi.vermagic, kver, strlen(kver)), 0);
	assert_string_equal(mi.depends, "virtio,virtio_ring");
	for (size_t i = 0; i < mi.naliases; i++)
		alias |= !strcmp(mi.aliases[i], "virtio:d00000002v*");
	assert_true(alias);
	modinfo_free(&mi);
	assert_int_equal(modinfo_read((const uint8_t *)"\177ELF", 4, &mi), -1);
	modinfo_free(&mi);
	buf_free(&image);
	free(tree);
	free(kver);
}

static void module_list_file(void **state)
{
	char text[] = "# default set\n  virtio_blk required # the disk\n\n#x\n"
		      "\tsd_mod  extra words\r\nvirtio_pci\trequired";
	struct modlist_item items[2];

	(void)state;
	assert_int_equal(modlist_parse(text, items, 2), 3);
	assert_string_equal(items[0].name, "virtio_blk");
	assert_true(items[0].required);
	assert_string_equal(items[1].name, "sd_mod");
	assert_false(items[1].required);
}

static bool has_line(const struct buf *b, const char *line)
{
	char *text = strndup((const char *)b->data, b->len), *save = NULL;
	bool found = false;

	for (char *l = strtok_r(text, "\n", &save); l && !found;
	     l = strtok_r(NULL, "\n", &save))
		found = !strcmp(l, line);
	free(text);
	return found;
}

/*
 * Drivers load when a device matches, each after what it needs (soft
 * dependencies through aliases too); the rest always, in load-order.
 */
static void device_driven(void **state)
{
	static const struct modreq req[] = { { "virtio_blk", true },
					     { "sd_mod", true },
					     { "ext4", true } };
	static const char *const variants[] = { "dep", "nodep" };

	(void)state;
	for (size_t v = 0; v < 2; v++) {
		char *dir = kernel_modules(variants[v]);
		struct buf order = { 0 }, devices = { 0 };
		struct modset set;

		assert_int_equal(resolve(dir, req, 3, &set), 0);
		assert_int_equal(devices_split(&set, &order, &devices), 0);
		assert_int_equal(devices_count_drivers(&set), 2);
		assert_true(has_line(&devices,
				     "virtio_ring.ko virtio.ko "
				     "virtio_blk.ko virtio:d00000002v*"));
		assert_non_null(memmem(devices.data, devices.len,
				       "?crct10dif_pclmul.ko", 20));
		assert_non_null(memmem(devices.data, devices.len,
				       "sd_mod.ko scsi:t-0x", 19));
		assert_true(has_line(&order, "ext4.ko"));
		assert_true(has_line(&order, "jbd2.ko"));
		assert_false(has_line(&order, "virtio_blk.ko"));
		assert_false(has_line(&order, "virtio.ko"));
		assert_null(memmem(order.data, order.len, "crct10dif", 9));
		buf_free(&order);
		buf_free(&devices);
		modset_free(&set);
		free(dir);
	}
	assert_true(devices_alias_usable("pci:v00001AF4d*sv*sd*bc*sc*i*"));
	assert_false(devices_alias_usable("fs-ext4"));
	assert_false(devices_alias_usable("acpi*:PNP0C09:*"));
	assert_false(devices_alias_usable("pci:v[01]*"));
}

static void write_text(const char *path, const char *text)
{
	write_bytes(path, text, strlen(text));
}

/*
 * The serial console driver: built in for Debian's kernel (its
 * modules.builtin), not for one whose list leaves it out; before Linux
 * 2.6.33 (no modules.builtin, as KNOPPIX 6's 2.6.32) an 8250 module in
 * modules.dep says it is not; nothing to say it (a bare directory), yes.
 */
static void serial_console_driver(void **state)
{
	char *dep = kernel_modules("dep"), *tmp = temp_dir(), *list;
	struct modset set;

	(void)state;
	assert_true(serial_builtin(dep));
	assert_true(resolve(dep, virtio, 3, &set) == 0 && set.serial_builtin);
	modset_free(&set);
	list = path_in(tmp, "modules.builtin");
	write_text(list, "kernel/drivers/tty/serial/8250/8250_base.ko\n"
			 "kernel/fs/ext4/ext4.ko\n");
	assert_false(serial_builtin(tmp));
	write_text(list, "kernel/drivers/tty/serial/8250/8250.ko\n");
	assert_true(serial_builtin(tmp));
	unlink(list);
	assert_true(serial_builtin(tmp));
	free(list);
	list = path_in(tmp, "modules.dep");
	write_text(list, "/lib/modules/2.6.32/kernel/fs/ext4/ext4.ko: x.ko\n");
	assert_true(serial_builtin(tmp));
	write_text(list,
		   "/lib/modules/2.6.32/kernel/drivers/serial/8250.ko:\n");
	assert_false(serial_builtin(tmp));
	free(list);
	remove_tree(tmp);
	free(tmp);
	free(dep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(closure_from_modinfo),
		cmocka_unit_test(closure_from_modules_dep),
		cmocka_unit_test(seed_five_files),
		cmocka_unit_test(compressed_modules),
		cmocka_unit_test(built_in),
		cmocka_unit_test(bad_module_sets),
		cmocka_unit_test(kernel_version_match),
		cmocka_unit_test(machines_per_kernel),
		cmocka_unit_test(soft_dependency_alias),
		cmocka_unit_test(index_names_missing_file),
		cmocka_unit_test(linked_and_oversized),
		cmocka_unit_test(modinfo_in_memory),
		cmocka_unit_test(module_list_file),
		cmocka_unit_test(device_driven),
		cmocka_unit_test(serial_console_driver),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
