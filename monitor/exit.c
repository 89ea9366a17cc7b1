/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Everything the engine learns at the end: sync-fd JSON messages (always valid, < 4096 bytes,
 * EPIPE = peer gone), oom and exit files (atomic, no newline), the -T timer, and the exit
 * command (run after everything else, with only fds 0-2 open, after --exit-delay). */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "exit.h"

#define SYNC_MSG_MAX 3800 /* podman reads 4096 bytes per SEQPACKET record; keep clear of it */

const char *mon_sync_key(const struct monitor *m)
{
	if (m->opts->api_version)
		return "data";
	return m->opts->exec ? "exit_code" : "pid";
}

GString *mon_sync_format(const char *key, int value, const char *msg, size_t msg_len)
{
	GString *s = g_string_new(NULL);
	size_t start = msg_len > SYNC_MSG_MAX ? msg_len - SYNC_MSG_MAX : 0;

	for (;;) {
		g_string_printf(s, "{\"%s\": %d", key, value);
		if (msg) {
			/* keep the tail: that is where runtimes put the actual error */
			g_string_append(s, ", \"message\": \"");
			json_escape_append(s, msg + start, msg_len - start);
			g_string_append_c(s, '"');
		}
		g_string_append(s, "}\n");
		if (s->len <= SYNC_MSG_MAX + 100 || start >= msg_len)
			return s;
		start += MIN(msg_len - start, (s->len - SYNC_MSG_MAX) / 6 + 16);
	}
}

void mon_sync_send(struct monitor *m, int *fd, int value, const char *msg)
{
	g_autoptr(GString) s = NULL;
	ssize_t n;

	if (*fd < 0)
		return;
	s = mon_sync_format(mon_sync_key(m), value, msg, msg ? strlen(msg) : 0);
	mon_debug("sync fd %d: %s", *fd, s->str);
	do /* one write: the fd may be a SEQPACKET socket, a stream socket or a pipe */
		n = write(*fd, s->str, s->len);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno != EPIPE && errno != ECONNRESET)
			mon_warn("write to sync fd %d: %s", *fd, strerror(errno));
		fd_clear(fd); /* peer gone: carry on (conmon #438) */
	}
}

void mon_exit_write_oom(struct monitor *m)
{
	const char *dirs[] = { m->opts->persist_dir, m->opts->bundle };
	struct error err;

	for (size_t i = 0; i < G_N_ELEMENTS(dirs); i++) {
		if (!dirs[i])
			continue;
		g_autofree char *p = g_build_filename(dirs[i], "oom", NULL);
		if (file_touch(p, &err) < 0)
			mon_warn("%s: %s", err.msg, strerror(err.errnum));
	}
}

void mon_exit_write_files(struct monitor *m)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d", m->exit_status);
	struct error err;

	if (m->opts->persist_dir) {
		g_autofree char *p = g_build_filename(m->opts->persist_dir, "exit", NULL);
		if (file_write_atomic(p, buf, (size_t)n, &err) < 0)
			mon_warn("%s: %s", err.msg, strerror(err.errnum));
	}
	if (m->opts->exit_dir) {
		g_autofree char *p = g_build_filename(m->opts->exit_dir, m->opts->cid, NULL);
		if (file_write_atomic(p, buf, (size_t)n, &err) < 0)
			mon_warn("%s: %s", err.msg, strerror(err.errnum));
	}
}

static gboolean on_timeout(gpointer data)
{
	struct monitor *m = data;

	m->timeout_source = 0;
	mon_info("timeout of %d seconds reached", m->opts->timeout);
	mon_transition(m, EV_TIMEOUT);
	return G_SOURCE_REMOVE;
}

/* Armed once when the runtime child starts (bounds a hanging create) and again, afresh, when
 * the container PID is known (spec 3.7). */
void mon_timeout_arm(struct monitor *m)
{
	if (m->timeout_source)
		g_source_remove(m->timeout_source);
	m->timeout_source = 0;
	if (m->opts->timeout > 0)
		m->timeout_source = g_timeout_add_seconds((guint)m->opts->timeout, on_timeout, m);
}

struct exit_plan {
	char **argv;
	char oom[16];
	int devnull, delay;
};

static void __attribute__((noreturn)) exit_child(const struct exit_plan *p)
{
	struct timespec ts = { .tv_sec = p->delay };

	mon_child_reset_signals();
	for (int i = 0; i < 3; i++)
		dup2(p->devnull, i);
	fd_close_from(3, false);
	while (ts.tv_sec > 0 && nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	mon_set_oom_score_adj(p->oom);
	execv(p->argv[0], p->argv);
	_exit(127);
}

void mon_exit_run_command(struct monitor *m)
{
	struct exit_plan p = { .devnull = m->devnull, .delay = m->opts->exit_delay };
	GPtrArray *a = g_ptr_array_new();
	pid_t pid;

	g_ptr_array_add(a, m->opts->exit_command);
	for (char **v = m->opts->exit_command_args; v && *v; v++)
		g_ptr_array_add(a, *v);
	g_ptr_array_add(a, NULL);
	p.argv = (char **)a->pdata;
	snprintf(p.oom, sizeof(p.oom), "%d", m->orig_oom_score_adj);
	/* the exit command's own children are not ours to collect */
	prctl(PR_SET_CHILD_SUBREAPER, 0);
	pid = fork();
	if (pid == 0)
		exit_child(&p);
	if (pid < 0)
		mon_err("fork exit command: %s", strerror(errno));
	g_ptr_array_free(a, TRUE);
	/* Stay until the exit command is done (engines expect that), reaping whatever else exits
	 * meanwhile; but never wait for strays (e.g. a --pid=host container's orphans), which
	 * would pin the monitor forever. */
	for (pid_t w; pid > 0 && (w = waitpid(-1, NULL, 0)) != pid;)
		if (w < 0 && errno != EINTR)
			break;
	mon_exit_reap_strays();
}

void mon_exit_reap_strays(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}
