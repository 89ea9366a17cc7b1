/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Integration-style test of rootfs.c: in a forked child with private mount, pid and ipc
 * namespaces, build a podman-like container view over a temp rootfs holding a busybox
 * copy, then check it from inside and report over a pipe. The namespace dies with the
 * child, so nothing leaks; the parent verifies the host mountinfo and removes the tree. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <seccomp.h>

#include "mountopt.h"
#include "rootfs.h"
#include "spec.h"
#include "unit.h"
#include "util/error.h"

#define MAX_MOUNTS 16
#ifndef MQUEUE_MAGIC
#define MQUEUE_MAGIC 0x19800202
#endif

static char top[PATH_MAX];
enum mode { MODE_NEW_API, MODE_OLD_KERNEL, MODE_USERNS, MODE_CGROUP2, N_MODES };
static const char *const mode_names[] = { "new API", "old kernel", "user ns", "cgroup2 host" };
static int report_fd = -1;
static enum mode mode; /* the case being run, set before each fork */
static char evil_name[64];

/* ------------------------------------------------------------- tree setup */
static void path_of(char *buf, size_t len, const char *rel)
{
	snprintf(buf, len, "%s/%s", top, rel);
}

static void mk(const char *rel, bool dir, const char *content)
{
	char p[PATH_MAX * 2];
	int fd;

	path_of(p, sizeof(p), rel);
	if (dir) {
		mkdir(p, 0755);
		return;
	}
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (fd < 0)
		return;
	if (content && write(fd, content, strlen(content)) < 0)
		perror("write");
	close(fd);
}

static int copy_file(const char *from, const char *rel)
{
	char p[PATH_MAX * 2], buf[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC), out;
	ssize_t n;

	path_of(p, sizeof(p), rel);
	out = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (in < 0 || out < 0)
		return -1;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			return -1;
	close(in);
	close(out);
	return 0;
}

static void ln(const char *target, const char *rel)
{
	char p[PATH_MAX * 2];

	path_of(p, sizeof(p), rel);
	if (symlink(target, p) < 0)
		perror(p);
}

static void build_trees(void)
{
	static const char *const dirs[] = { "rootfs", "rootfs/bin", "rootfs/proc", "rootfs/sys",
					    "rootfs/dev", "rootfs/etc", "rootfs/tmp", "vol",
					    "bad-dev", "bad-dev/proc", "bad-proc", "bad-under-proc",
					    "bad-under-proc/proc", "bad-devfile", "bad-devfile/dev" };

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		mk(dirs[i], true, NULL);
	if (copy_file("/bin/busybox", "rootfs/bin/busybox") < 0)
		perror("copy busybox");
	mk("rootfs/etc/hello", false, "hello from the image\n");
	mk("vol/data.txt", false, "volume data\n");
	mk("vol-file", false, "bound file\n");
	snprintf(evil_name, sizeof(evil_name), "silo-rootfs-evil-%d", (int)getpid());
	ln("/../../../../../../../../tmp", "rootfs/evil");
	ln("/tmp", "bad-dev/dev");
	ln("/proc", "bad-proc/proc");
	mk("bad-devfile/dev/mydev", false, "not a device");
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st, (void)flag, (void)f;
	return remove(p);
}

/* ------------------------------------------------------------- spec building */
struct mnt_def {
	const char *dest, *type, *source;
	const char *opts[10];
};

static void add_mount(struct silo_spec *s, const struct mnt_def *d)
{
	struct silo_mount *m = &s->mounts[s->n_mounts++];
	struct error err = { 0 };
	size_t n = 0;

	memset(m, 0, sizeof(*m));
	m->destination = (char *)d->dest;
	m->type = (char *)d->type;
	m->source = (char *)d->source;
	while (d->opts[n])
		n++;
	m->options.v = (char **)d->opts;
	m->options.n = n;
	if (silo_mountopt_parse(m, &err) < 0)
		fprintf(stderr, "mountopt %s: %s\n", d->dest, err.msg);
}

static char *const masked[] = { "/proc/kcore", "/proc/keys", "/proc/acpi", "/proc/timer_list",
				"/sys/firmware", "/proc/does-not-exist", NULL };
static char *const readonly[] = { "/proc/sys", "/proc/bus", "/proc/sysrq-trigger", "/proc/irq",
				  "/proc/nope", NULL };

static void full_spec(struct silo_spec *s, struct silo_mount *mounts, struct silo_device *dev)
{
	static char vol[PATH_MAX * 2], volfile[PATH_MAX * 2], evil[96];
	const struct mnt_def defs[] = {
		{ "/proc", "proc", "proc", { "nosuid", "noexec", "nodev", NULL } },
		{ "/dev", "tmpfs", "tmpfs", { "nosuid", "strictatime", "mode=755", "size=65536k", NULL } },
		{ "/dev/pts", "devpts", "devpts",
		  { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", NULL } },
		{ "/dev/mqueue", "mqueue", "mqueue", { "nosuid", "noexec", "nodev", NULL } },
		{ "/sys", "sysfs", "sysfs", { "nosuid", "noexec", "nodev", "ro", NULL } },
		{ "/sys/fs/cgroup", "cgroup", "cgroup", { "nosuid", "noexec", "nodev", "relatime", "ro", NULL } },
		{ "/dev/shm", "tmpfs", "shm", { "nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL } },
		{ "/data", "bind", vol, { "rbind", "ro", "nosuid", "nodev", NULL } },
		{ "/etc/hostfile", "bind", volfile, { "bind", "rprivate", NULL } },
		{ "/etc", "tmpfs", "tmpfs", { "tmpcopyup", "mode=755", NULL } },
		{ evil, "tmpfs", "tmpfs", { "size=1m", NULL } },
		{ "/proc/uptime", "bind", volfile, { "bind", "ro", NULL } }, /* lxcfs style */
	};

	path_of(vol, sizeof(vol), "vol");
	path_of(volfile, sizeof(volfile), "vol-file");
	snprintf(evil, sizeof(evil), "/evil/%s", evil_name);
	memset(s, 0, sizeof(*s));
	s->mounts = mounts;
	for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++)
		add_mount(s, &defs[i]);
	/* idmapped mounts need the new mount API, and CAP_SYS_ADMIN over the filesystem's
	 * user ns (the init's, so not from inside a user ns: the parent would have to). */
	if (mode != MODE_OLD_KERNEL && mode != MODE_USERNS) {
		static struct silo_id_map uid = { 0, 1000, 1 }, gid = { 0, 2000, 1 };
		const struct mnt_def idm = { "/idmapped", "bind", vol, { "rbind", "idmap", NULL } };
		struct silo_mount *m = &s->mounts[s->n_mounts];

		add_mount(s, &idm);
		m->uid_mappings = (struct silo_id_maps){ &uid, 1 };
		m->gid_mappings = (struct silo_id_maps){ &gid, 1 };
	}
	s->root.readonly = true;
	s->linux.masked_paths.v = (char **)masked;
	s->linux.masked_paths.n = 6;
	s->linux.readonly_paths.v = (char **)readonly;
	s->linux.readonly_paths.n = 5;
	s->linux.rootfs_propagation = MS_SLAVE | MS_REC;
	s->linux.namespaces[SILO_NS_CGROUP].present = mode == MODE_CGROUP2;
	memset(dev, 0, sizeof(*dev));
	dev->type = 'c';
	dev->path = "/dev/custom/null2";
	dev->major = 1;
	dev->minor = 3;
	dev->file_mode = (struct silo_opt_u64){ 0640, true };
	dev->uid = (struct silo_opt_u64){ 123, true };
	dev->gid = (struct silo_opt_u64){ 456, true };
	if (mode == MODE_USERNS) { /* bound from the host: the host path must exist */
		dev->path = "/dev/zero";
		dev->minor = 5;
		dev->file_mode.set = dev->uid.set = dev->gid.set = false;
	}
	s->linux.devices = dev;
	s->linux.n_devices = 1;
}

/* ------------------------------------------------------------- in-container checks */
__attribute__((format(printf, 2, 3))) static void report(bool ok, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	line[0] = ok ? '1' : '0';
	line[1] = ' ';
	va_start(ap, fmt);
	n = vsnprintf(line + 2, sizeof(line) - 3, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	n = (int)strlen(line);
	line[n++] = '\n';
	if (write(report_fd, line, (size_t)n) < 0)
		_exit(3);
}

static bool is_chr(const char *p, unsigned maj, unsigned min, mode_t perm)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == maj &&
	       minor(st.st_rdev) == min && (perm == 0 || (st.st_mode & 07777) == perm);
}

static bool is_fs(const char *p, long magic)
{
	struct statfs sf;

	return statfs(p, &sf) == 0 && sf.f_type == magic;
}

static bool is_ro(const char *p)
{
	struct statvfs sv;

	return statvfs(p, &sv) == 0 && (sv.f_flag & ST_RDONLY);
}

static bool link_is(const char *p, const char *want)
{
	char buf[256];
	ssize_t n = readlink(p, buf, sizeof(buf) - 1);

	if (n < 0)
		return false;
	buf[n] = '\0';
	return strcmp(buf, want) == 0;
}

static bool file_has(const char *p, const char *want)
{
	char buf[256] = "";
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	return n >= 0 && strstr(buf, want);
}

static bool empty_read(const char *p)
{
	char buf[16];
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf));

	if (fd >= 0)
		close(fd);
	return n == 0;
}

static bool write_fails(const char *p, int want)
{
	int fd = open(p, O_WRONLY | O_CLOEXEC);

	if (fd >= 0)
		close(fd);
	return fd < 0 && errno == want;
}

static bool no_shared_mounts(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];
	bool ok = f != NULL;

	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, " shared:"))
			ok = false;
	if (f)
		fclose(f);
	return ok;
}

static bool busybox_runs(void)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		char *argv[] = { "busybox", "true", NULL };
		execv("/bin/busybox", argv);
		_exit(127);
	}
	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static void check_dev(void)
{
	/* In a user ns the nodes are the host's, with the host's modes. */
	mode_t perm = mode == MODE_USERNS ? 0 : 0666;
	struct stat st;

	report(is_chr("/dev/null", 1, 3, perm), "/dev/null is char 1:3");
	report(is_chr("/dev/zero", 1, 5, perm), "/dev/zero is char 1:5");
	report(is_chr("/dev/full", 1, 7, perm), "/dev/full is char 1:7");
	report(is_chr("/dev/random", 1, 8, perm), "/dev/random is char 1:8");
	report(is_chr("/dev/urandom", 1, 9, perm), "/dev/urandom is char 1:9");
	report(is_chr("/dev/tty", 5, 0, perm), "/dev/tty is char 5:0");
	if (mode != MODE_USERNS)
		report(is_chr("/dev/custom/null2", 1, 3, 0640) && stat("/dev/custom/null2", &st) == 0 &&
			       st.st_uid == 123 && st.st_gid == 456,
		       "linux.devices /dev/custom/null2 1:3 0640 123:456");
	report(link_is("/dev/fd", "/proc/self/fd"), "/dev/fd -> /proc/self/fd");
	report(link_is("/dev/stdin", "/proc/self/fd/0"), "/dev/stdin link");
	report(link_is("/dev/stdout", "/proc/self/fd/1"), "/dev/stdout link");
	report(link_is("/dev/stderr", "/proc/self/fd/2"), "/dev/stderr link");
	report(link_is("/dev/core", "/proc/kcore"), "/dev/core link");
	report(link_is("/dev/ptmx", "pts/ptmx"), "/dev/ptmx -> pts/ptmx");
	report(is_fs("/dev/pts", DEVPTS_SUPER_MAGIC), "/dev/pts is devpts");
	report(is_fs("/dev/mqueue", MQUEUE_MAGIC), "/dev/mqueue is mqueue");
	report(stat("/dev/console", &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) >= 136 &&
		       major(st.st_rdev) <= 143,
	       "/dev/console is the pty slave");
	int fd = open("/dev/shm/x", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	report(fd >= 0, "/dev/shm writable under a read-only root");
	if (fd >= 0)
		close(fd);
}

static void check_paths(void)
{
	struct stat st;
	char p[128];

	report(getpid() == 1, "init is pid 1 of the new pid ns");
	report(busybox_runs(), "/bin/busybox runs");
	report(is_fs("/proc", PROC_SUPER_MAGIC), "/proc is procfs");
	/* This VM's kernel has no /proc/kcore nor /proc/sysrq-trigger: skipped (ENOENT). */
	report(access("/proc/kcore", F_OK) < 0 || (is_chr("/proc/kcore", 1, 3, 0) &&
						   empty_read("/proc/kcore")),
	       "/proc/kcore masked or absent");
	report(is_chr("/proc/timer_list", 1, 3, 0) && empty_read("/proc/timer_list"),
	       "/proc/timer_list masked");
	report(is_chr("/proc/keys", 1, 3, 0), "/proc/keys masked");
	report(is_fs("/proc/acpi", TMPFS_MAGIC) && is_ro("/proc/acpi"), "/proc/acpi masked ro tmpfs");
	report(is_fs("/sys/firmware", TMPFS_MAGIC), "/sys/firmware masked");
	report(is_ro("/proc/sys") && write_fails("/proc/sys/kernel/hostname", EROFS),
	       "/proc/sys read-only");
	report(access("/proc/sysrq-trigger", F_OK) < 0 || is_ro("/proc/sysrq-trigger"),
	       "/proc/sysrq-trigger read-only or absent");
	report(!is_ro("/proc/self"), "/proc itself stays rw");
	report(is_ro("/sys"), "/sys read-only");
	if (mode == MODE_CGROUP2) {
		report(is_fs("/sys/fs/cgroup", CGROUP2_SUPER_MAGIC) && is_ro("/sys/fs/cgroup") &&
			       access("/sys/fs/cgroup/cgroup.procs", F_OK) == 0,
		       "fresh cgroup2 ro in a cgroup ns");
	} else {
		report(is_fs("/sys/fs/cgroup", TMPFS_MAGIC) && is_ro("/sys/fs/cgroup"),
		       "cgroup tmpfs ro");
		report(is_fs("/sys/fs/cgroup/memory", CGROUP_SUPER_MAGIC) &&
			       is_ro("/sys/fs/cgroup/memory"),
		       "cgroup v1 memory bound ro");
		report(is_fs("/sys/fs/cgroup/unified", CGROUP2_SUPER_MAGIC), "cgroup unified bound");
		report(is_fs("/sys/fs/cgroup/systemd", CGROUP_SUPER_MAGIC),
		       "cgroup name=systemd bound");
	}
	report(file_has("/proc/uptime", "bound file") && is_ro("/proc/uptime"),
	       "allowed bind over /proc/uptime");
	report(is_ro("/data") && file_has("/data/data.txt", "volume data"), "ro bind /data");
	if (mode != MODE_OLD_KERNEL && mode != MODE_USERNS)
		report(stat("/idmapped/data.txt", &st) == 0 && st.st_uid == 1000 && st.st_gid == 2000,
		       "idmapped bind shows 0:0 as 1000:2000");
	report(is_ro("/") && write_fails("/bin/busybox", EROFS), "root read-only");
	report(is_fs("/etc", TMPFS_MAGIC) && file_has("/etc/hello", "hello from the image"),
	       "tmpcopyup /etc");
	/* tmpcopyup reads through submounts: the bound file's content is copied. */
	report(lstat("/etc/hostfile", &st) == 0 && S_ISREG(st.st_mode) &&
		       file_has("/etc/hostfile", "bound file"),
	       "/etc/hostfile copied up into the later /etc tmpfs");
	snprintf(p, sizeof(p), "/tmp/%s", evil_name);
	report(is_fs(p, TMPFS_MAGIC), "symlinked destination mounted inside the rootfs");
	report(no_shared_mounts(), "no shared mounts in the container");
}

static int run_case(const char *rootdir, struct silo_spec *s, int slave, struct error *err)
{
	char rootfs[PATH_MAX * 2];
	struct silo_rootfs_opts o = { .spec = s, .rootfs = rootfs, .console_slave_fd = slave,
				      .userns = mode == MODE_USERNS,
				      .no_pivot = mode == MODE_OLD_KERNEL };
	int fd;

	path_of(rootfs, sizeof(rootfs), rootdir);
	s->root.path = rootfs;
	fd = silo_rootfs_prepare(&o, err);
	if (fd < 0)
		return -1;
	return silo_rootfs_finish(&o, fd, err);
}

static void bad_cases(void)
{
	struct silo_mount mounts[MAX_MOUNTS];
	struct silo_spec s = { .mounts = mounts };
	struct error err = { 0 };
	const struct mnt_def tmp_on_proc = { "/proc/foo", "tmpfs", "tmpfs", { NULL } };

	report(run_case("bad-dev", &s, -1, &err) < 0 && strstr(err.msg, "/dev"),
	       "symlinked /dev refused: %s", err.msg);
	report(run_case("bad-proc", &s, -1, &err) < 0 && strstr(err.msg, "/proc"),
	       "symlinked /proc refused: %s", err.msg);
	struct silo_device d = { .type = 'c', .path = "/dev/mydev", .major = 1, .minor = 3 };

	s.linux.devices = &d;
	s.linux.n_devices = 1;
	/* (In a user ns a regular file is the bind target: nothing to refuse there.) */
	if (mode != MODE_USERNS)
		report(run_case("bad-devfile", &s, -1, &err) < 0 && err.errnum == EEXIST,
		       "regular file at a linux.devices path refused: %s", err.msg);
	s.linux.n_devices = 0;
	add_mount(&s, &tmp_on_proc);
	report(run_case("bad-under-proc", &s, -1, &err) < 0 && err.errnum == EPERM,
	       "tmpfs under /proc refused: %s", err.msg);
}

static void container_main(void)
{
	struct silo_mount mounts[MAX_MOUNTS];
	struct silo_device dev;
	struct silo_spec s;
	struct error err = { 0 };
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), slave = -1;

	bad_cases();
	if (master >= 0 && grantpt(master) == 0 && unlockpt(master) == 0)
		slave = open(ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
	full_spec(&s, mounts, &dev);
	if (run_case("rootfs", &s, slave, &err) < 0) {
		report(false, "prepare/finish: %s: %s", err.msg, strerror(err.errnum));
		return;
	}
	report(true, "prepare/finish succeeded");
	check_dev();
	check_paths();
}

/* ------------------------------------------------------------- parent side */
/* Pretend to be an old kernel: no openat2 and no new mount API, so every mount(2) and
 * component-walk fallback runs. */
static int old_kernel(void)
{
	static const char *const calls[] = { "openat2", "open_tree", "move_mount", "mount_setattr",
					     "fsopen", "fsmount" };
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int r = ctx ? 0 : -1;

	for (size_t i = 0; r == 0 && i < sizeof(calls) / sizeof(calls[0]); i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), seccomp_syscall_resolve_name(calls[i]), 0);
	if (r == 0)
		r = seccomp_load(ctx);
	seccomp_release(ctx);
	return r;
}

/* A new user ns whose maps the parent writes (root may map the whole range). */
static int enter_userns(int syncfd)
{
	char c = 0;

	if (unshare(CLONE_NEWUSER) < 0 || write(syncfd, "u", 1) != 1 || read(syncfd, &c, 1) != 1 ||
	    c != 'm')
		return -1;
	return setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0 ? -1 : 0;
}

static int child_main(int wfd, int syncfd)
{
	pid_t pid;
	int st;

	report_fd = wfd;
	if (mode == MODE_USERNS && enter_userns(syncfd) < 0) {
		report(false, "enter user ns: %s", strerror(errno));
		return 1;
	}
	if (unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC) < 0) {
		report(false, "unshare: %s", strerror(errno));
		return 1;
	}
	/* host.md's pure v2 view: cgroup2 on /sys/fs/cgroup, in our private mount ns only. */
	if (mode == MODE_CGROUP2 &&
	    (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	     mount("cgroup2", "/sys/fs/cgroup", "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0 ||
	     unshare(CLONE_NEWCGROUP) < 0)) {
		report(false, "cgroup2 view: %s", strerror(errno));
		return 1;
	}
	if (mode == MODE_OLD_KERNEL && old_kernel() < 0) {
		report(false, "seccomp filter failed");
		return 1;
	}
	/* Before anything else: nothing mounted here may reach the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		report(false, "make / private: %s", strerror(errno));
		return 1;
	}
	pid = fork();
	if (pid == 0) {
		container_main();
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		report(false, "container init died");
	return 0;
}

static int count_host_mounts(const char *needle)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];
	int n = 0;

	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, needle))
			n++;
	if (f)
		fclose(f);
	return n;
}

static int write_maps(pid_t pid, int syncfd)
{
	static const char *const files[] = { "uid_map", "gid_map" };
	char c = 0, p[64];

	if (read(syncfd, &c, 1) != 1 || c != 'u')
		return -1;
	for (int i = 0; i < 2; i++) {
		int fd;

		snprintf(p, sizeof(p), "/proc/%d/%s", (int)pid, files[i]);
		fd = open(p, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, "0 0 4294967295\n", 15) != 15) {
			perror(p);
			return -1;
		}
		close(fd);
	}
	return write(syncfd, "m", 1) == 1 ? 0 : -1;
}

static void read_reports(int rfd, const char *name)
{
	FILE *f = fdopen(rfd, "re");
	char line[600];
	unsigned n = 0;

	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		CHECK_MSG(line[0] == '1', "[%s] %s", name, line + 2);
		n++;
	}
	CHECK_MSG(n > 40, "[%s] only %u reports from the container", name, n);
	if (f)
		fclose(f);
}

int main(void)
{
	char evil[PATH_MAX];
	int p[2], st;
	pid_t pid;

	if (geteuid() != 0) {
		printf("# skip: needs root\n");
		return unit_done();
	}
	snprintf(top, sizeof(top), "/tmp/silo-rootfs-XXXXXX");
	if (!mkdtemp(top)) {
		perror("setup");
		return 1;
	}
	build_trees();
	for (mode = 0; mode < N_MODES; mode++) {
		int sv[2];

		if (pipe2(p, O_CLOEXEC) < 0 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
			return 1;
		pid = fork();
		if (pid == 0) {
			close(p[0]);
			close(sv[0]);
			_exit(child_main(p[1], sv[1]));
		}
		close(p[1]);
		close(sv[1]);
		if (mode == MODE_USERNS && pid > 0)
			CHECK(write_maps(pid, sv[0]) == 0);
		read_reports(p[0], mode_names[mode]);
		close(sv[0]);
		CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
		      WEXITSTATUS(st) == 0);
	}
	CHECK(count_host_mounts(top) == 0);
	snprintf(evil, sizeof(evil), "/tmp/%s", evil_name);
	CHECK(access(evil, F_OK) < 0);
	nftw(top, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	CHECK(access(top, F_OK) < 0);
	return unit_done();
}
