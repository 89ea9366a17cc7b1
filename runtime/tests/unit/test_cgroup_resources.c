/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Pure cgroup conversions: paths, systemd slices, v2 value formulas, device rule lines and
 * the eBPF device program (run through a tiny interpreter of the opcodes it emits). */
#include <errno.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup_internal.h"
#include "spec.h"
#include "unit.h"
#include "util/error.h"

static int join_is(const char *base, const char *p, const char *want)
{
	struct error e = { 0 };
	char *out = NULL;
	int r = cgroup_path_join(base, p, &out, &e);
	int ok = want ? r == 0 && strcmp(out, want) == 0 : r < 0 && e.errnum == EINVAL;
	if (!ok)
		printf("# join(%s, %s) -> %s (%s)\n", base, p, r == 0 ? out : "error", e.msg);
	free(out);
	return ok;
}

static int systemd_is(const char *spec, const char *want)
{
	struct error e = { 0 };
	char *out = NULL;
	int r = cgroup_systemd_path(spec, "ID", &out, &e);
	int ok = want ? r == 0 && strcmp(out, want) == 0 : r < 0;
	if (!ok)
		printf("# systemd(%s) -> %s (%s)\n", spec ? spec : "NULL", r == 0 ? out : "error", e.msg);
	free(out);
	return ok;
}

static void test_paths(void)
{
	CHECK(join_is("/", "/a/b", "/a/b"));
	CHECK(join_is("/", "a//./b/", "/a/b"));
	CHECK(join_is("/x", "a/../b", "/x/b"));
	CHECK(join_is("/x/y", ".", "/x/y"));
	CHECK(join_is("/x", "../y", NULL));
	CHECK(join_is("/", "/a/../../b", NULL));
	CHECK(join_is("/", "/", NULL));
	CHECK(join_is("/", "/a|b", NULL));
	CHECK(join_is("/", "/a\nb", NULL));
	CHECK(systemd_is("machine.slice:libpod:abc", "/machine.slice/libpod-abc.scope"));
	CHECK(systemd_is("a-b-c.slice:p:n", "/a.slice/a-b.slice/a-b-c.slice/p-n.scope"));
	CHECK(systemd_is("-:p:n", "/p-n.scope"));
	CHECK(systemd_is(":p:n", "/system.slice/p-n.scope"));
	CHECK(systemd_is(NULL, "/system.slice/silo-ID.scope"));
	CHECK(systemd_is("x.slice:p:y.slice", "/x.slice/y.slice"));
	CHECK(systemd_is("a:b", NULL));
	CHECK(systemd_is("a/b.slice:p:n", NULL));
	CHECK(systemd_is("a--b.slice:p:n", NULL));
	CHECK(systemd_is("-a.slice:p:n", NULL));
	CHECK(systemd_is("foo:p:n", NULL));
	CHECK(systemd_is("x.slice:p:..", NULL));
	CHECK(systemd_is("x.slice:p:a/b", NULL));
}

static void test_values(void)
{
	static const uint64_t sh[][2] = { { 0, 0 },	{ 1, 1 },	   { 2, 1 },	    { 3, 2 },
					  { 10, 4 },	{ 100, 17 },	   { 512, 59 },	    { 1024, 100 },
					  { 2048, 174 }, { 4096, 303 },	   { 100000, 4340 }, { 262143, 10000 },
					  { 262144, 10000 }, { 1u << 20, 10000 } };
	for (size_t i = 0; i < sizeof(sh) / sizeof(sh[0]); i++)
		CHECK_MSG(cgroup_shares_to_weight(sh[i][0]) == sh[i][1], "shares %lu -> %lu",
			  (unsigned long)sh[i][0], (unsigned long)cgroup_shares_to_weight(sh[i][0]));
	CHECK(cgroup_blkio_to_io_weight(0) == 0);
	CHECK(cgroup_blkio_to_io_weight(10) == 1);
	CHECK(cgroup_blkio_to_io_weight(500) == 4950);
	CHECK(cgroup_blkio_to_io_weight(1000) == 10000);

	struct error e = { 0 };
	int64_t v = 0;
	bool set = true;
	CHECK(cgroup_swap_v2(0, false, 100, true, &v, &set, &e) == 0 && !set);
	CHECK(cgroup_swap_v2(200, true, 100, true, &v, &set, &e) == 0 && set && v == 100);
	CHECK(cgroup_swap_v2(-1, true, 100, true, &v, &set, &e) == 0 && set && v == -1);
	CHECK(cgroup_swap_v2(0, true, -1, true, &v, &set, &e) == 0 && set && v == -1);
	CHECK(cgroup_swap_v2(0, true, 100, true, &v, &set, &e) == 0 && !set);
	CHECK(cgroup_swap_v2(50, true, 100, true, &v, &set, &e) < 0);
	CHECK(cgroup_swap_v2(100, true, 0, false, &v, &set, &e) < 0);

	struct silo_resources r;
	char buf[64];
	memset(&r, 0, sizeof(r));
	CHECK(!cgroup_cpu_max(&r, buf, sizeof(buf)));
	CHECK(!cgroup_resources_any(&r) && !cgroup_resources_any(NULL));
	r.cpu.quota = (struct silo_opt_i64){ 50000, true };
	CHECK(cgroup_cpu_max(&r, buf, sizeof(buf)) && strcmp(buf, "50000 100000") == 0);
	r.cpu.quota.v = -1;
	r.cpu.period = (struct silo_opt_u64){ 200000, true };
	CHECK(cgroup_cpu_max(&r, buf, sizeof(buf)) && strcmp(buf, "max 200000") == 0);
	CHECK(cgroup_resources_any(&r));
}

static void test_device_lines(void)
{
	char l[2][64];
	struct silo_device_rule null = { true, 'c', 1, 3, "rwm" }, all = { false, 'a', -1, -1, "rwm" };
	struct silo_device_rule pts = { true, 'c', 136, -1, "rw" }, am = { true, 'a', 1, -1, "r" };
	CHECK(cgroup_device_lines(&null, l) == 1 && strcmp(l[0], "c 1:3 rwm") == 0);
	CHECK(cgroup_device_lines(&all, l) == 1 && strcmp(l[0], "a") == 0);
	CHECK(cgroup_device_lines(&pts, l) == 1 && strcmp(l[0], "c 136:* rw") == 0);
	CHECK(cgroup_device_lines(&am, l) == 2 && strcmp(l[0], "c 1:* r") == 0 &&
	      strcmp(l[1], "b 1:* r") == 0);
	size_t n;
	const struct silo_device_rule *d = cgroup_default_devices(&n);
	CHECK(n == 12 && cgroup_device_lines(&d[0], l) == 1 && strcmp(l[0], "c *:* m") == 0);
	CHECK(cgroup_device_lines(&d[n - 1], l) == 1 && strcmp(l[0], "c 10:200 rwm") == 0);
}

/* Just the opcodes cgroup_bpf_devices() emits; -1 on anything else. */
static int run_bpf(const struct bpf_insn *p, size_t n, uint32_t ctx[3])
{
	uint64_t r[11] = { 0 };
	for (size_t pc = 0; pc < n; pc++) {
		const struct bpf_insn *i = &p[pc];
		uint32_t d32 = (uint32_t)r[i->dst_reg];
		switch (i->code) {
		case BPF_LDX | BPF_MEM | BPF_W: r[i->dst_reg] = ctx[i->off / 4]; break;
		case BPF_ALU | BPF_AND | BPF_K: r[i->dst_reg] = d32 & (uint32_t)i->imm; break;
		case BPF_ALU | BPF_RSH | BPF_K: r[i->dst_reg] = d32 >> i->imm; break;
		case BPF_ALU | BPF_MOV | BPF_X: r[i->dst_reg] = (uint32_t)r[i->src_reg]; break;
		case BPF_ALU64 | BPF_MOV | BPF_K: r[i->dst_reg] = (uint64_t)(int64_t)i->imm; break;
		case BPF_JMP32 | BPF_JNE | BPF_K: if (d32 != (uint32_t)i->imm) pc += i->off; break;
		case BPF_JMP32 | BPF_JEQ | BPF_K: if (d32 == (uint32_t)i->imm) pc += i->off; break;
		case BPF_JMP | BPF_EXIT: return (int)r[0];
		default: return -1;
		}
	}
	return -1;
}

static int dev_verdict(const struct silo_device_rule *rules, size_t n, char type, uint32_t maj,
		       uint32_t min, const char *acc)
{
	void *p = NULL;
	size_t cnt = 0;
	struct error e;
	uint32_t a = 0;
	for (; *acc; acc++)
		a |= *acc == 'r' ? BPF_DEVCG_ACC_READ : *acc == 'w' ? BPF_DEVCG_ACC_WRITE : BPF_DEVCG_ACC_MKNOD;
	uint32_t ctx[3] = { a << 16 | (type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK), maj, min };
	if (cgroup_bpf_devices(rules, n, &p, &cnt, &e) < 0)
		return -2;
	int v = run_bpf(p, cnt, ctx);
	free(p);
	return v;
}

static void test_bpf(void)
{
	size_t nd;
	const struct silo_device_rule *d = cgroup_default_devices(&nd);
	struct silo_device_rule rules[16] = { { false, 'a', -1, -1, "rwm" } };
	memcpy(rules + 1, d, nd * sizeof(*d));
	size_t n = nd + 1;
	CHECK(dev_verdict(rules, n, 'c', 1, 3, "rw") == 1);	   /* /dev/null */
	CHECK(dev_verdict(rules, n, 'c', 136, 7, "rw") == 1);	   /* pts */
	CHECK(dev_verdict(rules, n, 'c', 10, 237, "r") == 0);	   /* loop-control */
	CHECK(dev_verdict(rules, n, 'c', 99, 1, "m") == 1);	   /* mknod anything */
	CHECK(dev_verdict(rules, n, 'c', 99, 1, "mr") == 0);
	CHECK(dev_verdict(rules, n, 'b', 8, 0, "r") == 0);
	CHECK(dev_verdict(rules, 0, 'c', 1, 3, "r") == 0); /* no rules: default deny */
	struct silo_device_rule two[] = { { true, 'a', -1, -1, "rwm" }, { false, 'c', 1, 5, "w" } };
	CHECK(dev_verdict(two, 2, 'c', 1, 5, "w") == 0);
	CHECK(dev_verdict(two, 2, 'c', 1, 5, "r") == 1);
	CHECK(dev_verdict(two, 2, 'c', 1, 5, "rw") == 0);
	CHECK(dev_verdict(two, 2, 'b', 1, 5, "w") == 1);
	struct silo_device_rule late[] = { { false, 'a', -1, -1, "rwm" }, { true, 'c', 10, 237, "r" } };
	CHECK(dev_verdict(late, 2, 'c', 10, 237, "r") == 1);
	CHECK(dev_verdict(late, 2, 'c', 10, 237, "w") == 0);
}

int main(void)
{
	test_paths();
	test_values();
	test_device_lines();
	test_bpf();
	return unit_done();
}
