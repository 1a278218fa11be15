// SPDX-License-Identifier: MIT
/*
 * minirt-virtio pre-init: runs as /init, loads the drivers the builder put
 * in MODULE_DIR for the devices present, waits until their controllers have
 * found their disks, makes /dev nodes for them, removes every trace of
 * itself and execs the original init. It fails open: whatever goes wrong,
 * it says so in one line and still runs the original init.
 */
#include "cmdline.h"
#include "devmatch.h"
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
#define TRIED_MAX 128

struct mounted {
	const char *dir, *type;
	bool mounted, made_dir;
	int err; /* why it could not be mounted */
};

struct run {
	struct preinit_opts opts;
	char cmdline[4096];
	long long start_ns, load_ns, wait_ns;
	unsigned modules_ok, modules_total;
	unsigned modules_there; /* in the kernel already: built in, or loaded */
	bool init_module; /* loading by init_module: no_finit, or before 3.8 */
	bool no_set, timed_out;
	char release[65]; /* uname -r: which set of modules is ours */
	int set_fd; /* MODULE_DIR/<release> */
	int set_err; /* why it could not be opened */
	char devices[32768]; /* its devices file */
	long devices_len;
	char tried[TRIED_MAX][MODULE_NAME_MAX + 1]; /* loaded or failed */
	unsigned ntried;
	struct disk_names old;
	struct uevents ev; /* disks announced, devices present */
	struct storage_state storage;
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
		m->err = errno;
		log_error(m->dir, errno);
		return;
	}
	/* Something is mounted there already: leave it as it is. */
	if (stat("/", &root) < 0 || stat(m->dir, &dir) < 0 ||
	    root.st_dev != dir.st_dev)
		return;
	if (mount(m->type, m->dir, m->type, MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) == 0) {
		m->mounted = true;
		return;
	}
	m->err = errno;
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
	run->init_module = run->opts.no_finit;
}

static bool was_tried(const struct run *run, const char *file)
{
	for (unsigned i = 0; i < run->ntried; i++)
		if (strcmp(run->tried[i], file) == 0)
			return true;
	return false;
}

/* Each module once: a second line for it (or a failed one) is skipped. */
static bool first_try(struct run *run, const char *file)
{
	if (was_tried(run, file))
		return false;
	if (run->ntried < TRIED_MAX)
		strcpy(run->tried[run->ntried++], file);
	return true;
}

/*
 * /sys/module/NAME: the kernel has it (loaded, or built in with
 * parameters), as when the drivers KNOPPIX's kernel has built in are the
 * ones for the disk. Loading it again would cost its whole load for an
 * EEXIST, or clash with the built-in one.
 */
static bool in_kernel(const char *module)
{
	char path[sizeof("/sys/module/") + MODULE_NAME_MAX];
	struct stat st;
	size_t at = sizeof("/sys/module/") - 1;

	memcpy(path, "/sys/module/", at);
	for (size_t i = 0; module[i]; i++) /* its file's '-' is '_' there */
		path[at++] = module[i] == '-' ? '_' : module[i];
	path[at] = '\0';
	return stat(path, &st) == 0;
}

static void load_one(struct run *run, const char *file, const char *params,
		     size_t params_len, bool optional)
{
	char module[MODULE_NAME_MAX + 1], all_params[1024];
	struct text t;
	long long t0;
	int err;

	if (!first_try(run, file))
		return;
	memcpy(module, file, strlen(file) - 3);
	module[strlen(file) - 3] = '\0';
	if (in_kernel(module)) {
		run->modules_there++;
		debug(run, "in the kernel already:", file);
		return;
	}
	run->modules_total++;
	if (params_len >= sizeof(all_params))
		params_len = 0;
	memcpy(all_params, params, params_len);
	all_params[params_len] = '\0';
	if (cmdline_module_params(run->cmdline, module, all_params,
				  sizeof(all_params)) < 0)
		log_line("module parameters too long, some left out");
	debug(run, "loading", file);
	t0 = now_ns();
	err = module_load(run->set_fd, file, all_params, &run->init_module);
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

/* "cannot read MODULE_DIR/<release>/NAME: why" */
static void say_unreadable(const struct run *run, const char *name, int err)
{
	struct text t;

	text_reset(&t);
	text_add(&t, MODULE_DIR "/");
	text_add(&t, run->release);
	text_add(&t, "/");
	text_add(&t, name);
	log_error(t.buf, err);
}

/* The load-order file: modules loaded whatever the devices. */
static void load_listed(struct run *run)
{
	static char list[16384];
	struct loadorder_entry e;
	const char *pos = list;
	char file[MODULE_NAME_MAX + 1];
	long n;

	n = read_small(run->set_fd, LOADORDER_NAME, list, sizeof(list));
	if (n < 0) {
		say_unreadable(run, LOADORDER_NAME, (int)-n);
		return;
	}
	while (loadorder_next(&pos, list + n, &e)) {
		if (!loadorder_valid_file(e.file, e.file_len)) {
			log_line("skipping a bad line in the load-order file");
			continue;
		}
		memcpy(file, e.file, e.file_len);
		file[e.file_len] = '\0';
		load_one(run, file, e.params, e.params_len, e.optional);
	}
}

/* A devices line: every module on it in order, the driver last. */
static void load_line(struct run *run, const char *line, const char *end)
{
	struct devices_word w;
	char file[MODULE_NAME_MAX + 1];

	while (devices_next_word(&line, end, &w)) {
		if (!w.file || !loadorder_valid_file(w.text, w.len))
			continue;
		memcpy(file, w.text, w.len);
		file[w.len] = '\0';
		load_one(run, file, "", 0, w.optional);
	}
}

/* The devices line of the driver file names, if there is one. */
static bool load_driver(struct run *run, const char *file, size_t len)
{
	const char *pos = run->devices, *end = pos + run->devices_len;
	const char *line, *line_end;
	struct devices_word driver;

	while (text_next_line(&pos, end, &line, &line_end))
		if (devices_driver(line, line_end, &driver) &&
		    driver.len == len && memcmp(driver.text, file, len) == 0) {
			load_line(run, line, line_end);
			return true;
		}
	return false;
}

/* minirt_virtio.modules=a,b: more shipped modules, each after its needs. */
static void load_extra(struct run *run)
{
	const char *p = run->opts.modules;
	char file[MODULE_NAME_MAX + 1];

	while (*p) {
		size_t len = strcspn(p, ",");

		if (len && len + 3 <= MODULE_NAME_MAX) {
			memcpy(file, p, len);
			memcpy(file + len, ".ko", 4);
			if (loadorder_valid_file(file, len + 3) &&
			    !load_driver(run, file, len + 3))
				load_one(run, file, "", 0, false);
		}
		p += len + (p[len] == ',');
	}
}

/* Drivers for the devices present not tried yet; false if none. */
static bool load_matching(struct run *run)
{
	const char *pos = run->devices, *end = pos + run->devices_len;
	const char *line, *line_end;
	struct devices_word driver;
	bool loaded = false;
	char file[MODULE_NAME_MAX + 1];

	while (text_next_line(&pos, end, &line, &line_end)) {
		if (!devices_driver(line, line_end, &driver) ||
		    driver.len > MODULE_NAME_MAX)
			continue;
		memcpy(file, driver.text, driver.len);
		file[driver.len] = '\0';
		if (was_tried(run, file) ||
		    !devices_line_matches(line, line_end, &run->ev.devices))
			continue;
		debug(run, "a device wants", file);
		load_line(run, line, line_end);
		/* Not noted (a bad name, a full list): no progress to report.
		 */
		loaded |= was_tried(run, file);
	}
	return loaded;
}

/* The devices present now, from sysfs (at start, and when uevents fail). */
static void read_present(struct run *run)
{
	static const char *const buses[] = { "/sys/bus/pci/devices",
					     "/sys/bus/virtio/devices",
					     "/sys/bus/scsi/devices" };
	struct stat st;

	/* Without sysfs nothing can be matched: load every driver. */
	if (stat("/sys/bus", &st) < 0)
		run->ev.devices.match_all = true;
	for (size_t i = 0; i < sizeof(buses) / sizeof(*buses); i++)
		modaliases_read(buses[i], &run->ev.devices);
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

/*
 * One minirt serves several kernels: which ones it has modules for, for
 * the summary, which says it in its one line.
 */
static void add_sets(struct text *t, const struct run *run)
{
	int fd = open(MODULE_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0) {
		text_add(t, " (no " MODULE_DIR ": ");
		text_add(t, strerror(errno));
		text_add(t, ")");
		return;
	}
	text_add(t, run->set_err == ENOENT ? " (this minirt has them for:" :
					     " (cannot open them:");
	if (run->set_err == ENOENT)
		dir_each(fd, add_set_name, t);
	else
		text_add(t, strerror(run->set_err));
	text_add(t, ")");
	close(fd);
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

		run->set_err = set < 0 ? errno : 0;
		close(fd);
		fd = set;
	} else {
		run->set_err = errno;
	}
	return fd;
}

static void load_forced(struct run *run)
{
	run->set_fd = open_set(run);
	if (run->set_fd < 0) {
		run->no_set = true;
		return;
	}
	load_listed(run);
	run->devices_len = read_small(run->set_fd, DEVICES_NAME, run->devices,
				      sizeof(run->devices));
	if (run->devices_len < 0) {
		say_unreadable(run, DEVICES_NAME, (int)-run->devices_len);
		run->devices_len = 0;
	}
	load_extra(run);
	read_present(run);
}

/*
 * Until every controller has finished: drivers for the devices that
 * appear (a PCI function brings a virtio device, a virtio-scsi host its
 * LUNs), then the disks they announce. A module's load returns after the
 * probes and scans it started (the kernel waits for those), so each round
 * of uevents after a load holds what that load found.
 */
/* Returns the socket, or -1 if it failed on the way. */
static int wait_disks(struct run *run, int sock)
{
	struct storage_state *state = &run->storage;
	long long t0 = now_ns(), load0 = run->load_ns, waited;

	state->old = &run->old;
	state->seen = &run->ev.disks;
	for (;;) {
		struct pollfd pfd = { .fd = sock, .events = POLLIN };
		long long left;

		if (sock < 0 || uevent_drain(sock, &run->ev) == -ENOBUFS) {
			state->trust_sysfs = true;
			read_present(run);
		}
		if (load_matching(run))
			continue; /* first the uevents of what it brought */
		storage_check("/sys", state);
		waited = now_ns() - t0 - (run->load_ns - load0);
		if (state->finished == state->controllers)
			break;
		left = (long long)run->opts.timeout_ms * 1000000LL - waited;
		if (left <= 0) {
			run->timed_out = true;
			break;
		}
		/* Without the uevent socket, look again every 10 ms. */
		if (sock < 0 && left > 10000000LL)
			left = 10000000LL;
		if (poll(sock >= 0 ? &pfd : NULL, sock >= 0,
			 (int)(left / 1000000 + 1)) < 0 &&
		    errno != EINTR && sock >= 0) {
			log_error("uevent socket (polling sysfs instead)",
				  errno);
			close(sock);
			sock = -1;
		}
	}
	run->wait_ns = waited;
	return sock;
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

/* "1 virtio-blk disk, 2 CD-ROMs (vda vda1 sr0 sr1)"; how many disks. */
static unsigned add_kinds(struct text *t, struct storage_state *state)
{
	static const char *const kinds[KINDS] = { "virtio-blk disk",
						  "SCSI disk", "CD-ROM",
						  "NVMe disk" };
	unsigned total = 0;

	for (unsigned k = 0; k < KINDS; k++) {
		if (!state->disks[k])
			continue;
		text_add(t, total ? ", " : "");
		text_num(t, state->disks[k]);
		text_add(t, " ");
		text_add(t, kinds[k]);
		text_add(t, state->disks[k] > 1 ? "s" : "");
		total += state->disks[k];
	}
	disk_names_sort(&state->names);
	for (unsigned i = 0; total && i < state->names.count; i++) {
		text_add(t, i ? " " : " (");
		text_add(t, state->names.name[i]);
	}
	text_add(t, total ? ") " : "");
	return total;
}

/* "; the kernel has sda sdb already, done in ": disks of its own drivers. */
static void add_kernel_disks(struct text *t, struct storage_state *state)
{
	disk_names_sort(&state->others);
	for (unsigned i = 0; i < state->others.count; i++) {
		text_add(t, i ? " " : "; the kernel has ");
		text_add(t, state->others.name[i]);
	}
	text_add(t, state->others.count ? " already, done in " : ", done in ");
}

static void add_disks(struct text *t, struct run *run)
{
	struct storage_state *state = &run->storage;
	unsigned disks;

	if (run->sys.err) {
		text_add(t, "no /sys, so no disks seen");
		return;
	}
	disks = add_kinds(t, state);
	if (run->timed_out) {
		text_add(t, disks ? "ready; " : "");
		text_num(t, state->controllers - state->finished);
		text_add(t, " of ");
		text_num(t, state->controllers);
		text_add(t, " controllers still discovering after ");
	} else if (disks) {
		text_add(t, "ready after ");
	} else if (state->controllers) {
		text_add(t, "no disk on ");
		text_num(t, state->controllers);
		text_add(t, state->controllers > 1 ? " controllers" :
						     " controller");
		add_kernel_disks(t, state);
	} else if (state->others.count) {
		text_add(t, "no disk controller for its drivers");
		add_kernel_disks(t, state);
	} else {
		text_add(t, "no disk controller found in ");
	}
	text_ms(t, run->wait_ns);
	text_add(t, " ms");
}

/* Say how the modules went in when it was not the usual finit_module. */
static void add_load_call(struct text *t, const struct run *run)
{
	if (!run->init_module || !run->modules_ok)
		return;
	text_add(t, " by init_module");
	text_add(t, run->opts.no_finit ? " (minirt_virtio.no_finit)" :
					 " (no finit_module in this kernel)");
}

static void summary(struct run *run)
{
	long long total = now_ns() - run->start_ns;
	struct text t;

	text_reset(&t);
	if (run->no_set) {
		text_add(&t, "no modules for kernel ");
		text_add(&t, run->release);
		add_sets(&t, run);
	} else {
		if (run->modules_ok != run->modules_total) {
			text_num(&t, run->modules_ok);
			text_add(&t, " of ");
		}
		text_num(&t, run->modules_total);
		text_add(&t, " modules in ");
		text_ms(&t, run->load_ns);
		text_add(&t, " ms");
		add_load_call(&t, run);
		if (run->modules_there) {
			text_add(&t, " (");
			text_num(&t, run->modules_there);
			text_add(&t, " in the kernel already)");
		}
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

	/* A kernel built without networking has no socket call at all
	 * (ENOSYS); one without netlink's uevents, no such family. */
	if (sock == -ENOSYS || sock == -EAFNOSUPPORT ||
	    sock == -EPROTONOSUPPORT)
		debug(run, "no uevent socket in this kernel: polling sysfs",
		      NULL);
	else if (sock < 0)
		log_error("uevent socket (polling sysfs instead)", -sock);
	disk_names_snapshot(SYS_BLOCK, &run->old);
	load_forced(run);
	debug(run, "drivers for the devices, then their disks", NULL);
	sock = wait_disks(run, sock);
	if (sock >= 0)
		close(sock);
	if (run->set_fd >= 0)
		close(run->set_fd);
	debug(run, "making /dev nodes", NULL);
	make_nodes(run);
	summary(run);
}

/*
 * Run by hand on a live system, only the original init: the fallbacks
 * would act on that system (sysvinit's /sbin/init 0 halts it).
 */
static int exec_orig(char **argv, char **envp)
{
	execve("/init.orig", argv, envp);
	log_error("cannot exec /init.orig", errno);
	return 127;
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
	/* Touch nothing when run by hand on a live system (not PID 1). */
	if (getpid() != 1) {
		log_open(NULL);
		return exec_orig(argv, envp);
	}
	/* minirt_virtio=off reaches us in the environment. */
	if (cmdline_env_off(envp)) {
		log_open(NULL);
	} else {
		run.start_ns = now_ns();
		run.proc = (struct mounted){ .dir = "/proc", .type = "proc" };
		run.sys = (struct mounted){ .dir = "/sys", .type = "sysfs" };
		/* The log first: a failed mount is worth a line. */
		log_open(LOG_KMSG);
		mount_early(&run.proc);
		mount_early(&run.sys);
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
