/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Private to cgroup*.c: the parsed cgroup state, the backend ops table (v1, v2) and the
 * pure resource conversions of cgroup_resources.c (unit-tested). */
#ifndef SILO_CGROUP_INTERNAL_H
#define SILO_CGROUP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup.h"

struct error;
struct silo_resources;
struct silo_device_rule;

/* Bounded waits (freeze read-back, emptying a cgroup before rmdir). */
#define CGROUP_WAIT_MS 5000
#define CGROUP_MAX_HIER 32
#define CGROUP_ROOT "/sys/fs/cgroup"

/* One mounted hierarchy. */
struct cgroup_hier {
	char *mnt;   /* mount point, e.g. /sys/fs/cgroup/memory */
	char *root;  /* mount root inside the hierarchy ("/" normally) */
	char *ctrls; /* v1 super options minus rw/ro: "cpu,cpuacct", "name=systemd"; v2: "" */
	char *path;  /* the container cgroup in this hierarchy ("/a/b"; relative paths differ) */
	bool v2;
	int created; /* trailing components of the container path that silo created; -1 skipped */
	/* Path walks into cgroupfs are what parallel creates wait for: each component takes
	 * the read side of its kernfs root's rwsem (all of sysfs shares one, which every new
	 * network namespace takes for writing), so files are opened relative to fds. */
	int rootfd;  /* borrowed: the ctx's fd of CGROUP_ROOT, when has_root */
	int fd;      /* owned: the container cgroup's directory, when has_fd (opened lazily) */
	bool has_root, has_fd;
};

struct cgroup_ctx {
	enum silo_cgroup_layout layout;
	char *path; /* the path as resolved in the first hierarchy (for messages) */
	unsigned flags; /* enum silo_cgroup_flags */
	struct cgroup_hier h[CGROUP_MAX_HIER];
	size_t n;
	int rootfd; /* CGROUP_ROOT (O_PATH), when has_root; closed with the ctx */
	bool has_root;
};

/* A backend: v1 (also used for hybrid, where the unified hierarchy is an extra member of
 * ctx->h that is joined but never gets controllers enabled) or v2. */
struct cgroup_ops {
	/* Called after the directories exist, before any pid is moved in. */
	int (*prepare)(struct cgroup_ctx *c, struct error *err);
	int (*apply)(struct cgroup_ctx *c, const struct silo_resources *r, bool update,
		     struct error *err);
	int (*freeze)(struct cgroup_ctx *c, bool freeze, struct error *err);
	int (*is_frozen)(struct cgroup_ctx *c, bool *ret, struct error *err);
	/* Append the stats members ("cpu":{..},"memory":{..},"pids":{..}) to *buf. */
	int (*stats)(struct cgroup_ctx *c, char **buf, struct error *err);
};

extern const struct cgroup_ops cgroup_v1_ops;
extern const struct cgroup_ops cgroup_v2_ops;

/* ---- cgroup_util.c: file helpers shared by cgroup.c and the backends */
/* "<mnt><h->path>[/<file>]" (malloc'd); file may be NULL. */
char *cgroup_file(const struct cgroup_hier *h, const char *file);
/* The directory fd and the name relative to it that reach the absolute path `full`:
 * `rootfd` and the part below CGROUP_ROOT when `full` is there, else AT_FDCWD and `full`. */
int cgroup_at(bool has_root, int rootfd, const char *full, const char **rel);
/* Open `file` (NULL: the directory itself) of the container cgroup h, relative to its
 * directory fd (opened on first use, relative to CGROUP_ROOT). -1 with errno on failure. */
int cgroup_open(struct cgroup_hier *h, const char *file, int flags);
/* As cgroup_write/cgroup_read/cgroup_read_u64/cgroup_keyed/access for `file` of h; errors
 * name the full path. */
int cgroup_hwrite(struct cgroup_hier *h, const char *file, const char *val, struct error *err);
int cgroup_hread(struct cgroup_hier *h, const char *file, char **ret, struct error *err);
int cgroup_hread_u64(struct cgroup_hier *h, const char *file, uint64_t *ret, struct error *err);
uint64_t cgroup_hkeyed(struct cgroup_hier *h, const char *file, const char *key);
bool cgroup_hexists(struct cgroup_hier *h, const char *file);
/* As cgroup_read/cgroup_write for `full`, an absolute path (named in messages), reached
 * relative to h's root fd when it lies below CGROUP_ROOT (ancestors of the container). */
int cgroup_read_at(struct cgroup_hier *h, const char *full, char **ret, struct error *err);
int cgroup_write_at(struct cgroup_hier *h, const char *full, const char *val, struct error *err);
int cgroup_write(const char *file, const char *val, struct error *err);
int cgroup_writef(const char *file, struct error *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Read a small cgroup file, trailing newline stripped. */
int cgroup_read(const char *file, char **ret, struct error *err);
int cgroup_read_u64(const char *file, uint64_t *ret, struct error *err);
/* v1: the hierarchy carrying `ctrl` ("memory", "name=systemd"), or NULL. */
struct cgroup_hier *cgroup_find_v1(struct cgroup_ctx *c, const char *ctrl);
struct cgroup_hier *cgroup_find_v2(struct cgroup_ctx *c);
bool cgroup_ctrls_has(const char *list, const char *ctrl, char sep);
/* "key value" lines of `file`: the value of `key`, 0 when absent or unreadable. */
uint64_t cgroup_keyed(const char *file, const char *key);

/* ---- cgroup_v2.c pieces the hybrid (v1) backend reuses on the unified tree */
/* `.linux.resources.unified`: keys checked (no `/`, controller present), then written. */
int cgroup_v2_write_unified(struct cgroup_ctx *c, struct cgroup_hier *h,
			    const struct silo_resources *r, struct error *err);
int cgroup_v2_hugetlb(struct cgroup_hier *h, const struct silo_resources *r, struct error *err);

/* ---- cgroup_resources.c: pure conversions */
/* Normalise `path` (`.`, `//`, `..` resolved lexically) below `base` ("/" or a cgroup
 * path); fails with EINVAL when `..` would leave base or a character is unusable. */
int cgroup_path_join(const char *base, const char *path, char **ret, struct error *err);
/* systemd "slice:prefix:name" -> "/a.slice/a-b.slice/<prefix>-<name>.scope". */
int cgroup_systemd_path(const char *spec, const char *id, char **ret, struct error *err);
/* cpu.shares -> cpu.weight (0 = unset -> 0). */
uint64_t cgroup_shares_to_weight(uint64_t shares);
/* blkio.weight (10..1000) -> io.weight (1..10000); 0 -> 0. */
uint64_t cgroup_blkio_to_io_weight(uint64_t weight);
/* memory.swap.max from OCI swap (memory+swap) and limit; *ret -1 means "max",
 * *ret_set false means nothing to write. */
int cgroup_swap_v2(int64_t swap, bool swap_set, int64_t limit, bool limit_set, int64_t *ret,
		   bool *ret_set, struct error *err);
/* v1 devices.allow/deny line(s) for one rule; at most 2 lines ('a' with specific numbers
 * expands to c and b). Returns the count. */
int cgroup_device_lines(const struct silo_device_rule *r, char lines[2][64]);
/* The default rules of runtime.md 14.3 (appended after the config's). */
const struct silo_device_rule *cgroup_default_devices(size_t *ret_n);
/* eBPF BPF_PROG_TYPE_CGROUP_DEVICE program: last matching rule wins, default deny.
 * *ret holds struct bpf_insn[], *ret_n the instruction count. */
int cgroup_bpf_devices(const struct silo_device_rule *rules, size_t n, void **ret,
		       size_t *ret_n, struct error *err);
/* "<max|v> <period>" for cpu.max; false when neither quota nor period is set. */
bool cgroup_cpu_max(const struct silo_resources *r, char *buf, size_t len);
/* Whether the resources ask for any limit at all (rootless tolerance). */
bool cgroup_resources_any(const struct silo_resources *r);

/* Minimal JSON appending for the stats. */
void cgroup_json_add(char **buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
