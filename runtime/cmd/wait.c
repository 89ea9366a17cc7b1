/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Foreground waiting shared by `run` and `exec`: signals forwarded to the process
 * (through a signalfd, blocked before it exists), the pty proxied, orphans reaped, and
 * the exit status as a shell reports it (128+N for a signal). */
#include "cmd.h"

#include "util/error.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
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
int cmd_wait_process(int sigfd, pid_t init, int master)
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

int cmd_block_signals(struct error *err)
{
	sigset_t set;
	int fd;

	forwarded_signals(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
	fd = signalfd(-1, &set, SFD_CLOEXEC);
	if (fd < 0)
		return err_set(err, errno, "signalfd");
	return fd;
}
