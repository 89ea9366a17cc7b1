/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The verbs on an existing container: start, kill, delete, state, pause/resume, ps,
 * update, events. Each opens the container under its lock, checks the state machine,
 * and calls the mechanism modules. */
#include "container.h"
#include "container_internal.h"

#include "cgroup.h"
#include "hooks.h"
#include "spec.h"
#include "state.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/fdutil.h"
#include "util/log.h"
#include "util/syscall.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define KILL_WAIT_MS 10000

/* delete --force of a create that died before publishing its state: its processes are
 * in the recorded cgroup (if it got that far), the rest is the state dir. */
static int remove_unpublished(const char *root, const char *id, int dirfd, struct error *err)
{
	autofree char *cg = NULL;
	struct error ignored;

	if (fd_read_file_at(dirfd, PENDING_CGROUP, 1 << 20, &cg, NULL, &ignored) == 0 &&
	    silo_cgroup_destroy(cg, true, err) < 0)
		return -1;
	return silo_state_dir_remove(root, id, err);
}

static int wait_pidfd(int pidfd, int timeout_ms)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };
	int r;

	do
		r = poll(&p, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	return r;
}

/* poststart and poststop hooks come from the private config copy; their failures are
 * warnings (runtime-spec 1.2). */
static void run_stored_hooks(struct opened *x, enum silo_hook_kind kind, enum silo_status status)
{
	struct error e = { 0 };
	autofree char *path = xasprintf("%s/%s/config.json", x->root, x->st.id);
	struct silo_spec *spec = silo_spec_load(path, x->st.bundle, &e);
	autofree char *json = NULL;

	if (!spec) {
		log_error(&e, "warning: hooks");
		return;
	}
	json = silo_state_json(&x->st, status, false);
	if (silo_hooks_run(&spec->hooks[kind], silo_hook_name(kind), json, &e) < 0)
		log_error(&e, "warning: ignoring failed hook");
	silo_spec_free(spec);
}

int silo_container_start(const char *root, const char *id, struct error *err)
{
	struct opened x;
	autoclose int fifo = -1, pidfd = -1;
	struct pollfd p[2];
	char byte;
	int r = -1;

	if (silo_open_container(root, id, true, &x, err) < 0)
		goto out;
	if (x.status != SILO_STATUS_CREATED) {
		err_set(err, 0, "cannot start container `%s`: not in created state (status %s)", id,
			silo_status_name(x.status));
		goto out;
	}
	pidfd = silo_open_init_pidfd(&x.st, err);
	fifo = openat(x.dirfd, "exec.fifo", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (pidfd < 0 || fifo < 0) {
		if (fifo < 0)
			err_set(err, errno, "start `%s`: open exec fifo", id);
		goto out;
	}
	p[0] = (struct pollfd){ .fd = fifo, .events = POLLIN };
	p[1] = (struct pollfd){ .fd = pidfd, .events = POLLIN };
	while (poll(p, 2, -1) < 0 && errno == EINTR)
		;
	if (!(p[0].revents & POLLIN) || read(fifo, &byte, 1) != 1) {
		err_set(err, 0, "start `%s`: the container init exited before start", id);
		goto out;
	}
	unlinkat(x.dirfd, "exec.fifo", 0);
	/* The init keeps its write end until execve (CLOEXEC): EOF = the program runs. */
	{
		int flags = fcntl(fifo, F_GETFL);
		fcntl(fifo, F_SETFL, flags & ~O_NONBLOCK);
		while (read(fifo, &byte, 1) > 0)
			;
	}
	r = 0;
	if (x.st.has_poststart)
		run_stored_hooks(&x, SILO_HOOK_POSTSTART, SILO_STATUS_RUNNING);
out:
	silo_opened_close(&x);
	return r;
}

/* runc: SIGKILL to a container without its own pid namespace kills the whole cgroup,
 * since its processes would otherwise outlive the init. */
int silo_container_kill(const char *root, const char *id, int sig, bool all, struct error *err)
{
	struct opened x;
	autoclose int pidfd = -1;
	bool has_cgroup;
	int r = -1;

	if (silo_open_container(root, id, false, &x, err) < 0)
		goto out;
	has_cgroup = x.st.cgroup && *x.st.cgroup;
	if (x.status == SILO_STATUS_STOPPED) {
		if (all) {
			r = has_cgroup ? silo_cgroup_signal_all(x.st.cgroup, sig, err) : 0;
			goto out;
		}
		err_set(err, 0, "kill `%s`: container not running", id);
		goto out;
	}
	if (has_cgroup && (all || (sig == SIGKILL && !x.st.private_pidns))) {
		r = silo_cgroup_signal_all(x.st.cgroup, sig, err);
		goto out;
	}
	pidfd = silo_open_init_pidfd(&x.st, err);
	if (pidfd < 0)
		goto out;
	if (sys_pidfd_send_signal(pidfd, sig, NULL, 0) < 0) {
		if (errno == ESRCH)
			err_set(err, 0, "kill `%s`: container not running", id);
		else
			err_set(err, errno, "kill `%s`: signal %d", id, sig);
		goto out;
	}
	r = 0;
out:
	silo_opened_close(&x);
	return r;
}

/* Kill the init (and with `all` everything in the cgroup) and wait until it is gone. */
static int kill_and_wait(struct opened *x, bool all, struct error *err)
{
	autoclose int pidfd = -1;
	struct error ignored;

	if (all && x->st.cgroup && *x->st.cgroup &&
	    silo_cgroup_signal_all(x->st.cgroup, SIGKILL, err) < 0)
		return -1;
	pidfd = silo_open_init_pidfd(&x->st, &ignored);
	if (pidfd < 0)
		return 0; /* already gone */
	if (sys_pidfd_send_signal(pidfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH)
		return err_set(err, errno, "kill the container init");
	if (wait_pidfd(pidfd, KILL_WAIT_MS) <= 0)
		return err_set(err, ETIMEDOUT, "the container init did not die");
	/* Exited, but maybe still a zombie of our (run) or the subreaper's making. */
	waitpid(x->st.pid, NULL, WNOHANG);
	return 0;
}

int silo_container_delete(const char *root, const char *id, bool force, struct error *err)
{
	struct opened x;
	int r = -1;

	if (silo_open_container(root, id, true, &x, err) < 0) {
		if (x.dirfd >= 0 && err->errnum == ENOENT && force) {
			/* a create that died before publishing its state: we hold its lock now */
			r = remove_unpublished(root, id, x.dirfd, err);
		} else if (force && x.dirfd < 0 && err->errnum == ENOENT) {
			r = 0; /* engines call delete --force unconditionally */
		}
		goto out;
	}
	if ((x.status == SILO_STATUS_RUNNING || x.status == SILO_STATUS_PAUSED) && !force) {
		err_set(err, 0, "cannot delete container `%s` that is not stopped: %s", id,
			silo_status_name(x.status));
		goto out;
	}
	if (x.status == SILO_STATUS_PAUSED && silo_cgroup_freeze(x.st.cgroup, false, err) < 0)
		goto out;
	if (x.status != SILO_STATUS_STOPPED && kill_and_wait(&x, force, err) < 0)
		goto out;
	if (x.st.cgroup && *x.st.cgroup && silo_cgroup_destroy(x.st.cgroup, true, err) < 0)
		goto out;
	if (x.st.has_poststop)
		run_stored_hooks(&x, SILO_HOOK_POSTSTOP, SILO_STATUS_STOPPED);
	r = silo_state_dir_remove(root, id, err);
out:
	silo_opened_close(&x);
	return r;
}

int silo_container_state(const char *root, const char *id, char **ret_json, struct error *err)
{
	struct opened x;
	int r = -1;

	if (silo_open_container(root, id, false, &x, err) == 0) {
		*ret_json = silo_state_json(&x.st, x.status, true);
		r = 0;
	} else if (x.dirfd >= 0 && err->errnum == ENOENT) {
		err_set(err, 0, "container `%s` does not exist (still being created)", id);
	}
	silo_opened_close(&x);
	return r;
}

int silo_container_describe(const char *root, const char *id, struct silo_state *ret_st,
			    int *ret_status, struct error *err)
{
	struct opened x;

	if (silo_open_container(root, id, false, &x, err) < 0) {
		silo_opened_close(&x);
		return -1;
	}
	*ret_st = x.st;
	*ret_status = (int)x.status;
	memset(&x.st, 0, sizeof(x.st));
	silo_opened_close(&x);
	return 0;
}

int silo_container_pause(const char *root, const char *id, bool pause, struct error *err)
{
	struct opened x;
	int r = -1;

	if (silo_open_container(root, id, true, &x, err) < 0)
		goto out;
	if (pause && x.status != SILO_STATUS_RUNNING) {
		err_set(err, 0, "pause `%s`: container not running (status %s)", id,
			silo_status_name(x.status));
		goto out;
	}
	if (!pause && x.status != SILO_STATUS_PAUSED) {
		err_set(err, 0, "resume `%s`: container not paused (status %s)", id,
			silo_status_name(x.status));
		goto out;
	}
	if (!x.st.cgroup || !*x.st.cgroup) {
		err_set(err, 0, "%s `%s`: the container has no cgroup", pause ? "pause" : "resume", id);
		goto out;
	}
	r = silo_cgroup_freeze(x.st.cgroup, pause, err);
out:
	silo_opened_close(&x);
	return r;
}

int silo_container_pids(const char *root, const char *id, pid_t **ret, size_t *ret_n,
			struct error *err)
{
	struct opened x;
	int r = -1;

	*ret = NULL;
	*ret_n = 0;
	if (silo_open_container(root, id, false, &x, err) < 0)
		goto out;
	if (x.st.cgroup && *x.st.cgroup && x.status != SILO_STATUS_STOPPED)
		r = silo_cgroup_pids(x.st.cgroup, ret, ret_n, err);
	else
		r = 0;
out:
	silo_opened_close(&x);
	return r;
}

int silo_container_update(const char *root, const char *id, const struct silo_resources *r,
			  struct error *err)
{
	struct opened x;
	int ret = -1;

	if (silo_open_container(root, id, true, &x, err) < 0)
		goto out;
	if (x.status == SILO_STATUS_STOPPED) {
		err_set(err, 0, "update `%s`: container not running", id);
		goto out;
	}
	if (!x.st.cgroup || !*x.st.cgroup) {
		err_set(err, 0, "update `%s`: the container has no cgroup", id);
		goto out;
	}
	ret = silo_cgroup_update(x.st.cgroup, r, err);
	if (ret < 0)
		err_prefix(err, "update `%s`", id);
out:
	silo_opened_close(&x);
	return ret;
}

int silo_container_stats(const char *root, const char *id, char **ret_json, bool *ret_alive,
			 struct error *err)
{
	struct opened x;
	autofree char *data = NULL;
	int ret = -1;

	if (silo_open_container(root, id, false, &x, err) < 0)
		goto out;
	*ret_alive = x.status != SILO_STATUS_STOPPED;
	if (x.st.cgroup && *x.st.cgroup && silo_cgroup_stats_json(x.st.cgroup, &data, err) < 0)
		goto out;
	*ret_json = xasprintf("{\"type\":\"stats\",\"id\":\"%s\",\"data\":%s}", id,
			      data ? data : "{}");
	ret = 0;
out:
	silo_opened_close(&x);
	return ret;
}

int silo_container_oom_kills(const char *root, const char *id, uint64_t *ret, struct error *err)
{
	struct opened x;
	int r = -1;

	*ret = 0;
	if (silo_open_container(root, id, false, &x, err) == 0)
		r = x.st.cgroup && *x.st.cgroup ? silo_cgroup_oom_kills(x.st.cgroup, ret, err) : 0;
	silo_opened_close(&x);
	return r;
}
