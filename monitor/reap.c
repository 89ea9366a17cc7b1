/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reaping: SIGCHLD (and SIGQUIT) arrive through one signalfd, a waitpid(-1, WNOHANG) loop
 * dispatches by PID (runtime child, container/exec process, strays), and a pidfd on the container
 * gives race-free signalling and exit detection even if it is not our child. */
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <glib-unix.h>

#include "reap.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif
#define EARLY_EXITS_MAX 4096 /* bound the cache of strays reaped before the PID was known */

int mon_wait_status_to_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return -1;
}

static void init_exited(struct monitor *m, int code)
{
	if (m->init_reaped)
		return;
	m->init_reaped = true;
	m->exit_status = code;
	mon_debug("container %d exited: %d", m->init_pid, code);
	mon_transition(m, EV_CONTAINER_EXITED);
}

void mon_reap_all(struct monitor *m)
{
	int st;
	pid_t pid;

	while ((pid = waitpid(-1, &st, WNOHANG)) != 0) {
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break; /* ECHILD */
		}
		if (pid == m->runtime_pid && !m->runtime_reaped) {
			m->runtime_reaped = true;
			m->runtime_status = st;
			mon_debug("runtime %d exited with wait status %d", pid, st);
			mon_transition(m, EV_RUNTIME_EXITED);
		} else if (m->init_pid > 0 && pid == m->init_pid) {
			init_exited(m, mon_wait_status_to_code(st));
		} else if (m->init_pid <= 0 && g_hash_table_size(m->early_exits) < EARLY_EXITS_MAX) {
			g_hash_table_insert(m->early_exits, GINT_TO_POINTER(pid), GINT_TO_POINTER(st));
		}
	}
}

static gboolean on_signalfd(int fd, GIOCondition cond, gpointer data)
{
	struct monitor *m = data;
	struct signalfd_siginfo si;

	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		if (si.ssi_signo == SIGQUIT)
			mon_reap_forward_signal(m, SIGQUIT);
	mon_reap_all(m);
	return G_SOURCE_CONTINUE;
}

int mon_reap_setup(struct monitor *m, struct error *err)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGQUIT);
	m->sigchld_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (m->sigchld_fd < 0)
		return err_set(err, errno, "signalfd");
	m->sigchld_source = mon_fd_add(m->sigchld_fd, G_IO_IN, on_signalfd, m);
	return 0;
}

/* The pidfd is readable once the process is gone: reap; if it is not our child, we cannot get
 * its status (conmon issue #545), so report -1 rather than waiting forever. */
static gboolean on_pidfd(int fd, GIOCondition cond, gpointer data)
{
	struct monitor *m = data;
	siginfo_t si;

	mon_reap_all(m);
	if (m->init_reaped) {
		m->pidfd_source = 0;
		return G_SOURCE_REMOVE;
	}
	memset(&si, 0, sizeof(si));
	int r = waitid((idtype_t)P_PIDFD, (id_t)fd, &si, WEXITED | WNOHANG);
	if (r == 0 && si.si_pid != 0) {
		int code = si.si_code == CLD_EXITED ? si.si_status : 128 + si.si_status;
		m->pidfd_source = 0;
		init_exited(m, code);
		return G_SOURCE_REMOVE;
	}
	if (r < 0 && errno == ECHILD) {
		mon_warn("container %d exited but is not our child; status unknown", m->init_pid);
		m->pidfd_source = 0;
		init_exited(m, -1);
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

void mon_reap_watch_init(struct monitor *m)
{
	gpointer st;

	m->init_pidfd = (int)syscall(SYS_pidfd_open, m->init_pid, 0);
	if (m->init_pidfd < 0)
		mon_debug("pidfd_open %d: %s", m->init_pid, strerror(errno));
	if (g_hash_table_lookup_extended(m->early_exits, GINT_TO_POINTER(m->init_pid), NULL, &st)) {
		g_hash_table_remove_all(m->early_exits);
		init_exited(m, mon_wait_status_to_code(GPOINTER_TO_INT(st)));
		return;
	}
	g_hash_table_remove_all(m->early_exits);
	if (m->init_pidfd >= 0)
		m->pidfd_source = mon_fd_add(m->init_pidfd, G_IO_IN, on_pidfd, m);
	else if (errno == ESRCH && kill(m->init_pid, 0) < 0)
		init_exited(m, -1); /* already gone and not ours to reap */
}

void mon_reap_forward_signal(struct monitor *m, int sig)
{
	mon_info("forwarding signal %d", sig);
	if (m->init_pid > 0 && !m->init_reaped) {
		if (m->init_pidfd >= 0 && syscall(SYS_pidfd_send_signal, m->init_pidfd, sig, NULL, 0) == 0)
			return;
		if (kill(m->init_pid, sig) == 0)
			return;
	}
	if (m->runtime_pid > 0 && !m->runtime_reaped && kill(m->runtime_pid, sig) == 0)
		return;
	mon_warn("signal %d: no process to forward it to", sig);
}

void mon_reap_cleanup(struct monitor *m)
{
	if (m->sigchld_source)
		g_source_remove(m->sigchld_source);
	if (m->pidfd_source)
		g_source_remove(m->pidfd_source);
	for (size_t i = 0; i < G_N_ELEMENTS(m->signal_sources); i++)
		if (m->signal_sources[i])
			g_source_remove(m->signal_sources[i]);
	memset(m->signal_sources, 0, sizeof(m->signal_sources));
	m->sigchld_source = m->pidfd_source = 0;
	if (m->timeout_source)
		g_source_remove(m->timeout_source);
	m->timeout_source = 0;
	fd_clear(&m->sigchld_fd);
	fd_clear(&m->init_pidfd);
}
