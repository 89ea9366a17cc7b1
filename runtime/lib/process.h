/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container init: how it is cloned into its namespaces and the ordered list of
 * steps it performs before exec'ing the user program. */
#ifndef SILO_PROCESS_H
#define SILO_PROCESS_H

#include <stdbool.h>
#include <sys/types.h>

struct error;
struct silo_spec;
struct silo_process;

struct silo_cgroup_entry;

struct silo_init_config {
	const struct silo_spec *spec;
	const char *id;
	const char *bundle;
	int sync_sock;      /* the init's end of the sync socketpair */
	int fifo_fd;        /* O_PATH fd of <state>/exec.fifo */
	int lock_fd;        /* silo's locked state dir: the children must not hold the lock */
	int parent_sock;    /* silo's end of the sync socketpair: closed in the children, so
			     * that they see EOF when silo dies */
	int seccomp_fd;     /* memfd with the compiled filter, -1 if none */
	unsigned seccomp_flags;
	int n_preserve;     /* fds 3..3+n-1 handed to the process (LISTEN_FDS + --preserve-fds) */
	int listen_fds;     /* LISTEN_FDS from our environment, 0 if none */
	bool no_pivot;
	bool no_new_keyring;
	bool is_exec;       /* an `exec` process: no rootfs, no fifo, no startContainer hooks */
	int init_pidfd;     /* exec: pidfd of the container init whose namespaces we join */
	int ns_flags;       /* exec: CLONE_NEW* of the namespaces to join */
	/* create: how the init enters its precreated cgroup (the init then sends
	 * SILO_SYNC_JOINED first), or NULL */
	struct silo_cgroup_entry *cg_entry;
};

/* Clone the init (directly, or through an intermediate when namespaces must be joined
 * or a time namespace created). Returns the init's host pid; *ret_pidfd gets a pidfd
 * or -1. With *ret_intermediate set, the pid is the intermediate's: it asks for id maps
 * (SILO_SYNC_USERNS) and then reports the init's pid (SILO_SYNC_INIT_PID).
 * *ret_in_cgroup tells whether the init was born in c->cg_entry's cgroup2 directory (direct
 * path, a kernel with CLONE_INTO_CGROUP). The intermediate path does not use c->cg_entry:
 * the caller moves the init then. */
pid_t silo_process_spawn(const struct silo_init_config *c, int *ret_pidfd, bool *ret_intermediate,
			 bool *ret_in_cgroup, struct error *err);

/* exec: fork a helper that turns non-dumpable, joins the init's namespaces through its
 * pidfd and clones the exec process as our child (CLONE_PARENT), then reports its pid
 * (SILO_SYNC_INIT_PID) and exits. Returns the helper's pid. */
pid_t silo_process_spawn_exec(const struct silo_init_config *c, struct error *err);

/* sched_setaffinity from a cpu list ("0-3,7"). */
int silo_process_set_affinity(const char *cpus, struct error *err);

/* Resolve args[0] through PATH from env inside the current root; returns a malloc'd
 * path or NULL with err set (message contains "no such file or directory"). */
char *silo_process_find_exec(const char *arg0, char *const *env, struct error *err);

/* The OCI state JSON seen by hooks run from the init (status, pid as given). */
char *silo_process_state_json(const struct silo_init_config *c, int status, pid_t pid);

#endif
