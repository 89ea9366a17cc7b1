/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `silo run`: create + start, then (unless --detach) stay as the init's parent and
 * subreaper, forward signals, proxy the pty, and exit with the init's status (128+N
 * for a signal); the container is deleted afterwards unless --keep. */
#include "cmd.h"
#include "create_opts.h"

#include "container.h"
#include "terminal.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/log.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

/* Copy what is readable from one fd to another; returns 0 on EOF/error. */
static int pump(int from, int to)
{
	char buf[8192];
	ssize_t n = read(from, buf, sizeof(buf));

	if (n <= 0)
		return n < 0 && (errno == EINTR || errno == EAGAIN);
	for (ssize_t off = 0; off < n;) {
		ssize_t w = write(to, buf + off, (size_t)(n - off));
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return 0;
		off += w;
	}
	return 1;
}

/* Returns the exit status of the init. */
static int wait_loop(int sigfd, pid_t init, int master)
{
	int in_open = master >= 0, master_open = master >= 0;

	for (;;) {
		struct pollfd p[3] = { { .fd = sigfd, .events = POLLIN },
				       { .fd = master_open ? master : -1, .events = POLLIN },
				       { .fd = in_open ? 0 : -1, .events = POLLIN } };
		struct signalfd_siginfo si;

		if (poll(p, 3, -1) < 0 && errno != EINTR)
			return 255;
		if (p[1].revents && !pump(master, 1))
			master_open = 0;
		if (p[2].revents && !pump(0, master))
			in_open = 0;
		if (!(p[0].revents & POLLIN) || read(sigfd, &si, sizeof(si)) != sizeof(si))
			continue;
		if (si.ssi_signo == SIGCHLD) {
			int status;
			pid_t pid;
			while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
				if (pid != init)
					continue; /* a re-parented orphan: just reap it */
				while (master_open && pump(master, 1) > 0)
					;
				return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
			}
		} else if (si.ssi_signo == SIGWINCH) {
			struct winsize ws;
			if (master >= 0 && ioctl(0, TIOCGWINSZ, &ws) == 0)
				ioctl(master, TIOCSWINSZ, &ws);
		} else {
			kill(init, (int)si.ssi_signo);
		}
	}
}

static void forwarded_signals(sigset_t *set)
{
	sigfillset(set);
	/* Synchronous faults must stay deliverable to us. */
	sigdelset(set, SIGSEGV);
	sigdelset(set, SIGBUS);
	sigdelset(set, SIGILL);
	sigdelset(set, SIGFPE);
	sigdelset(set, SIGABRT);
	sigdelset(set, SIGTRAP);
}

int cmd_run(const struct gopts *g, int argc, char **argv)
{
	struct silo_create_opts o = { .root = g->root, .cgroup_flags = g->cgroup_flags };
	struct error err = { 0 };
	autoclose int master = -1, sigfd = -1;
	unsigned flags = 0;
	sigset_t set;
	pid_t pid;
	int status;

	if (cmd_parse_create_opts(argc, argv, &o, &flags) < 0)
		return 1;
	o.id = cmd_id_arg(argc, argv, "run");
	if (!o.id)
		return 1;
	if (flags & RUN_DETACH) {
		if (silo_container_create(&o, NULL, NULL, &err) < 0 ||
		    silo_container_start(g->root, o.id, &err) < 0)
			return cmd_fail(&err);
		return 0;
	}
	o.keep_master = !o.console_socket;
	if (!(flags & RUN_NO_SUBREAPER))
		prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	/* Blocked before the init exists, so no signal meant for it is lost. */
	forwarded_signals(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (sigfd < 0)
		return err_set(&err, errno, "signalfd"), cmd_fail(&err);
	if (silo_container_create(&o, &master, &pid, &err) < 0)
		return cmd_fail(&err);
	if (master >= 0)
		silo_terminal_proxy_start(master, &err);
	if (silo_container_start(g->root, o.id, &err) < 0) {
		silo_terminal_proxy_stop();
		log_error(&err, NULL);
		silo_container_delete(g->root, o.id, true, &err);
		return 1;
	}
	status = wait_loop(sigfd, pid, master);
	silo_terminal_proxy_stop();
	if (!(flags & RUN_KEEP) && silo_container_delete(g->root, o.id, true, &err) < 0)
		log_error(&err, "warning: delete after run");
	return status;
}
