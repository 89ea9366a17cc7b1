/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `exec`: a new process in an existing container, set up like its init (namespaces
 * joined through the init's pidfd, the container cgroup, seccomp filter, caps, user,
 * rlimits, labels) from the stored config, overridden by --process or the flags. */
#include "container.h"
#include "container_internal.h"

#include "captab.h"
#include "cgroup.h"
#include "process.h"
#include "seccomp.h"
#include "spec.h"
#include "sync.h"
#include "terminal.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/fdutil.h"
#include "util/parse.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void strv_replace(struct silo_strv *v, char **src)
{
	size_t n = 0;

	for (size_t i = 0; i < v->n; i++)
		free(v->v[i]);
	free(v->v);
	while (src && src[n])
		n++;
	v->v = xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		v->v[i] = xstrdup(src[i]);
	v->n = n;
}

static void strv_append(struct silo_strv *v, char **src)
{
	for (; src && *src; src++) {
		v->v = xreallocarray(v->v, v->n + 2, sizeof(char *));
		v->v[v->n++] = xstrdup(*src);
		v->v[v->n] = NULL;
	}
}

static int parse_user(const char *s, struct silo_process *p, struct error *err)
{
	autofree char *copy = xstrdup(s);
	char *colon = strchr(copy, ':');

	if (colon)
		*colon = '\0';
	/* crun CVE-2026-30892: only plain decimal ids, nothing trailing. */
	if (parse_uint32(copy, &p->user.uid) < 0 || (colon && parse_uint32(colon + 1, &p->user.gid) < 0))
		return err_set(err, 0, "--user `%s`: expected UID[:GID] in decimal", s);
	return 0;
}

static int parse_gids(const char *s, struct silo_process *p, struct error *err)
{
	autofree char *copy = xstrdup(s);
	char *save = NULL;

	free(p->user.additional_gids);
	p->user.additional_gids = NULL;
	p->user.n_additional_gids = 0;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		uint32_t g;
		if (parse_uint32(t, &g) < 0)
			return err_set(err, 0, "--additional-gids `%s`: not a decimal gid", t);
		p->user.additional_gids = xreallocarray(p->user.additional_gids,
							p->user.n_additional_gids + 1, sizeof(uint32_t));
		p->user.additional_gids[p->user.n_additional_gids++] = g;
	}
	p->user.has_additional_gids = true;
	return 0;
}

/* runc's flag semantics over the container's own process (CVE-2022-29162: -c never adds
 * inheritable or ambient capabilities). */
static int apply_flags(const struct silo_exec_opts *o, struct silo_process *p, struct error *err)
{
	strv_replace(&p->args, o->args);
	strv_append(&p->env, o->env);
	p->terminal = o->tty;
	p->has_console_size = false;
	if (o->cwd) {
		free(p->cwd);
		p->cwd = xstrdup(o->cwd);
	}
	if (o->user && parse_user(o->user, p, err) < 0)
		return -1;
	if (o->additional_gids && parse_gids(o->additional_gids, p, err) < 0)
		return -1;
	for (char **c = o->caps; c && *c; c++) {
		int cap = silo_cap_from_name(*c);
		if (cap < 0)
			return err_set(err, 0, "--cap `%s`: unknown capability", *c);
		p->caps.present = true;
		p->caps.sets[SILO_CAP_BOUNDING] |= 1ULL << cap;
		p->caps.sets[SILO_CAP_EFFECTIVE] |= 1ULL << cap;
		p->caps.sets[SILO_CAP_PERMITTED] |= 1ULL << cap;
	}
	if (o->no_new_privs)
		p->no_new_privileges = true;
	if (o->process_label) {
		free(p->selinux_label);
		p->selinux_label = xstrdup(o->process_label);
	}
	if (o->apparmor) {
		free(p->apparmor_profile);
		p->apparmor_profile = xstrdup(o->apparmor);
	}
	return 0;
}

/* The process to run: --process replaces the stored one, else the flags modify it. */
static int build_process(const struct silo_exec_opts *o, struct silo_spec *spec, struct error *err)
{
	if (o->process_file) {
		autofree char *raw = NULL;
		size_t len;
		struct silo_process *p;
		if (fd_read_file_at(AT_FDCWD, o->process_file, SILO_SPEC_MAX_BYTES, &raw, &len, err) < 0)
			return -1;
		p = silo_process_parse(raw, len, o->process_file, err);
		if (!p)
			return -1;
		silo_process_free(spec->process);
		spec->process = p;
		return 0;
	}
	if (!o->args || !o->args[0])
		return err_set(err, 0, "exec: no command given");
	if (!spec->process)
		return err_set(err, 0, "exec: the container config has no `process` to start from");
	return apply_flags(o, spec->process, err);
}

static int ns_flags(const struct silo_spec *s)
{
	int flags = 0;

	for (int t = 0; t < SILO_NS_COUNT; t++)
		if (s->linux.namespaces[t].present)
			flags |= silo_ns_clone_flag((enum silo_ns_type)t);
	return flags;
}

struct exec_run {
	pid_t helper, pid;
	int sock, master;
};

/* Until execve closes the child's CLOEXEC end: forward the pty, catch errors. */
static int await_exec(const struct silo_exec_opts *o, struct exec_run *r, struct error *err)
{
	for (;;) {
		struct silo_sync_msg m;
		int eof = silo_sync_recv_or_eof(r->sock, &m, err);
		if (eof < 0)
			return -1;
		if (eof)
			return 0;
		if (m.type != SILO_SYNC_PTY)
			return err_set(err, EPROTO, "sync: unexpected message %u", m.type);
		r->master = fd_recv(r->sock, err);
		if (r->master < 0)
			return -1;
		if (o->console_socket) {
			if (silo_terminal_send(o->console_socket, r->master, err) < 0)
				return -1;
			closep(&r->master);
		}
	}
}

static int run_exec(const struct silo_exec_opts *o, struct opened *x, struct silo_spec *spec,
		    struct exec_run *r, struct error *err)
{
	autoclose int pidfd = silo_open_init_pidfd(&x->st, err), child = -1, bpf = -1;
	struct silo_init_config ic = { .spec = spec, .id = o->id, .bundle = x->st.bundle,
				       .fifo_fd = -1, .lock_fd = -1, .no_new_keyring = true,
				       .is_exec = true, .ns_flags = ns_flags(spec) };
	int sv[2];

	if (pidfd < 0)
		return -1;
	ic.init_pidfd = pidfd;
	ic.n_preserve = silo_check_preserved_fds(o->preserve_fds, err);
	if (ic.n_preserve < 0)
		return -1;
	bpf = silo_seccomp_compile(&spec->linux.seccomp, err);
	if (bpf == -1)
		return -1;
	ic.seccomp_fd = bpf;
	ic.seccomp_flags = silo_seccomp_load_flags(&spec->linux.seccomp);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return err_set(err, errno, "socketpair");
	r->sock = sv[0];
	child = sv[1];
	ic.sync_sock = child;
	ic.parent_sock = r->sock;
	r->helper = silo_process_spawn_exec(&ic, err);
	if (r->helper < 0)
		return -1;
	closep(&child);
	int64_t pid;
	if (silo_sync_expect(r->sock, SILO_SYNC_INIT_PID, &pid, err) < 0)
		return -1;
	r->pid = (pid_t)pid;
	while (waitpid(r->helper, NULL, 0) < 0 && errno == EINTR)
		;
	r->helper = -1;
	if (x->st.cgroup && *x->st.cgroup && silo_cgroup_join(x->st.cgroup, r->pid, o->cgroup, err) < 0)
		return -1;
	if (silo_sync_send(r->sock, SILO_SYNC_GO, r->pid, err) < 0)
		return -1;
	return await_exec(o, r, err);
}

static int check_status(const struct silo_exec_opts *o, const struct opened *x, struct error *err)
{
	if (x->status == SILO_STATUS_STOPPED)
		return err_set(err, 0, "cannot exec in a stopped container `%s`", o->id);
	if (x->status == SILO_STATUS_PAUSED && !o->ignore_paused)
		return err_set(err, 0, "container `%s` is paused (use --ignore-paused)", o->id);
	return 0;
}

int silo_container_exec(const struct silo_exec_opts *o, pid_t *ret_pid, int *ret_master,
			struct error *err)
{
	struct exec_run r = { .helper = -1, .pid = -1, .sock = -1, .master = -1 };
	struct silo_spec *spec = NULL;
	struct opened x;
	autofree char *path = NULL;
	int ret = -1;

	if (silo_open_container(o->root, o->id, false, &x, err) < 0 || check_status(o, &x, err) < 0)
		goto out;
	path = xasprintf("%s/%s/config.json", o->root, o->id);
	spec = silo_spec_load(path, x.st.bundle, err);
	if (!spec || build_process(o, spec, err) < 0)
		goto out;
	if (spec->process->terminal && !o->console_socket && !o->keep_master) {
		err_set(err, 0, "process.terminal is true but no --console-socket was given");
		goto out;
	}
	/* The lock only guards the state read: a long exec must not block delete. */
	closep(&x.dirfd);
	if (run_exec(o, &x, spec, &r, err) < 0)
		goto out;
	if (o->pidfd_socket && silo_send_pidfd(o->pidfd_socket, r.pid, err) < 0)
		goto out;
	if (o->pid_file && silo_write_pid_file(o->pid_file, r.pid, err) < 0)
		goto out;
	*ret_pid = r.pid;
	*ret_master = take_fd(&r.master);
	ret = 0;
out:
	if (ret < 0) {
		killp(&r.helper);
		killp(&r.pid);
		err_prefix(err, "exec `%s`", o->id);
	}
	closep(&r.sock);
	closep(&r.master);
	silo_spec_free(spec);
	silo_opened_close(&x);
	return ret;
}
