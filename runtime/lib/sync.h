/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Parent <-> init messages over a SOCK_SEQPACKET socketpair: fixed-size typed records,
 * an error record carrying a struct error, and fd passing for the pty master. */
#ifndef SILO_SYNC_H
#define SILO_SYNC_H

#include <stdint.h>
#include <sys/types.h>

struct error;

enum silo_sync_type {
	SILO_SYNC_USERNS = 1,  /* child -> parent: unshared a user ns, write maps for `value` */
	SILO_SYNC_USERNS_DONE, /* parent -> child */
	SILO_SYNC_INIT_PID,    /* intermediate -> parent: init's host pid in `value` */
	SILO_SYNC_GO,          /* parent -> init: cgroup joined, hooks ran, continue */
	SILO_SYNC_PTY,         /* init -> parent: pty master follows as SCM_RIGHTS */
	SILO_SYNC_READY,       /* init -> parent: set up, blocked on the exec fifo next */
	SILO_SYNC_ERROR,       /* child -> parent: `err` holds the failure */
	SILO_SYNC_JOINED,      /* init -> parent: in the precreated cgroup (cgroup.h entry) */
};

struct silo_sync_msg {
	uint32_t type;
	int64_t value;
	int errnum;
	char msg[1024];
};

int silo_sync_send(int sock, enum silo_sync_type type, int64_t value, struct error *err);
int silo_sync_send_error(int sock, const struct error *e);
/* Receive one message; if it is SILO_SYNC_ERROR, copy it into err and return -1.
 * EOF (the child died without a word) is an error too. */
int silo_sync_recv(int sock, struct silo_sync_msg *m, struct error *err);
/* Like silo_sync_recv, but EOF (the peer exec'd: its end was CLOEXEC) returns 1. */
int silo_sync_recv_or_eof(int sock, struct silo_sync_msg *m, struct error *err);
/* Receive and require `type`. */
int silo_sync_expect(int sock, enum silo_sync_type type, int64_t *ret_value, struct error *err);

#endif
