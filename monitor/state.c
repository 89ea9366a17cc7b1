/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The lifecycle state machine: callbacks report events here and mon_transition() decides what
 * happens next. It is the only writer of m->state; it never exits the process. */
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "exit.h"
#include "mon_stdio.h"
#include "oom.h"
#include "reap.h"
#include "spawn.h"
#include "state.h"

const char *mon_state_name(enum mon_state s)
{
	static const char *const names[] = { "spawning", "running", "draining", "done" };
	return s <= MON_DONE ? names[s] : "?";
}

static void set_state(struct monitor *m, enum mon_state s)
{
	mon_debug("state %s -> %s", mon_state_name(m->state), mon_state_name(s));
	m->state = s;
	if (s == MON_DRAINING || s == MON_DONE)
		g_main_loop_quit(m->loop);
}

void mon_fail(struct monitor *m, const struct error *err)
{
	char buf[1200];

	if (m->state != MON_SPAWNING) {
		/* The container exists: keep monitoring it, exit files matter more. */
		mon_warn("%s, ignoring", err_str(err, buf, sizeof(buf)));
		return;
	}
	if (!m->failed)
		m->fatal = *err;
	mon_transition(m, EV_FATAL);
}

static void runtime_failed(struct monitor *m)
{
	struct error err;
	int st = m->runtime_status;

	mon_spawn_collect_runtime_err(m);
	if (WIFEXITED(st))
		err_set(&err, 0, "runtime `%s` exited with status %d", m->opts->runtime, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		err_set(&err, 0, "runtime `%s` killed by signal %d", m->opts->runtime, WTERMSIG(st));
	else
		err_set(&err, 0, "runtime `%s` failed", m->opts->runtime);
	if (m->runtime_err->len)
		mon_err("runtime stderr: %s", m->runtime_err->str);
	mon_fail(m, &err);
}

/* Runtime returned 0: the container (or exec) PID is in the pid file. */
static void runtime_succeeded(struct monitor *m)
{
	struct error err = { 0 };
	pid_t pid;

	if (m->opts->terminal && m->pty_fd < 0 && mon_spawn_console_try(m, &err) < 0) {
		mon_fail(m, &err);
		return;
	}
	if (m->opts->terminal && m->pty_fd < 0) {
		err_set(&err, 0, "Runtime did not set up terminal");
		mon_fail(m, &err);
		return;
	}
	if (mon_spawn_read_pidfile(m->pidfile, &pid, &err) < 0) {
		err_prefix(&err, "Failed to read pidfile");
		mon_fail(m, &err);
		return;
	}
	m->init_pid = pid;
	set_state(m, MON_RUNNING);
	if (!(m->opts->exec && !m->opts->api_version)) /* legacy exec: only the exit code */
		mon_sync_send(m, &m->sync_fd, pid, NULL);
	mon_stdio_start_output(m);
	mon_oom_watch(m);
	mon_timeout_arm(m);
	mon_reap_watch_init(m); /* may report EV_CONTAINER_EXITED right away */
	/* Set-up is over (options, the runtime's output, its pid file): hand the freed heap back
	 * before the container's long life, where an idle monitor only holds what it uses. */
	malloc_trim(0);
}

static void timed_out(struct monitor *m)
{
	pid_t pgid = getpgid(m->init_pid);

	m->timed_out = true;
	m->exit_status = -1;
	/* the group only if it is the container's own, never ours (fake runtimes, --sync) */
	if (pgid > 1 && pgid != getpgrp() && kill(-pgid, SIGKILL) == 0)
		;
	else if (kill(m->init_pid, SIGKILL) < 0)
		mon_warn("kill container %d: %s", m->init_pid, strerror(errno));
	/* reap it if it dies promptly, so nobody sees it (as a zombie) after we reported */
	if (m->init_pidfd >= 0) {
		struct pollfd p = { .fd = m->init_pidfd, .events = POLLIN };
		if (poll(&p, 1, 1000) > 0)
			waitpid(m->init_pid, NULL, WNOHANG);
	}
	set_state(m, MON_DONE);
}

/* -T expired before the runtime finished: kill its process group (its hooks and helpers
 * too), collect it, and fail like any other create error. */
static void runtime_timed_out(struct monitor *m)
{
	struct error err;

	mon_reap_all(m); /* it may have finished just now: then that is what counts */
	if (m->state != MON_SPAWNING || m->failed)
		return;
	if (kill(-m->runtime_pid, SIGKILL) < 0 && kill(m->runtime_pid, SIGKILL) < 0)
		mon_warn("kill runtime %d: %s", m->runtime_pid, strerror(errno));
	/* SIGKILL is prompt unless the runtime sleeps in the kernel: wait up to 1 s */
	for (int i = 0; i < 100 && !m->runtime_reaped; i++) {
		if (waitpid(m->runtime_pid, &m->runtime_status, WNOHANG) == m->runtime_pid)
			m->runtime_reaped = true;
		else
			g_usleep(10000);
	}
	err_set(&err, 0, "runtime `%s` did not finish within %d seconds (--timeout), killed it",
		m->opts->runtime, m->opts->timeout);
	mon_fail(m, &err);
}

void mon_transition(struct monitor *m, enum mon_event ev)
{
	switch (m->state) {
	case MON_SPAWNING:
		if (ev == EV_TIMEOUT && !m->runtime_reaped) {
			runtime_timed_out(m);
		} else if (ev == EV_RUNTIME_EXITED) {
			if (WIFEXITED(m->runtime_status) && WEXITSTATUS(m->runtime_status) == 0)
				runtime_succeeded(m);
			else
				runtime_failed(m);
		} else if (ev == EV_FATAL) {
			m->failed = true;
			set_state(m, MON_DONE);
		}
		break;
	case MON_RUNNING:
		if (ev == EV_CONTAINER_EXITED)
			set_state(m, MON_DRAINING);
		else if (ev == EV_TIMEOUT && !m->init_reaped)
			timed_out(m);
		break;
	case MON_DRAINING:
		if (ev == EV_DRAINED)
			set_state(m, MON_DONE);
		break;
	case MON_DONE:
		break;
	}
}
