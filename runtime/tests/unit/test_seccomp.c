/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of seccomp.c: a hand-built struct silo_seccomp compiled into a sealed memfd,
 * loaded in forked children only (the test process itself stays unfiltered), the notify
 * listener answered from a supervisor loop, and the listenerPath hand-off. */
#include "unit.h"

#include "seccomp.h"
#include "spec.h"
#include "util/error.h"
#include "util/syscall.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define STRV(...) { .v = (char *[]){ __VA_ARGS__, NULL }, .n = NELEM(((char *[]){ __VA_ARGS__ })) }

/* The memory and signal calls are for the sanitizer runtime (make SANITIZE=...). */
#define SANITIZER_NAMES "mmap", "munmap", "mprotect", "madvise", "sigaltstack", \
	"rt_sigaction", "rt_sigprocmask", "gettid", "sched_yield", "readlink"
static char *allow_names[] = { "write", "exit", "exit_group", "getpid", "rt_sigreturn",
			       "close", "fcntl", "wait4", "silo_no_such_syscall",
			       SANITIZER_NAMES, NULL };
static struct silo_seccomp_arg umask_args[] = {
	{ .index = 0, .value = 0xf0, .value_two = 0x20, .op = SILO_SCMP_CMP_MASKED_EQ },
};
static struct silo_seccomp_arg dup_args[] = { /* two conditions on arg 0: split, OR */
	{ .index = 0, .value = 100, .op = SILO_SCMP_CMP_EQ },
	{ .index = 0, .value = 101, .op = SILO_SCMP_CMP_EQ },
};
static struct silo_seccomp_arg kill_args[] = { /* two args: one rule, AND */
	{ .index = 0, .value = 0, .op = SILO_SCMP_CMP_EQ },
	{ .index = 1, .value = 0, .op = SILO_SCMP_CMP_EQ },
};

static struct silo_seccomp_rule main_rules[] = {
	{ .names = { .v = allow_names, .n = NELEM(allow_names) - 1 }, .action = SILO_SCMP_ALLOW },
	{ .names = STRV("unshare", "keyctl"), .action = SILO_SCMP_ERRNO,
	  .errno_ret = { .v = EPERM, .set = true } },
	{ .names = STRV("umask"), .action = SILO_SCMP_ALLOW, .args = umask_args, .n_args = 1 },
	{ .names = STRV("dup"), .action = SILO_SCMP_ERRNO, .errno_ret = { .v = EXDEV, .set = true },
	  .args = dup_args, .n_args = 2 },
	{ .names = STRV("kill"), .action = SILO_SCMP_ALLOW, .args = kill_args, .n_args = 2 },
	{ .names = STRV("getppid"), .action = SILO_SCMP_KILL_PROCESS },
	{ .names = STRV("getuid"), .action = SILO_SCMP_LOG },
	{ .names = STRV("getpgrp"), .action = SILO_SCMP_ERRNO }, /* no errnoRet: EPERM */
	{ .names = STRV("getgid"), .action = SILO_SCMP_ERRNO, /* = default action: skipped */
	  .errno_ret = { .v = ENOSYS, .set = true } },
};

/* File scope: the compound literals must outlive any one function. */
static const struct silo_seccomp main_profile = {
	.present = true,
	.default_action = SILO_SCMP_ERRNO,
	.default_errno_ret = { .v = ENOSYS, .set = true },
	.architectures = STRV("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32",
			      "SCMP_ARCH_LOONGARCH64"),
	.flags = STRV("SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"),
	.syscalls = main_rules,
	.n_syscalls = NELEM(main_rules),
};

/* Fork, run fn in the child, return the raw wait status. */
static int in_child(int (*fn)(int, unsigned), int fd, unsigned flags)
{
	pid_t pid = fork();
	int status = -1;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		/* KILL_PROCESS must not leave a core file behind. */
		struct rlimit rl = { 0, 0 };
		setrlimit(RLIMIT_CORE, &rl);
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
		_exit(fn(fd, flags));
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

static long raw_errno(long r)
{
	return r < 0 ? errno : 0;
}

/* Returns 0, or the number of the first failed step. */
static int child_main_profile(int fd, unsigned flags)
{
	struct error err = { 0 };

	if (silo_seccomp_load(fd, flags, &err) != 0)
		return 1;
	if (raw_errno(syscall(SYS_unshare, 0)) != EPERM)
		return 2;
	if (raw_errno(syscall(SYS_keyctl, 0, 0, 0, 0, 0)) != EPERM)
		return 3;
	if (syscall(SYS_getpid) <= 0)
		return 4;
	if (raw_errno(syscall(SYS_umask, 0x12)) != ENOSYS) /* (0x12 & 0xf0) == 0x10: denied */
		return 14;
	if (raw_errno(syscall(SYS_umask, 0x22)) != 0) /* (0x22 & 0xf0) == 0x20: allowed */
		return 5;
	if (raw_errno(syscall(SYS_umask, 0x77)) != ENOSYS)
		return 6;
	if (raw_errno(syscall(SYS_dup, 100)) != EXDEV || raw_errno(syscall(SYS_dup, 101)) != EXDEV)
		return 7;
	if (raw_errno(syscall(SYS_dup, 1)) != ENOSYS)
		return 8;
	if (raw_errno(syscall(SYS_getuid)) != 0) /* LOG: allowed */
		return 9;
	if (raw_errno(syscall(SYS_getpgrp)) != EPERM)
		return 10;
	if (raw_errno(syscall(SYS_getgid)) != ENOSYS)
		return 11;
	if (raw_errno(syscall(SYS_kill, 0, 0)) != 0 || raw_errno(syscall(SYS_kill, 0, 1)) != ENOSYS)
		return 12;
	if (raw_errno(syscall(SYS_getcwd, NULL, 0)) != ENOSYS) /* default action */
		return 13;
	return 0;
}

static int child_killed(int fd, unsigned flags)
{
	struct error err = { 0 };

	if (silo_seccomp_load(fd, flags, &err) != 0)
		return 1;
	syscall(SYS_getppid);
	return 2;
}

static void test_main_profile(void)
{
	const struct silo_seccomp s = main_profile;
	struct error err = { 0 };
	unsigned flags = silo_seccomp_load_flags(&s);
	int fd = silo_seccomp_compile(&s, &err);
	int status;

	CHECK_MSG(fd >= 0, "%s", err.msg);
	if (fd < 0)
		return;
	CHECK(flags == (SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW));
	/* Sealed: the child maps exactly what the parent compiled. */
	CHECK(fcntl(fd, F_GET_SEALS) == (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE));
	CHECK(write(fd, "x", 1) < 0 && errno == EPERM);
	CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);

	status = in_child(child_main_profile, fd, flags);
	CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x", status);
	status = in_child(child_killed, fd, flags);
	CHECK_MSG(WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS, "status %#x", status);
	close(fd);
}

/* --------------------------------------------------------------- ENOSYS stub */
static char *enosys_names[] = { "write", "exit", "exit_group", "getpid", "rt_sigreturn",
				"openat2", SANITIZER_NAMES, NULL };
static struct silo_seccomp_rule enosys_rules[] = {
	{ .names = { .v = enosys_names, .n = NELEM(enosys_names) - 1 }, .action = SILO_SCMP_ALLOW },
};

static int child_enosys(int fd, unsigned flags)
{
	struct error err = { 0 };

	if (silo_seccomp_load(fd, flags, &err) != 0)
		return 1;
	if (raw_errno(syscall(SYS_getppid)) != EPERM) /* older than openat2: default */
		return 2;
	if (raw_errno(syscall(SYS_close_range, 1000, 1001, 0)) != EPERM) /* 436 < 437 */
		return 3;
	if (raw_errno(syscall(SYS_openat2, -1, NULL, NULL, 0)) == EPERM) /* allowed */
		return 4;
	if (raw_errno(syscall(440)) != ENOSYS || raw_errno(syscall(1000)) != ENOSYS)
		return 5;
	if (syscall(SYS_getpid) <= 0)
		return 6;
	return 0;
}

static int child_enosys_kill(int fd, unsigned flags)
{
	struct error err = { 0 };

	if (silo_seccomp_load(fd, flags, &err) != 0)
		return 1;
	if (raw_errno(syscall(1000)) != ENOSYS)
		return 2;
	syscall(SYS_getppid); /* the default action */
	return 3;
}

static void test_enosys(void)
{
	struct silo_seccomp s = {
		.present = true,
		.default_action = SILO_SCMP_ERRNO, /* EPERM */
		.architectures = STRV("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"),
		.syscalls = enosys_rules,
		.n_syscalls = NELEM(enosys_rules),
	};
	struct error err = { 0 };
	int fd = silo_seccomp_compile(&s, &err);
	int status;

	CHECK_MSG(fd >= 0, "%s", err.msg);
	if (fd < 0)
		return;
	status = in_child(child_enosys, fd, 0);
	CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x", status);
	close(fd);

	s.default_action = SILO_SCMP_KILL_PROCESS;
	fd = silo_seccomp_compile(&s, &err);
	CHECK_MSG(fd >= 0, "%s", err.msg);
	if (fd < 0)
		return;
	status = in_child(child_enosys_kill, fd, 0);
	CHECK_MSG(WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS, "status %#x", status);
	close(fd);
}

/* Supervisor: answer one notification for getppid with 4242. */
static int supervise_one(int listener)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;

	memset(&req, 0, sizeof(req));
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
		return -1;
	if (req.data.nr != SYS_getppid)
		return -1;
	memset(&resp, 0, sizeof(resp));
	resp.id = req.id;
	resp.val = 4242;
	return ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
}

static int child_notify(int fd, unsigned flags)
{
	struct error err = { 0 };
	int listener = silo_seccomp_load(fd, flags, &err);
	int status;
	pid_t pid;

	if (listener < 3)
		return 1;
	if (!(fcntl(listener, F_GETFD) & FD_CLOEXEC))
		return 2;
	pid = fork();
	if (pid == 0)
		_exit(syscall(SYS_getppid) == 4242 ? 0 : 1);
	if (pid < 0 || supervise_one(listener) < 0)
		return 3;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		return 4;
	return 0;
}

static void test_notify(void)
{
	struct silo_seccomp_rule rules[] = {
		{ .names = STRV("getppid"), .action = SILO_SCMP_NOTIFY },
	};
	struct silo_seccomp s = {
		.present = true,
		.default_action = SILO_SCMP_ALLOW,
		.flags = STRV("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", "SECCOMP_FILTER_FLAG_TSYNC"),
		.listener_path = "/nonexistent",
		.syscalls = rules,
		.n_syscalls = 1,
	};
	struct error err = { 0 };
	unsigned flags = silo_seccomp_load_flags(&s);
	int fd = silo_seccomp_compile(&s, &err);
	int status;

	CHECK_MSG(fd >= 0, "%s", err.msg);
	CHECK(flags & SECCOMP_FILTER_FLAG_NEW_LISTENER);
	CHECK(flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV);
	CHECK(flags & SECCOMP_FILTER_FLAG_TSYNC_ESRCH);
	if (fd < 0)
		return;
	status = in_child(child_notify, fd, flags);
	CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x", status);
	close(fd);

	/* Without SCMP_ACT_NOTIFY the killable-wait flag would be EINVAL: dropped. */
	rules[0].action = SILO_SCMP_LOG;
	flags = silo_seccomp_load_flags(&s);
	CHECK(flags == SECCOMP_FILTER_FLAG_TSYNC);
}

static void test_errors(void)
{
	struct silo_seccomp_arg bad_arg = { .index = 7, .value = 1, .op = SILO_SCMP_CMP_EQ };
	struct silo_seccomp_rule rule = { .names = STRV("read"), .action = SILO_SCMP_ERRNO,
					  .args = &bad_arg, .n_args = 1 };
	struct silo_seccomp s = { .present = true, .default_action = SILO_SCMP_ALLOW,
				  .syscalls = &rule, .n_syscalls = 1 };
	struct silo_seccomp absent = { 0 };
	struct error err = { 0 };
	int fd;

	CHECK(silo_seccomp_compile(&absent, &err) == -2);
	CHECK(silo_seccomp_load_flags(&absent) == 0);
	CHECK(silo_seccomp_compile(&s, &err) == -1);
	CHECK_MSG(strstr(err.msg, "`.linux.seccomp.syscalls[0]`") && strstr(err.msg, "`read`"), "%s",
		  err.msg);

	fd = memfd_create("t", MFD_CLOEXEC);
	CHECK(fd >= 0 && write(fd, "abc", 3) == 3);
	CHECK(silo_seccomp_load(fd, 0, &err) == -1 && err.errnum == EINVAL);
	close(fd);
}

/* --------------------------------------------------------- listenerPath hand-off */
static int child_send(const struct silo_seccomp *s, int fd, bool two_steps)
{
	struct error err = { 0 };
	const char *state = "{\"ociVersion\":\"1.2.1\",\"id\":\"c1\",\"status\":\"creating\","
			    "\"pid\":4321,\"bundle\":\"/b\"}";
	int sock;

	if (!two_steps)
		return silo_seccomp_send_listener(s, fd, state, &err) == 0 ? 0 : 1;
	sock = silo_seccomp_listener_connect(s, &err);
	if (sock < 0 || !(fcntl(sock, F_GETFD) & FD_CLOEXEC))
		return 2;
	return silo_seccomp_send_listener_on(sock, s, fd, state, &err) == 0 ? 0 : 3;
}

static int recv_all(int conn, char *buf, size_t len, int *ret_fd)
{
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = buf, .iov_len = len - 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b,
			      .msg_controllen = sizeof(u.b) };
	struct cmsghdr *c;
	ssize_t n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
	size_t got;

	if (n < 0)
		return -1;
	c = CMSG_FIRSTHDR(&msg);
	*ret_fd = -1;
	if (c && c->cmsg_type == SCM_RIGHTS)
		memcpy(ret_fd, CMSG_DATA(c), sizeof(int));
	for (got = (size_t)n; got < len - 1; got += (size_t)n) {
		n = read(conn, buf + got, len - 1 - got);
		if (n <= 0)
			break;
	}
	buf[got] = '\0';
	return 0;
}

static void check_message(const char *buf, int got_fd, int sent_fd)
{
	struct stat a, b;

	CHECK_MSG(!strncmp(buf, "{\"ociVersion\":\"1.2.1\",\"fds\":[\"seccompFd\"],\"pid\":4321,", 53),
		  "%s", buf);
	CHECK_MSG(strstr(buf, "\"metadata\":\"m \\\"q\\\" \\\\ \\u000a\""), "%s", buf);
	CHECK_MSG(strstr(buf, ",\"state\":{\"ociVersion\":\"1.2.1\",\"id\":\"c1\""), "%s", buf);
	CHECK(buf[strlen(buf) - 1] == '}' && buf[strlen(buf) - 2] == '}');
	CHECK(got_fd >= 0 && fstat(got_fd, &a) == 0 && fstat(sent_fd, &b) == 0 &&
	      a.st_ino == b.st_ino && a.st_dev == b.st_dev);
}

/* One exchange with a forked sender; returns the child's wait status. */
static int exchange(int lsock, const struct silo_seccomp *s, int fd, bool two_steps)
{
	struct pollfd pfd = { .fd = lsock, .events = POLLIN };
	int conn = -1, got_fd = -1, status = -1;
	char buf[4096];
	pid_t pid = fork();

	if (pid == 0)
		_exit(child_send(s, fd, two_steps));
	if (poll(&pfd, 1, 2000) == 1)
		conn = accept4(lsock, NULL, NULL, SOCK_CLOEXEC);
	CHECK(conn >= 0);
	if (conn >= 0 && recv_all(conn, buf, sizeof(buf), &got_fd) == 0)
		check_message(buf, got_fd, fd);
	if (pid > 0)
		waitpid(pid, &status, 0);
	if (got_fd >= 0)
		close(got_fd);
	if (conn >= 0)
		close(conn);
	return status;
}

static void test_send_listener(void)
{
	char dir[] = "/tmp/silo-unit-seccomp-XXXXXX";
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct silo_seccomp s = { .present = true, .listener_metadata = "m \"q\" \\ \n" };
	struct error err = { 0 };
	int lsock, status, pipefd[2];

	if (!mkdtemp(dir) || pipe2(pipefd, O_CLOEXEC) < 0) {
		CHECK(!"mkdtemp/pipe");
		return;
	}
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/listener.sock", dir);
	s.listener_path = addr.sun_path;
	lsock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CHECK(lsock >= 0 && bind(lsock, (struct sockaddr *)&addr, sizeof(addr)) == 0 &&
	      listen(lsock, 1) == 0);
	status = exchange(lsock, &s, pipefd[0], false);
	CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x", status);
	status = exchange(lsock, &s, pipefd[0], true);
	CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x", status);

	/* Nobody listening: an error naming the path. */
	unlink(addr.sun_path);
	CHECK(silo_seccomp_send_listener(&s, pipefd[0], "{}", &err) == -1 &&
	      err.errnum == ENOENT && strstr(err.msg, "listener.sock"));
	s.listener_path = NULL;
	CHECK(silo_seccomp_send_listener(&s, pipefd[0], "{}", &err) == -1);

	close(lsock);
	close(pipefd[0]);
	close(pipefd[1]);
	rmdir(dir);
}

int main(void)
{
	test_main_profile();
	test_notify();
	test_enosys();
	test_errors();
	test_send_listener();
	return unit_done();
}
