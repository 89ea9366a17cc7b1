/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Lifecycle orchestration of create (spec -> state dir -> init -> cgroup -> hooks ->
 * READY -> state file) and the shared opening of existing containers (the verbs on
 * them are in container_ops.c). A failed create is taken apart by one teardown, so it
 * leaves no state dir, cgroup or process. */
#include "container.h"
#include "container_internal.h"

#include "cgroup.h"
#include "hooks.h"
#include "init_steps.h"
#include "ns.h"
#include "process.h"
#include "seccomp.h"
#include "spec.h"
#include "state.h"
#include "sync.h"
#include "terminal.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/fault.h"
#include "util/fdutil.h"
#include "util/log.h"
#include "util/parse.h"
#include "util/syscall.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>


/* Everything create builds, so that one function can take it apart again. */
struct creation {
	const struct silo_create_opts *o;
	struct silo_spec *spec;
	char *bundle;
	int dirfd;
	bool dir_created;
	pid_t pid, helper_pid;
	int pidfd;
	char *cgroup;
	int master;
};

void silo_rfc3339_now(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%09ldZ", ts.tv_nsec);
}

static void run_poststop(const struct silo_spec *spec, const char *state_json)
{
	struct error e = { 0 };

	if (spec->hooks[SILO_HOOK_POSTSTOP].n &&
	    silo_hooks_run(&spec->hooks[SILO_HOOK_POSTSTOP], "poststop", state_json, &e) < 0)
		log_error(&e, "warning: ignoring failed poststop hook");
}

/* The teardown of a failed create: process, cgroup, poststop hooks, state dir. */
static void creation_undo(struct creation *c)
{
	struct error e = { 0 };

	killp(&c->helper_pid);
	killp(&c->pid);
	if (c->cgroup && silo_cgroup_destroy(c->cgroup, true, &e) < 0)
		log_error(&e, "warning: cleanup");
	if (c->pid > 0 && c->spec) {
		struct silo_state st = { .id = (char *)c->o->id, .bundle = c->bundle,
					 .oci_version = c->spec->oci_version };
		autofree char *json = silo_state_json(&st, SILO_STATUS_STOPPED, false);
		run_poststop(c->spec, json);
	}
	if (c->dir_created && silo_state_dir_remove(c->o->root, c->o->id, &e) < 0)
		log_error(&e, "warning: cleanup");
}

static void creation_free(struct creation *c)
{
	if (c->dirfd >= 0)
		close(c->dirfd);
	if (c->pidfd >= 0)
		close(c->pidfd);
	if (c->master >= 0)
		close(c->master);
	silo_spec_free(c->spec);
	free(c->bundle);
	free(c->cgroup);
}

static int load_spec(struct creation *c, char **ret_raw, size_t *ret_len, struct error *err)
{
	const char *name = c->o->config ? c->o->config : "config.json";
	autofree char *path = NULL;
	struct stat sb;

	c->bundle = realpath(c->o->bundle ? c->o->bundle : ".", NULL);
	if (!c->bundle)
		return err_set(err, errno, "bundle `%s`", c->o->bundle ? c->o->bundle : ".");
	path = name[0] == '/' ? xstrdup(name) : xasprintf("%s/%s", c->bundle, name);
	if (fd_read_file_at(AT_FDCWD, path, SILO_SPEC_MAX_BYTES, ret_raw, ret_len, err) < 0)
		return -1;
	c->spec = silo_spec_parse(*ret_raw, *ret_len, path, c->bundle, err);
	if (!c->spec)
		return -1;
	if (!c->spec->process)
		return err_set(err, 0, "%s: `process` is required to create a container", path);
	if (stat(c->spec->root.path, &sb) < 0)
		return err_set(err, errno, "rootfs `%s`", c->spec->root.path);
	if (!S_ISDIR(sb.st_mode))
		return err_set(err, ENOTDIR, "rootfs `%s`", c->spec->root.path);
	if (c->spec->process->terminal && !c->o->console_socket && !c->o->keep_master)
		return err_set(err, 0, "process.terminal is true but no --console-socket was given");
	return silo_init_check_sysctl(c->spec, err);
}

/* LISTEN_FDS from our environment, then --preserve-fds: all must be open. */
static int count_preserved(const struct silo_create_opts *o, int *ret_listen, struct error *err)
{
	const char *lf = getenv("LISTEN_FDS");
	int listen = 0, total;

	if (lf && *lf && (parse_int(lf, &listen) < 0 || listen < 0))
		return err_set(err, 0, "invalid LISTEN_FDS `%s`", lf);
	total = listen + o->preserve_fds;
	if (silo_check_preserved_fds(total, err) < 0)
		return -1;
	*ret_listen = listen;
	return total;
}

int silo_check_preserved_fds(int n, struct error *err)
{
	for (int fd = 3; fd < 3 + n; fd++) {
		if (fcntl(fd, F_GETFD) < 0)
			return err_set(err, errno, "unable to stat preserved-fd %d", fd);
	}
	return n;
}

int silo_write_pid_file(const char *path, pid_t pid, struct error *err)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d", (int)pid); /* no newline: go-runc Atoi */

	if (fd_write_file_atomic(path, buf, (size_t)n, 0644, err) < 0)
		return err_prefix(err, "pid file");
	return 0;
}

static int write_maps(const struct silo_spec *s, pid_t pid, struct error *err)
{
	return silo_ns_write_maps(pid, &s->linux.uid_mappings, &s->linux.gid_mappings, err);
}

/* The intermediate (slow path) asks for id maps, then reports the init's pid. */
static int await_init_pid(struct creation *c, int sock, struct error *err)
{
	for (;;) {
		struct silo_sync_msg m;
		if (silo_sync_recv(sock, &m, err) < 0)
			return -1;
		if (m.type == SILO_SYNC_USERNS) {
			if (write_maps(c->spec, (pid_t)m.value, err) < 0 ||
			    silo_sync_send(sock, SILO_SYNC_USERNS_DONE, 0, err) < 0)
				return -1;
		} else if (m.type == SILO_SYNC_INIT_PID) {
			c->pid = (pid_t)m.value;
			break;
		} else {
			return err_set(err, EPROTO, "sync: unexpected message %u", m.type);
		}
	}
	while (waitpid(c->helper_pid, NULL, 0) < 0 && errno == EINTR)
		;
	c->helper_pid = -1;
	c->pidfd = sys_pidfd_open(c->pid, 0);
	return 0;
}

int silo_write_pending_cgroup(int dirfd, const char *cgroup, struct error *err)
{
	autoclose int fd = openat(dirfd, PENDING_CGROUP, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || fd_write_all(fd, cgroup, strlen(cgroup), err) < 0)
		return err_set(err, errno, "record the container cgroup");
	return 0;
}

static int run_runtime_hooks(struct creation *c, struct error *err)
{
	static const enum silo_hook_kind kinds[] = { SILO_HOOK_PRESTART, SILO_HOOK_CREATE_RUNTIME };
	struct silo_state st = { .id = (char *)c->o->id, .pid = c->pid, .bundle = c->bundle,
				 .rootfs = c->spec->root.path, .oci_version = c->spec->oci_version,
				 .annotations = c->spec->annotations.v,
				 .n_annotations = c->spec->annotations.n };
	autofree char *json = NULL;

	if (!c->spec->hooks[kinds[0]].n && !c->spec->hooks[kinds[1]].n)
		return 0;
	json = silo_state_json(&st, SILO_STATUS_CREATING, false);
	for (size_t i = 0; i < 2; i++) {
		if (silo_hooks_run(&c->spec->hooks[kinds[i]], silo_hook_name(kinds[i]), json, err) < 0)
			return -1;
	}
	return 0;
}

/* After GO: forward the pty if any, until the init says READY. */
static int await_ready(struct creation *c, int sock, struct error *err)
{
	for (;;) {
		struct silo_sync_msg m;
		if (silo_sync_recv(sock, &m, err) < 0)
			return -1;
		if (m.type == SILO_SYNC_READY)
			return 0;
		if (m.type != SILO_SYNC_PTY)
			return err_set(err, EPROTO, "sync: unexpected message %u", m.type);
		c->master = fd_recv(sock, err);
		if (c->master < 0)
			return -1;
		if (c->o->console_socket) {
			if (silo_terminal_send(c->o->console_socket, c->master, err) < 0)
				return -1;
			closep(&c->master);
		}
	}
}

static int spawn_init(struct creation *c, int fifo_fd, int seccomp_fd, struct error *err)
{
	const struct silo_create_opts *o = c->o;
	struct silo_cgroup_opts cg = { .id = o->id, .cgroups_path = c->spec->linux.cgroups_path,
				       .resources = &c->spec->linux.resources,
				       .flags = o->cgroup_flags };
	struct silo_init_config ic = { .spec = c->spec, .id = o->id, .bundle = c->bundle,
				       .fifo_fd = fifo_fd, .lock_fd = c->dirfd, .seccomp_fd = seccomp_fd,
				       .seccomp_flags = silo_seccomp_load_flags(&c->spec->linux.seccomp),
				       .no_pivot = o->no_pivot, .no_new_keyring = o->no_new_keyring };
	const struct silo_namespace *ns = c->spec->linux.namespaces;
	autoclose int sock = -1, child_sock = -1;
	struct silo_cgroup_entry entry = { .into_fd = -1 };
	bool intermediate, in_cgroup, want_into;
	int sv[2];
	pid_t pid;

	ic.n_preserve = count_preserved(o, &ic.listen_fds, err);
	if (ic.n_preserve < 0)
		return -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return err_set(err, errno, "socketpair");
	sock = sv[0], child_sock = sv[1];
	ic.sync_sock = child_sock;
	ic.parent_sock = sock;
	/* The cgroup first, so that the init enters it without a migration (cgroup.h). */
	if (silo_cgroup_precreate(&cg, &entry, &c->cgroup, err) < 0)
		return -1;
	want_into = entry.into_fd >= 0;
	if (c->cgroup && *c->cgroup && silo_write_pending_cgroup(c->dirfd, c->cgroup, err) < 0) {
		silo_cgroup_entry_close(&entry);
		return -1;
	}
	if (c->cgroup)
		ic.cg_entry = &entry;
	pid = silo_process_spawn(&ic, &c->pidfd, &intermediate, &in_cgroup, err);
	silo_cgroup_entry_close(&entry);
	if (pid < 0)
		return -1;
	closep(&child_sock);
	silo_fault_point("spawned");
	if (intermediate) {
		c->helper_pid = pid;
		if (await_init_pid(c, sock, err) < 0)
			return -1;
	} else {
		c->pid = pid;
		if (ns[SILO_NS_USER].present && write_maps(c->spec, pid, err) < 0)
			return -1;
	}
	silo_fault_point("maps");
	if (c->cgroup) {
		if (!intermediate && silo_sync_expect(sock, SILO_SYNC_JOINED, NULL, err) < 0)
			return -1;
		if ((intermediate || (want_into && !in_cgroup)) &&
		    silo_cgroup_join(c->cgroup, c->pid, NULL, err) < 0)
			return -1;
	} else {
		if (silo_cgroup_enter(&cg, c->pid, &c->cgroup, err) < 0)
			return -1;
		/* Until the state file exists, this is how delete --force finds the cgroup of
		 * a create that was killed. */
		if (c->cgroup && *c->cgroup && silo_write_pending_cgroup(c->dirfd, c->cgroup, err) < 0)
			return -1;
	}
	silo_fault_point("cgroup");
	if (run_runtime_hooks(c, err) < 0 || silo_sync_send(sock, SILO_SYNC_GO, c->pid, err) < 0)
		return -1;
	silo_fault_point("go");
	return await_ready(c, sock, err);
}

int silo_send_pidfd(const char *socket_path, pid_t pid, struct error *err)
{
	autoclose int fd = sys_pidfd_open(pid, 0);

	if (fd < 0)
		return err_set(err, errno, "pidfd_open %d", (int)pid);
	if (fd_send_to_path(socket_path, fd, "init", err) < 0)
		return err_prefix(err, "pidfd socket");
	return 0;
}

void silo_state_fill_from_spec(struct silo_state *st, const struct silo_spec *s,
			       unsigned cgroup_flags)
{
	st->rootfs = s->root.path;
	st->oci_version = s->oci_version;
	st->owner = geteuid();
	st->systemd_cgroup = cgroup_flags & SILO_CGROUP_SYSTEMD;
	st->private_pidns = s->linux.namespaces[SILO_NS_PID].present;
	st->has_poststop = s->hooks[SILO_HOOK_POSTSTOP].n > 0;
	st->annotations = s->annotations.v;
	st->n_annotations = s->annotations.n;
}

static int publish(struct creation *c, struct error *err)
{
	struct silo_state st = { .id = (char *)c->o->id, .pid = c->pid, .bundle = c->bundle,
				 .cgroup = c->cgroup,
				 .has_poststart = c->spec->hooks[SILO_HOOK_POSTSTART].n > 0 };
	char created[64];

	silo_state_fill_from_spec(&st, c->spec, c->o->cgroup_flags);
	silo_rfc3339_now(created, sizeof(created));
	st.created = created;
	if (silo_proc_start_time(c->pid, &st.start_time) < 0)
		return err_set(err, ESRCH, "container init exited during setup");
	if (silo_state_write(c->dirfd, &st, err) < 0)
		return -1;
	silo_fault_point("state-written");
	if (c->o->pidfd_socket && silo_send_pidfd(c->o->pidfd_socket, c->pid, err) < 0)
		return -1;
	if (c->o->pid_file && silo_write_pid_file(c->o->pid_file, c->pid, err) < 0)
		return -1;
	return 0;
}

static int create_steps(struct creation *c, struct error *err)
{
	autofree char *raw = NULL;
	autoclose int fifo = -1, bpf = -1;
	size_t len;

	if (load_spec(c, &raw, &len, err) < 0)
		return -1;
	c->dirfd = silo_state_dir_create(c->o->root, c->o->id, err);
	if (c->dirfd < 0)
		return -1;
	c->dir_created = true;
	silo_fault_point("create-dir");
	{
		/* A private copy: later edits of the bundle's config.json change nothing. */
		autoclose int fd = openat(c->dirfd, "config.json",
					  O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 || fd_write_all(fd, raw, len, err) < 0)
			return err_set(err, errno, "store config.json copy");
	}
	/* 0622: a container root mapped to another host uid must be able to write it. */
	silo_fault_point("config-copy");
	if (mkfifoat(c->dirfd, "exec.fifo", 0622) < 0 ||
	    fchmodat(c->dirfd, "exec.fifo", 0622, 0) < 0) /* past the umask */
		return err_set(err, errno, "create exec fifo");
	fifo = openat(c->dirfd, "exec.fifo", O_PATH | O_CLOEXEC);
	if (fifo < 0)
		return err_set(err, errno, "open exec fifo");
	bpf = silo_seccomp_compile(&c->spec->linux.seccomp, err);
	if (bpf == -1)
		return -1;
	silo_fault_point("seccomp");
	if (spawn_init(c, fifo, bpf, err) < 0)
		return -1;
	silo_fault_point("ready");
	return publish(c, err);
}

int silo_container_create(const struct silo_create_opts *o, int *ret_master, pid_t *ret_pid,
			  struct error *err)
{
	struct creation c = { .o = o, .dirfd = -1, .pid = -1, .helper_pid = -1, .pidfd = -1,
			      .master = -1 };
	int r;

	if (silo_state_check_id(o->id, err) < 0)
		return -1;
	r = create_steps(&c, err);
	if (r < 0) {
		err_prefix(err, "create `%s`", o->id);
		creation_undo(&c);
	} else {
		if (ret_master)
			*ret_master = take_fd(&c.master);
		if (ret_pid)
			*ret_pid = c.pid;
	}
	creation_free(&c);
	return r;
}

/* ----------------------------------------------------------- existing containers */
void silo_opened_close(struct opened *x)
{
	if (x->dirfd >= 0)
		close(x->dirfd);
	silo_state_clear(&x->st);
}

int silo_open_container(const char *root, const char *id, bool exclusive, struct opened *x,
			  struct error *err)
{
	x->root = root;
	x->dirfd = -1;
	memset(&x->st, 0, sizeof(x->st));
	if (silo_state_check_id(id, err) < 0)
		return -1;
	x->dirfd = silo_state_dir_open(root, id, exclusive, err);
	if (x->dirfd < 0)
		return -1;
	if (silo_state_read(x->dirfd, id, &x->st, err) < 0)
		return -1;
	x->status = silo_state_status(x->dirfd, &x->st);
	if (x->status == SILO_STATUS_RUNNING && x->st.cgroup && *x->st.cgroup) {
		bool frozen = false;
		struct error ignored;
		if (silo_cgroup_is_frozen(x->st.cgroup, &frozen, &ignored) == 0 && frozen)
			x->status = SILO_STATUS_PAUSED;
	}
	return 0;
}

/* A pidfd for the init, verified against the recorded start time (pid reuse). */
int silo_open_init_pidfd(const struct silo_state *st, struct error *err)
{
	autoclose int fd = sys_pidfd_open(st->pid, 0);
	uint64_t start;

	if (fd < 0)
		return err_set(err, errno == ESRCH ? 0 : errno, "container `%s`: container not running",
			       st->id);
	if (silo_proc_start_time(st->pid, &start) < 0 || start != st->start_time)
		return err_set(err, 0, "container `%s`: container not running", st->id);
	return take_fd(&fd);
}

