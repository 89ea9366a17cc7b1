/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container init. Its steps, in order (each depends on the ones before):
 *  1. wait for GO (parent wrote id maps, joined our cgroup, ran createRuntime hooks)
 *  2. become root of a new user ns; unshare the cgroup ns (rooted at our cgroup now)
 *  3. hostname, domainname
 *  4. rootfs: spec mounts, /dev, devices (rootfs.c); pty from the container's devpts
 *  5. createContainer hooks (container namespaces, before pivot)
 *  6. pivot_root, masked/readonly paths, read-only root (rootfs.c)
 *  7. sysctls, oom_score_adj, session + keyring, pty as stdio, rlimits, personality,
 *     scheduler, io priority, LSM labels, cwd, args[0] check
 *  8. bounding set, early seccomp (no NNP), groups/gid/uid with KEEPCAPS, caps, umask
 *  9. READY to the parent; block on the exec fifo until `start`
 * 10. startContainer hooks, fds >= 3+preserved marked CLOEXEC, NNP + late seccomp, execve */
#include "cgroup.h"
#include "init.h"

#include "apparmor.h"
#include "caps.h"
#include "hooks.h"
#include "init_steps.h"
#include "process.h"
#include "rootfs.h"
#include "seccomp.h"
#include "selinux.h"
#include "spec.h"
#include "state.h"
#include "sync.h"
#include "terminal.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/fault.h"
#include "util/fdutil.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

/* What the init learns or opens along the way. */
struct init_run {
	int host_pid;      /* our pid as silo sees it (sent with GO) */
	int listener_sock; /* connected to seccomp.listenerPath before pivot_root, or -1 */
	int master, slave; /* the pty, or -1 */
};

__attribute__((noreturn)) static void fail(const struct silo_init_config *c, struct error *err)
{
	silo_sync_send_error(c->sync_sock, err);
	_exit(1);
}

/* After READY nobody listens on the sync socket: errors go to the container's stderr.
 * An exec process has no READY: silo listens until execve closes the socket. */
__attribute__((noreturn)) static void fail_late(const struct silo_init_config *c, struct error *err)
{
	if (c->is_exec)
		fail(c, err);
	char text[1200];
	dprintf(2, "silo: %s\n", err_text(err, text, sizeof(text)));
	_exit(127);
}

static int enter_namespaces(const struct silo_init_config *c, struct error *err)
{
	const struct silo_namespace *ns = c->spec->linux.namespaces;

	if (ns[SILO_NS_USER].present) {
		/* Mapped root of the new (or joined) user namespace. */
		if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
			return err_set(err, errno, "become root in the user namespace");
	}
	if (ns[SILO_NS_CGROUP].present && !ns[SILO_NS_CGROUP].path &&
	    unshare(CLONE_NEWCGROUP) < 0)
		return err_set(err, errno, "create cgroup namespace");
	return 0;
}

static bool uses_listener(const struct silo_spec *s)
{
	return s->linux.seccomp.present && s->linux.seccomp.listener_path;
}

/* Everything between the spec mounts and pivot_root, while the host is still visible. */
static int before_pivot(const struct silo_init_config *c, struct init_run *run, int rootfd,
			struct error *err)
{
	const struct silo_process *p = c->spec->process;
	autofree char *state = NULL;

	if (p && p->terminal) {
		struct silo_pty_opts po = { .uid = p->user.uid, .has_size = p->has_console_size,
					    .rows = p->console_height, .cols = p->console_width,
					    .bind_console = true };
		if (silo_terminal_open(rootfd, &po, &run->master, &run->slave, err) < 0)
			return -1;
		if (c->spec->linux.mount_label &&
		    silo_selinux_set_fd_label(run->slave, c->spec->linux.mount_label, err) < 0)
			return -1;
	}
	if (silo_init_sysctl(c, rootfd, err) < 0)
		return -1;
	if (uses_listener(c->spec)) {
		run->listener_sock = silo_seccomp_listener_connect(&c->spec->linux.seccomp, err);
		if (run->listener_sock < 0)
			return -1;
	}
	if (!c->spec->hooks[SILO_HOOK_CREATE_CONTAINER].n)
		return 0;
	state = silo_process_state_json(c, SILO_STATUS_CREATING, getpid());
	return silo_hooks_run(&c->spec->hooks[SILO_HOOK_CREATE_CONTAINER], "createContainer", state,
			      err);
}

static int build_rootfs(const struct silo_init_config *c, struct init_run *run,
			struct silo_rootfs_opts *ro, struct error *err)
{
	int rootfd = silo_rootfs_prepare(ro, err);

	if (rootfd < 0)
		return -1;
	if (before_pivot(c, run, rootfd, err) < 0) {
		close(rootfd);
		return -1;
	}
	return silo_rootfs_finish(ro, rootfd, err);
}

static int send_pty(const struct silo_init_config *c, int master, struct error *err)
{
	if (silo_sync_send(c->sync_sock, SILO_SYNC_PTY, 0, err) < 0)
		return -1;
	return fd_send(c->sync_sock, master, "/dev/ptmx", err);
}

/* Blocks until `start` opens the fifo for reading. The write end stays open (CLOEXEC)
 * until execve, so `start` sees EOF exactly when the program has been exec'd. */
static int wait_for_start(const struct silo_init_config *c, struct error *err)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", c->fifo_fd);
	/* Changing uid (also to root of a user namespace) made us non-dumpable, which makes
	 * /proc/self/fd root-owned and unusable to us. execve resets dumpable anyway; the
	 * window until then holds nothing but this fifo. */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
		return err_set(err, errno, "prctl(PR_SET_DUMPABLE)");
	do
		fd = open(path, O_WRONLY | O_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return err_set(err, errno, "open exec fifo");
	if (write(fd, "0", 1) != 1)
		return err_set(err, errno, "write exec fifo");
	close(c->fifo_fd);
	return fd;
}

static bool late_seccomp(const struct silo_process *p)
{
	/* With no_new_privs the filter can be loaded without CAP_SYS_ADMIN: as late as
	 * possible. Without it, load while we still hold CAP_SYS_ADMIN (runc does too). */
	return p->no_new_privileges ||
	       (p->caps.present && (p->caps.sets[SILO_CAP_EFFECTIVE] & (1ULL << 21)));
}

static int drop_privileges(const struct silo_init_config *c, const struct init_run *run,
			   struct error *err)
{
	const struct silo_process *p = c->spec->process;

	/* LSM labels take effect at execve; written while we are still root. */
	if (silo_selinux_set_exec_label(-1, p->selinux_label, err) < 0 ||
	    silo_apparmor_set_exec_profile(-1, p->apparmor_profile, err) < 0)
		return -1;
	if (p->caps.present && silo_caps_drop_bounding(&p->caps, err) < 0)
		return -1;
	if (c->seccomp_fd >= 0 && !late_seccomp(p) &&
	    silo_init_load_seccomp(c, run->listener_sock, run->host_pid, err) < 0)
		return -1;
	if (silo_init_set_ids(c, err) < 0)
		return -1;
	if (p->caps.present && silo_caps_apply(&p->caps, err) < 0)
		return -1;
	umask(p->user.umask.set ? (mode_t)p->user.umask.v : 022);
	return 0;
}

static void exec_process(const struct silo_init_config *c, const struct init_run *run,
			 const char *exe, char **env)
{
	const struct silo_process *p = c->spec->process;
	struct error err = { 0 };

	if (!c->is_exec && c->spec->hooks[SILO_HOOK_START_CONTAINER].n) {
		autofree char *state = silo_process_state_json(c, SILO_STATUS_CREATED, getpid());
		if (silo_hooks_run(&c->spec->hooks[SILO_HOOK_START_CONTAINER], "startContainer",
				   state, &err) < 0)
			fail_late(c, &err);
	}
	/* CVE-2024-21626: nothing but stdio and the preserved fds may reach the program. */
#ifndef SILO_WEAKEN_FD_CLOSE /* test-only: see runtime/tests/weaken */
	if (fd_cloexec_from(3 + c->n_preserve, &err) < 0)
		fail_late(c, &err);
#endif
	for (int fd = 3; fd < 3 + c->n_preserve; fd++)
		fd_set_cloexec(fd, 0);
	if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		err_set(&err, errno, "set no_new_privs");
		fail_late(c, &err);
	}
	if (c->seccomp_fd >= 0 && late_seccomp(p) &&
	    silo_init_load_seccomp(c, run->listener_sock, run->host_pid, &err) < 0)
		fail_late(c, &err);
	execve(exe, p->args.v, env);
	err_set(&err, errno, "exec `%s`", exe);
	fail_late(c, &err);
}

/* Unblock signals and wait for the parent's GO, which carries our host pid. */
/* Into the cgroup silo made for us (cgroup.h): "0" moves only the calling thread, and we
 * have no other, so the kernel skips the lock a cgroup.procs write takes. */
static int join_cgroups(const struct silo_init_config *c, struct error *err)
{
	struct silo_cgroup_entry *e = c->cg_entry;
	int r = 0;

	for (size_t i = 0; i < e->n_task_fds && r == 0; i++)
		if (write(e->task_fds[i], "0", 1) != 1)
			r = err_set(err, errno, "join the container cgroup (v1 hierarchy %zu)", i);
	silo_cgroup_entry_close_join(e);
	if (r < 0)
		return -1;
	return silo_sync_send(c->sync_sock, SILO_SYNC_JOINED, 0, err);
}

static void await_go(const struct silo_init_config *c, struct init_run *run)
{
	struct error err = { 0 };
	int64_t host_pid;
	sigset_t none;

	/* silo blocks the signals it forwards; the container starts with none blocked. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (silo_sync_expect(c->sync_sock, SILO_SYNC_GO, &host_pid, &err) < 0)
		_exit(1); /* the parent failed and reported already */
	run->host_pid = (int)host_pid;
}

/* The process steps shared by the init and exec: session and pty, limits, cwd,
 * environment, the executable, privileges; the pty master goes to silo. */
static void setup_process(const struct silo_init_config *c, struct init_run *run, char **ret_exe,
			  char ***ret_env)
{
	const struct silo_process *p = c->spec->process;
	struct error err = { 0 };

	if (silo_init_session(c, run->slave, &err) < 0 || silo_init_limits(c, &err) < 0 ||
	    silo_init_cwd(c, &err) < 0)
		fail(c, &err);
	*ret_env = silo_init_env(c, &err);
	if (!*ret_env)
		fail(c, &err);
	*ret_exe = silo_process_find_exec(p->args.v[0], *ret_env, &err);
	if (!*ret_exe || drop_privileges(c, run, &err) < 0)
		fail(c, &err);
	if (run->master >= 0 && send_pty(c, run->master, &err) < 0)
		fail(c, &err);
	closep(&run->master);
	closep(&run->slave);
}

void silo_init_main(const struct silo_init_config *c)
{
	struct silo_rootfs_opts ro = { .spec = c->spec, .rootfs = c->spec->root.path,
				       .no_pivot = c->no_pivot,
				       .console_slave_fd = -1 };
	struct init_run run = { .listener_sock = -1, .master = -1, .slave = -1 };
	struct error err = { 0 };
	char *exe = NULL, **env = NULL;

	/* No mknod in a user namespace: ours, or the one we were started in (rootless
	 * podman runs us inside its own). */
	ro.userns = c->spec->linux.namespaces[SILO_NS_USER].present || !silo_in_initial_userns();
	if (c->cg_entry && join_cgroups(c, &err) < 0)
		fail(c, &err);
	if (c->cg_entry)
		ro.cg_dirs = (struct silo_rootfs_cgdirs){ .mnts = c->cg_entry->dir_mnts,
							  .paths = c->cg_entry->dir_paths,
							  .n = c->cg_entry->n_dirs };
	await_go(c, &run);
	if (enter_namespaces(c, &err) < 0 || silo_init_uts(c, &err) < 0)
		fail(c, &err);
	if (build_rootfs(c, &run, &ro, &err) < 0)
		fail(c, &err);
	silo_fault_point("init-rootfs");
	if (!c->spec->process) {
		err_set(&err, 0, "config has no `process`");
		fail(c, &err);
	}
	if (silo_init_oom_score(c, &err) < 0)
		fail(c, &err);
	setup_process(c, &run, &exe, &env);
	if (silo_sync_send(c->sync_sock, SILO_SYNC_READY, 0, &err) < 0)
		_exit(1);
	if (wait_for_start(c, &err) < 0)
		fail_late(c, &err);
	exec_process(c, &run, exe, env);
	_exit(127);
}

/* An exec'd process gets a fresh pty of the container's devpts (not /dev/console). */
static int open_exec_pty(const struct silo_process *p, struct init_run *run, struct error *err)
{
	struct silo_pty_opts po = { .uid = p->user.uid, .has_size = p->has_console_size,
				    .rows = p->console_height, .cols = p->console_width };
	autoclose int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (rootfd < 0)
		return err_set(err, errno, "open `/`");
	return silo_terminal_open(rootfd, &po, &run->master, &run->slave, err);
}

void silo_exec_main(const struct silo_init_config *c)
{
	struct init_run run = { .listener_sock = -1, .master = -1, .slave = -1 };
	struct error err = { 0 };
	char *exe = NULL, **env = NULL;

	await_go(c, &run);
	/* execCPUAffinity.final: now that silo moved us into the container's cgroup. */
	if (c->spec->process->exec_cpu_affinity_final &&
	    silo_process_set_affinity(c->spec->process->exec_cpu_affinity_final, &err) < 0)
		fail(c, &err);
	if (c->spec->process->terminal && open_exec_pty(c->spec->process, &run, &err) < 0)
		fail(c, &err);
	setup_process(c, &run, &exe, &env);
	exec_process(c, &run, exe, env);
	_exit(127);
}
