/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config.json "linux.resources": cgroup limits as typed values. Only syntax and ranges
 * are checked here; what a cgroup version supports is cgroup*.c's business. */
#include "spec_internal.h"

#include <stdio.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/xalloc.h"

/* Memory limits: -1 means unlimited. */
#define MEM_MIN (-1)

static int parse_rule(struct spec_ctx *c, yajl_val v, struct silo_device_rule *d)
{
	autofree char *type = NULL, *access = NULL;
	int r;

	d->type = 'a';
	d->major = d->minor = -1;
	if (spec_val_obj(c, v) < 0 || spec_need(c, spec_bool(c, v, "allow", &d->allow), "allow") < 0)
		return -1;
	r = spec_str(c, v, "type", &type);
	if (r < 0)
		return -1;
	if (r > 0 && (strlen(type) != 1 || !strchr("acb", type[0])))
		return spec_fail_key(c, "type", "unknown device type \"%s\" (expected a, c or b)", type);
	if (r > 0)
		d->type = type[0];
	if (spec_i64(c, v, "major", -1, INT64_MAX, &d->major) < 0 ||
	    spec_i64(c, v, "minor", -1, INT64_MAX, &d->minor) < 0)
		return -1;
	r = spec_str(c, v, "access", &access);
	if (r < 0)
		return -1;
	if (r == 0) {
		memcpy(d->access, "rwm", 4);
		return 0;
	}
	if (!*access || strlen(access) > 3 || strspn(access, "rwm") != strlen(access) ||
	    (access[1] && (strchr(access + 1, access[0]) || (access[2] && access[1] == access[2]))))
		return spec_fail_key(c, "access", "invalid access \"%s\" (expected a subset of \"rwm\")",
				     access);
	memcpy(d->access, access, strlen(access) + 1);
	return 0;
}

static int parse_rules(struct spec_ctx *c, yajl_val res, struct silo_resources *r)
{
	yajl_val a = NULL;
	int rc = spec_arr(c, res, "devices", &a);
	size_t mark;

	if (rc <= 0)
		return rc;
	mark = spec_push_key(c, "devices");
	r->devices = xcalloc(a->u.array.len ? a->u.array.len : 1, sizeof(*r->devices));
	for (size_t i = 0; i < a->u.array.len; i++) {
		size_t m2 = spec_push_idx(c, i);
		if (parse_rule(c, a->u.array.values[i], &r->devices[i]) < 0)
			return -1;
		r->n_devices = i + 1;
		spec_pop(c, m2);
	}
	spec_pop(c, mark);
	return 1;
}

static int parse_memory(struct spec_ctx *c, yajl_val res, struct silo_resources *r)
{
	yajl_val o = NULL;
	int rc = spec_obj(c, res, "memory", &o);
	size_t mark;

	if (rc <= 0)
		return rc;
	mark = spec_push_key(c, "memory");
	rc = spec_opt_i64(c, o, "limit", MEM_MIN, INT64_MAX, &r->memory.limit);
	if (rc >= 0)
		rc = spec_opt_i64(c, o, "reservation", MEM_MIN, INT64_MAX, &r->memory.reservation);
	if (rc >= 0)
		rc = spec_opt_i64(c, o, "swap", MEM_MIN, INT64_MAX, &r->memory.swap);
	if (rc >= 0)
		rc = spec_opt_i64(c, o, "kernel", MEM_MIN, INT64_MAX, &r->memory.kernel);
	if (rc >= 0)
		rc = spec_opt_i64(c, o, "kernelTCP", MEM_MIN, INT64_MAX, &r->memory.kernel_tcp);
	if (rc >= 0)
		rc = spec_opt_u64(c, o, "swappiness", UINT64_MAX, &r->memory.swappiness);
	if (rc >= 0) {
		rc = spec_bool(c, o, "disableOOMKiller", &r->memory.disable_oom_killer);
		r->memory.has_disable_oom_killer = rc > 0;
	}
	if (rc >= 0) {
		rc = spec_bool(c, o, "useHierarchy", &r->memory.use_hierarchy);
		r->memory.has_use_hierarchy = rc > 0;
	}
	if (rc >= 0)
		rc = spec_bool(c, o, "checkBeforeUpdate", &r->memory.check_before_update);
	if (rc < 0)
		return -1;
	spec_pop(c, mark);
	return 1;
}

static int parse_cpu(struct spec_ctx *c, yajl_val res, struct silo_resources *r)
{
	yajl_val o = NULL;
	int rc = spec_obj(c, res, "cpu", &o);
	size_t mark;

	if (rc <= 0)
		return rc;
	mark = spec_push_key(c, "cpu");
	if (spec_opt_u64(c, o, "shares", UINT64_MAX, &r->cpu.shares) < 0 ||
	    spec_opt_i64(c, o, "quota", -1, INT64_MAX, &r->cpu.quota) < 0 ||
	    spec_opt_u64(c, o, "burst", UINT64_MAX, &r->cpu.burst) < 0 ||
	    spec_opt_u64(c, o, "period", UINT64_MAX, &r->cpu.period) < 0 ||
	    spec_opt_i64(c, o, "realtimeRuntime", INT64_MIN, INT64_MAX, &r->cpu.realtime_runtime) < 0 ||
	    spec_opt_u64(c, o, "realtimePeriod", UINT64_MAX, &r->cpu.realtime_period) < 0 ||
	    spec_str(c, o, "cpus", &r->cpu.cpus) < 0 || spec_str(c, o, "mems", &r->cpu.mems) < 0 ||
	    spec_opt_i64(c, o, "idle", INT64_MIN, INT64_MAX, &r->cpu.idle) < 0)
		return -1;
	spec_pop(c, mark);
	return 1;
}

static int parse_pids(struct spec_ctx *c, yajl_val res, struct silo_resources *r)
{
	yajl_val o = NULL;
	int rc = spec_obj(c, res, "pids", &o);
	size_t mark;

	if (rc <= 0)
		return rc;
	mark = spec_push_key(c, "pids");
	/* Older engines send 0 or any negative number for "unlimited". */
	if (spec_opt_i64(c, o, "limit", INT64_MIN, INT64_MAX, &r->pids_limit) < 0)
		return -1;
	spec_pop(c, mark);
	return 1;
}

static int dev_numbers(struct spec_ctx *c, yajl_val v, int64_t *major, int64_t *minor)
{
	if (spec_val_obj(c, v) < 0 ||
	    spec_need(c, spec_i64(c, v, "major", 0, INT64_MAX, major), "major") < 0 ||
	    spec_need(c, spec_i64(c, v, "minor", 0, INT64_MAX, minor), "minor") < 0)
		return -1;
	return 0;
}

static int parse_weight_devices(struct spec_ctx *c, yajl_val bio, struct silo_resources *r)
{
	yajl_val a = NULL;
	int rc = spec_arr(c, bio, "weightDevice", &a);
	size_t mark;

	if (rc <= 0)
		return rc;
	mark = spec_push_key(c, "weightDevice");
	r->block_io.weight_device = xcalloc(a->u.array.len ? a->u.array.len : 1,
					    sizeof(*r->block_io.weight_device));
	for (size_t i = 0; i < a->u.array.len; i++) {
		struct silo_weight_device *w = &r->block_io.weight_device[i];
		yajl_val v = a->u.array.values[i];
		size_t m2 = spec_push_idx(c, i);
		if (dev_numbers(c, v, &w->major, &w->minor) < 0 ||
		    spec_opt_u64(c, v, "weight", UINT16_MAX, &w->weight) < 0 ||
		    spec_opt_u64(c, v, "leafWeight", UINT16_MAX, &w->leaf_weight) < 0)
			return -1;
		r->block_io.n_weight_device = i + 1;
		spec_pop(c, m2);
	}
	spec_pop(c, mark);
	return 1;
}

static int parse_throttles(struct spec_ctx *c, yajl_val bio, const char *key,
			   struct silo_throttles *t)
{
	yajl_val a = NULL;
	int rc = spec_arr(c, bio, key, &a);
	size_t mark;

	if (rc <= 0)
		return rc;
	mark = spec_push_key(c, key);
	t->v = xcalloc(a->u.array.len ? a->u.array.len : 1, sizeof(*t->v));
	for (size_t i = 0; i < a->u.array.len; i++) {
		struct silo_throttle_device *d = &t->v[i];
		yajl_val v = a->u.array.values[i];
		size_t m2 = spec_push_idx(c, i);
		if (dev_numbers(c, v, &d->major, &d->minor) < 0 ||
		    spec_need(c, spec_u64(c, v, "rate", UINT64_MAX, &d->rate), "rate") < 0)
			return -1;
		t->n = i + 1;
		spec_pop(c, m2);
	}
	spec_pop(c, mark);
	return 1;
}

static int parse_block_io(struct spec_ctx *c, yajl_val res, struct silo_resources *r)
{
	yajl_val o = NULL;
	int rc = spec_obj(c, res, "blockIO", &o);
	size_t mark;

	if (rc <= 0)
		return rc;
	mark = spec_push_key(c, "blockIO");
	if (spec_opt_u64(c, o, "weight", UINT16_MAX, &r->block_io.weight) < 0 ||
	    spec_opt_u64(c, o, "leafWeight", UINT16_MAX, &r->block_io.leaf_weight) < 0 ||
	    parse_weight_devices(c, o, r) < 0 ||
	    parse_throttles(c, o, "throttleReadBpsDevice", &r->block_io.read_bps) < 0 ||
	    parse_throttles(c, o, "throttleWriteBpsDevice", &r->block_io.write_bps) < 0 ||
	    parse_throttles(c, o, "throttleReadIOPSDevice", &r->block_io.read_iops) < 0 ||
	    parse_throttles(c, o, "throttleWriteIOPSDevice", &r->block_io.write_iops) < 0)
		return -1;
	spec_pop(c, mark);
	return 1;
}

static int parse_hugepages(struct spec_ctx *c, yajl_val res, struct silo_resources *r)
{
	yajl_val a = NULL;
	int rc = spec_arr(c, res, "hugepageLimits", &a);
	size_t mark;

	if (rc <= 0)
		return rc;
	mark = spec_push_key(c, "hugepageLimits");
	r->hugepage_limits = xcalloc(a->u.array.len ? a->u.array.len : 1,
				     sizeof(*r->hugepage_limits));
	for (size_t i = 0; i < a->u.array.len; i++) {
		yajl_val v = a->u.array.values[i];
		size_t m2 = spec_push_idx(c, i);
		r->n_hugepage_limits = i + 1;
		if (spec_val_obj(c, v) < 0 ||
		    spec_need(c, spec_str(c, v, "pageSize", &r->hugepage_limits[i].page_size),
			      "pageSize") < 0 ||
		    spec_need(c, spec_u64(c, v, "limit", UINT64_MAX, &r->hugepage_limits[i].limit),
			      "limit") < 0)
			return -1;
		/* Becomes part of a cgroup file name: hugetlb.<pageSize>.limit_in_bytes. */
		if (strchr(r->hugepage_limits[i].page_size, '/') || !r->hugepage_limits[i].page_size[0])
			return spec_fail_key(c, "pageSize", "invalid page size \"%s\"",
					     r->hugepage_limits[i].page_size);
		spec_pop(c, m2);
	}
	spec_pop(c, mark);
	return 1;
}

static int parse_priorities(struct spec_ctx *c, yajl_val net, struct silo_resources *r)
{
	yajl_val a = NULL;
	int rc = spec_arr(c, net, "priorities", &a);
	size_t mark;

	if (rc <= 0)
		return rc;
	mark = spec_push_key(c, "priorities");
	r->network.priorities = xcalloc(a->u.array.len ? a->u.array.len : 1, sizeof(struct silo_kv));
	for (size_t i = 0; i < a->u.array.len; i++) {
		yajl_val v = a->u.array.values[i];
		struct silo_kv *kv = &r->network.priorities[i];
		uint32_t prio = 0;
		size_t m2 = spec_push_idx(c, i);
		r->network.n_priorities = i + 1;
		if (spec_val_obj(c, v) < 0 || spec_need(c, spec_str(c, v, "name", &kv->key), "name") < 0 ||
		    spec_need(c, spec_u32(c, v, "priority", &prio), "priority") < 0)
			return -1;
		kv->value = xasprintf("%u", prio);
		spec_pop(c, m2);
	}
	spec_pop(c, mark);
	return 1;
}

static int parse_network(struct spec_ctx *c, yajl_val res, struct silo_resources *r)
{
	yajl_val o = NULL;
	int rc = spec_obj(c, res, "network", &o);
	size_t mark;

	if (rc <= 0)
		return rc;
	mark = spec_push_key(c, "network");
	if (spec_opt_u64(c, o, "classID", UINT32_MAX, &r->network.class_id) < 0 ||
	    parse_priorities(c, o, r) < 0)
		return -1;
	spec_pop(c, mark);
	return 1;
}

static int parse_rdma(struct spec_ctx *c, yajl_val res, struct silo_resources *r)
{
	yajl_val o = NULL;
	int rc = spec_obj(c, res, "rdma", &o);
	size_t mark;

	if (rc <= 0)
		return rc;
	mark = spec_push_key(c, "rdma");
	r->rdma = xcalloc(o->u.object.len ? o->u.object.len : 1, sizeof(*r->rdma));
	for (size_t i = 0; i < o->u.object.len; i++) {
		yajl_val v = o->u.object.values[i];
		size_t m2 = spec_push_key(c, o->u.object.keys[i]);
		r->rdma[i].device = xstrdup(o->u.object.keys[i]);
		r->n_rdma = i + 1;
		if (spec_val_obj(c, v) < 0 ||
		    spec_opt_u64(c, v, "hcaHandles", UINT32_MAX, &r->rdma[i].hca_handles) < 0 ||
		    spec_opt_u64(c, v, "hcaObjects", UINT32_MAX, &r->rdma[i].hca_objects) < 0)
			return -1;
		if (!r->rdma[i].hca_handles.set && !r->rdma[i].hca_objects.set)
			return spec_fail(c, "needs hcaHandles or hcaObjects");
		spec_pop(c, m2);
	}
	spec_pop(c, mark);
	return 1;
}

static int check_unified(struct spec_ctx *c, const struct silo_kvv *u)
{
	for (size_t i = 0; i < u->n; i++) {
		const char *k = u->v[i].key;
		/* Keys are file names inside the container's cgroup directory. */
		if (!*k || strchr(k, '/') || strcmp(k, ".") == 0 || strcmp(k, "..") == 0) {
			spec_push_key(c, "unified");
			spec_push_key(c, k);
			return spec_fail(c, "invalid cgroup file name");
		}
	}
	return 0;
}

int spec_parse_resources(struct spec_ctx *c, yajl_val v, struct silo_resources *r)
{
	r->present = true;
	if (parse_rules(c, v, r) < 0 || parse_memory(c, v, r) < 0 || parse_cpu(c, v, r) < 0 ||
	    parse_pids(c, v, r) < 0 || parse_block_io(c, v, r) < 0 ||
	    parse_hugepages(c, v, r) < 0 || parse_network(c, v, r) < 0 || parse_rdma(c, v, r) < 0 ||
	    spec_kvv(c, v, "unified", &r->unified) < 0 || check_unified(c, &r->unified) < 0)
		return -1;
	return 0;
}

void spec_resources_free(struct silo_resources *r)
{
	free(r->devices);
	free(r->cpu.cpus);
	free(r->cpu.mems);
	free(r->block_io.weight_device);
	free(r->block_io.read_bps.v);
	free(r->block_io.write_bps.v);
	free(r->block_io.read_iops.v);
	free(r->block_io.write_iops.v);
	for (size_t i = 0; i < r->n_hugepage_limits; i++)
		free(r->hugepage_limits[i].page_size);
	free(r->hugepage_limits);
	for (size_t i = 0; i < r->network.n_priorities; i++) {
		free(r->network.priorities[i].key);
		free(r->network.priorities[i].value);
	}
	free(r->network.priorities);
	for (size_t i = 0; i < r->n_rdma; i++)
		free(r->rdma[i].device);
	free(r->rdma);
	spec_kvv_free(&r->unified);
}

int silo_resources_parse(const char *json, size_t len, const char *name,
			 struct silo_resources *ret, struct error *err)
{
	struct spec_ctx c = { .name = name ? name : "resources.json", .err = err };
	yajl_val root = spec_tree_parse(&c, json, len);
	int r;

	memset(ret, 0, sizeof(*ret));
	if (!root)
		return -1;
	r = spec_val_obj(&c, root) < 0 ? -1 : spec_parse_resources(&c, root, ret);
	yajl_tree_free(root);
	if (r < 0)
		silo_resources_clear(ret);
	return r < 0 ? -1 : 0;
}

void silo_resources_clear(struct silo_resources *r)
{
	spec_resources_free(r);
	memset(r, 0, sizeof(*r));
}
