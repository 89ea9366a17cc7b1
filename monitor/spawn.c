/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The runtime child: stdio pipes or console socket, argv (spec 3.2), fork+exec, the pty master
 * hand-off (SCM_RIGHTS) and the pid file. The forked child only makes async-signal-safe calls. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include <glib-unix.h>

#include "log.h"
#include "mon_stdio.h"
#include "spawn.h"

extern char **environ;

static int make_pipe(int fds[2], struct error *err)
{
	if (pipe2(fds, O_CLOEXEC) < 0)
		return err_set(err, errno, "pipe2");
	return 0;
}

static gboolean on_console(int fd, GIOCondition cond, gpointer data)
{
	struct monitor *m = data;
	struct error err = { 0 };
	guint id = m->console_source;

	m->console_source = 0; /* so a successful hand-off does not remove the running source */
	if (mon_spawn_console_try(m, &err) < 0) {
		mon_fail(m, &err);
		fd_clear(&m->console_listen_fd);
	}
	if (m->console_listen_fd < 0)
		return G_SOURCE_REMOVE;
	m->console_source = id;
	return G_SOURCE_CONTINUE;
}

static int console_socket_new(struct monitor *m, struct error *err)
{
	const char *tmpdir = getenv("TMPDIR");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	g_autofree char *path = g_strdup_printf("%s/conmon-term.XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	int fd = mkostemp(path, O_CLOEXEC);

	if (fd < 0)
		return err_set(err, errno, "create console socket name `%s`", path);
	close(fd);
	unlink(path);
	if (strlen(path) >= sizeof(sa.sun_path))
		return err_set(err, ENAMETOOLONG, "console socket path `%s`", path);
	strcpy(sa.sun_path, path);
	m->console_listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (m->console_listen_fd < 0)
		return err_set(err, errno, "socket");
	if (bind(m->console_listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(path, 0700) < 0 ||
	    listen(m->console_listen_fd, 128) < 0)
		return err_set(err, errno, "listen on console socket `%s`", path);
	m->console_path = g_steal_pointer(&path);
	m->console_source = mon_fd_add(m->console_listen_fd, G_IO_IN, on_console, m);
	return 0;
}

int mon_spawn_prepare_stdio(struct monitor *m, struct error *err)
{
	int fds[2];

	if (mon_log_is_passthrough(m->log))
		return 0;
	if (make_pipe(fds, err) < 0)
		return -1;
	m->out[1].fd = fds[0];
	m->child_fds[2] = fds[1];
	if (m->opts->terminal)
		return console_socket_new(m, err);
	if (make_pipe(fds, err) < 0)
		return -1;
	m->out[0].fd = fds[0];
	m->child_fds[1] = fds[1];
	if (m->opts->stdin) {
		if (make_pipe(fds, err) < 0)
			return -1;
		m->child_fds[0] = fds[0];
		m->stdin_fd = fds[1];
		fd_set_nonblock(m->stdin_fd, true);
	}
	return 0;
}

static void add_all(GPtrArray *a, char **v)
{
	for (; v && *v; v++)
		g_ptr_array_add(a, g_strdup(*v));
}

char **mon_spawn_build_argv(const struct mon_opts *o, const char *pidfile, const char *console)
{
	GPtrArray *a = g_ptr_array_new();

	g_ptr_array_add(a, g_strdup(o->runtime));
	if (o->systemd_cgroup && !o->exec)
		g_ptr_array_add(a, g_strdup("--systemd-cgroup"));
	add_all(a, o->runtime_args);
	if (o->exec) {
		const char *v[] = { "exec", "--pid-file", pidfile, "--process", o->exec_process_spec,
				    "--detach", NULL };
		add_all(a, (char **)v);
	} else {
		const char *v[] = { o->restore ? "restore" : "create", "--bundle", o->bundle ? o->bundle : ".",
				    "--pid-file", pidfile, NULL };
		add_all(a, (char **)v);
		if (o->no_pivot)
			g_ptr_array_add(a, g_strdup("--no-pivot"));
		if (o->no_new_keyring)
			g_ptr_array_add(a, g_strdup("--no-new-keyring"));
		if (o->restore) {
			const char *r[] = { "--detach", "--image-path", o->restore, "--work-path",
					    o->bundle ? o->bundle : ".", NULL };
			add_all(a, (char **)r);
		}
	}
	add_all(a, o->runtime_opts);
	if (console) {
		g_ptr_array_add(a, g_strdup("--console-socket"));
		g_ptr_array_add(a, g_strdup(console));
	}
	g_ptr_array_add(a, g_strdup(o->cid));
	g_ptr_array_add(a, NULL);
	return (char **)g_ptr_array_free(a, FALSE);
}

/* fds 3..3+N-1 belong to the container (--preserve-fds N, LISTEN_FDS); everything else we own
 * is O_CLOEXEC, and other inherited fds are marked so in the child. */
static int preserved_fds(const struct mon_opts *o)
{
	int64_t n = 0, best = 0;
	const char *lf = getenv("LISTEN_FDS");

	for (char **v = o->runtime_opts; v && *v; v++) {
		if (g_str_has_prefix(*v, "--preserve-fds=") && parse_int64(*v + 15, &n) == 0)
			best = MAX(best, n);
		else if (strcmp(*v, "--preserve-fds") == 0 && v[1] && parse_int64(v[1], &n) == 0)
			best = MAX(best, n);
	}
	if (lf && parse_int64(lf, &n) == 0)
		best = MAX(best, n);
	return (int)CLAMP(best, 0, 65536);
}

struct child_plan {
	char **argv, **envp;
	char *listen_pid; /* points into envp, rewritten by the child, or NULL */
	char oom[16];
	int stdio[3], start_fd, preserve;
	bool passthrough;
};

/* Async-signal-safe decimal formatting for LISTEN_PID. */
static void put_pid(char *dst, pid_t pid)
{
	char tmp[16];
	int n = 0;

	do
		tmp[n++] = (char)('0' + pid % 10);
	while ((pid /= 10) > 0);
	while (n > 0)
		*dst++ = tmp[--n];
	*dst = '\0';
}

static void __attribute__((noreturn)) child_exec(const struct child_plan *p, pid_t parent)
{
	char b;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	setpgid(0, 0); /* its own group, so -T can kill a hanging runtime with its helpers */
	if (!p->passthrough)
		for (int i = 0; i < 3; i++)
			if (dup2(p->stdio[i], i) < 0)
				_exit(127);
	mon_child_reset_signals();
	if (p->listen_pid)
		put_pid(p->listen_pid + strlen("LISTEN_PID="), getpid());
	if (p->start_fd >= 0) /* --exec-attach: second "go" (spec 9.2) */
		while (read(p->start_fd, &b, 1) < 0 && errno == EINTR)
			;
	mon_set_oom_score_adj(p->oom);
	fd_close_from(3 + p->preserve, true);
	execve(p->argv[0], p->argv, p->envp);
	_exit(127);
}

static char **build_envp(const struct monitor *m, char **ret_listen)
{
	GPtrArray *a = g_ptr_array_new();
	const char *lp = getenv("LISTEN_PID");
	bool rewrite = lp && (m->opts->replace_listen_pid || atoi(lp) == getpid());

	*ret_listen = NULL;
	for (char **e = environ; *e; e++) {
		if (rewrite && g_str_has_prefix(*e, "LISTEN_PID=")) {
			*ret_listen = g_malloc0(32);
			strcpy(*ret_listen, "LISTEN_PID=");
			g_ptr_array_add(a, *ret_listen);
		} else {
			g_ptr_array_add(a, g_strdup(*e));
		}
	}
	g_ptr_array_add(a, NULL);
	return (char **)g_ptr_array_free(a, FALSE);
}

int mon_spawn_runtime(struct monitor *m, struct error *err)
{
	struct child_plan p = { .start_fd = m->opts->exec_attach ? m->start_fd : -1 };
	pid_t parent = getpid(), pid;

	p.argv = mon_spawn_build_argv(m->opts, m->pidfile, m->console_path);
	p.envp = build_envp(m, &p.listen_pid);
	p.passthrough = mon_log_is_passthrough(m->log);
	p.preserve = preserved_fds(m->opts);
	snprintf(p.oom, sizeof(p.oom), "%d", m->orig_oom_score_adj);
	for (int i = 0; i < 3; i++) {
		p.stdio[i] = m->child_fds[i] >= 0 ? m->child_fds[i] : m->devnull;
		/* pipes only (never /dev/null itself!): a non-root container user must be able to
		 * reopen /proc/self/fd/N (conmon issue #429) */
		if (m->child_fds[i] >= 0 && fchmod(m->child_fds[i], 0777) < 0)
			mon_debug("fchmod stdio pipe: %s, ignoring", strerror(errno));
	}
	if (m->opts->terminal && !p.passthrough)
		p.stdio[1] = m->devnull;
	for (char **a = p.argv; *a; a++)
		mon_debug("runtime argv: %s", *a);
	pid = fork();
	if (pid == 0)
		child_exec(&p, parent);
	g_strfreev(p.argv);
	g_strfreev(p.envp);
	if (pid < 0)
		return err_set(err, errno, "fork runtime");
	m->runtime_pid = pid;
	for (int i = 0; i < 3; i++)
		fd_clear(&m->child_fds[i]);
	return 0;
}

static int recv_fd(int conn, struct error *err)
{
	char name[4096];
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} c;
	struct iovec iov = { .iov_base = name, .iov_len = sizeof(name) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = c.buf,
			      .msg_controllen = sizeof(c.buf) };
	ssize_t n;
	int fd = -1;

	do
		n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return err_set(err, errno, "receive pty master from console socket");
	for (struct cmsghdr *h = CMSG_FIRSTHDR(&msg); h; h = CMSG_NXTHDR(&msg, h))
		if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS &&
		    h->cmsg_len >= CMSG_LEN(sizeof(int)))
			memcpy(&fd, CMSG_DATA(h), sizeof(int));
	if (fd < 0)
		return err_set(err, 0, "console socket: no file descriptor received");
	return fd;
}

int mon_spawn_console_try(struct monitor *m, struct error *err)
{
	autoclose int conn = -1;
	int fd;

	if (m->console_listen_fd < 0)
		return 0;
	conn = accept4(m->console_listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		return err_set(err, errno, "accept on console socket `%s`", m->console_path);
	}
	fd_set_nonblock(conn, false);
	fd = recv_fd(conn, err);
	if (fd < 0)
		return -1;
	unlink(m->console_path);
	fd_clear(&m->console_listen_fd);
	if (m->console_source)
		g_source_remove(m->console_source);
	m->console_source = 0;
	mon_stdio_set_pty(m, fd);
	return 0;
}

int mon_spawn_read_pidfile(const char *path, pid_t *ret, struct error *err)
{
	g_autofree char *s = file_read_small(path, 64, err);
	int64_t v;

	if (!s)
		return -1;
	g_strstrip(s);
	if (parse_int64(s, &v) < 0 || v <= 0 || v > INT32_MAX)
		return err_set(err, 0, "invalid PID `%s` in `%s`", s, path);
	*ret = (pid_t)v;
	return 0;
}

void mon_spawn_collect_runtime_err(struct monitor *m)
{
	char buf[8192];
	int fd = m->out[1].fd;
	size_t total = 0;

	if (fd < 0)
		return;
	fd_set_nonblock(fd, true);
	/* keep the last 8 KiB: the actual error is at the end (bounded: a pipe holds 64 KiB) */
	while (total < 1024 * 1024) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		total += (size_t)n;
		g_string_append_len(m->runtime_err, buf, n);
		if (m->runtime_err->len > sizeof(buf))
			g_string_erase(m->runtime_err, 0, (gssize)(m->runtime_err->len - sizeof(buf)));
	}
}

void mon_spawn_cleanup(struct monitor *m)
{
	if (m->console_source)
		g_source_remove(m->console_source);
	m->console_source = 0;
	fd_clear(&m->console_listen_fd);
	if (m->console_path)
		unlink(m->console_path);
	g_clear_pointer(&m->console_path, g_free);
	for (int i = 0; i < 3; i++)
		fd_clear(&m->child_fds[i]);
}
