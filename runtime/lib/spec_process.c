/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config.json "process" (also the standalone `exec --process` document): user, args,
 * env, cwd, rlimits, capabilities, scheduler, I/O priority, CPU affinity. Validation
 * only; applying any of it belongs to process.c/caps.c. */
#include "spec_internal.h"

#include <sched.h>
#include <string.h>
#include <sys/resource.h>

#include "captab.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/parse.h"
#include "util/xalloc.h"

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
	{ "RLIMIT_CPU", RLIMIT_CPU },         { "RLIMIT_FSIZE", RLIMIT_FSIZE },
	{ "RLIMIT_DATA", RLIMIT_DATA },       { "RLIMIT_STACK", RLIMIT_STACK },
	{ "RLIMIT_CORE", RLIMIT_CORE },       { "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_NPROC", RLIMIT_NPROC },     { "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_AS", RLIMIT_AS },
	{ "RLIMIT_LOCKS", RLIMIT_LOCKS },     { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
	{ "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE }, { "RLIMIT_NICE", RLIMIT_NICE },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO },   { "RLIMIT_RTTIME", RLIMIT_RTTIME },
};

/* Index = SCHED_* value (SCHED_ISO is reserved by the kernel, 4). */
static const char *const sched_policies[] = { "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR",
					      "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE",
					      "SCHED_DEADLINE", NULL };
/* Index = bit of SCHED_FLAG_* in linux/sched.h. */
static const char *const sched_flags[] = { "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM",
					   "SCHED_FLAG_DL_OVERRUN", "SCHED_FLAG_KEEP_POLICY",
					   "SCHED_FLAG_KEEP_PARAMS", "SCHED_FLAG_UTIL_CLAMP_MIN",
					   "SCHED_FLAG_UTIL_CLAMP_MAX", NULL };
/* Index + 1 = IOPRIO_CLASS_*. */
static const char *const ioprio_classes[] = { "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE",
					      "IOPRIO_CLASS_IDLE", NULL };
static const char *const cap_sets[] = { "bounding", "effective", "inheritable", "permitted",
					"ambient", NULL };

static int parse_gids(struct spec_ctx *c, yajl_val user, struct silo_process *p)
{
	yajl_val a = NULL;
	int r = spec_arr(c, user, "additionalGids", &a);
	size_t mark;

	if (r <= 0)
		return r;
	mark = spec_push_key(c, "additionalGids");
	p->user.additional_gids = xcalloc(a->u.array.len ? a->u.array.len : 1, sizeof(uint32_t));
	p->user.has_additional_gids = true;
	for (size_t i = 0; i < a->u.array.len; i++) {
		uint64_t g;
		size_t m2 = spec_push_idx(c, i);
		if (spec_val_u64(c, a->u.array.values[i], UINT32_MAX, &g) < 0)
			return -1;
		spec_pop(c, m2);
		p->user.additional_gids[i] = (uint32_t)g;
		p->user.n_additional_gids = i + 1;
	}
	spec_pop(c, mark);
	return 1;
}

static int parse_user(struct spec_ctx *c, yajl_val proc, struct silo_process *p)
{
	yajl_val u = NULL;
	int r = spec_obj(c, proc, "user", &u);
	size_t mark;

	if (r <= 0)
		return r;
	mark = spec_push_key(c, "user");
	if (spec_need(c, spec_u32(c, u, "uid", &p->user.uid), "uid") < 0 ||
	    spec_need(c, spec_u32(c, u, "gid", &p->user.gid), "gid") < 0 ||
	    spec_opt_u64(c, u, "umask", 0777, &p->user.umask) < 0 || parse_gids(c, u, p) < 0)
		return -1;
	spec_pop(c, mark);
	return 1;
}

static int parse_rlimit(struct spec_ctx *c, yajl_val v, struct silo_process *p)
{
	struct silo_rlimit *rl = &p->rlimits[p->n_rlimits];
	autofree char *type = NULL;
	size_t k;

	if (spec_val_obj(c, v) < 0 || spec_need(c, spec_str(c, v, "type", &type), "type") < 0)
		return -1;
	for (k = 0; k < sizeof(rlimit_names) / sizeof(rlimit_names[0]); k++)
		if (strcmp(rlimit_names[k].name, type) == 0)
			break;
	if (k == sizeof(rlimit_names) / sizeof(rlimit_names[0]))
		return spec_fail_key(c, "type", "unknown rlimit \"%s\"", type);
	for (size_t i = 0; i < p->n_rlimits; i++)
		if (p->rlimits[i].resource == rlimit_names[k].resource)
			return spec_fail_key(c, "type", "duplicate rlimit \"%s\"", type);
	rl->resource = rlimit_names[k].resource;
	if (spec_need(c, spec_u64(c, v, "soft", UINT64_MAX, &rl->soft), "soft") < 0 ||
	    spec_need(c, spec_u64(c, v, "hard", UINT64_MAX, &rl->hard), "hard") < 0)
		return -1;
	if (rl->soft > rl->hard)
		return spec_fail_key(c, "soft", "greater than hard (%llu > %llu)",
				     (unsigned long long)rl->soft, (unsigned long long)rl->hard);
	p->n_rlimits++;
	return 0;
}

static int parse_rlimits(struct spec_ctx *c, yajl_val proc, struct silo_process *p)
{
	yajl_val a = NULL;
	int r = spec_arr(c, proc, "rlimits", &a);
	size_t mark;

	if (r <= 0)
		return r;
	mark = spec_push_key(c, "rlimits");
	p->rlimits = xcalloc(a->u.array.len ? a->u.array.len : 1, sizeof(*p->rlimits));
	for (size_t i = 0; i < a->u.array.len; i++) {
		size_t m2 = spec_push_idx(c, i);
		if (parse_rlimit(c, a->u.array.values[i], p) < 0)
			return -1;
		spec_pop(c, m2);
	}
	spec_pop(c, mark);
	return 1;
}

static int parse_cap_set(struct spec_ctx *c, yajl_val caps, int set, uint64_t *bits)
{
	struct silo_strv names = { 0 };
	size_t mark;
	int r = spec_strv(c, caps, cap_sets[set], &names);

	if (r <= 0) {
		spec_strv_free(&names); /* a half-read array on error */
		return r;
	}
	mark = spec_push_key(c, cap_sets[set]);
	for (size_t i = 0; i < names.n; i++) {
		int cap = silo_cap_from_name(names.v[i]);
		if (cap < 0) {
			spec_push_idx(c, i);
			spec_fail(c, "unknown capability \"%s\"", names.v[i]);
			spec_strv_free(&names);
			return -1;
		}
		*bits |= UINT64_C(1) << cap;
	}
	spec_pop(c, mark);
	spec_strv_free(&names);
	return 1;
}

static int parse_caps(struct spec_ctx *c, yajl_val proc, struct silo_caps *caps)
{
	yajl_val o = NULL;
	int r = spec_obj(c, proc, "capabilities", &o);
	size_t mark;

	if (r <= 0)
		return r;
	caps->present = true;
	mark = spec_push_key(c, "capabilities");
	for (int s = 0; s < SILO_CAP_NSETS; s++)
		if (parse_cap_set(c, o, s, &caps->sets[s]) < 0)
			return -1;
	spec_pop(c, mark);
	return 1;
}

/* A string naming one entry of `names`; ret = its index. */
static int spec_enum(struct spec_ctx *c, yajl_val obj, const char *key,
		     const char *const *names, const char *what, int *ret)
{
	autofree char *s = NULL;
	int r = spec_str(c, obj, key, &s);

	if (r <= 0)
		return r;
	*ret = spec_lookup(names, s);
	if (*ret < 0)
		return spec_fail_key(c, key, "unknown %s \"%s\"", what, s);
	return 1;
}

static int parse_sched_flags(struct spec_ctx *c, yajl_val o, uint64_t *flags)
{
	struct silo_strv v = { 0 };
	int r = spec_strv(c, o, "flags", &v);

	for (size_t i = 0; r > 0 && i < v.n; i++) {
		int bit = spec_lookup(sched_flags, v.v[i]);
		if (bit < 0) {
			spec_push_key(c, "flags");
			spec_push_idx(c, i);
			r = spec_fail(c, "unknown scheduler flag \"%s\"", v.v[i]);
		} else {
			*flags |= UINT64_C(1) << bit;
		}
	}
	spec_strv_free(&v);
	return r;
}

static int parse_scheduler(struct spec_ctx *c, yajl_val proc, struct silo_scheduler *s)
{
	yajl_val o = NULL;
	int64_t x = 0;
	int r = spec_obj(c, proc, "scheduler", &o);
	size_t mark;

	if (r <= 0)
		return r;
	mark = spec_push_key(c, "scheduler");
	s->present = true;
	if (spec_need(c, spec_enum(c, o, "policy", sched_policies, "scheduler policy", &s->policy),
		      "policy") < 0)
		return -1;
	if (spec_i64(c, o, "nice", -20, 19, &x) < 0)
		return -1;
	s->nice = (int32_t)x;
	x = 0;
	if (spec_i64(c, o, "priority", INT32_MIN, INT32_MAX, &x) < 0)
		return -1;
	s->priority = (int32_t)x;
	if (parse_sched_flags(c, o, &s->flags) < 0 ||
	    spec_u64(c, o, "runtime", UINT64_MAX, &s->runtime) < 0 ||
	    spec_u64(c, o, "deadline", UINT64_MAX, &s->deadline) < 0 ||
	    spec_u64(c, o, "period", UINT64_MAX, &s->period) < 0)
		return -1;
	spec_pop(c, mark);
	return 1;
}

static int parse_io_priority(struct spec_ctx *c, yajl_val proc, struct silo_io_priority *io)
{
	yajl_val o = NULL;
	int64_t prio = 0;
	int r = spec_obj(c, proc, "ioPriority", &o);
	size_t mark;

	if (r <= 0)
		return r;
	mark = spec_push_key(c, "ioPriority");
	io->present = true;
	if (spec_need(c, spec_enum(c, o, "class", ioprio_classes, "I/O priority class", &io->class),
		      "class") < 0 ||
	    spec_i64(c, o, "priority", 0, 7, &prio) < 0)
		return -1;
	io->class += 1;
	io->priority = (int)prio;
	spec_pop(c, mark);
	return 1;
}

/* "0-3,7": comma-separated CPUs or ascending ranges, checked by the parser process.c applies
 * the list with, so that what passes here can be applied (an empty list could not). */
static bool cpu_list_valid(const char *s)
{
	cpu_set_t set;

	return parse_cpu_list(s, &set, sizeof(set)) == 0;
}

static int parse_cpu_affinity(struct spec_ctx *c, yajl_val proc, struct silo_process *p)
{
	yajl_val o = NULL;
	int r = spec_obj(c, proc, "execCPUAffinity", &o);
	size_t mark;

	if (r <= 0)
		return r;
	mark = spec_push_key(c, "execCPUAffinity");
	if (spec_str(c, o, "initial", &p->exec_cpu_affinity_initial) < 0 ||
	    spec_str(c, o, "final", &p->exec_cpu_affinity_final) < 0)
		return -1;
	if (p->exec_cpu_affinity_initial && !cpu_list_valid(p->exec_cpu_affinity_initial))
		return spec_fail_key(c, "initial", "invalid CPU list \"%s\"",
				     p->exec_cpu_affinity_initial);
	if (p->exec_cpu_affinity_final && !cpu_list_valid(p->exec_cpu_affinity_final))
		return spec_fail_key(c, "final", "invalid CPU list \"%s\"", p->exec_cpu_affinity_final);
	spec_pop(c, mark);
	return 1;
}

static int parse_console(struct spec_ctx *c, yajl_val proc, struct silo_process *p)
{
	yajl_val o = NULL;
	int r = spec_obj(c, proc, "consoleSize", &o);
	size_t mark;

	if (r <= 0)
		return r;
	mark = spec_push_key(c, "consoleSize");
	if (spec_need(c, spec_u32(c, o, "height", &p->console_height), "height") < 0 ||
	    spec_need(c, spec_u32(c, o, "width", &p->console_width), "width") < 0)
		return -1;
	p->has_console_size = true;
	spec_pop(c, mark);
	return 1;
}

static int parse_process_fields(struct spec_ctx *c, yajl_val v, struct silo_process *p)
{
	if (spec_val_obj(c, v) < 0 || spec_bool(c, v, "terminal", &p->terminal) < 0 ||
	    parse_console(c, v, p) < 0 || parse_user(c, v, p) < 0)
		return -1;
	if (spec_need(c, spec_strv(c, v, "args", &p->args), "args") < 0)
		return -1;
	if (p->args.n == 0)
		return spec_fail_key(c, "args", "must not be empty");
	if (spec_env(c, v, "env", &p->env) < 0)
		return -1;
	if (spec_need(c, spec_abs_path(c, v, "cwd", &p->cwd), "cwd") < 0)
		return -1;
	if (parse_rlimits(c, v, p) < 0 || parse_caps(c, v, &p->caps) < 0 ||
	    spec_bool(c, v, "noNewPrivileges", &p->no_new_privileges) < 0 ||
	    spec_opt_i64(c, v, "oomScoreAdj", -1000, 1000, &p->oom_score_adj) < 0 ||
	    spec_str(c, v, "apparmorProfile", &p->apparmor_profile) < 0 ||
	    spec_str(c, v, "selinuxLabel", &p->selinux_label) < 0 ||
	    parse_scheduler(c, v, &p->scheduler) < 0 ||
	    parse_io_priority(c, v, &p->io_priority) < 0 || parse_cpu_affinity(c, v, p) < 0)
		return -1;
	return 0;
}

int spec_parse_process(struct spec_ctx *c, yajl_val v, struct silo_process **ret)
{
	struct silo_process *p = xzalloc(sizeof(*p));

	if (parse_process_fields(c, v, p) < 0) {
		silo_process_free(p);
		return -1;
	}
	*ret = p;
	return 0;
}

struct silo_process *silo_process_parse(const char *json, size_t len, const char *name,
					struct error *err)
{
	struct spec_ctx c = { .name = name ? name : "process.json", .err = err };
	struct silo_process *p = NULL;
	yajl_val root = spec_tree_parse(&c, json, len);

	if (!root)
		return NULL;
	if (spec_parse_process(&c, root, &p) < 0)
		p = NULL;
	yajl_tree_free(root);
	return p;
}

void silo_process_free(struct silo_process *p)
{
	if (!p)
		return;
	free(p->user.additional_gids);
	spec_strv_free(&p->args);
	spec_strv_free(&p->env);
	free(p->cwd);
	free(p->rlimits);
	free(p->apparmor_profile);
	free(p->selinux_label);
	free(p->exec_cpu_affinity_initial);
	free(p->exec_cpu_affinity_final);
	free(p);
}
