/* SPDX-License-Identifier: GPL-2.0-or-later */
/* struct silo_spec: config.json (runtime-spec 1.2, Linux subset) as validated, typed C.
 * spec.c is the only yajl user; nothing downstream sees JSON. Unknown keys are ignored,
 * wrong types and invalid values are errors naming the file and the JSON path. */
#ifndef SILO_SPEC_H
#define SILO_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct error;

/* Input limits (hostile bundles): see spec.c for the rationale. */
#define SILO_SPEC_MAX_BYTES (16u << 20)
#define SILO_SPEC_MAX_ARRAY 65536

/* Optional scalars: `set` tells whether the key was present. */
struct silo_opt_i64 {
	int64_t v;
	bool set;
};
struct silo_opt_u64 {
	uint64_t v;
	bool set;
};

struct silo_strv {
	char **v; /* NULL-terminated; v == NULL when the key was absent */
	size_t n;
};

struct silo_kv {
	char *key;
	char *value;
};
struct silo_kvv {
	struct silo_kv *v;
	size_t n;
};

struct silo_id_map {
	uint32_t container_id, host_id, size;
};
struct silo_id_maps {
	struct silo_id_map *v;
	size_t n;
};

/* ------------------------------------------------------------------ process */
struct silo_rlimit {
	int resource; /* RLIMIT_* */
	uint64_t soft, hard;
};

enum silo_cap_set { SILO_CAP_BOUNDING, SILO_CAP_EFFECTIVE, SILO_CAP_INHERITABLE,
		    SILO_CAP_PERMITTED, SILO_CAP_AMBIENT, SILO_CAP_NSETS };

struct silo_caps {
	bool present;                 /* process.capabilities given at all */
	uint64_t sets[SILO_CAP_NSETS]; /* bit n = capability n; an absent set is empty */
};

struct silo_scheduler {
	bool present;
	int policy; /* SCHED_* */
	int32_t nice;
	int32_t priority;
	uint64_t flags; /* SCHED_FLAG_* */
	uint64_t runtime, deadline, period;
};

struct silo_io_priority {
	bool present;
	int class; /* IOPRIO_CLASS_RT=1, BE=2, IDLE=3 */
	int priority;
};

struct silo_process {
	bool terminal;
	bool has_console_size;
	uint32_t console_height, console_width;
	struct {
		uint32_t uid, gid;
		struct silo_opt_u64 umask;
		uint32_t *additional_gids;
		size_t n_additional_gids;
		bool has_additional_gids;
	} user;
	struct silo_strv args;
	struct silo_strv env;
	char *cwd;
	struct silo_rlimit *rlimits;
	size_t n_rlimits;
	struct silo_caps caps;
	bool no_new_privileges;
	struct silo_opt_i64 oom_score_adj;
	char *apparmor_profile;
	char *selinux_label;
	struct silo_scheduler scheduler;
	struct silo_io_priority io_priority;
	char *exec_cpu_affinity_initial; /* cpu list strings, "0-3,7" */
	char *exec_cpu_affinity_final;
};

/* ------------------------------------------------------------------- mounts */
/* Extension flags parsed from mount options (everything that is not MS_* or data). */
enum silo_mount_ext {
	SILO_MNT_BIND = 1 << 0,
	SILO_MNT_RECURSIVE = 1 << 1, /* rbind */
	SILO_MNT_TMPCOPYUP = 1 << 2,
	SILO_MNT_IDMAP = 1 << 3,
	SILO_MNT_RIDMAP = 1 << 4,
	SILO_MNT_SRC_NOFOLLOW = 1 << 5,
	SILO_MNT_DEST_NOFOLLOW = 1 << 6,
	SILO_MNT_COPY_SYMLINK = 1 << 7,
};

struct silo_mount {
	char *destination;
	char *type;   /* NULL when absent */
	char *source; /* NULL when absent; bind sources made absolute against the bundle */
	struct silo_strv options;
	struct silo_id_maps uid_mappings, gid_mappings;
	/* Parsed options (mountopt.c). */
	unsigned long flags;        /* MS_* to set */
	unsigned long clear_flags;  /* MS_* explicitly cleared (rw, suid, dev, exec, ...) */
	unsigned long propagation;  /* MS_PRIVATE|MS_SLAVE|MS_SHARED|MS_UNBINDABLE [|MS_REC] */
	uint64_t rec_attr_set;      /* MOUNT_ATTR_* for the r* recursive options */
	uint64_t rec_attr_clr;
	unsigned ext;               /* enum silo_mount_ext */
	char *data;                 /* unknown options, comma-joined; NULL if none */
};

/* ------------------------------------------------------------------ linux */
enum silo_ns_type { SILO_NS_PID, SILO_NS_NET, SILO_NS_MNT, SILO_NS_IPC, SILO_NS_UTS,
		    SILO_NS_USER, SILO_NS_CGROUP, SILO_NS_TIME, SILO_NS_COUNT };

struct silo_namespace {
	bool present;
	char *path; /* NULL: create a new one */
};

struct silo_device {
	char type; /* 'c' 'b' 'u' 'p' */
	char *path;
	int64_t major, minor;
	struct silo_opt_u64 file_mode;
	struct silo_opt_u64 uid, gid;
};

struct silo_device_rule {
	bool allow;
	char type;          /* 'a' 'c' 'b'; 'a' when absent */
	int64_t major;      /* -1 = wildcard */
	int64_t minor;      /* -1 = wildcard */
	char access[4];     /* subset of "rwm" */
};

struct silo_weight_device {
	int64_t major, minor;
	struct silo_opt_u64 weight, leaf_weight;
};
struct silo_throttle_device {
	int64_t major, minor;
	uint64_t rate;
};
struct silo_throttles {
	struct silo_throttle_device *v;
	size_t n;
};

struct silo_resources {
	struct silo_device_rule *devices;
	size_t n_devices;
	struct {
		struct silo_opt_i64 limit, reservation, swap, kernel, kernel_tcp;
		struct silo_opt_u64 swappiness;
		bool disable_oom_killer, has_disable_oom_killer;
		bool use_hierarchy, has_use_hierarchy;
		bool check_before_update;
	} memory;
	struct {
		struct silo_opt_u64 shares, period, realtime_period, burst;
		struct silo_opt_i64 quota, realtime_runtime, idle;
		char *cpus, *mems;
	} cpu;
	struct silo_opt_i64 pids_limit;
	struct {
		struct silo_opt_u64 weight, leaf_weight;
		struct silo_weight_device *weight_device;
		size_t n_weight_device;
		struct silo_throttles read_bps, write_bps, read_iops, write_iops;
	} block_io;
	struct {
		char *page_size;
		uint64_t limit;
	} *hugepage_limits;
	size_t n_hugepage_limits;
	struct {
		struct silo_opt_u64 class_id;
		struct silo_kv *priorities; /* interface name -> decimal priority string */
		size_t n_priorities;
	} network;
	struct {
		char *device;
		struct silo_opt_u64 hca_handles, hca_objects;
	} *rdma;
	size_t n_rdma;
	struct silo_kvv unified;
	bool present; /* linux.resources given */
};

enum silo_seccomp_act_kind { SILO_SCMP_KILL, SILO_SCMP_KILL_PROCESS, SILO_SCMP_KILL_THREAD,
			     SILO_SCMP_TRAP, SILO_SCMP_ERRNO, SILO_SCMP_TRACE, SILO_SCMP_ALLOW,
			     SILO_SCMP_LOG, SILO_SCMP_NOTIFY };

struct silo_seccomp_arg {
	uint32_t index;
	uint64_t value, value_two;
	int op; /* enum silo_seccomp_op */
};
enum silo_seccomp_op { SILO_SCMP_CMP_NE = 1, SILO_SCMP_CMP_LT, SILO_SCMP_CMP_LE, SILO_SCMP_CMP_EQ,
		       SILO_SCMP_CMP_GE, SILO_SCMP_CMP_GT, SILO_SCMP_CMP_MASKED_EQ };

struct silo_seccomp_rule {
	struct silo_strv names;
	int action;                    /* enum silo_seccomp_act_kind */
	struct silo_opt_u64 errno_ret; /* for ERRNO/TRACE */
	struct silo_seccomp_arg *args;
	size_t n_args;
};

struct silo_seccomp {
	bool present;
	int default_action;
	struct silo_opt_u64 default_errno_ret;
	struct silo_strv architectures; /* SCMP_ARCH_* names as given */
	struct silo_strv flags;         /* SECCOMP_FILTER_FLAG_* names as given */
	char *listener_path;
	char *listener_metadata;
	struct silo_seccomp_rule *syscalls;
	size_t n_syscalls;
};

struct silo_time_offset {
	bool set;
	int64_t secs;
	uint32_t nanosecs;
};

struct silo_linux {
	struct silo_namespace namespaces[SILO_NS_COUNT];
	struct silo_id_maps uid_mappings, gid_mappings;
	struct silo_time_offset time_monotonic, time_boottime;
	struct silo_device *devices;
	size_t n_devices;
	char *cgroups_path; /* NULL when absent */
	struct silo_resources resources;
	unsigned long rootfs_propagation; /* MS_* | MS_REC, 0 when absent */
	struct silo_strv masked_paths;
	struct silo_strv readonly_paths;
	char *mount_label;
	struct {
		bool present;
		unsigned long domain; /* PER_LINUX or PER_LINUX32 */
		struct silo_strv flags;
	} personality;
	struct silo_kvv sysctl;
	struct silo_seccomp seccomp;
	struct {
		bool present;
		char *clos_id, *l3_cache_schema, *mem_bw_schema;
		bool enable_cmt, enable_mbm;
	} intel_rdt;
	struct silo_kvv net_devices; /* host name -> name in the container */
	struct {
		bool present;
		char *mode, *nodes;
		struct silo_strv flags;
	} memory_policy;
};

/* ------------------------------------------------------------------- hooks */
struct silo_hook {
	char *path;
	struct silo_strv args;
	struct silo_strv env;
	int timeout; /* seconds, 0 = none */
};
enum silo_hook_kind { SILO_HOOK_PRESTART, SILO_HOOK_CREATE_RUNTIME, SILO_HOOK_CREATE_CONTAINER,
		      SILO_HOOK_START_CONTAINER, SILO_HOOK_POSTSTART, SILO_HOOK_POSTSTOP,
		      SILO_HOOK_NKINDS };
struct silo_hooks {
	struct silo_hook *v;
	size_t n;
};

/* -------------------------------------------------------------------- root */
struct silo_spec {
	char *oci_version;
	struct {
		char *path; /* absolute after silo_spec_load (resolved against the bundle) */
		bool readonly;
	} root;
	struct silo_process *process; /* NULL when absent */
	char *hostname, *domainname;
	struct silo_mount *mounts;
	size_t n_mounts;
	struct silo_hooks hooks[SILO_HOOK_NKINDS];
	struct silo_kvv annotations;
	struct silo_linux linux; /* zeroed when "linux" is absent */
	bool has_linux;
};

/* Parse a document; `name` (e.g. "config.json") prefixes errors, `bundle` (absolute)
 * resolves relative root.path and bind sources (NULL: leave them relative). */
struct silo_spec *silo_spec_parse(const char *json, size_t len, const char *name,
				  const char *bundle, struct error *err);
/* Read `path` (size-capped) and parse it. */
struct silo_spec *silo_spec_load(const char *path, const char *bundle, struct error *err);
/* A standalone "process" object (exec --process). */
struct silo_process *silo_process_parse(const char *json, size_t len, const char *name,
					struct error *err);
/* A standalone linux.resources object (update --resources). *ret must be released with
 * silo_resources_clear. */
int silo_resources_parse(const char *json, size_t len, const char *name,
			 struct silo_resources *ret, struct error *err);
void silo_resources_clear(struct silo_resources *r);
void silo_spec_free(struct silo_spec *spec);
void silo_process_free(struct silo_process *p);

/* Tables shared with other modules. */
const char *silo_ns_name(enum silo_ns_type t);        /* "pid", "network", ... */
int silo_ns_clone_flag(enum silo_ns_type t);           /* CLONE_NEWPID, ... */
const char *silo_hook_name(enum silo_hook_kind k);     /* "prestart", ... */

#endif
