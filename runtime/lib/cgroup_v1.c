/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroup v1 backend (also the hybrid one): cpuset inheritance, limits written to the
 * per-controller hierarchies, device lists, freezer.state, stats. On hybrid hosts only
 * hugetlb and `unified` keys go to the v2 tree, where controllers are never enabled. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup_internal.h"
#include "spec.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/log.h"
#include "util/xalloc.h"

static __attribute__((format(printf, 5, 6))) int v1_set(struct cgroup_ctx *c, const char *ctrl, const char *file, struct error *err,
		  const char *fmt, ...)
{
	struct cgroup_hier *h = cgroup_find_v1(c, ctrl);
	autofree char *val = NULL;
	va_list ap;
	if (!h)
		return err_set(err, ENOTSUP, "`%s` needs the cgroup v1 `%s` controller, not mounted",
			       file, ctrl);
	va_start(ap, fmt);
	int n = vasprintf(&val, fmt, ap);
	va_end(ap);
	if (n < 0)
		return err_set(err, ENOMEM, "format `%s`", file);
	return cgroup_hwrite(h, file, val, err);
}

/* `dir`: the full path of a cpuset cgroup silo created (the leaf: h's own directory). */
static int cpuset_copy(struct cgroup_hier *h, const char *dir, bool leaf, struct error *err)
{
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
	for (size_t k = 0; k < 2; k++) {
		autofree char *cf = xasprintf("%s/%s", dir, files[k]), *cur = NULL, *val = NULL;
		autofree char *pf = xasprintf("%.*s/%s", (int)(strrchr(dir, '/') - dir), dir, files[k]);
		if ((leaf ? cgroup_hread(h, files[k], &cur, err) : cgroup_read_at(h, cf, &cur, err)) < 0)
			return -1;
		if (*cur)
			continue;
		if (cgroup_read_at(h, pf, &val, err) < 0 ||
		    (leaf ? cgroup_hwrite(h, files[k], val, err) : cgroup_write_at(h, cf, val, err)) < 0)
			return -1;
	}
	return 0;
}

/* cpuset.cpus/mems start empty in a new v1 cpuset cgroup: copy them down from the parent
 * into every directory silo created, top-down, or no task could join. */
static int v1_prepare(struct cgroup_ctx *c, struct error *err)
{
	struct cgroup_hier *h = cgroup_find_v1(c, "cpuset");
	if (!h || h->created <= 0)
		return 0;
	autofree char *leaf = cgroup_file(h, NULL);
	for (int strip = h->created - 1; strip >= 0; strip--) {
		autofree char *dir = xstrdup(leaf);
		for (int k = 0; k < strip; k++)
			*strrchr(dir, '/') = '\0';
		if (cpuset_copy(h, dir, strip == 0, err) < 0)
			return -1;
	}
	return 0;
}

static int v1_memory_limit(struct cgroup_ctx *c, const struct silo_resources *r, bool update,
			   struct error *err)
{
	bool lim = r->memory.limit.set, sw = r->memory.swap.set;
	if (update && lim && r->memory.check_before_update && r->memory.limit.v > 0) {
		struct cgroup_hier *h = cgroup_find_v1(c, "memory");
		uint64_t usage;
		if (h && cgroup_hread_u64(h, "memory.usage_in_bytes", &usage, err) == 0 &&
		    usage > (uint64_t)r->memory.limit.v)
			return err_set(err, EBUSY, "memory limit %" PRId64 " below usage %" PRIu64,
				       r->memory.limit.v, usage);
	}
	if (lim && v1_set(c, "memory", "memory.limit_in_bytes", err, "%" PRId64, r->memory.limit.v) == 0)
		lim = false;
	else if (lim && err->errnum != EINVAL)
		return -1;
	/* EINVAL: the new limit exceeds the current memsw limit, so raise memsw first. */
	if (sw && v1_set(c, "memory", "memory.memsw.limit_in_bytes", err, "%" PRId64,
			 r->memory.swap.v) < 0)
		return -1;
	if (lim && v1_set(c, "memory", "memory.limit_in_bytes", err, "%" PRId64, r->memory.limit.v) < 0)
		return -1;
	return 0;
}

static int v1_memory(struct cgroup_ctx *c, const struct silo_resources *r, bool update,
		     struct error *err)
{
	const char *kf[] = { "memory.kmem.limit_in_bytes", "memory.kmem.tcp.limit_in_bytes" };
	const struct silo_opt_i64 *kv[] = { &r->memory.kernel, &r->memory.kernel_tcp };
	if (v1_memory_limit(c, r, update, err) < 0)
		return -1;
	if (r->memory.reservation.set && v1_set(c, "memory", "memory.soft_limit_in_bytes", err,
						"%" PRId64, r->memory.reservation.v) < 0)
		return -1;
	for (int i = 0; i < 2; i++) {
		if (!kv[i]->set || v1_set(c, "memory", kf[i], err, "%" PRId64, kv[i]->v) == 0)
			continue;
		if (err->errnum != EOPNOTSUPP && err->errnum != ENOENT && err->errnum != EINVAL)
			return -1;
		log_warn("%s: kernel memory limits are not supported, ignoring", err->msg);
	}
	if (r->memory.swappiness.set && r->memory.swappiness.v <= 100 &&
	    v1_set(c, "memory", "memory.swappiness", err, "%" PRIu64, r->memory.swappiness.v) < 0)
		return -1;
	if (r->memory.has_disable_oom_killer &&
	    v1_set(c, "memory", "memory.oom_control", err, "%d", r->memory.disable_oom_killer) < 0)
		return -1;
	if (r->memory.has_use_hierarchy &&
	    v1_set(c, "memory", "memory.use_hierarchy", err, "%d", r->memory.use_hierarchy) < 0)
		return -1;
	return 0;
}

static int v1_cpu(struct cgroup_ctx *c, const struct silo_resources *r, struct error *err)
{
	if (r->cpu.shares.set && v1_set(c, "cpu", "cpu.shares", err, "%" PRIu64, r->cpu.shares.v) < 0)
		return -1;
	if (r->cpu.period.set && v1_set(c, "cpu", "cpu.cfs_period_us", err, "%" PRIu64,
					r->cpu.period.v) < 0)
		return -1;
	if (r->cpu.quota.set && v1_set(c, "cpu", "cpu.cfs_quota_us", err, "%" PRId64,
				       r->cpu.quota.v) < 0)
		return -1;
	if (r->cpu.burst.set && v1_set(c, "cpu", "cpu.cfs_burst_us", err, "%" PRIu64,
				       r->cpu.burst.v) < 0)
		return -1;
	if (r->cpu.realtime_period.set && v1_set(c, "cpu", "cpu.rt_period_us", err, "%" PRIu64,
						 r->cpu.realtime_period.v) < 0)
		return -1;
	if (r->cpu.realtime_runtime.set && v1_set(c, "cpu", "cpu.rt_runtime_us", err, "%" PRId64,
						  r->cpu.realtime_runtime.v) < 0)
		return -1;
	if (r->cpu.idle.set && v1_set(c, "cpu", "cpu.idle", err, "%" PRId64, r->cpu.idle.v) < 0)
		return -1;
	if (r->cpu.cpus && *r->cpu.cpus && v1_set(c, "cpuset", "cpuset.cpus", err, "%s", r->cpu.cpus) < 0)
		return -1;
	if (r->cpu.mems && *r->cpu.mems && v1_set(c, "cpuset", "cpuset.mems", err, "%s", r->cpu.mems) < 0)
		return -1;
	if (r->pids_limit.set && (r->pids_limit.v < 0 ? v1_set(c, "pids", "pids.max", err, "max")
						      : v1_set(c, "pids", "pids.max", err, "%" PRId64,
							       r->pids_limit.v)) < 0)
		return -1;
	return 0;
}

static int v1_throttle(struct cgroup_ctx *c, const char *file, const struct silo_throttles *t,
		       struct error *err)
{
	for (size_t i = 0; i < t->n; i++)
		if (v1_set(c, "blkio", file, err, "%" PRId64 ":%" PRId64 " %" PRIu64, t->v[i].major,
			   t->v[i].minor, t->v[i].rate) < 0)
			return -1;
	return 0;
}

static int v1_blkio(struct cgroup_ctx *c, const struct silo_resources *r, struct error *err)
{
	const typeof(r->block_io) *b = &r->block_io;
	if (b->weight.set && v1_set(c, "blkio", "blkio.weight", err, "%" PRIu64, b->weight.v) < 0)
		return -1;
	if (b->leaf_weight.set &&
	    v1_set(c, "blkio", "blkio.leaf_weight", err, "%" PRIu64, b->leaf_weight.v) < 0)
		return -1;
	for (size_t i = 0; i < b->n_weight_device; i++) {
		const struct silo_weight_device *w = &b->weight_device[i];
		if (w->weight.set && v1_set(c, "blkio", "blkio.weight_device", err,
					    "%" PRId64 ":%" PRId64 " %" PRIu64, w->major, w->minor,
					    w->weight.v) < 0)
			return -1;
		if (w->leaf_weight.set && v1_set(c, "blkio", "blkio.leaf_weight_device", err,
						 "%" PRId64 ":%" PRId64 " %" PRIu64, w->major,
						 w->minor, w->leaf_weight.v) < 0)
			return -1;
	}
	if (v1_throttle(c, "blkio.throttle.read_bps_device", &b->read_bps, err) < 0 ||
	    v1_throttle(c, "blkio.throttle.write_bps_device", &b->write_bps, err) < 0 ||
	    v1_throttle(c, "blkio.throttle.read_iops_device", &b->read_iops, err) < 0 ||
	    v1_throttle(c, "blkio.throttle.write_iops_device", &b->write_iops, err) < 0)
		return -1;
	return 0;
}

static int v1_hugetlb(struct cgroup_ctx *c, const struct silo_resources *r, struct error *err)
{
	struct cgroup_hier *h = cgroup_find_v1(c, "hugetlb");
	if (!r->n_hugepage_limits)
		return 0;
	if (!h) {
		struct cgroup_hier *u = cgroup_find_v2(c);
		if (u)
			return cgroup_v2_hugetlb(u, r, err);
		return err_set(err, ENOTSUP, "hugepageLimits: no hugetlb controller");
	}
	for (size_t i = 0; i < r->n_hugepage_limits; i++) {
		const char *sz = r->hugepage_limits[i].page_size;
		autofree char *rsvd = xasprintf("hugetlb.%s.rsvd.limit_in_bytes", sz);
		autofree char *plain = xasprintf("hugetlb.%s.limit_in_bytes", sz);
		const char *file = cgroup_hexists(h, rsvd) ? rsvd : plain;
		if (v1_set(c, "hugetlb", file, err, "%" PRIu64, r->hugepage_limits[i].limit) < 0)
			return -1;
	}
	return 0;
}

static int v1_misc(struct cgroup_ctx *c, const struct silo_resources *r, struct error *err)
{
	if (r->network.class_id.set && v1_set(c, "net_cls", "net_cls.classid", err, "%" PRIu64,
					      r->network.class_id.v) < 0)
		return -1;
	for (size_t i = 0; i < r->network.n_priorities; i++)
		if (v1_set(c, "net_prio", "net_prio.ifpriomap", err, "%s %s",
			   r->network.priorities[i].key, r->network.priorities[i].value) < 0)
			return -1;
	for (size_t i = 0; i < r->n_rdma; i++) {
		char buf[96] = "";
		if (r->rdma[i].hca_handles.set)
			snprintf(buf, sizeof(buf), " hca_handle=%" PRIu64, r->rdma[i].hca_handles.v);
		if (r->rdma[i].hca_objects.set)
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), " hca_object=%" PRIu64,
				 r->rdma[i].hca_objects.v);
		if (v1_set(c, "rdma", "rdma.max", err, "%s%s", r->rdma[i].device, buf) < 0)
			return -1;
	}
	return 0;
}

/* The devices files, each opened once for the whole rule list: every write() is one rule
 * to the kernel, and a container's ~13 rules no longer cost 13 path walks into cgroupfs
 * (which wait on the hierarchy's lock while other containers' cgroups are created). */
struct v1_device_files {
	struct cgroup_hier *h;
	int fd[2]; /* devices.deny, devices.allow */
};

static int v1_device_write(struct v1_device_files *df, bool allow, const char *line,
			   struct error *err)
{
	const char *name = allow ? "devices.allow" : "devices.deny";
	size_t len = strlen(line);
	ssize_t n;

	if (df->fd[allow] < 0) {
		df->fd[allow] = cgroup_open(df->h, name, O_WRONLY);
		if (df->fd[allow] < 0) {
			autofree char *f = cgroup_file(df->h, name);
			return err_set(err, errno, "open `%s`", f);
		}
	}
	n = write(df->fd[allow], line, len);
	if (n < 0)
		return err_set(err, errno, "write `%s` to `%s`", line, name);
	if ((size_t)n != len)
		return err_set(err, EIO, "write `%s` to `%s`: short write", line, name);
	return 0;
}

static int v1_device_rule(struct v1_device_files *df, const struct silo_device_rule *d,
			  struct error *err)
{
	char lines[2][64];
	int n = cgroup_device_lines(d, lines);
	for (int i = 0; i < n; i++)
		if (v1_device_write(df, d->allow, lines[i], err) < 0)
			return -1;
	return 0;
}

/* Deny everything, then the config's rules in order, then the defaults (runtime.md 14.3). */
static int v1_devices(struct cgroup_ctx *c, const struct silo_resources *r, bool update,
		      struct error *err)
{
	struct v1_device_files df = { .h = cgroup_find_v1(c, "devices"), .fd = { -1, -1 } };
	size_t nd;
	const struct silo_device_rule *defs = cgroup_default_devices(&nd);
	int ret = -1;

	if ((update && !r->n_devices) || (c->flags & SILO_CGROUP_ROOTLESS))
		return 0;
	if (!df.h) {
		log_debug("no devices cgroup: device rules not enforced");
		return 0;
	}
	if (v1_device_write(&df, false, "a", err) < 0)
		goto out;
	for (size_t i = 0; i < r->n_devices; i++)
		if (v1_device_rule(&df, &r->devices[i], err) < 0) {
			err_prefix(err, "`.linux.resources.devices[%zu]`", i);
			goto out;
		}
	for (size_t i = 0; i < nd; i++)
		if (v1_device_rule(&df, &defs[i], err) < 0)
			goto out;
	ret = 0;
out:
	closep(&df.fd[0]);
	closep(&df.fd[1]);
	return ret;
}

static int v1_apply(struct cgroup_ctx *c, const struct silo_resources *r, bool update,
		    struct error *err)
{
	if (r->unified.n) {
		struct cgroup_hier *u = c->layout == SILO_CGROUP_HYBRID ? cgroup_find_v2(c) : NULL;
		if (!u)
			return err_set(err, ENOTSUP, "`.linux.resources.unified` needs cgroup v2");
		if (cgroup_v2_write_unified(c, u, r, err) < 0)
			return -1;
	}
	if (v1_memory(c, r, update, err) < 0 || v1_cpu(c, r, err) < 0 || v1_blkio(c, r, err) < 0 ||
	    v1_hugetlb(c, r, err) < 0 || v1_misc(c, r, err) < 0 || v1_devices(c, r, update, err) < 0)
		return -1;
	return 0;
}

static int v1_freeze(struct cgroup_ctx *c, bool freeze, struct error *err)
{
	struct cgroup_hier *h = cgroup_find_v1(c, "freezer");
	const char *want = freeze ? "FROZEN" : "THAWED";
	if (!h)
		return err_set(err, ENOTSUP, "no v1 freezer hierarchy");
	for (int waited = 0;; waited++) {
		autofree char *cur = NULL;
		/* Re-write now and then: FREEZING can stall on a task that was busy. */
		if (waited % 10 == 0 && cgroup_hwrite(h, "freezer.state", want, err) < 0)
			return -1;
		if (cgroup_hread(h, "freezer.state", &cur, err) < 0)
			return -1;
		if (strcmp(cur, want) == 0)
			return 0;
		if (waited >= CGROUP_WAIT_MS) {
			struct error ignored;
			autofree char *f = cgroup_file(h, "freezer.state");
			if (freeze)
				cgroup_hwrite(h, "freezer.state", "THAWED", &ignored);
			return err_set(err, ETIMEDOUT, "`%s` still reads `%s`", f, cur);
		}
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	}
}

static int v1_is_frozen(struct cgroup_ctx *c, bool *ret, struct error *err)
{
	struct cgroup_hier *h = cgroup_find_v1(c, "freezer");
	autofree char *cur = NULL;
	*ret = false;
	if (!h)
		return 0;
	if (cgroup_hread(h, "freezer.state", &cur, err) < 0)
		return -1;
	*ret = strcmp(cur, "FROZEN") == 0;
	return 0;
}

/* Value of `file` in the hierarchy of `ctrl`, 0 when absent. */
static uint64_t v1_u64(struct cgroup_ctx *c, const char *ctrl, const char *file)
{
	struct cgroup_hier *h = cgroup_find_v1(c, ctrl);
	struct error e;
	uint64_t v = 0;
	if (h && cgroup_hread_u64(h, file, &v, &e) < 0)
		v = 0;
	return v;
}

static void v1_stats_cpu(struct cgroup_ctx *c, char **b)
{
	struct cgroup_hier *h = cgroup_find_v1(c, "cpuacct");
	autofree char *per = NULL;
	struct cgroup_hier *hc = cgroup_find_v1(c, "cpu");
	long tck = sysconf(_SC_CLK_TCK);
	uint64_t ns = tck > 0 ? 1000000000ull / (uint64_t)tck : 10000000ull;
	struct error e;
	cgroup_json_add(b, "\"cpu\":{\"usage\":{\"total\":%" PRIu64 ",\"percpu\":[",
			v1_u64(c, "cpuacct", "cpuacct.usage"));
	if (h && cgroup_hread(h, "cpuacct.usage_percpu", &per, &e) == 0) {
		int i = 0;
		for (char *save = NULL, *t = strtok_r(per, " ", &save); t; t = strtok_r(NULL, " ", &save))
			cgroup_json_add(b, "%s%" PRIu64, i++ ? "," : "", (uint64_t)strtoull(t, NULL, 10));
	}
	cgroup_json_add(b, "],\"kernel\":%" PRIu64 ",\"user\":%" PRIu64 "},",
			h ? cgroup_hkeyed(h, "cpuacct.stat", "system") * ns : 0,
			h ? cgroup_hkeyed(h, "cpuacct.stat", "user") * ns : 0);
	cgroup_json_add(b, "\"throttling\":{\"periods\":%" PRIu64 ",\"throttledPeriods\":%" PRIu64
			   ",\"throttledTime\":%" PRIu64 "}},",
			hc ? cgroup_hkeyed(hc, "cpu.stat", "nr_periods") : 0,
			hc ? cgroup_hkeyed(hc, "cpu.stat", "nr_throttled") : 0,
			hc ? cgroup_hkeyed(hc, "cpu.stat", "throttled_time") : 0);
}

static void v1_mem_entry(struct cgroup_ctx *c, char **b, const char *name, const char *pfx)
{
	char f[4][96];
	const char *suf[] = { "limit_in_bytes", "usage_in_bytes", "max_usage_in_bytes", "failcnt" };
	for (int i = 0; i < 4; i++)
		snprintf(f[i], sizeof(f[i]), "%s%s", pfx, suf[i]);
	cgroup_json_add(b, "\"%s\":{\"limit\":%" PRIu64 ",\"usage\":%" PRIu64 ",\"max\":%" PRIu64
			   ",\"failcnt\":%" PRIu64 "}",
			name, v1_u64(c, "memory", f[0]), v1_u64(c, "memory", f[1]),
			v1_u64(c, "memory", f[2]), v1_u64(c, "memory", f[3]));
}

static int v1_stats(struct cgroup_ctx *c, char **b, struct error *err)
{
	struct cgroup_hier *m = cgroup_find_v1(c, "memory");
	uint64_t plim = v1_u64(c, "pids", "pids.max");
	v1_stats_cpu(c, b);
	cgroup_json_add(b, "\"memory\":{\"cache\":%" PRIu64 ",", m ? cgroup_hkeyed(m, "memory.stat", "cache") : 0);
	v1_mem_entry(c, b, "usage", "memory.");
	cgroup_json_add(b, ",");
	v1_mem_entry(c, b, "swap", "memory.memsw.");
	cgroup_json_add(b, ",");
	v1_mem_entry(c, b, "kernel", "memory.kmem.");
	cgroup_json_add(b, ",");
	v1_mem_entry(c, b, "kernelTCP", "memory.kmem.tcp.");
	cgroup_json_add(b, "},\"pids\":{\"current\":%" PRIu64 ",\"limit\":%" PRIu64 "}",
			v1_u64(c, "pids", "pids.current"), plim == UINT64_MAX ? 0 : plim);
	return 0;
}

const struct cgroup_ops cgroup_v1_ops = {
	.prepare = v1_prepare,
	.apply = v1_apply,
	.freeze = v1_freeze,
	.is_frozen = v1_is_frozen,
	.stats = v1_stats,
};
