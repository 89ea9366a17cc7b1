/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Running OCI hooks. A hook gets a pipe with the state JSON as stdin and one pipe for
 * stdout+stderr whose tail ends up in the error message; a hook past its timeout is
 * killed at the deadline, not waited for. */
#include "hooks.h"

#include "spec.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/fdutil.h"
#include "util/log.h"
#include "util/syscall.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define HOOK_OUTPUT_MAX 512

static char *const empty_env[] = { NULL };

static void hook_child(const struct silo_hook *h, int in_fd, int out_fd)
{
	char *const *argv = h->args.v;
	char *fallback[2] = { h->path, NULL };
	sigset_t all;

	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0)
		_exit(127);
	/* Only 0-2 reach the hook (runc leaked its init's fds to createContainer hooks). */
	sys_close_range(3, ~0U, 0);
	execve(h->path, argv && argv[0] ? argv : fallback, h->env.v ? h->env.v : empty_env);
	dprintf(2, "exec `%s`: %s", h->path, strerror(errno));
	_exit(127);
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Collect output until EOF or the deadline; returns 1 on timeout. */
static int drain(int fd, int64_t deadline, char *out, size_t cap, size_t *len)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int timeout = -1, r;
		char buf[4096];
		ssize_t n;

		if (deadline) {
			int64_t left = deadline - now_ms();
			if (left <= 0)
				return 1;
			timeout = (int)left;
		}
		r = poll(&p, 1, timeout);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0)
			return 1;
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		/* keep the tail: the last lines usually say why */
		for (ssize_t i = 0; i < n; i++) {
			if (*len == cap) {
				memmove(out, out + cap / 2, cap - cap / 2);
				*len = cap - cap / 2;
			}
			out[(*len)++] = buf[i];
		}
	}
}

static int run_one(const struct silo_hook *h, const char *kind, size_t idx, const char *state,
		   struct error *err)
{
	autoclose int in_r = -1, in_w = -1, out_r = -1, out_w = -1;
	int pin[2], pout[2], status, timed_out;
	char out[HOOK_OUTPUT_MAX + 1];
	size_t len = 0;
	pid_t pid;

	if (pipe2(pin, O_CLOEXEC) < 0)
		return err_set(err, errno, "%s hook %zu: pipe", kind, idx);
	in_r = pin[0], in_w = pin[1];
	if (pipe2(pout, O_CLOEXEC) < 0)
		return err_set(err, errno, "%s hook %zu: pipe", kind, idx);
	out_r = pout[0], out_w = pout[1];
	pid = fork();
	if (pid < 0)
		return err_set(err, errno, "%s hook %zu: fork", kind, idx);
	if (pid == 0)
		hook_child(h, in_r, out_w);
	closep(&in_r);
	closep(&out_w);
	/* A hook may not read its stdin at all: EPIPE is fine, and the state is small. */
	{
		struct sigaction ign = { .sa_handler = SIG_IGN }, old;
		sigaction(SIGPIPE, &ign, &old);
		if (write(in_w, state, strlen(state)) < 0)
			log_debug("%s hook %zu: writing state: %s", kind, idx, strerror(errno));
		sigaction(SIGPIPE, &old, NULL);
	}
	closep(&in_w);
	timed_out = drain(out_r, h->timeout > 0 ? now_ms() + h->timeout * 1000LL : 0, out,
			  HOOK_OUTPUT_MAX, &len);
	if (timed_out)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	while (len > 0 && (out[len - 1] == '\n' || out[len - 1] == ' '))
		len--;
	out[len] = '\0';
	if (timed_out)
		return err_set(err, ETIMEDOUT, "%s hook %zu `%s`: killed after timeout of %ds", kind,
			       idx, h->path, h->timeout);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFSIGNALED(status))
		return err_set(err, 0, "%s hook %zu `%s`: killed by signal %d%s%s", kind, idx, h->path,
			       WTERMSIG(status), len ? ": " : "", out);
	return err_set(err, 0, "%s hook %zu `%s`: exit status %d%s%s", kind, idx, h->path,
		       WEXITSTATUS(status), len ? ": " : "", out);
}

int silo_hooks_run(const struct silo_hooks *hooks, const char *kind, const char *state_json,
		   struct error *err)
{
	for (size_t i = 0; i < hooks->n; i++) {
		log_debug("running %s hook %zu: %s", kind, i, hooks->v[i].path);
		if (run_one(&hooks->v[i], kind, i, state_json, err) < 0)
			return -1;
	}
	return 0;
}
