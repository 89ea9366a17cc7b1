/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config.json "linux.seccomp": actions, operators, architectures and flags checked
 * against libseccomp's names. Syscall names are kept as given: whether the kernel
 * knows them is decided when seccomp.c compiles the filter. */
#include "spec_internal.h"

#include <string.h>

#include "util/cleanup.h"
#include "util/xalloc.h"

/* Order = enum silo_seccomp_act_kind. */
static const char *const actions[] = { "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
				       "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO",
				       "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG",
				       "SCMP_ACT_NOTIFY", NULL };
/* Index + 1 = enum silo_seccomp_op. */
static const char *const ops[] = { "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ",
				   "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ", NULL };
static const char *const archs[] = {
	"SCMP_ARCH_X86",      "SCMP_ARCH_X86_64",      "SCMP_ARCH_X32",     "SCMP_ARCH_ARM",
	"SCMP_ARCH_AARCH64",  "SCMP_ARCH_MIPS",        "SCMP_ARCH_MIPS64",  "SCMP_ARCH_MIPS64N32",
	"SCMP_ARCH_MIPSEL",   "SCMP_ARCH_MIPSEL64",    "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
	"SCMP_ARCH_PPC64",    "SCMP_ARCH_PPC64LE",     "SCMP_ARCH_S390",    "SCMP_ARCH_S390X",
	"SCMP_ARCH_PARISC",   "SCMP_ARCH_PARISC64",    "SCMP_ARCH_RISCV64", "SCMP_ARCH_LOONGARCH64",
	"SCMP_ARCH_M68K",     "SCMP_ARCH_SH",          "SCMP_ARCH_SHEB",    NULL
};
static const char *const filter_flags[] = { "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
					    "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
					    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", NULL };

static int parse_action(struct spec_ctx *c, yajl_val obj, const char *key, int *ret)
{
	autofree char *s = NULL;
	int r = spec_str(c, obj, key, &s);

	if (r <= 0)
		return r;
	*ret = spec_lookup(actions, s);
	if (*ret < 0)
		return spec_fail_key(c, key, "unknown seccomp action \"%s\"", s);
	return 1;
}

static bool takes_errno(int action)
{
	return action == SILO_SCMP_ERRNO || action == SILO_SCMP_TRACE;
}

static int parse_arg(struct spec_ctx *c, yajl_val v, struct silo_seccomp_arg *a)
{
	autofree char *op = NULL;
	uint64_t idx = 0;

	if (spec_val_obj(c, v) < 0 || spec_need(c, spec_u64(c, v, "index", 5, &idx), "index") < 0 ||
	    spec_need(c, spec_u64(c, v, "value", UINT64_MAX, &a->value), "value") < 0 ||
	    spec_u64(c, v, "valueTwo", UINT64_MAX, &a->value_two) < 0 ||
	    spec_need(c, spec_str(c, v, "op", &op), "op") < 0)
		return -1;
	a->index = (uint32_t)idx;
	a->op = spec_lookup(ops, op);
	if (a->op < 0)
		return spec_fail_key(c, "op", "unknown seccomp operator \"%s\"", op);
	a->op += SILO_SCMP_CMP_NE;
	return 0;
}

static int parse_args(struct spec_ctx *c, yajl_val v, struct silo_seccomp_rule *rule)
{
	yajl_val a = NULL;
	int r = spec_arr(c, v, "args", &a);
	size_t mark;

	if (r <= 0)
		return r;
	mark = spec_push_key(c, "args");
	rule->args = xcalloc(a->u.array.len ? a->u.array.len : 1, sizeof(*rule->args));
	for (size_t i = 0; i < a->u.array.len; i++) {
		size_t m2 = spec_push_idx(c, i);
		if (parse_arg(c, a->u.array.values[i], &rule->args[i]) < 0)
			return -1;
		rule->n_args = i + 1;
		spec_pop(c, m2);
	}
	spec_pop(c, mark);
	return 1;
}

static int parse_rule(struct spec_ctx *c, yajl_val v, struct silo_seccomp_rule *rule)
{
	if (spec_val_obj(c, v) < 0 ||
	    spec_need(c, spec_strv(c, v, "names", &rule->names), "names") < 0)
		return -1;
	if (rule->names.n == 0)
		return spec_fail_key(c, "names", "must not be empty");
	for (size_t i = 0; i < rule->names.n; i++)
		if (!rule->names.v[i][0]) {
			spec_push_key(c, "names");
			spec_push_idx(c, i);
			return spec_fail(c, "empty syscall name");
		}
	if (spec_need(c, parse_action(c, v, "action", &rule->action), "action") < 0 ||
	    spec_opt_u64(c, v, "errnoRet", UINT32_MAX, &rule->errno_ret) < 0 || parse_args(c, v, rule) < 0)
		return -1;
	if (rule->errno_ret.set && !takes_errno(rule->action))
		return spec_fail_key(c, "errnoRet", "only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE");
	return 0;
}

static int parse_rules(struct spec_ctx *c, yajl_val v, struct silo_seccomp *s, bool *notify)
{
	yajl_val a = NULL;
	int r = spec_arr(c, v, "syscalls", &a);
	size_t mark;

	if (r <= 0)
		return r;
	mark = spec_push_key(c, "syscalls");
	s->syscalls = xcalloc(a->u.array.len ? a->u.array.len : 1, sizeof(*s->syscalls));
	for (size_t i = 0; i < a->u.array.len; i++) {
		size_t m2 = spec_push_idx(c, i);
		s->n_syscalls = i + 1;
		if (parse_rule(c, a->u.array.values[i], &s->syscalls[i]) < 0)
			return -1;
		*notify |= s->syscalls[i].action == SILO_SCMP_NOTIFY;
		spec_pop(c, m2);
	}
	spec_pop(c, mark);
	return 1;
}

/* Every entry of a string array must be one of `names`. */
static int check_names(struct spec_ctx *c, const char *key, const struct silo_strv *v,
		       const char *const *names, const char *what)
{
	for (size_t i = 0; i < v->n; i++)
		if (spec_lookup(names, v->v[i]) < 0) {
			spec_push_key(c, key);
			spec_push_idx(c, i);
			return spec_fail(c, "unknown %s \"%s\"", what, v->v[i]);
		}
	return 0;
}

int spec_parse_seccomp(struct spec_ctx *c, yajl_val v, struct silo_seccomp *s)
{
	bool notify;

	s->present = true;
	if (spec_need(c, parse_action(c, v, "defaultAction", &s->default_action),
		      "defaultAction") < 0 ||
	    spec_opt_u64(c, v, "defaultErrnoRet", UINT32_MAX, &s->default_errno_ret) < 0)
		return -1;
	if (s->default_errno_ret.set && !takes_errno(s->default_action))
		return spec_fail_key(c, "defaultErrnoRet",
				     "only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE");
	if (spec_strv(c, v, "architectures", &s->architectures) < 0 ||
	    check_names(c, "architectures", &s->architectures, archs, "architecture") < 0 ||
	    spec_strv(c, v, "flags", &s->flags) < 0 ||
	    check_names(c, "flags", &s->flags, filter_flags, "seccomp flag") < 0 ||
	    spec_str(c, v, "listenerPath", &s->listener_path) < 0 ||
	    spec_str(c, v, "listenerMetadata", &s->listener_metadata) < 0)
		return -1;
	notify = s->default_action == SILO_SCMP_NOTIFY;
	if (parse_rules(c, v, s, &notify) < 0)
		return -1;
	if (notify && (!s->listener_path || !*s->listener_path))
		return spec_fail_key(c, "listenerPath", "required when SCMP_ACT_NOTIFY is used");
	return 0;
}

void spec_seccomp_free(struct silo_seccomp *s)
{
	spec_strv_free(&s->architectures);
	spec_strv_free(&s->flags);
	free(s->listener_path);
	free(s->listener_metadata);
	for (size_t i = 0; i < s->n_syscalls; i++) {
		spec_strv_free(&s->syscalls[i].names);
		free(s->syscalls[i].args);
	}
	free(s->syscalls);
}
