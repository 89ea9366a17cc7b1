/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container lifecycle as the CLI verbs need it. Orchestration only: the order of
 * operations and the one teardown path; the mechanisms live in the modules below. */
#ifndef SILO_CONTAINER_H
#define SILO_CONTAINER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct error;

struct silo_create_opts {
	const char *root;           /* state root (already resolved) */
	const char *id;
	const char *bundle;         /* NULL: cwd */
	const char *config;         /* NULL: "config.json" */
	const char *pid_file;
	const char *console_socket;
	const char *pidfd_socket;
	int preserve_fds;
	bool no_pivot;
	bool no_new_keyring;
	unsigned cgroup_flags;      /* enum silo_cgroup_flags */
	bool keep_master;           /* foreground run: return the pty master instead */
};

/* create; on success the init blocks on the exec fifo. *ret_master (if keep_master and
 * terminal) gets the pty master, else -1; *ret_pid the init's host pid. */
int silo_container_create(const struct silo_create_opts *o, int *ret_master, pid_t *ret_pid,
			  struct error *err);
int silo_container_start(const char *root, const char *id, struct error *err);
int silo_container_kill(const char *root, const char *id, int sig, bool all, struct error *err);
int silo_container_delete(const char *root, const char *id, bool force, struct error *err);
/* The OCI state JSON of one container (malloc'd). */
int silo_container_state(const char *root, const char *id, char **ret_json, struct error *err);
/* The stored state and derived status (for list); *ret_st must be silo_state_clear'ed. */
struct silo_state;
int silo_container_describe(const char *root, const char *id, struct silo_state *ret_st,
			    int *ret_status, struct error *err);
int silo_container_pause(const char *root, const char *id, bool pause, struct error *err);
/* Host pids of the container's processes. */
int silo_container_pids(const char *root, const char *id, pid_t **ret, size_t *ret_n,
			struct error *err);

struct silo_resources;
/* Apply new resources to the live cgroup of a created, running or paused container. */
int silo_container_update(const char *root, const char *id, const struct silo_resources *r,
			  struct error *err);
/* One `events` record: {"type":"stats","id":..,"data":{..}} (malloc'd). Sets *ret_alive
 * to whether the container still runs. */
int silo_container_stats(const char *root, const char *id, char **ret_json, bool *ret_alive,
			 struct error *err);
/* The OOM kill counter of the container's memory cgroup (0 without one). */
int silo_container_oom_kills(const char *root, const char *id, uint64_t *ret, struct error *err);

struct silo_exec_opts {
	const char *root;
	const char *id;
	const char *process_file;   /* --process: replaces every process-shaping flag */
	char **args;                /* the command line (NULL-terminated) without --process */
	char **env;                 /* -e K=V, appended (NULL-terminated or NULL) */
	const char *cwd;
	const char *user;           /* "uid[:gid]", strictly decimal */
	const char *additional_gids;/* -g: comma-separated */
	char **caps;                /* -c: added to bounding, effective, permitted */
	const char *process_label;
	const char *apparmor;
	const char *pid_file;
	const char *console_socket;
	const char *pidfd_socket;
	const char *cgroup;         /* --cgroup: a sub-cgroup of the container's */
	int preserve_fds;
	bool tty;
	bool no_new_privs;
	bool ignore_paused;
	bool keep_master;           /* foreground with a pty and no console socket */
};

/* Start a process in a running (or created) container. On success *ret_pid is its host
 * pid (our child) and *ret_master the pty master when keep_master, else -1. */
int silo_container_exec(const struct silo_exec_opts *o, pid_t *ret_pid, int *ret_master,
			struct error *err);

/* checkpoint and restore through CRIU (criu.h); flags are enum silo_criu_flags. */
struct silo_cr_opts {
	const char *root;
	const char *id;
	const char *criu;           /* --criu PATH or NULL: criu on $PATH */
	const char *image_path;     /* NULL: ./checkpoint */
	const char *work_path;      /* NULL: the image path */
	const char *parent_path;    /* checkpoint: previous pre-dump, relative to image_path */
	const char *manage_cgroups_mode;
	unsigned flags;
	/* restore only */
	const char *bundle;         /* NULL: cwd */
	const char *pid_file;
	const char *lsm_profile;
	const char *lsm_mount_context;
	unsigned cgroup_flags;      /* enum silo_cgroup_flags */
};

/* Dump a running container's processes. Unless leave-running or pre-dump, the
 * container is deleted afterwards (its processes are gone), as runc does. */
int silo_container_checkpoint(const struct silo_cr_opts *o, struct error *err);
/* Create container `id` from a bundle and a checkpoint: restored, it is running, with
 * its state, cgroup and pid as after create + start. *ret_pid: the init (our child). */
int silo_container_restore(const struct silo_cr_opts *o, pid_t *ret_pid, struct error *err);

#endif
