/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by the lifecycle files (container.c, container_cr.c, exec.c): an existing
 * container opened under its lock with its state read and status derived; the pending
 * cgroup record and the state fields taken from the spec. */
#ifndef SILO_CONTAINER_INTERNAL_H
#define SILO_CONTAINER_INTERNAL_H

#include "state.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct error;

struct opened {
	const char *root;
	int dirfd;
	struct silo_state st;
	enum silo_status status;
};

int silo_open_container(const char *root, const char *id, bool exclusive, struct opened *x,
			struct error *err);
void silo_opened_close(struct opened *x);
/* A pidfd for the init, verified against the recorded start time (pid reuse). */
int silo_open_init_pidfd(const struct silo_state *st, struct error *err);

/* Where create records the cgroup state until the state file is published. */
#define PENDING_CGROUP "cgroup.pending"
/* Record `cgroup` (a cgroup state string) there, for delete --force of a dying create. */
int silo_write_pending_cgroup(int dirfd, const char *cgroup, struct error *err);

struct silo_spec;
/* The fields of a container's state that come from its spec (rootfs, OCI version, pid
 * namespace, poststop hooks, annotations), the owner and the cgroup driver. */
void silo_state_fill_from_spec(struct silo_state *st, const struct silo_spec *s,
			       unsigned cgroup_flags);

/* Every fd in 3..3+n-1 must be open (--preserve-fds); returns n. */
int silo_check_preserved_fds(int n, struct error *err);
/* The pid file engines read: decimal, no newline, written atomically. */
int silo_write_pid_file(const char *path, pid_t pid, struct error *err);

/* The current time in RFC 3339 with nanoseconds (the state's `created`). */
void silo_rfc3339_now(char *buf, size_t len);

/* --pidfd-socket: send a pidfd of `pid` (runc >= 1.2, go-runc). */
int silo_send_pidfd(const char *socket_path, pid_t pid, struct error *err);

#endif
