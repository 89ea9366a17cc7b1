/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config.json -> struct silo_spec: the top level (ociVersion, root, mounts, hooks,
 * annotations) and the public entry points; process and linux live in spec_*.c.
 * The only yajl user in silo: nothing downstream sees a JSON node. Never logs. */
#include "spec.h"
#include "spec_internal.h"

#include <fcntl.h>
#include <limits.h>
#include <string.h>

#include "mountopt.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/fdutil.h"
#include "util/xalloc.h"

/* Order = enum silo_hook_kind. */
static const char *const hook_names[] = { "prestart", "createRuntime", "createContainer",
					  "startContainer", "poststart", "poststop", NULL };

const char *silo_hook_name(enum silo_hook_kind k)
{
	return (unsigned)k < SILO_HOOK_NKINDS ? hook_names[k] : NULL;
}

/* SemVer 1.MINOR[.PATCH][-pre][+build]: every 1.x is accepted, unknown fields of a
 * newer minor version are ignored anyway. */
static bool oci_version_ok(const char *v)
{
	const char *p = v;

	if (strncmp(p, "1.", 2) != 0)
		return false;
	p += 2;
	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return *p == '\0' || ((*p == '-' || *p == '+') && p[1]);
}

/* Relative `*path` -> "<bundle>/<path>" when a bundle is known. */
static void join_bundle(struct spec_ctx *c, char **path)
{
	char *j;

	if (!c->bundle || (*path)[0] == '/')
		return;
	j = xasprintf("%s/%s", c->bundle, *path);
	free(*path);
	*path = j;
}

static int parse_root(struct spec_ctx *c, yajl_val top, struct silo_spec *s)
{
	yajl_val o = NULL;
	size_t mark;

	if (spec_need(c, spec_obj(c, top, "root", &o), "root") < 0)
		return -1;
	mark = spec_push_key(c, "root");
	if (spec_need(c, spec_str(c, o, "path", &s->root.path), "path") < 0 ||
	    spec_bool(c, o, "readonly", &s->root.readonly) < 0)
		return -1;
	if (!s->root.path[0])
		return spec_fail_key(c, "path", "must not be empty");
	join_bundle(c, &s->root.path);
	spec_pop(c, mark);
	return 0;
}

static int parse_mount_fields(struct spec_ctx *c, yajl_val v, struct silo_mount *m)
{
	if (spec_val_obj(c, v) < 0 ||
	    spec_need(c, spec_str(c, v, "destination", &m->destination), "destination") < 0)
		return -1;
	if (!m->destination[0])
		return spec_fail_key(c, "destination", "must not be empty");
	if (m->destination[0] != '/') {
		/* Deprecated relative destinations are relative to "/" (config.md). */
		char *abs = xasprintf("/%s", m->destination);
		free(m->destination);
		m->destination = abs;
	}
	if (spec_str(c, v, "type", &m->type) < 0 || spec_str(c, v, "source", &m->source) < 0 ||
	    spec_strv(c, v, "options", &m->options) < 0 ||
	    spec_id_maps(c, v, "uidMappings", &m->uid_mappings) < 0 ||
	    spec_id_maps(c, v, "gidMappings", &m->gid_mappings) < 0)
		return -1;
	if ((m->uid_mappings.v == NULL) != (m->gid_mappings.v == NULL))
		return spec_fail(c, "uidMappings and gidMappings must be given together");
	if (silo_mountopt_parse(m, c->err) < 0)
		return err_prefix(c->err, "%s: %s.options", c->name, c->path);
	if ((m->ext & SILO_MNT_BIND) && m->source && m->source[0])
		join_bundle(c, &m->source);
	return 0;
}

static int parse_mounts(struct spec_ctx *c, yajl_val top, struct silo_spec *s)
{
	yajl_val a = NULL;
	int r = spec_arr(c, top, "mounts", &a);
	size_t mark;

	if (r <= 0)
		return r;
	mark = spec_push_key(c, "mounts");
	s->mounts = xcalloc(a->u.array.len ? a->u.array.len : 1, sizeof(*s->mounts));
	for (size_t i = 0; i < a->u.array.len; i++) {
		size_t m2 = spec_push_idx(c, i);
		s->n_mounts = i + 1;
		if (parse_mount_fields(c, a->u.array.values[i], &s->mounts[i]) < 0)
			return -1;
		spec_pop(c, m2);
	}
	spec_pop(c, mark);
	return 1;
}

static int parse_hook(struct spec_ctx *c, yajl_val v, struct silo_hook *h)
{
	int64_t timeout = 0;
	int r;

	if (spec_val_obj(c, v) < 0 || spec_need(c, spec_abs_path(c, v, "path", &h->path), "path") < 0 ||
	    spec_strv(c, v, "args", &h->args) < 0 || spec_env(c, v, "env", &h->env) < 0)
		return -1;
	r = spec_i64(c, v, "timeout", INT64_MIN, INT64_MAX, &timeout);
	if (r < 0)
		return -1;
	if (r > 0 && (timeout <= 0 || timeout > INT_MAX))
		return spec_fail_key(c, "timeout", "must be greater than 0");
	h->timeout = (int)timeout;
	return 0;
}

static int parse_hook_list(struct spec_ctx *c, yajl_val hooks, int kind, struct silo_hooks *l)
{
	yajl_val a = NULL;
	int r = spec_arr(c, hooks, hook_names[kind], &a);
	size_t mark;

	if (r <= 0)
		return r;
	mark = spec_push_key(c, hook_names[kind]);
	l->v = xcalloc(a->u.array.len ? a->u.array.len : 1, sizeof(*l->v));
	for (size_t i = 0; i < a->u.array.len; i++) {
		size_t m2 = spec_push_idx(c, i);
		l->n = i + 1;
		if (parse_hook(c, a->u.array.values[i], &l->v[i]) < 0)
			return -1;
		spec_pop(c, m2);
	}
	spec_pop(c, mark);
	return 1;
}

static int parse_hooks(struct spec_ctx *c, yajl_val top, struct silo_spec *s)
{
	yajl_val o = NULL;
	int r = spec_obj(c, top, "hooks", &o);
	size_t mark;

	if (r <= 0)
		return r;
	mark = spec_push_key(c, "hooks");
	for (int k = 0; k < SILO_HOOK_NKINDS; k++)
		if (parse_hook_list(c, o, k, &s->hooks[k]) < 0)
			return -1;
	spec_pop(c, mark);
	return 1;
}

static int parse_annotations(struct spec_ctx *c, yajl_val top, struct silo_spec *s)
{
	if (spec_kvv(c, top, "annotations", &s->annotations) < 0)
		return -1;
	for (size_t i = 0; i < s->annotations.n; i++)
		if (!s->annotations.v[i].key[0])
			return spec_fail_key(c, "annotations", "keys must not be empty");
	return 0;
}

/* sethostname(2)/setdomainname(2) take at most 64 bytes (__NEW_UTS_LEN). */
static int parse_utsname(struct spec_ctx *c, yajl_val top, const char *key, char **ret)
{
	int r = spec_str(c, top, key, ret);

	if (r > 0 && strlen(*ret) > 64)
		return spec_fail_key(c, key, "longer than 64 bytes");
	return r;
}

/* idmap/ridmap need mappings: the mount's own, or the container's user namespace. */
static int check_idmap_mounts(struct spec_ctx *c, const struct silo_spec *s)
{
	for (size_t i = 0; i < s->n_mounts; i++) {
		const struct silo_mount *m = &s->mounts[i];
		if (!(m->ext & SILO_MNT_IDMAP) || m->uid_mappings.v ||
		    s->linux.namespaces[SILO_NS_USER].present)
			continue;
		spec_push_key(c, "mounts");
		spec_push_idx(c, i);
		return spec_fail_key(c, "options", "idmap needs uidMappings/gidMappings or a user namespace");
	}
	return 0;
}

static int parse_top(struct spec_ctx *c, yajl_val top, struct silo_spec *s)
{
	yajl_val v;
	size_t mark;

	if (spec_val_obj(c, top) < 0 ||
	    spec_need(c, spec_str(c, top, "ociVersion", &s->oci_version), "ociVersion") < 0)
		return -1;
	if (!oci_version_ok(s->oci_version))
		return spec_fail_key(c, "ociVersion", "unsupported version \"%s\" (expected 1.x)",
				     s->oci_version);
	if (parse_root(c, top, s) < 0)
		return -1;
	v = spec_get(top, "process");
	if (v) {
		mark = spec_push_key(c, "process");
		if (spec_parse_process(c, v, &s->process) < 0)
			return -1;
		spec_pop(c, mark);
	}
	if (parse_utsname(c, top, "hostname", &s->hostname) < 0 ||
	    parse_utsname(c, top, "domainname", &s->domainname) < 0 || parse_mounts(c, top, s) < 0 ||
	    parse_hooks(c, top, s) < 0 || parse_annotations(c, top, s) < 0)
		return -1;
	v = spec_get(top, "linux");
	if (v) {
		mark = spec_push_key(c, "linux");
		s->has_linux = true;
		if (spec_parse_linux(c, v, &s->linux) < 0)
			return -1;
		spec_pop(c, mark);
	}
	return check_idmap_mounts(c, s);
}

struct silo_spec *silo_spec_parse(const char *json, size_t len, const char *name,
				  const char *bundle, struct error *err)
{
	struct spec_ctx c = { .name = name ? name : "config.json", .bundle = bundle, .err = err };
	struct silo_spec *s;
	yajl_val top = spec_tree_parse(&c, json, len);

	if (!top)
		return NULL;
	s = xzalloc(sizeof(*s));
	if (parse_top(&c, top, s) < 0) {
		silo_spec_free(s);
		s = NULL;
	}
	yajl_tree_free(top);
	return s;
}

struct silo_spec *silo_spec_load(const char *path, const char *bundle, struct error *err)
{
	autofree char *buf = NULL;
	size_t len = 0;

	if (fd_read_file_at(AT_FDCWD, path, SILO_SPEC_MAX_BYTES, &buf, &len, err) < 0)
		return NULL;
	return silo_spec_parse(buf, len, path, bundle, err);
}

static void mount_free(struct silo_mount *m)
{
	free(m->destination);
	free(m->type);
	free(m->source);
	spec_strv_free(&m->options);
	free(m->uid_mappings.v);
	free(m->gid_mappings.v);
	free(m->data);
}

void silo_spec_free(struct silo_spec *s)
{
	if (!s)
		return;
	free(s->oci_version);
	free(s->root.path);
	silo_process_free(s->process);
	free(s->hostname);
	free(s->domainname);
	for (size_t i = 0; i < s->n_mounts; i++)
		mount_free(&s->mounts[i]);
	free(s->mounts);
	for (int k = 0; k < SILO_HOOK_NKINDS; k++) {
		for (size_t i = 0; i < s->hooks[k].n; i++) {
			free(s->hooks[k].v[i].path);
			spec_strv_free(&s->hooks[k].v[i].args);
			spec_strv_free(&s->hooks[k].v[i].env);
		}
		free(s->hooks[k].v);
	}
	spec_kvv_free(&s->annotations);
	spec_linux_free(&s->linux);
	free(s);
}
