/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Pure cgroup conversions: path normalisation and the systemd slice form, OCI v1-style
 * values to cgroup v2 files, device rules to v1 lines and to an eBPF device program.
 * No file system access here: everything is unit-tested. */
#include <errno.h>
#include <inttypes.h>
#include <linux/bpf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup_internal.h"
#include "spec.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/xalloc.h"

#define MAX_DEPTH 64

/* Split `s` on '/' into comps[], honouring `.`, empty and `..` (may not pop below `floor`). */
static int push_components(char *s, char **comps, size_t *n, size_t floor, struct error *err)
{
	char *save = NULL;
	for (char *c = strtok_r(s, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (strcmp(c, ".") == 0)
			continue;
		if (strcmp(c, "..") == 0) {
			if (*n <= floor)
				return err_set(err, EINVAL, "cgroup path escapes its base with `..`");
			(*n)--;
			continue;
		}
		if (*n == MAX_DEPTH)
			return err_set(err, EINVAL, "cgroup path deeper than %d", MAX_DEPTH);
		comps[(*n)++] = c;
	}
	return 0;
}

int cgroup_path_join(const char *base, const char *path, char **ret, struct error *err)
{
	autofree char *b = xstrdup(base ? base : "/");
	autofree char *p = xstrdup(path ? path : "");
	char *comps[MAX_DEPTH];
	size_t n = 0, floor, len = 1;

	if (strpbrk(p, "|\n") || strpbrk(b, "|\n"))
		return err_set(err, EINVAL, "cgroup path `%s`: invalid character", path);
	if (push_components(b, comps, &n, 0, err) < 0)
		return -1;
	floor = n;
	if (push_components(p, comps, &n, floor, err) < 0)
		return err_prefix(err, "cgroup path `%s`", path);
	if (n == 0)
		return err_set(err, EINVAL, "cgroup path `%s` is the hierarchy root", path);
	for (size_t i = 0; i < n; i++)
		len += strlen(comps[i]) + 1;
	char *out = xmalloc(len), *o = out;
	for (size_t i = 0; i < n; i++)
		o += sprintf(o, "/%s", comps[i]);
	*ret = out;
	return 0;
}

/* systemd's slice expansion: "a-b.slice" -> "/a.slice/a-b.slice"; "-.slice"/"-" -> "". */
static int expand_slice(const char *slice, char **ret, struct error *err)
{
	size_t len = strlen(slice);
	if (!*slice)
		slice = "system.slice", len = strlen(slice);
	if (strcmp(slice, "-") == 0 || strcmp(slice, "-.slice") == 0) {
		*ret = xstrdup("");
		return 0;
	}
	if (strchr(slice, '/') || len <= 6 || strcmp(slice + len - 6, ".slice") != 0)
		return err_set(err, EINVAL, "invalid slice `%s`", slice);
	autofree char *name = xstrndup(slice, len - 6);
	if (name[0] == '-' || name[strlen(name) - 1] == '-' || strstr(name, "--"))
		return err_set(err, EINVAL, "invalid slice `%s`", slice);
	char *out = xzalloc(2 * len * (len / 2 + 2)), *o = out;
	for (char *dash = name;; dash++) {
		dash = strchr(dash, '-');
		size_t plen = dash ? (size_t)(dash - name) : strlen(name);
		o += sprintf(o, "/%.*s.slice", (int)plen, name);
		if (!dash)
			break;
	}
	*ret = out;
	return 0;
}

int cgroup_systemd_path(const char *spec, const char *id, char **ret, struct error *err)
{
	autofree char *s = spec && *spec ? xstrdup(spec) : xasprintf(":silo:%s", id ? id : "");
	autofree char *slice_path = NULL, *unit = NULL;
	char *c1 = strchr(s, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

	if (!c1 || !c2 || strchr(c2 + 1, ':'))
		return err_set(err, EINVAL, "cgroupsPath `%s`: expected `slice:prefix:name`", s);
	*c1 = *c2 = '\0';
	const char *prefix = c1 + 1, *name = c2 + 1;
	if (!*name || strchr(name, '/') || strchr(prefix, '/') || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0)
		return err_set(err, EINVAL, "cgroupsPath `%s:%s:%s`: invalid name", s, prefix, name);
	if (expand_slice(s, &slice_path, err) < 0)
		return err_prefix(err, "cgroupsPath `%s:%s:%s`", s, prefix, name);
	size_t nl = strlen(name);
	if (nl > 6 && strcmp(name + nl - 6, ".slice") == 0)
		unit = xstrdup(name);
	else
		unit = *prefix ? xasprintf("%s-%s.scope", prefix, name) : xasprintf("%s.scope", name);
	autofree char *joined = xasprintf("%s/%s", slice_path, unit);
	return cgroup_path_join("/", joined, ret, err);
}

/* exp() and log2() without libm (silo does not link it); double precision is plenty. */
static double exp_nolibm(double x)
{
	double r = 1, term = 1, e = 2.718281828459045;
	int n = (int)x;
	x -= n;
	for (int i = 1; i < 30; i++) {
		term *= x / i;
		r += term;
	}
	for (; n > 0; n--)
		r *= e;
	for (; n < 0; n++)
		r /= e;
	return r;
}

static double log2_nolibm(double v)
{
	int k = 0;
	while (v >= 2)
		v /= 2, k++;
	/* ln(v) = 2 atanh((v-1)/(v+1)), v in [1,2) */
	double y = (v - 1) / (v + 1), y2 = y * y, term = y, s = 0;
	for (int i = 1; i < 60; i += 2) {
		s += term / i;
		term *= y2;
	}
	return k + 2 * s / 0.6931471805599453;
}

uint64_t cgroup_shares_to_weight(uint64_t shares)
{
	if (shares == 0)
		return 0;
	if (shares <= 2)
		return 1;
	if (shares >= 262144)
		return 10000;
	double l = log2_nolibm((double)shares);
	double exponent = (l * l + 125 * l) / 612.0 - 7.0 / 34.0;
	double v = exp_nolibm(exponent * 2.302585092994046);
	/* Series rounding must not push an exact integer (1024 -> 100) up by one. */
	uint64_t w = (uint64_t)(v - 1e-9);
	return (double)w < v - 1e-9 ? w + 1 : w;
}

uint64_t cgroup_blkio_to_io_weight(uint64_t weight)
{
	if (weight == 0)
		return 0;
	if (weight < 10)
		weight = 10;
	if (weight > 1000)
		weight = 1000;
	return 1 + (weight - 10) * 9999 / 990;
}

int cgroup_swap_v2(int64_t swap, bool swap_set, int64_t limit, bool limit_set, int64_t *ret,
		   bool *ret_set, struct error *err)
{
	int64_t mem = limit_set ? limit : 0;
	*ret_set = false;
	if (!swap_set)
		return 0;
	*ret_set = true;
	if (mem == -1 && swap == 0) {
		*ret = -1;
		return 0;
	}
	if (swap == -1 || swap == 0) {
		*ret = swap;
		*ret_set = swap == -1;
		return 0;
	}
	if (mem == 0 || mem == -1)
		return err_set(err, EINVAL, "cannot set a swap limit without a memory limit");
	if (mem < 0 || swap < mem)
		return err_set(err, EINVAL, "memory+swap limit %" PRId64 " below memory limit %" PRId64,
			       swap, mem);
	*ret = swap - mem;
	return 0;
}

static void fmt_num(char *buf, size_t len, int64_t v)
{
	if (v < 0)
		snprintf(buf, len, "*");
	else
		snprintf(buf, len, "%" PRId64, v);
}

int cgroup_device_lines(const struct silo_device_rule *r, char lines[2][64])
{
	char maj[24], min[24];
	const char *acc = r->access[0] ? r->access : "rwm";
	fmt_num(maj, sizeof(maj), r->major);
	fmt_num(min, sizeof(min), r->minor);
	if (r->type == 'a' || r->type == 0) {
		/* The kernel reads "a" alone as "everything" and ignores the rest of the line. */
		if (r->major < 0 && r->minor < 0 && strcmp(acc, "rwm") == 0) {
			snprintf(lines[0], 64, "a");
			return 1;
		}
		snprintf(lines[0], 64, "c %s:%s %s", maj, min, acc);
		snprintf(lines[1], 64, "b %s:%s %s", maj, min, acc);
		return 2;
	}
	snprintf(lines[0], 64, "%c %s:%s %s", r->type, maj, min, acc);
	return 1;
}

static const struct silo_device_rule default_devices[] = {
	{ true, 'c', -1, -1, "m" },    { true, 'b', -1, -1, "m" },    { true, 'c', 1, 3, "rwm" },
	{ true, 'c', 1, 8, "rwm" },    { true, 'c', 1, 7, "rwm" },    { true, 'c', 5, 0, "rwm" },
	{ true, 'c', 1, 5, "rwm" },    { true, 'c', 1, 9, "rwm" },    { true, 'c', 5, 1, "rwm" },
	{ true, 'c', 136, -1, "rwm" }, { true, 'c', 5, 2, "rwm" },    { true, 'c', 10, 200, "rwm" },
};

const struct silo_device_rule *cgroup_default_devices(size_t *ret_n)
{
	*ret_n = sizeof(default_devices) / sizeof(default_devices[0]);
	return default_devices;
}

#define INSN(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), \
						.off = (o), .imm = (i) })
#define JMP32_K(op, reg, imm) INSN(BPF_JMP32 | (op) | BPF_K, reg, 0, 0, imm)

static unsigned access_bits(const char *a)
{
	unsigned bits = 0;
	for (; *a; a++)
		bits |= *a == 'r' ? BPF_DEVCG_ACC_READ : *a == 'w' ? BPF_DEVCG_ACC_WRITE :
			*a == 'm' ? BPF_DEVCG_ACC_MKNOD : 0;
	return bits;
}

/* One rule block; jumps with off 0 are "skip to the next block", patched below. */
static size_t bpf_rule(const struct silo_device_rule *r, struct bpf_insn *b)
{
	size_t n = 0;
	unsigned acc = access_bits(r->access[0] ? r->access : "rwm");
	if (r->type == 'c' || r->type == 'b')
		b[n++] = JMP32_K(BPF_JNE, BPF_REG_2,
				 r->type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK);
	b[n++] = INSN(BPF_ALU | BPF_MOV | BPF_X, BPF_REG_6, BPF_REG_3, 0, 0);
	/* allow: every requested bit must be granted; deny: any requested bit denied */
	b[n++] = INSN(BPF_ALU | BPF_AND | BPF_K, BPF_REG_6, 0, 0, r->allow ? (int)(~acc & 7) : (int)acc);
	b[n++] = JMP32_K(r->allow ? BPF_JNE : BPF_JEQ, BPF_REG_6, 0);
	if (r->major >= 0)
		b[n++] = JMP32_K(BPF_JNE, BPF_REG_4, (int32_t)r->major);
	if (r->minor >= 0)
		b[n++] = JMP32_K(BPF_JNE, BPF_REG_5, (int32_t)r->minor);
	size_t jumps = n;
	b[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, r->allow ? 1 : 0);
	b[n++] = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	for (size_t i = 0; i < jumps; i++)
		if (BPF_CLASS(b[i].code) == BPF_JMP32)
			b[i].off = (int16_t)(n - i - 1);
	return n;
}

int cgroup_bpf_devices(const struct silo_device_rule *rules, size_t n, void **ret,
		       size_t *ret_n, struct error *err)
{
	if (n > 4096)
		return err_set(err, E2BIG, "too many device rules (%zu)", n);
	struct bpf_insn *p = xcalloc(8 + n * 9, sizeof(*p));
	size_t k = 0;
	/* ctx: struct bpf_cgroup_dev_ctx { u32 access_type (access << 16 | type); major; minor } */
	p[k++] = INSN(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_2, BPF_REG_1, 0, 0);
	p[k++] = INSN(BPF_ALU | BPF_AND | BPF_K, BPF_REG_2, 0, 0, 0xffff);
	p[k++] = INSN(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_3, BPF_REG_1, 0, 0);
	p[k++] = INSN(BPF_ALU | BPF_RSH | BPF_K, BPF_REG_3, 0, 0, 16);
	p[k++] = INSN(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_4, BPF_REG_1, 4, 0);
	p[k++] = INSN(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_5, BPF_REG_1, 8, 0);
	/* v1 semantics: the last matching rule decides, so test the rules backwards. */
	for (size_t i = n; i-- > 0;) {
		if (rules[i].access[0] && !access_bits(rules[i].access))
			continue;
		k += bpf_rule(&rules[i], p + k);
	}
	p[k++] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0);
	p[k++] = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	*ret = p;
	*ret_n = k;
	return 0;
}

bool cgroup_cpu_max(const struct silo_resources *r, char *buf, size_t len)
{
	uint64_t period = r->cpu.period.set && r->cpu.period.v ? r->cpu.period.v : 100000;
	if (!r->cpu.quota.set && !r->cpu.period.set)
		return false;
	if (r->cpu.quota.set && r->cpu.quota.v > 0)
		snprintf(buf, len, "%" PRId64 " %" PRIu64, r->cpu.quota.v, period);
	else
		snprintf(buf, len, "max %" PRIu64, period);
	return true;
}

bool cgroup_resources_any(const struct silo_resources *r)
{
	if (!r)
		return false;
	return r->memory.limit.set || r->memory.reservation.set || r->memory.swap.set ||
	       r->memory.kernel.set || r->memory.kernel_tcp.set || r->memory.swappiness.set ||
	       r->memory.has_disable_oom_killer || r->cpu.shares.set || r->cpu.quota.set ||
	       r->cpu.period.set || r->cpu.burst.set || r->cpu.realtime_period.set ||
	       r->cpu.realtime_runtime.set || r->cpu.idle.set || r->cpu.cpus || r->cpu.mems ||
	       r->pids_limit.set || r->block_io.weight.set || r->block_io.leaf_weight.set ||
	       r->block_io.n_weight_device || r->block_io.read_bps.n || r->block_io.write_bps.n ||
	       r->block_io.read_iops.n || r->block_io.write_iops.n || r->n_hugepage_limits ||
	       r->network.class_id.set || r->network.n_priorities || r->n_rdma || r->unified.n;
}

void cgroup_json_add(char **buf, const char *fmt, ...)
{
	va_list ap;
	size_t old = *buf ? strlen(*buf) : 0;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	*buf = xrealloc(*buf, old + (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(*buf + old, (size_t)n + 1, fmt, ap);
	va_end(ap);
}
