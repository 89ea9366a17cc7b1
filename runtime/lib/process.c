/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Cloning the container init into its namespaces. Fast path: one clone3 with every
 * new namespace. Slow path (namespaces joined by path, or a time namespace, whose
 * offsets must be written before any process enters it): an intermediate joins and
 * unshares, then clones the init as our sibling-child (CLONE_PARENT) and exits. */
#include "process.h"

#include "cgroup.h"
#include "init.h"
#include "ns.h"
#include "spec.h"
#include "state.h"
#include "sync.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/log.h"
#include "util/parse.h"
#include "util/syscall.h"
#include "util/xalloc.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Namespaces that must be unshared by the init itself, after the parent moved it into
 * its cgroup: a cgroup namespace's root is the cgroup current at unshare time. */
#define LATE_NS (CLONE_NEWCGROUP)

static bool needs_intermediate(const struct silo_spec *s)
{
	const struct silo_linux *l = &s->linux;

	for (int t = 0; t < SILO_NS_COUNT; t++) {
		if (l->namespaces[t].present && l->namespaces[t].path)
			return true;
	}
	return l->namespaces[SILO_NS_TIME].present;
}

static int new_ns_flags(const struct silo_spec *s)
{
	int flags = 0;

	for (int t = 0; t < SILO_NS_COUNT; t++) {
		const struct silo_namespace *n = &s->linux.namespaces[t];
		if (n->present && !n->path)
			flags |= silo_ns_clone_flag((enum silo_ns_type)t);
	}
	return flags & ~LATE_NS;
}

static void child_fail(int sock, struct error *err)
{
	silo_sync_send_error(sock, err);
	_exit(1);
}

/* setns() in the order that keeps it possible: the user namespace first when given
 * (the others are then owned by it), else the others while we still hold host caps. */
static int join_namespaces(const struct silo_spec *s, struct error *err)
{
	const struct silo_namespace *ns = s->linux.namespaces;
	static const enum silo_ns_type order[] = { SILO_NS_USER, SILO_NS_PID, SILO_NS_NET,
						   SILO_NS_IPC, SILO_NS_UTS, SILO_NS_CGROUP,
						   SILO_NS_TIME, SILO_NS_MNT };

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		enum silo_ns_type t = order[i];
		int flag = silo_ns_clone_flag(t);
		autoclose int fd = -1;

		if (!ns[t].present || !ns[t].path)
			continue;
		fd = silo_ns_open(ns[t].path, flag, silo_ns_name(t), err);
		if (fd < 0)
			return -1;
		if (setns(fd, flag) < 0)
			return err_set(err, errno, "join %s namespace `%s`", silo_ns_name(t), ns[t].path);
	}
	return 0;
}

static void close_parent_fds(const struct silo_init_config *c)
{
	if (c->lock_fd >= 0)
		close(c->lock_fd);
	if (c->parent_sock >= 0)
		close(c->parent_sock);
}

static pid_t clone_init(const struct silo_init_config *c, uint64_t flags, int *ret_pidfd,
			bool *ret_in_cgroup, struct error *err)
{
	int pidfd = -1;
	bool into = ret_in_cgroup && c->cg_entry && c->cg_entry->into_fd >= 0;
	struct silo_clone_args args = {
		.flags = flags | (ret_pidfd ? CLONE_PIDFD : 0) | (into ? CLONE_INTO_CGROUP : 0),
		.pidfd = (uint64_t)(uintptr_t)&pidfd,
		.exit_signal = (flags & CLONE_PARENT) ? 0 : SIGCHLD,
		.cgroup = into ? (uint64_t)c->cg_entry->into_fd : 0,
	};
	pid_t pid = sys_clone3(&args);

	if (pid < 0 && into && errno != ENOSYS) {
		/* Before 5.7 (E2BIG/EINVAL), or a cgroup that takes no process directly: clone
		 * as usual, the caller then writes the pid into cgroup.procs. */
		log_debug("clone into the cgroup: %m, cloning as usual");
		args.flags &= ~CLONE_INTO_CGROUP;
		args.cgroup = 0;
		into = false;
		pid = sys_clone3(&args);
	}
	if (pid < 0 && errno == ENOSYS) {
		into = false;
		/* clone3 is 5.3+; fork-like clone keeps the same semantics for our flags. */
		pid = (pid_t)syscall(SYS_clone, (unsigned long)(flags | SIGCHLD), NULL, NULL, NULL, 0);
		pidfd = -1;
	}
	if (pid < 0)
		return err_set(err, errno, "clone the container init");
	if (pid == 0) {
		close_parent_fds(c);
		if (c->is_exec)
			silo_exec_main(c);
		silo_init_main(c); /* neither returns */
	}
	if (ret_pidfd)
		*ret_pidfd = pidfd;
	if (ret_in_cgroup)
		*ret_in_cgroup = into;
	return pid;
}

static void intermediate_main(const struct silo_init_config *c)
{
	const struct silo_spec *s = c->spec;
	const struct silo_linux *l = &s->linux;
	struct error err = { 0 };
	int flags = new_ns_flags(s);
	pid_t pid;

	if (join_namespaces(s, &err) < 0)
		child_fail(c->sync_sock, &err);
	if (flags & CLONE_NEWUSER) {
		if (unshare(CLONE_NEWUSER) < 0) {
			err_set(&err, errno, "create user namespace");
			child_fail(c->sync_sock, &err);
		}
		if (silo_sync_send(c->sync_sock, SILO_SYNC_USERNS, getpid(), &err) < 0 ||
		    silo_sync_expect(c->sync_sock, SILO_SYNC_USERNS_DONE, NULL, &err) < 0)
			child_fail(c->sync_sock, &err);
		if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) {
			err_set(&err, errno, "become root in the user namespace");
			child_fail(c->sync_sock, &err);
		}
	}
	if (unshare(flags & ~CLONE_NEWUSER) < 0) {
		err_set(&err, errno, "create namespaces (flags 0x%x)", flags & ~CLONE_NEWUSER);
		child_fail(c->sync_sock, &err);
	}
	if ((flags & CLONE_NEWTIME) &&
	    silo_ns_set_time_offsets(&l->time_monotonic, &l->time_boottime, &err) < 0)
		child_fail(c->sync_sock, &err);
	/* The parent moves an init cloned from here: its JOINED could overtake our INIT_PID. */
	struct silo_init_config ic = *c;
	if (c->cg_entry)
		silo_cgroup_entry_close(c->cg_entry);
	ic.cg_entry = NULL;
	pid = clone_init(&ic, CLONE_PARENT, NULL, NULL, &err);
	if (pid < 0 || silo_sync_send(c->sync_sock, SILO_SYNC_INIT_PID, pid, &err) < 0)
		child_fail(c->sync_sock, &err);
	_exit(0);
}

pid_t silo_process_spawn(const struct silo_init_config *c, int *ret_pidfd, bool *ret_intermediate,
			 bool *ret_in_cgroup, struct error *err)
{
	pid_t pid;

	*ret_pidfd = -1;
	*ret_in_cgroup = false;
	*ret_intermediate = needs_intermediate(c->spec);
	if (!*ret_intermediate)
		return clone_init(c, (uint64_t)new_ns_flags(c->spec), ret_pidfd, ret_in_cgroup, err);
	pid = fork();
	if (pid < 0)
		return err_set(err, errno, "fork");
	if (pid == 0) {
		close_parent_fds(c);
		intermediate_main(c);
	}
	return pid;
}

static void exec_helper_main(const struct silo_init_config *c)
{
	struct error err = { 0 };
	pid_t pid;

	/* execCPUAffinity.initial: before joining the cgroup (inherited by the process). */
	if (c->spec->process->exec_cpu_affinity_initial &&
	    silo_process_set_affinity(c->spec->process->exec_cpu_affinity_initial, &err) < 0)
		child_fail(c->sync_sock, &err);
	/* CVE-2016-9962: nothing in the container may ptrace us or open our fds. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0 || setns(c->init_pidfd, c->ns_flags) < 0) {
		err_set(&err, errno, "join the container's namespaces");
		child_fail(c->sync_sock, &err);
	}
	pid = clone_init(c, CLONE_PARENT, NULL, NULL, &err);
	if (pid < 0 || silo_sync_send(c->sync_sock, SILO_SYNC_INIT_PID, pid, &err) < 0)
		child_fail(c->sync_sock, &err);
	_exit(0);
}

pid_t silo_process_spawn_exec(const struct silo_init_config *c, struct error *err)
{
	pid_t pid = fork();

	if (pid < 0)
		return err_set(err, errno, "fork");
	if (pid == 0) {
		close_parent_fds(c);
		exec_helper_main(c);
	}
	return pid;
}

static bool is_executable(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && (sb.st_mode & 0111);
}

char *silo_process_find_exec(const char *arg0, char *const *env, struct error *err)
{
	const char *path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	autofree char *copy = NULL;
	char *save = NULL;

	if (strchr(arg0, '/')) {
		struct stat sb;
		if (stat(arg0, &sb) < 0) {
			err_set(err, 0, "exec: \"%s\": stat %s: %s", arg0, arg0,
				errno == ENOENT ? "no such file or directory" : strerror(errno));
			return NULL;
		}
		if (!S_ISREG(sb.st_mode) || !(sb.st_mode & 0111)) {
			err_set(err, 0, "exec: \"%s\": permission denied", arg0);
			return NULL;
		}
		return xstrdup(arg0);
	}
	for (char *const *e = env; e && *e; e++) {
		if (strncmp(*e, "PATH=", 5) == 0)
			path = *e + 5;
	}
	copy = xstrdup(path);
	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char *cand = xasprintf("%s/%s", *dir ? dir : ".", arg0);
		if (is_executable(cand))
			return cand;
		free(cand);
	}
	err_set(err, 0, "exec: \"%s\": executable file not found in $PATH: no such file or directory",
		arg0);
	return NULL;
}

char *silo_process_state_json(const struct silo_init_config *c, int status, pid_t pid)
{
	struct silo_state st = {
		.id = (char *)c->id,
		.pid = pid,
		.bundle = (char *)c->bundle,
		.rootfs = c->spec->root.path,
		.oci_version = c->spec->oci_version,
		.annotations = c->spec->annotations.v,
		.n_annotations = c->spec->annotations.n,
	};

	return silo_state_json(&st, (enum silo_status)status, false);
}

int silo_process_set_affinity(const char *cpus, struct error *err)
{
	cpu_set_t set;

	if (parse_cpu_list(cpus, &set, sizeof(set)) < 0)
		return err_set(err, errno, "execCPUAffinity `%s`", cpus);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		return err_set(err, errno, "sched_setaffinity `%s`", cpus);
	return 0;
}
