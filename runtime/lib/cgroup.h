/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Container cgroups behind one small API over the v1, v2 and hybrid layouts (and the
 * systemd path form mapped onto cgroupfs). Takes plain arguments, never the container. */
#ifndef SILO_CGROUP_H
#define SILO_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct error;
struct silo_resources;

enum silo_cgroup_layout { SILO_CGROUP_V1, SILO_CGROUP_HYBRID, SILO_CGROUP_V2 };

enum silo_cgroup_flags {
	SILO_CGROUP_SYSTEMD = 1 << 0,  /* cgroupsPath is slice:prefix:name */
	SILO_CGROUP_DISABLED = 1 << 1, /* --cgroup-manager=disabled: touch nothing */
	SILO_CGROUP_ROOTLESS = 1 << 2, /* tolerate unwritable hierarchies when no limits asked */
};

struct silo_cgroup_opts {
	const char *id;                  /* container id, for the default path */
	const char *cgroups_path;        /* linux.cgroupsPath or NULL */
	const struct silo_resources *resources; /* may be NULL */
	unsigned flags;                  /* enum silo_cgroup_flags */
};

/* How a new init gets into a cgroup made before it exists, without the cgroup.procs write
 * that takes the kernel's threadgroup lock (it waits for an RCU grace period: ~10 ms on
 * an otherwise idle host, per container): cgroup2 by clone3(CLONE_INTO_CGROUP), v1 by the
 * single-threaded init writing "0" (itself) into each hierarchy's `tasks` file, which
 * skips that lock. */
#define SILO_CGROUP_MAX_TASK_FDS 32
struct silo_cgroup_entry {
	int into_fd; /* cgroup2 directory for CLONE_INTO_CGROUP, or -1 */
	int task_fds[SILO_CGROUP_MAX_TASK_FDS]; /* v1 `tasks` files, opened by silo */
	size_t n_task_fds;
	/* The new cgroup's path in each hierarchy, by the hierarchy's mount point: what a
	 * `cgroup` mount binds, known without reading mountinfo (whose lock parallel inits,
	 * all mounting, queue on). Paths, not fds: a bind source must be a mount of the
	 * init's own mount namespace. */
	char *dir_mnts[SILO_CGROUP_MAX_TASK_FDS];
	char *dir_paths[SILO_CGROUP_MAX_TASK_FDS];
	size_t n_dirs;
};
/* Close and free everything; silo_cgroup_entry_close_join only into_fd and the task fds
 * (the init has joined). */
void silo_cgroup_entry_close(struct silo_cgroup_entry *e);
void silo_cgroup_entry_close_join(struct silo_cgroup_entry *e);

/* Root with the cgroupfs driver: create the cgroup and apply its resources before the init
 * exists, as silo_cgroup_enter would, and fill *ret_entry. *ret_state is as from
 * silo_cgroup_enter. Returns 0 with *ret_state = NULL when this does not apply (systemd
 * paths, rootless, disabled): silo_cgroup_enter is the way then. */
int silo_cgroup_precreate(const struct silo_cgroup_opts *o, struct silo_cgroup_entry *ret_entry,
			  char **ret_state, struct error *err);

/* Detect the host layout (statfs on /sys/fs/cgroup and /sys/fs/cgroup/unified). */
int silo_cgroup_layout(enum silo_cgroup_layout *ret, struct error *err);

/* Resolve the path, create the cgroup in every hierarchy, apply resources and move
 * `pid` in. *ret_state is an opaque string to store in the container state and hand
 * back to the calls below (it records the path and what silo created). On failure
 * nothing created is left behind. With SILO_CGROUP_DISABLED, *ret_state is "".
 *
 * Paths (runtime.md 15.2): absolute cgroupsPath -> below every hierarchy root; relative
 * -> below silo's own cgroup in each hierarchy (/proc/self/cgroup, so it may differ per
 * hierarchy); absent -> `/<id>` at every root (crun's observed default). `..` may not
 * leave the base; `|` and newlines are refused. SILO_CGROUP_SYSTEMD: no systemd runs
 * here, so `slice:prefix:name` maps onto cgroupfs as systemd would lay it out:
 * `a-b.slice:p:n` -> `/a.slice/a-b.slice/p-n.scope` (empty slice = system.slice,
 * `-` = root, name ending in `.slice` = that slice; empty path = `:silo:<id>`).
 * Hybrid hosts: v1 for limits, and the process also joins the unified tree at the same
 * path (no controllers are ever enabled there; hugetlb and `unified` keys go there when
 * the tree offers them). v2: controllers enabled in the ancestors, devices by eBPF.
 *
 * State string: `<layout>|<path>|<n>:<mount point>:<path in hierarchy>|...` with layout
 * v1, hybrid or v2, then one entry per joined hierarchy, n = how many trailing components
 * of its path silo created (destroy removes exactly those, deepest first), e.g.
 * `hybrid|/c1|1:/sys/fs/cgroup/memory:/c1|1:/sys/fs/cgroup/unified:/c1`. "" = disabled. */
int silo_cgroup_enter(const struct silo_cgroup_opts *o, pid_t pid, char **ret_state,
		      struct error *err);
/* Move another process (exec) into the container cgroup; `sub` is an optional
 * sub-cgroup (exec --cgroup), refused if it escapes the container cgroup. */
int silo_cgroup_join(const char *state, pid_t pid, const char *sub, struct error *err);
/* Remove what silo created; with `kill`, SIGKILL every process first and wait. Idempotent:
 * a missing cgroup is success. */
int silo_cgroup_destroy(const char *state, bool kill, struct error *err);
/* PIDs in the container cgroup (host view). *ret is malloc'd. */
int silo_cgroup_pids(const char *state, pid_t **ret, size_t *ret_n, struct error *err);
/* Signal every process (cgroup.kill for SIGKILL on v2 when available, else freeze, signal,
 * thaw). */
int silo_cgroup_signal_all(const char *state, int sig, struct error *err);
int silo_cgroup_freeze(const char *state, bool freeze, struct error *err);
int silo_cgroup_is_frozen(const char *state, bool *ret, struct error *err);
/* Apply a new resources object to the live cgroup (update). */
int silo_cgroup_update(const char *state, const struct silo_resources *r, struct error *err);
/* The stats part of `events --stats` as a JSON object string (malloc'd). */
int silo_cgroup_stats_json(const char *state, char **ret, struct error *err);

/* How many processes the kernel's OOM killer took from the container cgroup so far. */
int silo_cgroup_oom_kills(const char *state, uint64_t *ret, struct error *err);

#endif
