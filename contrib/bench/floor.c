/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * floor: the least work that starting a container like the benchmark's can take, to
 * compare runtimes with the physical limit.
 *
 *   floor [-g NAME] ROOTFS [CMD ARGS...]     (CMD defaults to /bin/true)
 *
 * clone() into new pid, net, ipc, uts and mount namespaces; in the child: make the
 * mount tree private, bind ROOTFS onto itself, pivot_root into it, detach the old root,
 * mount a fresh /proc, remount the root read-only, exec CMD. The parent waits for it
 * and exits with its status.
 *
 * -g NAME also creates the cgroup NAME in every cgroup hierarchy mounted under
 * /sys/fs/cgroup (each v1 controller mount, name=systemd, and cgroup2: the unified
 * mount of a hybrid host or the root of a pure v2 one), moves the child into all of
 * them before it goes on, and removes them after it has ended.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAXCG 32
#define STACK_SIZE (256 * 1024)

struct child_args {
	const char *rootfs;
	char **argv;
	int go[2]; /* the child reads one byte once the parent has placed it in the cgroups */
};

static char *cgdirs[MAXCG];
static int ncg;

static pid_t parent_pid;
static void cg_remove(void);

/* On failure in the parent, leave no cgroup behind. */
static void fail(const char *what)
{
	fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
	if (getpid() == parent_pid)
		cg_remove();
	exit(125);
}

/* Every cgroup / cgroup2 mount point directly under /sys/fs/cgroup (or on it). */
static void find_hierarchies(const char *name)
{
	char line[4096];
	FILE *f = fopen("/proc/self/mountinfo", "re");

	if (!f)
		fail("open /proc/self/mountinfo");
	while (fgets(line, sizeof(line), f) && ncg < MAXCG) {
		char mnt[PATH_MAX], *sep = strstr(line, " - "), fstype[64];
		unsigned int maj, min;
		struct stat st;
		char *dir;

		if (!sep || sscanf(line, "%*s %*s %u:%u %*s %4095s", &maj, &min, mnt) != 3 ||
		    sscanf(sep + 3, "%63s", fstype) != 1)
			continue;
		if (strcmp(fstype, "cgroup") != 0 && strcmp(fstype, "cgroup2") != 0)
			continue;
		if (strncmp(mnt, "/sys/fs/cgroup", 14) != 0)
			continue;
		/* Skip mounts hidden under a later one (the host's, under a private view). */
		if (stat(mnt, &st) < 0 || major(st.st_dev) != maj || minor(st.st_dev) != min)
			continue;
		if (asprintf(&dir, "%s/%s", mnt, name) < 0)
			fail("asprintf");
		for (int i = 0; i < ncg && dir; i++)
			if (strcmp(cgdirs[i], dir) == 0) {
				free(dir); /* the same mount point listed twice (shadowed) */
				dir = NULL;
			}
		if (dir)
			cgdirs[ncg++] = dir;
	}
	fclose(f);
}

/* v1 cpuset starts empty: a task cannot join until cpus and mems are set. */
static void cpuset_inherit(const char *dir)
{
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
	char path[PATH_MAX + 32], buf[4096];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		ssize_t n;
		int fd;

		snprintf(path, sizeof(path), "%s/../%s", dir, files[i]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return; /* not a cpuset hierarchy */
		n = read(fd, buf, sizeof(buf));
		close(fd);
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (n <= 0 || fd < 0 || write(fd, buf, (size_t)n) != n)
			fail(path);
		close(fd);
	}
}

static void cg_create(void)
{
	for (int i = 0; i < ncg; i++) {
		if (mkdir(cgdirs[i], 0755) < 0) {
			ncg = i;
			fail(cgdirs[i]);
		}
		cpuset_inherit(cgdirs[i]);
	}
}

static void cg_join(pid_t pid)
{
	char path[PATH_MAX + 16], buf[32];
	int n = snprintf(buf, sizeof(buf), "%d\n", (int)pid);

	for (int i = 0; i < ncg; i++) {
		int fd;

		snprintf(path, sizeof(path), "%s/cgroup.procs", cgdirs[i]);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, buf, (size_t)n) != n)
			fail(path);
		close(fd);
	}
}

static void cg_remove(void)
{
	for (int i = 0; i < ncg; i++)
		if (rmdir(cgdirs[i]) < 0)
			fprintf(stderr, "floor: rmdir %s: %s\n", cgdirs[i], strerror(errno));
	ncg = 0;
}

static int child(void *arg)
{
	struct child_args *a = arg;
	char x;

	close(a->go[1]); /* else a parent that dies would leave us waiting for ever */
	if (read(a->go[0], &x, 1) != 1)
		fail("wait for parent");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		fail("make / private");
	if (mount(a->rootfs, a->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		fail("bind rootfs");
	if (chdir(a->rootfs) < 0)
		fail("chdir rootfs");
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		fail("pivot_root");
	if (umount2(".", MNT_DETACH) < 0)
		fail("detach old root");
	if (chdir("/") < 0)
		fail("chdir /");
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		fail("mount /proc");
	if (mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0)
		fail("remount / read-only");
	execv(a->argv[0], a->argv);
	fail(a->argv[0]);
	return 125;
}

int main(int argc, char **argv)
{
	static char *deflt[] = { "/bin/true", NULL };
	struct child_args a;
	const char *cgname = NULL;
	int opt, st;
	char *stack;
	pid_t pid;

	while ((opt = getopt(argc, argv, "+g:")) != -1) {
		if (opt != 'g') {
			fprintf(stderr, "usage: floor [-g CGROUP] ROOTFS [CMD ARGS...]\n");
			return 125;
		}
		cgname = optarg;
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: floor [-g CGROUP] ROOTFS [CMD ARGS...]\n");
		return 125;
	}
	parent_pid = getpid();
	a.rootfs = argv[optind];
	a.argv = optind + 1 < argc ? argv + optind + 1 : deflt;
	if (cgname) {
		find_hierarchies(cgname);
		cg_create();
	}
	if (pipe2(a.go, O_CLOEXEC) < 0)
		fail("pipe");
	stack = malloc(STACK_SIZE);
	if (!stack)
		fail("malloc");
	pid = clone(child, stack + STACK_SIZE,
		    CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNS | SIGCHLD, &a);
	if (pid < 0)
		fail("clone");
	close(a.go[0]);
	if (cgname)
		cg_join(pid);
	if (write(a.go[1], "", 1) != 1)
		fail("release child");
	close(a.go[1]);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			fail("waitpid");
	if (cgname)
		cg_remove();
	free(stack);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
