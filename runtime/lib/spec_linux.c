/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config.json "linux" (minus resources and seccomp, which have their own files):
 * namespaces, id mappings, time offsets, devices, paths, personality, sysctl, RDT,
 * netDevices, memoryPolicy, and the namespace name table shared with ns.c. */
#include "spec_internal.h"

#include <sched.h>
#include <string.h>
#include <sys/personality.h>

#include "mountopt.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* Order = enum silo_ns_type. */
static const char *const ns_names[] = { "pid", "network", "mount", "ipc", "uts",
					"user", "cgroup", "time", NULL };
static const int ns_flags[] = { CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWNS, CLONE_NEWIPC,
				CLONE_NEWUTS, CLONE_NEWUSER, CLONE_NEWCGROUP, CLONE_NEWTIME };

static const char *const mpol_modes[] = { "MPOL_DEFAULT", "MPOL_BIND", "MPOL_INTERLEAVE",
					  "MPOL_WEIGHTED_INTERLEAVE", "MPOL_PREFERRED",
					  "MPOL_PREFERRED_MANY", "MPOL_LOCAL", NULL };
static const char *const mpol_flags[] = { "MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES",
					  "MPOL_F_STATIC_NODES", NULL };

const char *silo_ns_name(enum silo_ns_type t)
{
	return (unsigned)t < SILO_NS_COUNT ? ns_names[t] : NULL;
}

int silo_ns_clone_flag(enum silo_ns_type t)
{
	return (unsigned)t < SILO_NS_COUNT ? ns_flags[t] : 0;
}

static int parse_namespace(struct spec_ctx *c, yajl_val v, struct silo_linux *l)
{
	autofree char *type = NULL;
	int t;

	if (spec_val_obj(c, v) < 0 || spec_need(c, spec_str(c, v, "type", &type), "type") < 0)
		return -1;
	t = spec_lookup(ns_names, type);
	if (t < 0)
		return spec_fail_key(c, "type", "unknown namespace \"%s\"", type);
	if (l->namespaces[t].present)
		return spec_fail_key(c, "type", "duplicate namespace \"%s\"", type);
	l->namespaces[t].present = true;
	return spec_abs_path(c, v, "path", &l->namespaces[t].path);
}

static int parse_namespaces(struct spec_ctx *c, yajl_val lin, struct silo_linux *l)
{
	yajl_val a = NULL;
	int r = spec_arr(c, lin, "namespaces", &a);
	size_t mark;

	if (r <= 0)
		return r;
	mark = spec_push_key(c, "namespaces");
	for (size_t i = 0; i < a->u.array.len; i++) {
		size_t m2 = spec_push_idx(c, i);
		if (parse_namespace(c, a->u.array.values[i], l) < 0)
			return -1;
		spec_pop(c, m2);
	}
	spec_pop(c, mark);
	return 1;
}

static int parse_time_offsets(struct spec_ctx *c, yajl_val lin, struct silo_linux *l)
{
	yajl_val o = NULL;
	int r = spec_obj(c, lin, "timeOffsets", &o);
	size_t mark;

	if (r <= 0)
		return r;
	mark = spec_push_key(c, "timeOffsets");
	for (size_t i = 0; i < o->u.object.len; i++) {
		const char *k = o->u.object.keys[i];
		yajl_val v = o->u.object.values[i];
		struct silo_time_offset *t;
		size_t m2 = spec_push_key(c, k);
		uint64_t ns = 0;

		if (strcmp(k, "monotonic") == 0)
			t = &l->time_monotonic;
		else if (strcmp(k, "boottime") == 0)
			t = &l->time_boottime;
		else
			return spec_fail(c, "unknown clock (expected monotonic or boottime)");
		if (YAJL_IS_NULL(v)) {
			spec_pop(c, m2);
			continue;
		}
		if (spec_val_obj(c, v) < 0 || spec_i64(c, v, "secs", INT64_MIN, INT64_MAX, &t->secs) < 0 ||
		    spec_u64(c, v, "nanosecs", 999999999, &ns) < 0)
			return -1;
		t->nanosecs = (uint32_t)ns;
		t->set = true;
		spec_pop(c, m2);
	}
	spec_pop(c, mark);
	return 1;
}

static int parse_device(struct spec_ctx *c, yajl_val v, struct silo_device *d)
{
	autofree char *type = NULL;

	if (spec_val_obj(c, v) < 0 || spec_need(c, spec_str(c, v, "type", &type), "type") < 0)
		return -1;
	if (strlen(type) != 1 || !strchr("cbup", type[0]))
		return spec_fail_key(c, "type", "unknown device type \"%s\" (expected c, b, u or p)",
				     type);
	d->type = type[0];
	if (spec_need(c, spec_abs_path(c, v, "path", &d->path), "path") < 0)
		return -1;
	if (d->type != 'p') {
		if (spec_need(c, spec_i64(c, v, "major", 0, INT64_MAX, &d->major), "major") < 0 ||
		    spec_need(c, spec_i64(c, v, "minor", 0, INT64_MAX, &d->minor), "minor") < 0)
			return -1;
	} else if (spec_i64(c, v, "major", 0, INT64_MAX, &d->major) < 0 ||
		   spec_i64(c, v, "minor", 0, INT64_MAX, &d->minor) < 0) {
		return -1;
	}
	if (spec_opt_u64(c, v, "fileMode", UINT32_MAX, &d->file_mode) < 0 ||
	    spec_opt_u64(c, v, "uid", UINT32_MAX, &d->uid) < 0 ||
	    spec_opt_u64(c, v, "gid", UINT32_MAX, &d->gid) < 0)
		return -1;
	return 0;
}

static int parse_devices(struct spec_ctx *c, yajl_val lin, struct silo_linux *l)
{
	yajl_val a = NULL;
	int r = spec_arr(c, lin, "devices", &a);
	size_t mark;

	if (r <= 0)
		return r;
	mark = spec_push_key(c, "devices");
	l->devices = xcalloc(a->u.array.len ? a->u.array.len : 1, sizeof(*l->devices));
	for (size_t i = 0; i < a->u.array.len; i++) {
		size_t m2 = spec_push_idx(c, i);
		l->n_devices = i + 1;
		if (parse_device(c, a->u.array.values[i], &l->devices[i]) < 0)
			return -1;
		spec_pop(c, m2);
	}
	spec_pop(c, mark);
	return 1;
}

static int parse_propagation(struct spec_ctx *c, yajl_val lin, struct silo_linux *l)
{
	autofree char *s = NULL;
	long flags;
	int r = spec_str(c, lin, "rootfsPropagation", &s);

	if (r <= 0)
		return r;
	flags = silo_mountopt_propagation(s);
	if (flags < 0)
		return spec_fail_key(c, "rootfsPropagation", "unknown propagation \"%s\"", s);
	l->rootfs_propagation = (unsigned long)flags;
	return 1;
}

static int parse_personality(struct spec_ctx *c, yajl_val lin, struct silo_linux *l)
{
	yajl_val o = NULL;
	autofree char *dom = NULL;
	int r = spec_obj(c, lin, "personality", &o);
	size_t mark;

	if (r <= 0)
		return r;
	mark = spec_push_key(c, "personality");
	if (spec_need(c, spec_str(c, o, "domain", &dom), "domain") < 0)
		return -1;
	if (strcmp(dom, "LINUX") == 0)
		l->personality.domain = PER_LINUX;
	else if (strcmp(dom, "LINUX32") == 0)
		l->personality.domain = PER_LINUX32;
	else
		return spec_fail_key(c, "domain", "unknown personality domain \"%s\"", dom);
	l->personality.present = true;
	if (spec_strv(c, o, "flags", &l->personality.flags) < 0)
		return -1;
	spec_pop(c, mark);
	return 1;
}

static int parse_intel_rdt(struct spec_ctx *c, yajl_val lin, struct silo_linux *l)
{
	yajl_val o = NULL;
	int r = spec_obj(c, lin, "intelRdt", &o);
	size_t mark;
	const char *id;

	if (r <= 0)
		return r;
	mark = spec_push_key(c, "intelRdt");
	l->intel_rdt.present = true;
	if (spec_str(c, o, "closID", &l->intel_rdt.clos_id) < 0 ||
	    spec_str(c, o, "l3CacheSchema", &l->intel_rdt.l3_cache_schema) < 0 ||
	    spec_str(c, o, "memBwSchema", &l->intel_rdt.mem_bw_schema) < 0 ||
	    spec_bool(c, o, "enableCMT", &l->intel_rdt.enable_cmt) < 0 ||
	    spec_bool(c, o, "enableMBM", &l->intel_rdt.enable_mbm) < 0)
		return -1;
	/* closID names a directory under the resctrl mount. */
	id = l->intel_rdt.clos_id;
	if (id && (!*id || strchr(id, '/') || strcmp(id, ".") == 0 || strcmp(id, "..") == 0))
		return spec_fail_key(c, "closID", "invalid CLOS id \"%s\"", id);
	spec_pop(c, mark);
	return 1;
}

/* dev_valid_name() in net/core/dev.c. */
static bool netdev_name_valid(const char *s)
{
	if (!*s || strlen(s) > 15 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (; *s; s++)
		if (*s == '/' || *s == ':' || *s == ' ' || (*s >= '\t' && *s <= '\r'))
			return false;
	return true;
}

static int parse_net_devices(struct spec_ctx *c, yajl_val lin, struct silo_linux *l)
{
	yajl_val o = NULL;
	int r = spec_obj(c, lin, "netDevices", &o);
	size_t mark;

	if (r <= 0)
		return r;
	mark = spec_push_key(c, "netDevices");
	l->net_devices.v = xcalloc(o->u.object.len ? o->u.object.len : 1, sizeof(struct silo_kv));
	for (size_t i = 0; i < o->u.object.len; i++) {
		const char *host = o->u.object.keys[i];
		yajl_val v = o->u.object.values[i];
		struct silo_kv *kv = &l->net_devices.v[i];
		size_t m2 = spec_push_key(c, host);

		if (!netdev_name_valid(host))
			return spec_fail(c, "invalid network device name");
		kv->key = xstrdup(host);
		l->net_devices.n = i + 1;
		if (!YAJL_IS_NULL(v) && (spec_val_obj(c, v) < 0 || spec_str(c, v, "name", &kv->value) < 0))
			return -1;
		if (!kv->value)
			kv->value = xstrdup(host);
		else if (!netdev_name_valid(kv->value))
			return spec_fail_key(c, "name", "invalid network device name \"%s\"", kv->value);
		spec_pop(c, m2);
	}
	spec_pop(c, mark);
	return 1;
}

static int parse_memory_policy(struct spec_ctx *c, yajl_val lin, struct silo_linux *l)
{
	yajl_val o = NULL;
	int r = spec_obj(c, lin, "memoryPolicy", &o);
	size_t mark;

	if (r <= 0)
		return r;
	mark = spec_push_key(c, "memoryPolicy");
	l->memory_policy.present = true;
	if (spec_need(c, spec_str(c, o, "mode", &l->memory_policy.mode), "mode") < 0 ||
	    spec_str(c, o, "nodes", &l->memory_policy.nodes) < 0 ||
	    spec_strv(c, o, "flags", &l->memory_policy.flags) < 0)
		return -1;
	if (spec_lookup(mpol_modes, l->memory_policy.mode) < 0)
		return spec_fail_key(c, "mode", "unknown memory policy mode \"%s\"",
				     l->memory_policy.mode);
	for (size_t i = 0; i < l->memory_policy.flags.n; i++)
		if (spec_lookup(mpol_flags, l->memory_policy.flags.v[i]) < 0) {
			spec_push_key(c, "flags");
			spec_push_idx(c, i);
			return spec_fail(c, "unknown memory policy flag \"%s\"",
					 l->memory_policy.flags.v[i]);
		}
	spec_pop(c, mark);
	return 1;
}

static int parse_sub(struct spec_ctx *c, yajl_val lin, const char *key,
		     int (*fn)(struct spec_ctx *, yajl_val, void *), void *out)
{
	yajl_val o = NULL;
	int r = spec_obj(c, lin, key, &o);
	size_t mark;

	if (r <= 0)
		return r;
	mark = spec_push_key(c, key);
	if (fn(c, o, out) < 0)
		return -1;
	spec_pop(c, mark);
	return 1;
}

static int res_thunk(struct spec_ctx *c, yajl_val v, void *out)
{
	return spec_parse_resources(c, v, out);
}

static int seccomp_thunk(struct spec_ctx *c, yajl_val v, void *out)
{
	return spec_parse_seccomp(c, v, out);
}

int spec_parse_linux(struct spec_ctx *c, yajl_val v, struct silo_linux *l)
{
	if (spec_val_obj(c, v) < 0 || parse_namespaces(c, v, l) < 0 ||
	    spec_id_maps(c, v, "uidMappings", &l->uid_mappings) < 0 ||
	    spec_id_maps(c, v, "gidMappings", &l->gid_mappings) < 0 ||
	    parse_time_offsets(c, v, l) < 0 || parse_devices(c, v, l) < 0 ||
	    spec_str(c, v, "cgroupsPath", &l->cgroups_path) < 0 ||
	    parse_sub(c, v, "resources", res_thunk, &l->resources) < 0 ||
	    parse_propagation(c, v, l) < 0 ||
	    spec_strv(c, v, "maskedPaths", &l->masked_paths) < 0 ||
	    spec_strv(c, v, "readonlyPaths", &l->readonly_paths) < 0 ||
	    spec_str(c, v, "mountLabel", &l->mount_label) < 0 || parse_personality(c, v, l) < 0 ||
	    spec_kvv(c, v, "sysctl", &l->sysctl) < 0 ||
	    parse_sub(c, v, "seccomp", seccomp_thunk, &l->seccomp) < 0 ||
	    parse_intel_rdt(c, v, l) < 0 || parse_net_devices(c, v, l) < 0 ||
	    parse_memory_policy(c, v, l) < 0)
		return -1;
	return 0;
}

void spec_linux_free(struct silo_linux *l)
{
	for (int i = 0; i < SILO_NS_COUNT; i++)
		free(l->namespaces[i].path);
	free(l->uid_mappings.v);
	free(l->gid_mappings.v);
	for (size_t i = 0; i < l->n_devices; i++)
		free(l->devices[i].path);
	free(l->devices);
	free(l->cgroups_path);
	spec_resources_free(&l->resources);
	spec_strv_free(&l->masked_paths);
	spec_strv_free(&l->readonly_paths);
	free(l->mount_label);
	spec_strv_free(&l->personality.flags);
	spec_kvv_free(&l->sysctl);
	spec_seccomp_free(&l->seccomp);
	free(l->intel_rdt.clos_id);
	free(l->intel_rdt.l3_cache_schema);
	free(l->intel_rdt.mem_bw_schema);
	spec_kvv_free(&l->net_devices);
	free(l->memory_policy.mode);
	free(l->memory_policy.nodes);
	spec_strv_free(&l->memory_policy.flags);
}
