/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroup v2 backend: controllers enabled top-down in the ancestors, OCI values converted
 * to v2 files (runtime.md 15.4), devices as an eBPF program, cgroup.freeze, stats.
 * Must not enable controllers on a hybrid host's unified tree (cgroup_v1.c calls in). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/bpf.h>
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
#include "util/syscall.h"
#include "util/xalloc.h"

static const char *const wanted_ctrls[] = { "cpu", "memory", "pids", "io", "cpuset", "hugetlb",
					    "rdma", "misc", NULL };

/* Enable what the parent offers, in every ancestor from the root down to the parent of
 * the container cgroup (the leaf holds processes: "no internal processes"). Failures are
 * tolerated here; apply() reports a missing controller when a limit needs it. */
static int v2_prepare(struct cgroup_ctx *c, struct error *err)
{
	struct cgroup_hier *h = cgroup_find_v2(c);
	if (!h)
		return 0;
	autofree char *dir = xstrdup(h->mnt);
	for (const char *p = h->path; *p;) {
		autofree char *avail = NULL, *ctl = xasprintf("%s/cgroup.controllers", dir);
		autofree char *sub = xasprintf("%s/cgroup.subtree_control", dir), *line = xstrdup("");
		struct error e;
		if (cgroup_read_at(h, ctl, &avail, err) < 0)
			return -1;
		for (size_t i = 0; wanted_ctrls[i]; i++)
			if (cgroup_ctrls_has(avail, wanted_ctrls[i], ' '))
				cgroup_json_add(&line, "%s+%s", *line ? " " : "", wanted_ctrls[i]);
		if (*line && cgroup_write_at(h, sub, line, &e) < 0)
			log_debug("enable `%s`: %s, ignoring", line, e.msg);
		const char *next = strchr(p + 1, '/');
		if (!next)
			break;
		char *nd = xasprintf("%s%.*s", dir, (int)(next - p), p);
		free(dir);
		dir = nd;
		p = next;
	}
	return 0;
}

static int need_ctrl(struct cgroup_hier *h, const char *ctrl, struct error *err)
{
	autofree char *f = NULL, *avail = NULL;
	if (cgroup_hread(h, "cgroup.controllers", &avail, err) < 0)
		return -1;
	if (!cgroup_ctrls_has(avail, ctrl, ' ')) {
		f = cgroup_file(h, "cgroup.controllers");
		return err_set(err, ENOTSUP, "cgroup v2 controller `%s` not available in `%s`", ctrl, f);
	}
	return 0;
}

static __attribute__((format(printf, 5, 6))) int v2_set(struct cgroup_hier *h, const char *ctrl,
							 const char *file, struct error *err,
							 const char *fmt, ...)
{
	autofree char *val = NULL;
	va_list ap;
	if (ctrl && need_ctrl(h, ctrl, err) < 0)
		return -1;
	va_start(ap, fmt);
	int n = vasprintf(&val, fmt, ap);
	va_end(ap);
	if (n < 0)
		return err_set(err, ENOMEM, "format `%s`", file);
	return cgroup_hwrite(h, file, val, err);
}

static int v2_max(struct cgroup_hier *h, const char *ctrl, const char *file, int64_t v,
		  struct error *err)
{
	return v < 0 ? v2_set(h, ctrl, file, err, "max") : v2_set(h, ctrl, file, err, "%" PRId64, v);
}

static int v2_memory(struct cgroup_hier *h, const struct silo_resources *r, bool update,
		     struct error *err)
{
	int64_t swap;
	bool swap_set;
	if (cgroup_swap_v2(r->memory.swap.v, r->memory.swap.set, r->memory.limit.v,
			   r->memory.limit.set, &swap, &swap_set, err) < 0)
		return -1;
	if (update && r->memory.limit.set && r->memory.check_before_update && r->memory.limit.v > 0) {
		uint64_t cur;
		if (cgroup_hread_u64(h, "memory.current", &cur, err) == 0 && cur > (uint64_t)r->memory.limit.v)
			return err_set(err, EBUSY, "memory limit %" PRId64 " below usage %" PRIu64,
				       r->memory.limit.v, cur);
	}
	if (r->memory.limit.set && v2_max(h, "memory", "memory.max", r->memory.limit.v, err) < 0)
		return -1;
	if (r->memory.reservation.set &&
	    v2_max(h, "memory", "memory.low", r->memory.reservation.v, err) < 0)
		return -1;
	if (swap_set && v2_max(h, "memory", "memory.swap.max", swap, err) < 0)
		return -1;
	if (r->memory.kernel.set || r->memory.kernel_tcp.set || r->memory.swappiness.set ||
	    r->memory.has_disable_oom_killer)
		log_warn("memory kernel/kernelTCP/swappiness/disableOOMKiller have no cgroup v2 "
			 "equivalent, ignoring");
	return 0;
}

static int v2_cpu(struct cgroup_hier *h, const struct silo_resources *r, struct error *err)
{
	char max[64];
	if (r->cpu.realtime_period.set || r->cpu.realtime_runtime.set)
		return err_set(err, ENOTSUP, "cpu realtimePeriod/realtimeRuntime need cgroup v1");
	if (r->cpu.shares.set && r->cpu.shares.v &&
	    v2_set(h, "cpu", "cpu.weight", err, "%" PRIu64, cgroup_shares_to_weight(r->cpu.shares.v)) < 0)
		return -1;
	if (cgroup_cpu_max(r, max, sizeof(max)) && v2_set(h, "cpu", "cpu.max", err, "%s", max) < 0)
		return -1;
	if (r->cpu.burst.set && v2_set(h, "cpu", "cpu.max.burst", err, "%" PRIu64, r->cpu.burst.v) < 0)
		return -1;
	if (r->cpu.idle.set && v2_set(h, "cpu", "cpu.idle", err, "%" PRId64, r->cpu.idle.v) < 0)
		return -1;
	if (r->cpu.cpus && *r->cpu.cpus && v2_set(h, "cpuset", "cpuset.cpus", err, "%s", r->cpu.cpus) < 0)
		return -1;
	if (r->cpu.mems && *r->cpu.mems && v2_set(h, "cpuset", "cpuset.mems", err, "%s", r->cpu.mems) < 0)
		return -1;
	if (r->pids_limit.set && v2_max(h, "pids", "pids.max", r->pids_limit.v, err) < 0)
		return -1;
	return 0;
}

static int v2_throttle(struct cgroup_hier *h, const char *key, const struct silo_throttles *t,
		       struct error *err)
{
	for (size_t i = 0; i < t->n; i++)
		if (v2_set(h, "io", "io.max", err, "%" PRId64 ":%" PRId64 " %s=%" PRIu64, t->v[i].major,
			   t->v[i].minor, key, t->v[i].rate) < 0)
			return -1;
	return 0;
}

/* io.bfq.weight takes the blkio scale (1..1000); io.weight needs the conversion. */
static int v2_io(struct cgroup_hier *h, const struct silo_resources *r, struct error *err)
{
	const typeof(r->block_io) *b = &r->block_io;
	bool has_bfq = cgroup_hexists(h, "io.bfq.weight");
	const char *wf = has_bfq ? "io.bfq.weight" : "io.weight";
	if (b->weight.set && b->weight.v &&
	    v2_set(h, "io", wf, err, "%" PRIu64,
		   has_bfq ? b->weight.v : cgroup_blkio_to_io_weight(b->weight.v)) < 0)
		return -1;
	for (size_t i = 0; i < b->n_weight_device; i++) {
		const struct silo_weight_device *w = &b->weight_device[i];
		if (w->weight.set && v2_set(h, "io", wf, err, "%" PRId64 ":%" PRId64 " %" PRIu64,
					    w->major, w->minor,
					    has_bfq ? w->weight.v : cgroup_blkio_to_io_weight(w->weight.v)) < 0)
			return -1;
	}
	if (v2_throttle(h, "rbps", &b->read_bps, err) < 0 ||
	    v2_throttle(h, "wbps", &b->write_bps, err) < 0 ||
	    v2_throttle(h, "riops", &b->read_iops, err) < 0 ||
	    v2_throttle(h, "wiops", &b->write_iops, err) < 0)
		return -1;
	return 0;
}

int cgroup_v2_hugetlb(struct cgroup_hier *h, const struct silo_resources *r, struct error *err)
{
	for (size_t i = 0; i < r->n_hugepage_limits; i++) {
		const char *sz = r->hugepage_limits[i].page_size;
		autofree char *rsvd = xasprintf("hugetlb.%s.rsvd.max", sz), *plain = NULL;
		plain = xasprintf("hugetlb.%s.max", sz);
		if (v2_set(h, "hugetlb", cgroup_hexists(h, rsvd) ? rsvd : plain, err, "%" PRIu64,
			   r->hugepage_limits[i].limit) < 0)
			return -1;
	}
	return 0;
}

int cgroup_v2_write_unified(struct cgroup_ctx *c, struct cgroup_hier *h,
			    const struct silo_resources *r, struct error *err)
{
	for (size_t i = 0; i < r->unified.n; i++) {
		const char *k = r->unified.v[i].key;
		autofree char *ctrl = NULL;
		if (!*k || strchr(k, '/') || strcmp(k, ".") == 0 || strcmp(k, "..") == 0)
			return err_set(err, EINVAL, "`.linux.resources.unified`: invalid key `%s`", k);
		ctrl = xstrndup(k, strcspn(k, "."));
		/* Unknown keys are still written; an absent file means an absent controller. */
		if (!cgroup_hexists(h, k) && strcmp(ctrl, "cgroup") != 0 && need_ctrl(h, ctrl, err) < 0)
			return err_prefix(err, "`.linux.resources.unified[\"%s\"]`", k);
		if (cgroup_hwrite(h, k, r->unified.v[i].value, err) < 0)
			return -1;
	}
	return 0;
}

static int v2_misc(struct cgroup_hier *h, const struct silo_resources *r, struct error *err)
{
	if (r->network.class_id.set || r->network.n_priorities)
		return err_set(err, ENOTSUP, "`.linux.resources.network` needs cgroup v1");
	for (size_t i = 0; i < r->n_rdma; i++) {
		char buf[96] = "";
		if (r->rdma[i].hca_handles.set)
			snprintf(buf, sizeof(buf), " hca_handle=%" PRIu64, r->rdma[i].hca_handles.v);
		if (r->rdma[i].hca_objects.set)
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), " hca_object=%" PRIu64,
				 r->rdma[i].hca_objects.v);
		if (v2_set(h, "rdma", "rdma.max", err, "%s%s", r->rdma[i].device, buf) < 0)
			return -1;
	}
	return 0;
}

static int bpf_load(const struct silo_device_rule *rules, size_t n, struct error *err)
{
	autofree void *insns = NULL;
	autofree char *log = xzalloc(65536);
	size_t cnt;
	union bpf_attr a;
	if (cgroup_bpf_devices(rules, n, &insns, &cnt, err) < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.insns = (uint64_t)(uintptr_t)insns;
	a.insn_cnt = (uint32_t)cnt;
	a.license = (uint64_t)(uintptr_t) "GPL";
	a.log_buf = (uint64_t)(uintptr_t)log;
	a.log_size = 65536;
	a.log_level = 1;
	int fd = sys_bpf(BPF_PROG_LOAD, &a, sizeof(a));
	if (fd >= 0)
		return fd;
	int e = errno;
	if (e == EPERM)
		return err_set(err, e, "load eBPF device program (needs CAP_SYS_ADMIN or CAP_BPF)");
	log_debug("bpf verifier: %s", log);
	return err_set(err, e, "load eBPF device program (%zu instructions)", cnt);
}

/* Programs already attached (a previous create or update), to detach once the new one is in. */
static size_t bpf_query(int cg, uint32_t *ids, size_t cap)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.query.target_fd = (uint32_t)cg;
	a.query.attach_type = BPF_CGROUP_DEVICE;
	a.query.prog_ids = (uint64_t)(uintptr_t)ids;
	a.query.prog_cnt = (uint32_t)cap;
	if (sys_bpf(BPF_PROG_QUERY, &a, sizeof(a)) < 0)
		return 0;
	return a.query.prog_cnt < cap ? a.query.prog_cnt : cap;
}

static void bpf_detach(int cg, uint32_t id)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.prog_id = id;
	autoclose int fd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &a, sizeof(a));
	if (fd < 0)
		return;
	memset(&a, 0, sizeof(a));
	a.target_fd = (uint32_t)cg;
	a.attach_bpf_fd = (uint32_t)fd;
	a.attach_type = BPF_CGROUP_DEVICE;
	if (sys_bpf(BPF_PROG_DETACH, &a, sizeof(a)) < 0)
		log_debug("detach old device program %u: %m, ignoring", id);
}

/* No RLIMIT_MEMLOCK games: since 5.11 BPF memory is charged to the memory cgroup. */
static int v2_devices(struct cgroup_ctx *c, struct cgroup_hier *h, const struct silo_resources *r,
		      bool update, struct error *err)
{
	size_t nd, n = r->n_devices, n_old;
	const struct silo_device_rule *defs = cgroup_default_devices(&nd);
	uint32_t old[64];
	if ((update && !n) || (c->flags & SILO_CGROUP_ROOTLESS))
		return 0;
	autofree struct silo_device_rule *all = xcalloc(n + nd, sizeof(*all));
	memcpy(all, r->devices, n * sizeof(*all));
	memcpy(all + n, defs, nd * sizeof(*all));
	autofree char *dir = cgroup_file(h, NULL);
	autoclose int cg = cgroup_open(h, NULL, O_RDONLY | O_DIRECTORY);
	if (cg < 0)
		return err_set(err, errno, "open `%s`", dir);
	autoclose int prog = bpf_load(all, n + nd, err);
	if (prog < 0)
		return -1;
	n_old = bpf_query(cg, old, 64);
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.target_fd = (uint32_t)cg;
	a.attach_bpf_fd = (uint32_t)prog;
	a.attach_type = BPF_CGROUP_DEVICE;
	a.attach_flags = BPF_F_ALLOW_MULTI;
	if (sys_bpf(BPF_PROG_ATTACH, &a, sizeof(a)) < 0)
		return err_set(err, errno, "attach eBPF device program to `%s`", dir);
	for (size_t i = 0; i < n_old; i++)
		bpf_detach(cg, old[i]);
	return 0;
}

static int v2_apply(struct cgroup_ctx *c, const struct silo_resources *r, bool update,
		    struct error *err)
{
	struct cgroup_hier *h = cgroup_find_v2(c);
	if (!h)
		return cgroup_resources_any(r) ? err_set(err, EACCES, "no writable cgroup v2 tree") : 0;
	if (v2_memory(h, r, update, err) < 0 || v2_cpu(h, r, err) < 0 || v2_io(h, r, err) < 0 ||
	    (r->n_hugepage_limits && cgroup_v2_hugetlb(h, r, err) < 0) || v2_misc(h, r, err) < 0 ||
	    (r->unified.n && cgroup_v2_write_unified(c, h, r, err) < 0) ||
	    v2_devices(c, h, r, update, err) < 0)
		return -1;
	return 0;
}

static int v2_freeze(struct cgroup_ctx *c, bool freeze, struct error *err)
{
	struct cgroup_hier *h = cgroup_find_v2(c);
	autofree char *ev = cgroup_file(h, "cgroup.events");
	if (cgroup_hwrite(h, "cgroup.freeze", freeze ? "1" : "0", err) < 0)
		return -1;
	for (int waited = 0;; waited++) {
		uint64_t frozen = cgroup_hkeyed(h, "cgroup.events", "frozen");
		if ((frozen == 1) == freeze)
			return 0;
		if (waited >= CGROUP_WAIT_MS) {
			struct error ignored;
			if (freeze)
				cgroup_hwrite(h, "cgroup.freeze", "0", &ignored);
			return err_set(err, ETIMEDOUT, "`%s` does not report frozen %d", ev, freeze);
		}
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	}
}

static int v2_is_frozen(struct cgroup_ctx *c, bool *ret, struct error *err)
{
	struct cgroup_hier *h = cgroup_find_v2(c);
	autofree char *v = NULL;
	if (cgroup_hread(h, "cgroup.freeze", &v, err) < 0)
		return -1;
	*ret = strcmp(v, "1") == 0;
	return 0;
}

static uint64_t v2_u64(struct cgroup_hier *h, const char *file)
{
	struct error e;
	uint64_t v = 0;
	if (cgroup_hread_u64(h, file, &v, &e) < 0 || v == UINT64_MAX)
		v = 0;
	return v;
}

static int v2_stats(struct cgroup_ctx *c, char **b, struct error *err)
{
	struct cgroup_hier *h = cgroup_find_v2(c);
	if (!h)
		return err_set(err, ENOENT, "cgroup `%s`: not joined in the v2 tree", c->path);
	cgroup_json_add(b, "\"cpu\":{\"usage\":{\"total\":%" PRIu64 ",\"kernel\":%" PRIu64
			   ",\"user\":%" PRIu64 "},",
			cgroup_hkeyed(h, "cpu.stat", "usage_usec") * 1000, cgroup_hkeyed(h, "cpu.stat", "system_usec") * 1000,
			cgroup_hkeyed(h, "cpu.stat", "user_usec") * 1000);
	cgroup_json_add(b, "\"throttling\":{\"periods\":%" PRIu64 ",\"throttledPeriods\":%" PRIu64
			   ",\"throttledTime\":%" PRIu64 "}},",
			cgroup_hkeyed(h, "cpu.stat", "nr_periods"), cgroup_hkeyed(h, "cpu.stat", "nr_throttled"),
			cgroup_hkeyed(h, "cpu.stat", "throttled_usec") * 1000);
	cgroup_json_add(b, "\"memory\":{\"cache\":%" PRIu64 ",\"usage\":{\"limit\":%" PRIu64
			   ",\"usage\":%" PRIu64 ",\"max\":%" PRIu64 ",\"failcnt\":0},",
			cgroup_hkeyed(h, "memory.stat", "file"), v2_u64(h, "memory.max"), v2_u64(h, "memory.current"),
			v2_u64(h, "memory.peak"));
	cgroup_json_add(b, "\"swap\":{\"limit\":%" PRIu64 ",\"usage\":%" PRIu64 ",\"failcnt\":0}},",
			v2_u64(h, "memory.swap.max"), v2_u64(h, "memory.swap.current"));
	cgroup_json_add(b, "\"pids\":{\"current\":%" PRIu64 ",\"limit\":%" PRIu64 "}",
			v2_u64(h, "pids.current"), v2_u64(h, "pids.max"));
	return 0;
}

const struct cgroup_ops cgroup_v2_ops = {
	.prepare = v2_prepare,
	.apply = v2_apply,
	.freeze = v2_freeze,
	.is_frozen = v2_is_frozen,
	.stats = v2_stats,
};
