/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Per-container state under <root>/<id>/: the directory (O_EXCL birth = duplicate-id
 * check), its lock, the atomically written state file and status derivation. */
#ifndef SILO_STATE_H
#define SILO_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct error;
struct silo_kvv;

enum silo_status { SILO_STATUS_CREATING, SILO_STATUS_CREATED, SILO_STATUS_RUNNING,
		   SILO_STATUS_PAUSED, SILO_STATUS_STOPPED };

struct silo_state {
	char *id;
	pid_t pid;              /* host pid of the init; 0 when unknown */
	uint64_t start_time;    /* field 22 of /proc/<pid>/stat, guards against pid reuse */
	char *bundle;
	char *rootfs;
	char *created;          /* RFC 3339 */
	char *oci_version;
	char *cgroup;           /* opaque cgroup state (cgroup.h) */
	uid_t owner;
	bool systemd_cgroup;
	bool private_pidns;      /* kill SIGKILL without one kills the whole cgroup */
	bool has_poststart;      /* start must read the stored config for its hooks */
	bool has_poststop;       /* delete must read the stored config for its hooks */
	struct silo_kv *annotations;
	size_t n_annotations;
};

/* Validate a container id ([A-Za-z0-9_+.-], not starting with '.', bounded). */
int silo_state_check_id(const char *id, struct error *err);
/* Whether we are in the host's user namespace (uid_map is the identity). The cached form
 * answers for the process that first asked: a child that made a new user namespace, or
 * joined one, must use silo_userns_is_initial(), which reads uid_map each time. */
bool silo_in_initial_userns(void);
bool silo_userns_is_initial(void);
/* The state root (created, mkdir -p): --root if given, else /run/silo for root of the
 * host user namespace, else $XDG_RUNTIME_DIR/silo (rootless, rootless podman). */
int silo_state_root(const char *arg, char **ret, struct error *err);
/* mkdir <root>/<id> (EEXIST -> "already exists"), lock it; returns the locked dir fd. */
int silo_state_dir_create(const char *root, const char *id, struct error *err);
/* Open and lock an existing container dir (ENOENT -> "container `id` does not exist").
 * exclusive: LOCK_EX, else LOCK_SH. */
int silo_state_dir_open(const char *root, const char *id, bool exclusive, struct error *err);
/* Remove <root>/<id> and everything in it. */
int silo_state_dir_remove(const char *root, const char *id, struct error *err);

int silo_state_write(int dirfd, const struct silo_state *st, struct error *err);
/* Read the state file; ENOENT means the container is still being created. */
int silo_state_read(int dirfd, const char *id, struct silo_state *st, struct error *err);
void silo_state_clear(struct silo_state *st);

/* Derive the status: init alive (and same start time) + exec.fifo -> created, etc. */
enum silo_status silo_state_status(int dirfd, const struct silo_state *st);
const char *silo_status_name(enum silo_status s);
/* Start time of a live, non-zombie pid; -1 if gone or a zombie. */
int silo_proc_start_time(pid_t pid, uint64_t *ret);

/* The OCI state JSON (runtime.md 5.1) for `state`, `list` and hooks. */
char *silo_state_json(const struct silo_state *st, enum silo_status status, bool pretty);

#endif
