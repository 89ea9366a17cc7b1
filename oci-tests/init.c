// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * init: the process the oci-tests bundles run inside the container.
 *
 * Usage: init CMD [ARGS...] [:: CMD [ARGS...]]...
 *
 * Each command prints facts about the live environment on stdout, one per line, in a
 * stable format that the bats side asserts on; a few commands (exit, sleep, pause, trap)
 * control the process' life instead.  Probing commands (read, write, create, syscall)
 * report the outcome as "ok" or an errno name (EACCES, EROFS, ...) and do not fail.
 * Exit status: 0 when every command ran, 1 (with "init: ..." on stderr) when one could not,
 * 2 for a usage error, or the status given to `exit`.
 *
 * Static, no dependencies beyond libc: the rootfs holds nothing else.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* The whole command line, before main() splits it at "::" (recorded by `hook`). */
static char **prog_argv;
static int prog_argc;

static void die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("init: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* "ok" or the errno's symbolic name: what the probing commands print. */
static const char *outcome(int rc)
{
	const char *name;

	if (rc >= 0)
		return "ok";
	name = strerrorname_np(errno);
	return name ? name : "E?";
}

static long parse_long(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || *s == '\0' || *end != '\0')
		die("not a number: '%s'", s);
	return v;
}

static void cat_file(const char *path)
{
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		die("open %s: %m", path);
	while ((n = read(fd, buf, sizeof buf)) > 0)
		fwrite(buf, 1, n, stdout);
	if (n < 0)
		die("read %s: %m", path);
	close(fd);
}

/* ------------------------------------------------------------------ file system facts */

static char type_char(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFCHR: return 'c';
	case S_IFBLK: return 'b';
	case S_IFDIR: return 'd';
	case S_IFLNK: return 'l';
	case S_IFIFO: return 'p';
	case S_IFSOCK: return 's';
	default: return 'f';
	}
}

/* stat PATH...: "PATH TYPE MAJ:MIN MODE UID:GID" (lstat; MAJ:MIN of st_rdev). */
static int cmd_stat(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		struct stat st;

		if (lstat(argv[i], &st) < 0) {
			printf("%s %s\n", argv[i], outcome(-1));
			continue;
		}
		printf("%s %c %u:%u %04o %u:%u\n", argv[i], type_char(st.st_mode),
		       major(st.st_rdev), minor(st.st_rdev), st.st_mode & 07777,
		       st.st_uid, st.st_gid);
	}
	return 0;
}

static int cmd_readlink(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		char buf[PATH_MAX];
		ssize_t n = readlink(argv[i], buf, sizeof buf - 1);

		if (n < 0)
			printf("%s %s\n", argv[i], outcome(-1));
		else
			printf("%s -> %.*s\n", argv[i], (int)n, buf);
	}
	return 0;
}

/*
 * mount PATH: the topmost mount at PATH from /proc/self/mountinfo, as
 * "fstype=T source=S opts=O super=S prop=P" where P is "private" or the optional fields
 * joined with ',' (shared:N, master:N, unbindable).  "none" when PATH is not a mount point.
 */
static int cmd_mount(int argc, char **argv)
{
	if (argc != 2)
		die("usage: mount PATH");

	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL, *found = NULL;
	size_t cap = 0;

	if (!f)
		die("mountinfo: %m");
	while (getline(&line, &cap, f) > 0) {
		char mp[PATH_MAX];

		if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) == 1 && strcmp(mp, argv[1]) == 0) {
			free(found);
			found = strdup(line);
		}
	}
	fclose(f);
	free(line);
	if (!found) {
		puts("none");
		return 0;
	}

	/* id parent maj:min root mountpoint opts [optional...] - fstype source superopts */
	char *fields[64];
	int n = 0;

	for (char *tok = strtok(found, " \n"); tok && n < 64; tok = strtok(NULL, " \n"))
		fields[n++] = tok;
	int dash = 6;
	char prop[512] = "";

	while (dash < n && strcmp(fields[dash], "-") != 0) {
		if (prop[0])
			strcat(prop, ",");
		strncat(prop, fields[dash], sizeof prop - strlen(prop) - 2);
		dash++;
	}
	if (dash + 3 >= n)
		die("cannot parse mountinfo line");
	printf("fstype=%s source=%s opts=%s super=%s prop=%s\n", fields[dash + 1],
	       fields[dash + 2], fields[5], fields[dash + 3], prop[0] ? prop : "private");
	free(found);
	return 0;
}

/* read PATH...: open O_RDONLY and read one byte -> "PATH ok|ERRNO". */
static int cmd_read(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		char c;
		int fd = open(argv[i], O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		int rc = fd;

		if (fd >= 0) {
			rc = read(fd, &c, 1) < 0 && errno != EAGAIN ? -1 : 0;
			close(fd);
		}
		printf("%s %s\n", argv[i], outcome(rc));
	}
	return 0;
}

/* write PATH [DATA]: open O_WRONLY (no O_CREAT) and write DATA (default "") -> outcome. */
static int cmd_write(int argc, char **argv)
{
	if (argc < 2 || argc > 3)
		die("usage: write PATH [DATA]");
	int fd = open(argv[1], O_WRONLY | O_CLOEXEC | O_NONBLOCK);
	int rc = fd;

	if (fd >= 0) {
		const char *data = argc == 3 ? argv[2] : "";
		rc = strlen(data) ? (int)write(fd, data, strlen(data)) : 0;
		close(fd);
	}
	printf("%s %s\n", argv[1], outcome(rc));
	return 0;
}

/* writable PATH...: access(W_OK) with the effective ids -> "PATH ok|ERRNO"; writes nothing. */
static int cmd_writable(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		printf("%s %s\n", argv[i], outcome(faccessat(AT_FDCWD, argv[i], W_OK, AT_EACCESS)));
	return 0;
}

/* create DIR...: create and remove a file in DIR -> "DIR ok|ERRNO" (tests read-only mounts). */
static int cmd_create(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		char path[PATH_MAX];

		snprintf(path, sizeof path, "%s/.oci-tests-probe", argv[i]);
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

		if (fd >= 0) {
			close(fd);
			unlink(path);
		}
		printf("%s %s\n", argv[i], outcome(fd));
	}
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ls DIR: sorted entry names (no . and ..), one per line. */
static int cmd_ls(int argc, char **argv)
{
	if (argc != 2)
		die("usage: ls DIR");
	DIR *d = opendir(argv[1]);
	char *names[4096];
	size_t n = 0;
	struct dirent *e;

	if (!d)
		die("opendir %s: %m", argv[1]);
	while ((e = readdir(d)) && n < 4096)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof *names, name_cmp);
	for (size_t i = 0; i < n; i++)
		puts(names[i]);
	return 0;
}

/* fds: the open file descriptors, space separated (excluding the one listing them). */
static int cmd_fds(int argc, char **argv)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int self, fds[1024], n = 0;

	if (!d)
		die("opendir /proc/self/fd: %m");
	self = dirfd(d);
	while ((e = readdir(d)) && n < 1024) {
		if (!isdigit((unsigned char)e->d_name[0]) || atoi(e->d_name) == self)
			continue;
		fds[n++] = atoi(e->d_name);
	}
	closedir(d);
	for (int i = 0; i < n; i++)	/* tiny n: insertion sort */
		for (int j = i; j > 0 && fds[j - 1] > fds[j]; j--) {
			int t = fds[j];
			fds[j] = fds[j - 1];
			fds[j - 1] = t;
		}
	for (int i = 0; i < n; i++)
		printf("%s%d", i ? " " : "", fds[i]);
	putchar('\n');
	return 0;
}

/* ------------------------------------------------------------------ process facts */

/* status FIELD...: "FIELD VALUE" from /proc/self/status ("FIELD absent" if missing). */
static int cmd_status(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen("/proc/self/status", "re");
		char line[1024];
		size_t len = strlen(argv[i]);
		int found = 0;

		if (!f)
			die("/proc/self/status: %m");
		while (!found && fgets(line, sizeof line, f)) {
			if (strncmp(line, argv[i], len) == 0 && line[len] == ':') {
				char *v = line + len + 1;

				v += strspn(v, " \t");
				v[strcspn(v, "\n")] = '\0';
				printf("%s %s\n", argv[i], v);
				found = 1;
			}
		}
		if (!found)
			printf("%s absent\n", argv[i]);
		fclose(f);
	}
	return 0;
}

static const struct { const char *name; int res; } rlimits[] = {
	{ "RLIMIT_AS", RLIMIT_AS }, { "RLIMIT_CORE", RLIMIT_CORE },
	{ "RLIMIT_CPU", RLIMIT_CPU }, { "RLIMIT_DATA", RLIMIT_DATA },
	{ "RLIMIT_FSIZE", RLIMIT_FSIZE }, { "RLIMIT_LOCKS", RLIMIT_LOCKS },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
	{ "RLIMIT_NICE", RLIMIT_NICE }, { "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "RLIMIT_NPROC", RLIMIT_NPROC }, { "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO }, { "RLIMIT_RTTIME", RLIMIT_RTTIME },
	{ "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING }, { "RLIMIT_STACK", RLIMIT_STACK },
};

static void print_rlim(rlim_t v)
{
	if (v == RLIM_INFINITY)
		fputs("unlimited", stdout);
	else
		printf("%llu", (unsigned long long)v);
}

/* rlimit NAME...: "NAME SOFT HARD". */
static int cmd_rlimit(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		size_t k;

		for (k = 0; k < sizeof rlimits / sizeof *rlimits; k++)
			if (strcmp(argv[i], rlimits[k].name) == 0)
				break;
		if (k == sizeof rlimits / sizeof *rlimits)
			die("unknown rlimit %s", argv[i]);
		struct rlimit rl;

		if (getrlimit(rlimits[k].res, &rl) < 0)
			die("getrlimit: %m");
		printf("%s ", argv[i]);
		print_rlim(rl.rlim_cur);
		putchar(' ');
		print_rlim(rl.rlim_max);
		putchar('\n');
	}
	return 0;
}

/* ids: "uid=R,E,S gid=R,E,S groups=G1,G2" (groups empty when none). */
static int cmd_ids(int argc, char **argv)
{
	uid_t r, e, s;
	gid_t gr, ge, gs, groups[256];
	int n = getgroups(256, groups);

	getresuid(&r, &e, &s);
	getresgid(&gr, &ge, &gs);
	printf("uid=%u,%u,%u gid=%u,%u,%u groups=", r, e, s, gr, ge, gs);
	for (int i = 0; i < n; i++)
		printf("%s%u", i ? "," : "", groups[i]);
	putchar('\n');
	return 0;
}

static int cmd_umask(int argc, char **argv)
{
	mode_t m = umask(0);

	umask(m);
	printf("%04o\n", m);
	return 0;
}

static int cmd_cwd(int argc, char **argv)
{
	char buf[PATH_MAX];

	if (!getcwd(buf, sizeof buf))
		die("getcwd: %m");
	puts(buf);
	return 0;
}

static int cmd_env(int argc, char **argv)
{
	for (char **e = environ; *e; e++)
		puts(*e);
	return 0;
}

static int cmd_uname(int argc, char **argv)
{
	struct utsname u;

	if (uname(&u) < 0)
		die("uname: %m");
	printf("hostname=%s domainname=%s\n", u.nodename, u.domainname);
	return 0;
}

/* ns TYPE...: "TYPE INODE" of /proc/self/ns/TYPE. */
static int cmd_ns(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		char path[64];
		struct stat st;

		snprintf(path, sizeof path, "/proc/self/ns/%s", argv[i]);
		if (stat(path, &st) < 0)
			die("stat %s: %m", path);
		printf("%s %lu\n", argv[i], (unsigned long)st.st_ino);
	}
	return 0;
}

static int cmd_pid(int argc, char **argv)
{
	printf("pid=%d ppid=%d\n", getpid(), getppid());
	return 0;
}

static int cmd_personality(int argc, char **argv)
{
	printf("0x%x\n", personality(0xffffffff));
	return 0;
}

static int cmd_sched(int argc, char **argv)
{
	struct sched_param sp;

	if (sched_getparam(0, &sp) < 0)
		die("sched_getparam: %m");
	errno = 0;
	int nice = getpriority(PRIO_PROCESS, 0);

	printf("policy=%d priority=%d nice=%d\n", sched_getscheduler(0) & ~SCHED_RESET_ON_FORK,
	       sp.sched_priority, nice);
	return 0;
}

static int cmd_ioprio(int argc, char **argv)
{
	long v = syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0);

	if (v < 0)
		die("ioprio_get: %m");
	printf("class=%ld priority=%ld\n", v >> 13, v & 0xff);
	return 0;
}

/* clock NAME: whole seconds of CLOCK_MONOTONIC or CLOCK_BOOTTIME. */
static int cmd_clock(int argc, char **argv)
{
	struct timespec ts;
	clockid_t id;

	if (argc != 2)
		die("usage: clock monotonic|boottime");
	id = strcmp(argv[1], "boottime") == 0 ? CLOCK_BOOTTIME : CLOCK_MONOTONIC;
	clock_gettime(id, &ts);
	printf("%lld\n", (long long)ts.tv_sec);
	return 0;
}

/* isatty FD...: "FD yes|no". */
static int cmd_isatty(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		printf("%s %s\n", argv[i], isatty(parse_long(argv[i])) ? "yes" : "no");
	return 0;
}

/* winsize: "ROWSxCOLS" of the terminal on fd 0. */
static int cmd_winsize(int argc, char **argv)
{
	struct winsize ws;

	if (ioctl(0, TIOCGWINSZ, &ws) < 0)
		die("TIOCGWINSZ: %m");
	printf("%ux%u\n", ws.ws_row, ws.ws_col);
	return 0;
}

/*
 * syscall NAME: run one harmless system call and print "NAME ok|ERRNO"; used for seccomp
 * and capability checks.  sethostname re-sets the current name (needs CAP_SYS_ADMIN),
 * chown gives a scratch file in /tmp to uid 1 (CAP_CHOWN), umount of a missing path gives EPERM without
 * CAP_SYS_ADMIN and ENOENT with it.  Nothing here changes the system when run on a host.
 */
static int cmd_syscall(int argc, char **argv)
{
	char buf[PATH_MAX];
	struct utsname u;
	long rc;

	if (argc != 2)
		die("usage: syscall NAME");
	const char *n = argv[1];

	if (!strcmp(n, "getpid"))
		rc = syscall(SYS_getpid);
	else if (!strcmp(n, "getppid"))
		rc = syscall(SYS_getppid);
	else if (!strcmp(n, "uname"))
		rc = syscall(SYS_uname, &u);
	else if (!strcmp(n, "getcwd"))
		rc = syscall(SYS_getcwd, buf, sizeof buf);
	else if (!strcmp(n, "sync"))
		rc = syscall(SYS_sync);
	else if (!strcmp(n, "mkdir")) {
		rc = syscall(SYS_mkdirat, AT_FDCWD, "/tmp/.oci-tests-mkdir", 0700);
		if (rc == 0)
			rmdir("/tmp/.oci-tests-mkdir");
	} else if (!strcmp(n, "sethostname")) {
		uname(&u);
		rc = syscall(SYS_sethostname, u.nodename, strlen(u.nodename));
	} else if (!strcmp(n, "chown"))
		rc = syscall(SYS_fchownat, AT_FDCWD, "/tmp", 1, 1, 0);
	else if (!strcmp(n, "umount"))	/* EPERM without CAP_SYS_ADMIN, else ENOENT */
		rc = syscall(SYS_umount2, "/.oci-tests-nonexistent", 0);
	else
		die("unknown syscall %s", n);
	printf("%s %s\n", n, outcome(rc < 0 ? -1 : 0));
	return 0;
}

/* ------------------------------------------------------------------ life control */

static int cmd_exit(int argc, char **argv)
{
	if (argc != 2)
		die("usage: exit CODE");
	fflush(stdout);
	_exit(parse_long(argv[1]) & 0xff);
}

/* sleep SECONDS (fractions allowed). */
static int cmd_sleep(int argc, char **argv)
{
	if (argc != 2)
		die("usage: sleep SECONDS");
	double s = strtod(argv[1], NULL);
	struct timespec ts = { (time_t)s, (long)((s - (time_t)s) * 1e9) };

	fflush(stdout);
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	return 0;
}

static int cmd_pause(int argc, char **argv)
{
	fflush(stdout);
	for (;;)
		pause();
	return 0;
}

static volatile sig_atomic_t caught;

static void on_signal(int sig)
{
	caught = sig;
}

/*
 * trap SIG...: handle the named signals (numbers or names without SIG), print "ready",
 * wait for one, print "caught NAME" and exit 0.  A pid-namespace init only receives signals
 * it handles, so this is how kill(1) delivery is observed.
 */
static int cmd_trap(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		int sig = 0;

		if (isdigit((unsigned char)argv[i][0]))
			sig = parse_long(argv[i]);
		else
			for (int s = 1; s < NSIG; s++)
				if (sigabbrev_np(s) && !strcmp(sigabbrev_np(s), argv[i]))
					sig = s;
		if (sig <= 0 || signal(sig, on_signal) == SIG_ERR)
			die("cannot trap %s", argv[i]);
	}
	puts("ready");
	fflush(stdout);
	while (!caught)
		pause();
	printf("caught %s\n", sigabbrev_np(caught));
	return 0;
}

/* raise SIG: send SIG (number) to this process with default disposition (pid 1 of a pid
 * namespace ignores it, any other process dies of it). */
static int cmd_raise(int argc, char **argv)
{
	if (argc != 2)
		die("usage: raise SIGNO");
	int sig = parse_long(argv[1]);

	fflush(stdout);
	signal(sig, SIG_DFL);
	raise(sig);
	die("survived signal %d", sig);
	return 1;
}

/* echo ARGS...: the arguments separated by spaces. */
static int cmd_echo(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		printf("%s%s", argv[i], i + 1 < argc ? " " : "");
	putchar('\n');
	return 0;
}

static int cmd_cat(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		cat_file(argv[i]);
	return 0;
}

static void json_str(FILE *f, const char *s, size_t len)
{
	fputc('"', f);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/*
 * hook LOG NAME [ARGS...]: run as an OCI hook, append one JSON line to LOG:
 * {"name":NAME,"argv":[...],"cwd":"...","env":[...],"mntns":INODE,"state":<stdin>}
 * (state is the raw stdin text when it is not a JSON object).
 */
static int cmd_hook(int argc, char **argv)
{
	static char buf[65536];
	char cwd[PATH_MAX];
	size_t n = 0;
	ssize_t r;

	if (argc < 3)
		die("usage: hook LOG NAME [ARGS...]");
	while (n < sizeof buf - 1 && (r = read(0, buf + n, sizeof buf - 1 - n)) > 0)
		n += r;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	FILE *f = fopen(argv[1], "ae");

	if (!f)
		die("open %s: %m", argv[1]);
	fputs("{\"name\":", f);
	json_str(f, argv[2], strlen(argv[2]));
	fputs(",\"argv\":[", f);
	for (int i = 0; i < prog_argc; i++) {
		fputs(i ? "," : "", f);
		json_str(f, prog_argv[i], strlen(prog_argv[i]));
	}
	fputs("],\"cwd\":", f);
	if (!getcwd(cwd, sizeof cwd))
		strcpy(cwd, "?");
	json_str(f, cwd, strlen(cwd));
	fputs(",\"env\":[", f);
	for (char **e = environ; *e; e++) {
		fputs(e == environ ? "" : ",", f);
		json_str(f, *e, strlen(*e));
	}
	struct stat st;

	fprintf(f, "],\"mntns\":%lu,\"state\":",
		stat("/proc/self/ns/mnt", &st) == 0 ? (unsigned long)st.st_ino : 0UL);
	if (n > 0 && buf[0] == '{')
		fwrite(buf, 1, n, f);
	else
		json_str(f, buf, n);
	fputs("}\n", f);
	fclose(f);
	return 0;
}

static int cmd_true(int argc, char **argv)
{
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(int, char **);
} commands[] = {
	{ "true", cmd_true },		{ "exit", cmd_exit },
	{ "sleep", cmd_sleep },		{ "pause", cmd_pause },
	{ "trap", cmd_trap },		{ "raise", cmd_raise },
	{ "echo", cmd_echo },
	{ "cat", cmd_cat },		{ "stat", cmd_stat },
	{ "readlink", cmd_readlink },	{ "mount", cmd_mount },
	{ "read", cmd_read },		{ "write", cmd_write },
	{ "create", cmd_create },	{ "writable", cmd_writable },	{ "ls", cmd_ls },
	{ "fds", cmd_fds },		{ "status", cmd_status },
	{ "rlimit", cmd_rlimit },	{ "ids", cmd_ids },
	{ "umask", cmd_umask },		{ "cwd", cmd_cwd },
	{ "env", cmd_env },		{ "uname", cmd_uname },
	{ "ns", cmd_ns },		{ "pid", cmd_pid },
	{ "personality", cmd_personality }, { "sched", cmd_sched },
	{ "ioprio", cmd_ioprio },	{ "clock", cmd_clock },
	{ "isatty", cmd_isatty },	{ "winsize", cmd_winsize },
	{ "syscall", cmd_syscall },	{ "hook", cmd_hook },
};

static int dispatch(int argc, char **argv)
{
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		if (strcmp(argv[0], commands[i].name) == 0)
			return commands[i].fn(argc, argv);
	fprintf(stderr, "init: unknown command '%s'\n", argv[0]);
	exit(2);
}

int main(int argc, char **argv)
{
	int start = 1;

	if (argc < 2) {
		fputs("usage: init CMD [ARGS...] [:: CMD [ARGS...]]...\n", stderr);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	prog_argc = argc;
	prog_argv = calloc(argc + 1, sizeof *argv);
	memcpy(prog_argv, argv, argc * sizeof *argv);
	for (int i = 1; i <= argc; i++) {
		if (i < argc && strcmp(argv[i], "::") != 0)
			continue;
		argv[i] = NULL;	/* ends this command's argv (argv[argc] already is NULL) */
		if (i > start && dispatch(i - start, argv + start) != 0)
			return 1;
		start = i + 1;
	}
	fflush(stdout);
	return 0;
}
