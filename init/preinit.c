// SPDX-License-Identifier: MIT
/*
 * minirt-virtio pre-init: runs as /init, loads the drivers the builder put
 * in MODULE_DIR, makes /dev nodes for the disks they bring, removes every
 * trace of itself and execs the original init. It fails open: whatever goes
 * wrong, it says so in one line and still runs the original init.
 */
#include "cmdline.h"
#include "devnodes.h"
#include "loadorder.h"
#include "log.h"
#include "modload.h"
#include "sysdir.h"
#include "text.h"
#include "waitdev.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define SYS_BLOCK "/sys/class/block"
#define SYS_VIRTIO "/sys/bus/virtio/devices"

struct mounted {
	const char *dir, *type;
	bool mounted, made_dir;
};

struct run {
	struct preinit_opts opts;
	char cmdline[4096];
	long long start_ns, load_ns, wait_ns;
	unsigned modules_ok, modules_total;
	bool no_loadorder, no_set, timed_out;
	char release[65]; /* uname -r: which set of modules is ours */
	struct disk_names old, seen;
	struct mounted proc, sys;
};

static long long now_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		return 0;
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void debug(const struct run *run, const char *what, const char *name)
{
	struct text t;

	if (!run->opts.debug)
		return;
	text_reset(&t);
	text_add(&t, "[");
	text_ms(&t, now_ns() - run->start_ns);
	text_add(&t, " ms] ");
	text_add(&t, what);
	if (name) {
		text_add(&t, " ");
		text_add(&t, name);
	}
	log_debug(t.buf);
}

/* Mount only where the original init will mount the same itself. */
static void mount_early(struct mounted *m)
{
	struct stat root, dir;

	if (mkdir(m->dir, 0555) == 0) {
		m->made_dir = true;
	} else if (errno != EEXIST) {
		log_error(m->dir, errno);
		return;
	}
	/* Something is mounted there already: leave it as it is. */
	if (stat("/", &root) < 0 || stat(m->dir, &dir) < 0 ||
	    root.st_dev != dir.st_dev)
		return;
	if (mount(m->type, m->dir, m->type, MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) == 0)
		m->mounted = true;
	else
		log_error(m->dir, errno);
}

static void mount_undo(struct mounted *m)
{
	if (m->mounted && umount2(m->dir, 0) < 0 &&
	    umount2(m->dir, MNT_DETACH) < 0)
		log_error(m->dir, errno);
	if (m->made_dir && rmdir(m->dir) < 0)
		log_error(m->dir, errno);
}

static void read_cmdline(struct run *run)
{
	long n = read_small(AT_FDCWD, "/proc/cmdline", run->cmdline,
			    sizeof(run->cmdline));

	if (n < 0) {
		log_error("/proc/cmdline", (int)-n);
		run->cmdline[0] = '\0';
	}
	cmdline_parse(run->cmdline, &run->opts);
}

static void load_one(struct run *run, int dirfd, const char *file,
		     const char *params, size_t params_len, bool optional)
{
	char module[MODULE_NAME_MAX + 1], all_params[1024];
	struct text t;
	long long t0;
	int err;

	run->modules_total++;
	memcpy(module, file, strlen(file) - 3);
	module[strlen(file) - 3] = '\0';
	if (params_len >= sizeof(all_params))
		params_len = 0;
	memcpy(all_params, params, params_len);
	all_params[params_len] = '\0';
	if (cmdline_module_params(run->cmdline, module, all_params,
				  sizeof(all_params)) < 0)
		log_line("module parameters too long, some left out");
	debug(run, "loading", file);
	t0 = now_ns();
	err = module_load(dirfd, file, all_params, run->opts.no_finit);
	run->load_ns += now_ns() - t0;
	if (!err) {
		run->modules_ok++;
		return;
	}
	if (optional)
		run->modules_total--;
	if (optional && !run->opts.debug)
		return;
	text_reset(&t);
	text_add(&t, optional ? "optional " : "cannot load ");
	text_add(&t, file);
	log_error(t.buf, -err);
}

static void load_listed(struct run *run, int dirfd)
{
	static char list[16384];
	struct loadorder_entry e;
	const char *pos = list;
	char file[MODULE_NAME_MAX + 1];
	long n;

	n = read_small(dirfd, LOADORDER_NAME, list, sizeof(list));
	if (n < 0) {
		struct text t;

		run->no_loadorder = true;
		text_reset(&t);
		text_add(&t, MODULE_DIR "/");
		text_add(&t, run->release);
		text_add(&t, "/" LOADORDER_NAME);
		log_error(t.buf, (int)-n);
		return;
	}
	while (loadorder_next(&pos, list + n, &e)) {
		if (!loadorder_valid_file(e.file, e.file_len)) {
			log_line("skipping a bad line in the load-order file");
			continue;
		}
		memcpy(file, e.file, e.file_len);
		file[e.file_len] = '\0';
		load_one(run, dirfd, file, e.params, e.params_len, e.optional);
	}
}

/* minirt_virtio.modules=a,b: more modules shipped in MODULE_DIR. */
static void load_extra(struct run *run, int dirfd)
{
	const char *p = run->opts.modules;
	char file[MODULE_NAME_MAX + 1];

	while (*p) {
		size_t len = strcspn(p, ",");

		if (len && len + 3 <= MODULE_NAME_MAX) {
			memcpy(file, p, len);
			memcpy(file + len, ".ko", 4);
			if (loadorder_valid_file(file, len + 3))
				load_one(run, dirfd, file, "", 0, false);
		}
		p += len + (p[len] == ',');
	}
}

static int add_set_name(int dirfd, const char *name, unsigned char type,
			void *arg)
{
	(void)dirfd;
	if (type == DT_DIR || type == DT_UNKNOWN) {
		text_add(arg, " ");
		text_add(arg, name);
	}
	return 0;
}

/* One minirt serves several kernels: say which ones it has modules for. */
static void say_no_set(const struct run *run, int err)
{
	int fd = open(MODULE_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct text t;

	text_reset(&t);
	text_add(&t, "no modules for kernel ");
	text_add(&t, run->release);
	if (fd < 0) {
		log_error(t.buf, err);
		return;
	}
	text_add(&t, " here; this minirt has them for:");
	dir_each(fd, add_set_name, &t);
	close(fd);
	log_text(&t);
}

/* MODULE_DIR/<release>: the modules built for the running kernel. */
static int open_set(struct run *run)
{
	struct utsname u;
	int fd;

	if (uname(&u) < 0) {
		log_error("uname", errno);
		return -1;
	}
	memcpy(run->release, u.release, sizeof(run->release) - 1);
	fd = openat(AT_FDCWD, MODULE_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		int set = openat(fd, run->release,
				 O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (set < 0)
			say_no_set(run, errno);
		close(fd);
		fd = set;
	} else {
		log_error(MODULE_DIR, errno);
	}
	return fd;
}

static void load_modules(struct run *run)
{
	int dirfd = open_set(run);

	if (dirfd < 0) {
		run->no_loadorder = run->no_set = true;
		return;
	}
	load_listed(run, dirfd);
	load_extra(run, dirfd);
	close(dirfd);
}

static void wait_disks(struct run *run, int sock)
{
	struct storage_state state = { .old = &run->old, .seen = &run->seen };
	long long t0 = now_ns(), deadline;

	deadline = t0 + (long long)run->opts.timeout_ms * 1000000LL;
	for (;;) {
		long long left;
		struct pollfd pfd = { .fd = sock, .events = POLLIN };

		if (sock >= 0 && uevent_drain(sock, &run->seen) == -ENOBUFS)
			state.trust_sysfs = true;
		if (sock < 0)
			state.trust_sysfs = true;
		storage_check(SYS_VIRTIO, &state);
		if (state.ready == state.devices)
			break;
		left = deadline - now_ns();
		if (left <= 0) {
			run->timed_out = true;
			break;
		}
		/* Without the uevent socket, look again every 10 ms. */
		if (sock < 0 && left > 10000000LL)
			left = 10000000LL;
		poll(sock >= 0 ? &pfd : NULL, sock >= 0,
		     (int)(left / 1000000 + 1));
	}
	run->wait_ns = now_ns() - t0;
}

static void node_report(const char *name, const char *what, int err)
{
	struct text t;

	text_reset(&t);
	text_add(&t, "/dev/");
	text_add(&t, name);
	text_add(&t, ": ");
	text_add(&t, what);
	if (err) {
		text_add(&t, ": ");
		text_add(&t, strerror(err));
	}
	log_debug(t.buf);
}

static void make_nodes(struct run *run)
{
	struct devnodes_result result;
	int err;

	err = devnodes_sync(SYS_BLOCK, "/dev", &result,
			    run->opts.debug ? node_report : NULL);
	if (err < 0)
		log_error("making /dev nodes", -err);
	else if (result.failed && !run->opts.debug)
		log_line(
			"some /dev nodes could not be made (minirt_virtio.debug tells which)");
}

static int add_if_virtio(int dirfd, const char *name, unsigned char type,
			 void *arg)
{
	char target[512];
	ssize_t n;

	(void)type;
	n = readlinkat(dirfd, name, target, sizeof(target) - 1);
	if (n > 0 && memmem(target, (size_t)n, "/virtio", 7))
		disk_names_add(arg, name);
	return 0;
}

/* Block devices of virtio devices, as "vda vda1 vda2 vda10 "; how many. */
static unsigned add_virtio_names(struct text *t)
{
	static struct disk_names names;
	int fd = open(SYS_BLOCK, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	names.count = 0;
	if (fd >= 0) {
		dir_each(fd, add_if_virtio, &names);
		close(fd);
	}
	disk_names_sort(&names);
	for (unsigned i = 0; i < names.count; i++) {
		text_add(t, names.name[i]);
		text_add(t, " ");
	}
	return names.count;
}

static void add_disks(struct text *t, const struct run *run)
{
	unsigned found = add_virtio_names(t);

	if (found && !run->timed_out)
		text_add(t, "ready after ");
	else if (found)
		text_add(t, "ready, others still missing after ");
	else if (run->timed_out)
		text_add(t, "virtio disks still missing after ");
	else
		text_add(t, "no virtio disk found in ");
	text_ms(t, run->wait_ns);
	text_add(t, " ms");
}

static void summary(const struct run *run)
{
	long long total = now_ns() - run->start_ns;
	struct text t;

	text_reset(&t);
	if (run->no_set) {
		text_add(&t, "no modules for kernel ");
		text_add(&t, run->release);
	} else if (run->no_loadorder) {
		text_add(&t, "no modules to load");
	} else {
		if (run->modules_ok != run->modules_total) {
			text_num(&t, run->modules_ok);
			text_add(&t, " of ");
		}
		text_num(&t, run->modules_total);
		text_add(&t, " modules in ");
		text_ms(&t, run->load_ns);
		text_add(&t, " ms");
	}
	text_add(&t, ", ");
	add_disks(&t, run);
	/* What the pre-init costs beyond the kernel's own work. */
	text_add(&t, ", own ");
	text_ms(&t, total - run->load_ns - run->wait_ns);
	text_add(&t, " ms, exec /init.orig");
	log_text(&t);
}

static void prepare_disks(struct run *run)
{
	int sock = uevent_open();

	if (sock < 0)
		log_error("uevent socket (polling sysfs instead)", -sock);
	disk_names_snapshot(SYS_BLOCK, &run->old);
	load_modules(run);
	debug(run, "waiting for disks", NULL);
	wait_disks(run, sock);
	if (sock >= 0)
		close(sock);
	debug(run, "making /dev nodes", NULL);
	make_nodes(run);
	summary(run);
}

static bool env_says_off(char **envp)
{
	for (; *envp; envp++)
		if (strcmp(*envp, "minirt_virtio=off") == 0)
			return true;
	return false;
}

static void exec_init(char **argv, char **envp)
{
	static const char *const candidates[] = { "/init.orig", "/sbin/init",
						  "/bin/sh" };

	for (size_t i = 0; i < sizeof(candidates) / sizeof(*candidates); i++) {
		struct text t;

		execve(candidates[i], argv, envp);
		text_reset(&t);
		text_add(&t, "cannot exec ");
		text_add(&t, candidates[i]);
		log_error(t.buf, errno);
	}
	/* Returning would panic the kernel and hide the lines above. */
	log_line("nothing left to run; stopped here");
	for (;;)
		pause();
}

int main(int argc, char **argv, char **envp)
{
	static struct run run; /* in .bss: it costs the binary no bytes */

	(void)argc;
	/* minirt_virtio=off reaches us in the environment: touch nothing. */
	if (!env_says_off(envp)) {
		run.start_ns = now_ns();
		run.proc = (struct mounted){ .dir = "/proc", .type = "proc" };
		run.sys = (struct mounted){ .dir = "/sys", .type = "sysfs" };
		mount_early(&run.proc);
		mount_early(&run.sys);
		log_open();
		read_cmdline(&run);
		debug(&run, "started", NULL);
		prepare_disks(&run);
		log_close();
		mount_undo(&run.sys);
		mount_undo(&run.proc);
	}
	exec_init(argv, envp);
	return 1;
}
