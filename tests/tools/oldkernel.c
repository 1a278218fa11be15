// SPDX-License-Identifier: MIT
/*
 * PID 1 of the old-kernel boots (tests/static/run.sh, tests/boot/cases):
 * makes the running kernel look older by seccomp filters that answer
 * ENOSYS to system calls it has not got (every one above the last of Linux
 * 2.6.32, say, or finit_module alone), which execve() keeps for every
 * program it then runs, then follows /oldkernel.conf, one command a line:
 *   max N             a filter: above N, ENOSYS (checked at once)
 *   deny N...         a filter: the calls numbered N..., ENOSYS
 *   load FILE         load the module FILE, as if built into the kernel
 *   run OUT ARGV...   run ARGV, its stdout into OUT; say its exit status
 *   same A B          say whether files A and B hold the same bytes
 *   exec ARGV...      become ARGV (still PID 1, the filters kept)
 * Every line it says starts "OLDKERNEL: ". It powers off at the end.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define ARGS_MAX 32
#define DENY_MAX 8
#define LINE_MAX_LEN 4096

#if defined(__x86_64__)
#define ARCH AUDIT_ARCH_X86_64
#elif defined(__i386__)
#define ARCH AUDIT_ARCH_I386
#endif

static void say(const char *fmt, const char *a, long n)
{
	printf("OLDKERNEL: ");
	printf(fmt, a, n);
	printf("\n");
	fflush(stdout);
}

static int install(struct sock_filter *code, unsigned short len)
{
	struct sock_fprog prog = { len, code };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
		return -1;
	return 0;
}

/* Above max: ENOSYS, as a kernel without the call answers. */
static int deny_above(long max)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, (unsigned)max, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};

	if (install(code, sizeof(code) / sizeof(*code)) < 0)
		return -1;
	/* The first call above the limit must answer ENOSYS now. */
	errno = 0;
	if (syscall(max + 1, 0, 0, 0, 0, 0) != -1 || errno != ENOSYS)
		return -1;
	return 0;
}

/* The calls numbered nr[0..n): ENOSYS, as a kernel without them answers. */
static int deny(char **nr, int n)
{
	struct sock_filter code[5 + 2 * DENY_MAX];
	unsigned short len = 0;

	code[len++] = (struct sock_filter)BPF_STMT(
		BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	code[len++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
						   ARCH, 0, 2 * n + 1);
	code[len++] = (struct sock_filter)BPF_STMT(
		BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	for (int i = 0; i < n; i++) {
		code[len++] = (struct sock_filter)BPF_JUMP(
			BPF_JMP | BPF_JEQ | BPF_K,
			(unsigned)strtol(nr[i], NULL, 10), 0, 1);
		code[len++] = (struct sock_filter)BPF_STMT(
			BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
	}
	code[len++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
						   SECCOMP_RET_ALLOW);
	if (install(code, len) < 0)
		return -1;
	errno = 0;
	if (syscall(strtol(nr[0], NULL, 10), 0, 0, 0, 0, 0) != -1 ||
	    errno != ENOSYS)
		return -1;
	return 0;
}

static void load(const char *file)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || syscall(SYS_finit_module, fd, "", 0) < 0)
		say("%s: not loaded (%ld)", file, errno);
	else
		say("%s: loaded", file, 0);
	if (fd >= 0)
		close(fd);
}

static void run(char **argv, const char *out)
{
	int status, fd;
	pid_t pid = fork();

	if (pid == 0) {
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		say("%s: cannot run it (%ld)", argv[0], errno);
		return;
	}
	if (WIFEXITED(status))
		say("%s: exit %ld", argv[1] ? argv[1] : argv[0],
		    WEXITSTATUS(status));
	else
		say("%s: killed by signal %ld", argv[1] ? argv[1] : argv[0],
		    WTERMSIG(status));
}

static char *slurp(const char *path, size_t *len)
{
	struct stat st;
	char *data;
	FILE *f = fopen(path, "rb");

	if (!f || fstat(fileno(f), &st) < 0)
		return NULL;
	data = malloc((size_t)st.st_size + 1);
	*len = data ? fread(data, 1, (size_t)st.st_size, f) : 0;
	fclose(f);
	return data;
}

static void same(const char *a, const char *b)
{
	size_t la = 0, lb = 0;
	char *da = slurp(a, &la), *db = slurp(b, &lb);
	int equal = da && db && la == lb && !memcmp(da, db, la);

	printf("OLDKERNEL: %s and %s %s\n", a, b,
	       equal ? "hold the same bytes" : "DIFFER");
	fflush(stdout);
	free(da);
	free(db);
}

static void command(char *line)
{
	char *argv[ARGS_MAX + 1], *save = NULL;
	int n = 0;

	for (char *w = strtok_r(line, " \n", &save); w && n < ARGS_MAX;
	     w = strtok_r(NULL, " \n", &save))
		argv[n++] = w;
	argv[n] = NULL;
	if (n == 2 && !strcmp(argv[0], "max")) {
		long max = strtol(argv[1], NULL, 10);

		if (deny_above(max) < 0)
			say("%s: the seccomp filter failed (%ld)", argv[1],
			    errno);
		else
			say("every system call above %s answers ENOSYS (%ld)",
			    argv[1], ENOSYS);
	} else if (n >= 2 && n <= DENY_MAX + 1 && !strcmp(argv[0], "deny")) {
		if (deny(argv + 1, n - 1) < 0)
			say("%s: the seccomp filter failed (%ld)", argv[1],
			    errno);
		else
			say("system calls %s... answer ENOSYS (%ld)", argv[1],
			    ENOSYS);
	} else if (n == 2 && !strcmp(argv[0], "load")) {
		load(argv[1]);
	} else if (n >= 2 && !strcmp(argv[0], "exec")) {
		/* The next init mounts /proc itself. */
		umount("/proc");
		execv(argv[1], argv + 1);
		say("%s: cannot exec it (%ld)", argv[1], errno);
	} else if (n >= 3 && !strcmp(argv[0], "run")) {
		run(argv + 2, argv[1]);
	} else if (n == 3 && !strcmp(argv[0], "same")) {
		same(argv[1], argv[2]);
	} else if (n) {
		say("%s: not a command", argv[0], 0);
	}
}

int main(void)
{
	char line[LINE_MAX_LEN];
	FILE *conf;

	mount("proc", "/proc", "proc", 0, NULL);
	conf = fopen("/oldkernel.conf", "re");
	if (!conf)
		say("/oldkernel.conf: cannot open it (%ld)", NULL, errno);
	while (conf && fgets(line, sizeof(line), conf))
		command(line);
	say("done%s", "", 0);
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
