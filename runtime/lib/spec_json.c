/* SPDX-License-Identifier: GPL-2.0-or-later */
/* yajl plumbing for spec*.c: the JSON-path error context, a pre-scan that refuses what
 * the tree API would silently mangle (NUL bytes, \u0000, pathological nesting), and
 * strictly typed getters. Numbers are parsed from yajl's raw text, never from doubles. */
#include "spec_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/error.h"
#include "util/xalloc.h"

/* Real configs nest 6 levels deep; yajl_tree_free() recurses once per level. */
#define SPEC_MAX_DEPTH 128

static void path_append(struct spec_ctx *c, const char *s)
{
	size_t n = strlen(s);

	if (c->plen + n >= sizeof(c->path))
		n = sizeof(c->path) - 1 - c->plen;
	memcpy(c->path + c->plen, s, n);
	c->plen += n;
	c->path[c->plen] = '\0';
}

static bool plain_key(const char *key)
{
	if (!*key)
		return false;
	for (const char *p = key; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	return true;
}

size_t spec_push_key(struct spec_ctx *c, const char *key)
{
	size_t mark = c->plen;

	if (plain_key(key)) {
		path_append(c, ".");
		path_append(c, key);
	} else {
		path_append(c, "[\"");
		path_append(c, key);
		path_append(c, "\"]");
	}
	return mark;
}

size_t spec_push_idx(struct spec_ctx *c, size_t i)
{
	size_t mark = c->plen;
	char buf[32];

	snprintf(buf, sizeof(buf), "[%zu]", i);
	path_append(c, buf);
	return mark;
}

void spec_pop(struct spec_ctx *c, size_t mark)
{
	c->plen = mark;
	c->path[mark] = '\0';
}

__attribute__((format(printf, 2, 0))) static int vfail(struct spec_ctx *c, const char *fmt,
							va_list ap)
{
	char reason[768];

	vsnprintf(reason, sizeof(reason), fmt, ap);
	return err_set(c->err, 0, "%s: %s: %s", c->name, c->plen ? c->path : ".", reason);
}

int spec_fail(struct spec_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(c, fmt, ap);
	va_end(ap);
	return -1;
}

int spec_fail_key(struct spec_ctx *c, const char *key, const char *fmt, ...)
{
	va_list ap;

	spec_push_key(c, key);
	va_start(ap, fmt);
	vfail(c, fmt, ap);
	va_end(ap);
	return -1;
}

const char *spec_type_name(yajl_val v)
{
	if (!v)
		return "nothing";
	switch (v->type) {
	case yajl_t_string: return "string";
	case yajl_t_number: return "number";
	case yajl_t_object: return "object";
	case yajl_t_array: return "array";
	case yajl_t_true:
	case yajl_t_false: return "boolean";
	case yajl_t_null: return "null";
	default: return "unknown";
	}
}

/* Skip a comment starting at s[i] == '/'; returns the index after it. */
static size_t skip_comment(const char *s, size_t len, size_t i)
{
	if (i + 1 < len && s[i + 1] == '/') {
		while (i < len && s[i] != '\n')
			i++;
		return i;
	}
	if (i + 1 < len && s[i + 1] == '*') {
		for (i += 2; i + 1 < len; i++)
			if (s[i] == '*' && s[i + 1] == '/')
				return i + 2;
		return len;
	}
	return i + 1;
}

/* yajl's tree keeps strings NUL-terminated without a length, so "a\u0000b" would
 * arrive as "a": refuse it rather than act on a truncated value. */
static int prescan(struct spec_ctx *c, const char *s, size_t len)
{
	unsigned depth = 0, line = 1;
	bool in_str = false;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			line++;
		if (in_str) {
			if (s[i] == '"') {
				in_str = false;
			} else if (s[i] == '\\' && i + 1 < len) {
				i++;
				if (s[i] == 'u' && i + 4 < len && memcmp(s + i + 1, "0000", 4) == 0)
					return err_set(c->err, 0,
						       "%s: parse error: line %u: \\u0000 in a string is not allowed",
						       c->name, line);
			}
			continue;
		}
		if (s[i] == '"') {
			in_str = true;
		} else if (s[i] == '/') {
			size_t j = skip_comment(s, len, i);
			for (size_t k = i; k < j; k++)
				line += s[k] == '\n';
			i = j - 1;
		} else if (s[i] == '[' || s[i] == '{') {
			if (++depth > SPEC_MAX_DEPTH)
				return err_set(c->err, 0, "%s: parse error: line %u: nested deeper than %d levels",
					       c->name, line, SPEC_MAX_DEPTH);
		} else if ((s[i] == ']' || s[i] == '}') && depth) {
			depth--;
		}
	}
	return 0;
}

yajl_val spec_tree_parse(struct spec_ctx *c, const char *json, size_t len)
{
	autofree char *buf = NULL;
	char ebuf[1024] = "";
	yajl_val v;
	const char *m;
	size_t n;

	if (memchr(json, '\0', len)) {
		err_set(c->err, 0, "%s: parse error: document contains a NUL byte", c->name);
		return NULL;
	}
	if (prescan(c, json, len) < 0)
		return NULL;
	buf = xstrndup(json, len);
	v = yajl_tree_parse(buf, ebuf, sizeof(ebuf));
	if (v)
		return v;
	m = ebuf;
	if (strncmp(m, "parse error: ", 13) == 0)
		m += 13;
	n = strcspn(m, "\r\n");
	while (n && m[n - 1] == ' ')
		n--;
	err_set(c->err, 0, "%s: parse error: %.*s", c->name, (int)n, *m ? m : "invalid JSON");
	return NULL;
}

yajl_val spec_get(yajl_val obj, const char *key)
{
	yajl_val found = NULL;

	if (!YAJL_IS_OBJECT(obj))
		return NULL;
	for (size_t i = 0; i < obj->u.object.len; i++)
		if (strcmp(obj->u.object.keys[i], key) == 0)
			found = obj->u.object.values[i];
	return YAJL_IS_NULL(found) ? NULL : found;
}

int spec_val_str(struct spec_ctx *c, yajl_val v, char **ret)
{
	if (!YAJL_IS_STRING(v))
		return spec_fail(c, "expected a string, got %s", spec_type_name(v));
	free(*ret);
	*ret = xstrdup(v->u.string);
	return 0;
}

/* JSON integer text -> sign + magnitude. -1: not an integer, -2: overflow. */
static int parse_num(const char *r, bool *neg, uint64_t *mag)
{
	uint64_t m = 0;

	*neg = *r == '-';
	if (*neg)
		r++;
	if (!*r)
		return -1;
	for (; *r; r++) {
		if (*r < '0' || *r > '9')
			return -1;
		if (m > (UINT64_MAX - (uint64_t)(*r - '0')) / 10)
			return -2;
		m = m * 10 + (uint64_t)(*r - '0');
	}
	*mag = m;
	return 0;
}

static int num_common(struct spec_ctx *c, yajl_val v, bool *neg, uint64_t *mag)
{
	int r;

	if (!YAJL_IS_NUMBER(v))
		return spec_fail(c, "expected an integer, got %s", spec_type_name(v));
	r = parse_num(v->u.number.r, neg, mag);
	if (r == -1)
		return spec_fail(c, "expected an integer, got %s", v->u.number.r);
	if (r == -2)
		return spec_fail(c, "number %s out of range", v->u.number.r);
	return 0;
}

int spec_val_u64(struct spec_ctx *c, yajl_val v, uint64_t max, uint64_t *ret)
{
	bool neg;
	uint64_t mag;

	if (num_common(c, v, &neg, &mag) < 0)
		return -1;
	if (neg && mag)
		return spec_fail(c, "must not be negative, got %s", v->u.number.r);
	if (mag > max)
		return spec_fail(c, "%s out of range (maximum %" PRIu64 ")", v->u.number.r, max);
	*ret = mag;
	return 0;
}

int spec_val_i64(struct spec_ctx *c, yajl_val v, int64_t min, int64_t max, int64_t *ret)
{
	bool neg;
	uint64_t mag;
	int64_t x;

	if (num_common(c, v, &neg, &mag) < 0)
		return -1;
	if ((!neg && mag > (uint64_t)INT64_MAX) || (neg && mag > (uint64_t)INT64_MAX + 1))
		goto range;
	if (neg)
		x = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
	else
		x = (int64_t)mag;
	if (x < min || x > max)
		goto range;
	*ret = x;
	return 0;
range:
	return spec_fail(c, "%s out of range [%" PRId64 ", %" PRId64 "]", v->u.number.r, min, max);
}

int spec_val_obj(struct spec_ctx *c, yajl_val v)
{
	if (!YAJL_IS_OBJECT(v))
		return spec_fail(c, "expected an object, got %s", spec_type_name(v));
	if (v->u.object.len > SILO_SPEC_MAX_ARRAY)
		return spec_fail(c, "too many entries (%zu > %d)", v->u.object.len,
				 SILO_SPEC_MAX_ARRAY);
	return 0;
}

int spec_val_arr(struct spec_ctx *c, yajl_val v)
{
	if (!YAJL_IS_ARRAY(v))
		return spec_fail(c, "expected an array, got %s", spec_type_name(v));
	if (v->u.array.len > SILO_SPEC_MAX_ARRAY)
		return spec_fail(c, "too many entries (%zu > %d)", v->u.array.len,
				 SILO_SPEC_MAX_ARRAY);
	return 0;
}

/* Keyed getters share one shape: look up, push the key, convert, pop. */
#define KEYED(c, obj, key, call)                              \
	do {                                                  \
		yajl_val v_ = spec_get(obj, key);             \
		size_t mark_;                                 \
		if (!v_)                                      \
			return 0;                             \
		mark_ = spec_push_key(c, key);                \
		if ((call) < 0)                               \
			return -1;                            \
		spec_pop(c, mark_);                           \
		return 1;                                     \
	} while (0)

int spec_str(struct spec_ctx *c, yajl_val obj, const char *key, char **ret)
{
	KEYED(c, obj, key, spec_val_str(c, v_, ret));
}

static int val_bool(struct spec_ctx *c, yajl_val v, bool *ret)
{
	if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v))
		return spec_fail(c, "expected a boolean, got %s", spec_type_name(v));
	*ret = YAJL_IS_TRUE(v);
	return 0;
}

int spec_bool(struct spec_ctx *c, yajl_val obj, const char *key, bool *ret)
{
	KEYED(c, obj, key, val_bool(c, v_, ret));
}

int spec_u64(struct spec_ctx *c, yajl_val obj, const char *key, uint64_t max, uint64_t *ret)
{
	KEYED(c, obj, key, spec_val_u64(c, v_, max, ret));
}

int spec_i64(struct spec_ctx *c, yajl_val obj, const char *key, int64_t min, int64_t max,
	     int64_t *ret)
{
	KEYED(c, obj, key, spec_val_i64(c, v_, min, max, ret));
}

int spec_u32(struct spec_ctx *c, yajl_val obj, const char *key, uint32_t *ret)
{
	uint64_t x = 0;
	int r = spec_u64(c, obj, key, UINT32_MAX, &x);

	if (r > 0)
		*ret = (uint32_t)x;
	return r;
}

int spec_opt_u64(struct spec_ctx *c, yajl_val obj, const char *key, uint64_t max,
		 struct silo_opt_u64 *ret)
{
	int r = spec_u64(c, obj, key, max, &ret->v);

	if (r > 0)
		ret->set = true;
	return r;
}

int spec_opt_i64(struct spec_ctx *c, yajl_val obj, const char *key, int64_t min, int64_t max,
		 struct silo_opt_i64 *ret)
{
	int r = spec_i64(c, obj, key, min, max, &ret->v);

	if (r > 0)
		ret->set = true;
	return r;
}

int spec_obj(struct spec_ctx *c, yajl_val obj, const char *key, yajl_val *ret)
{
	KEYED(c, obj, key, (*ret = v_, spec_val_obj(c, v_)));
}

int spec_arr(struct spec_ctx *c, yajl_val obj, const char *key, yajl_val *ret)
{
	KEYED(c, obj, key, (*ret = v_, spec_val_arr(c, v_)));
}

static int val_strv(struct spec_ctx *c, yajl_val v, struct silo_strv *ret)
{
	size_t n;

	if (!YAJL_IS_ARRAY(v))
		return spec_fail(c, "expected an array of strings, got %s", spec_type_name(v));
	if (spec_val_arr(c, v) < 0)
		return -1;
	n = v->u.array.len;
	spec_strv_free(ret);
	ret->v = xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		yajl_val e = v->u.array.values[i];
		if (!YAJL_IS_STRING(e)) {
			spec_push_idx(c, i);
			return spec_fail(c, "expected a string, got %s", spec_type_name(e));
		}
		ret->v[i] = xstrdup(e->u.string);
		ret->n = i + 1;
	}
	return 0;
}

int spec_strv(struct spec_ctx *c, yajl_val obj, const char *key, struct silo_strv *ret)
{
	KEYED(c, obj, key, val_strv(c, v_, ret));
}

static int val_env(struct spec_ctx *c, yajl_val v, struct silo_strv *ret)
{
	if (val_strv(c, v, ret) < 0)
		return -1;
	for (size_t i = 0; i < ret->n; i++) {
		const char *eq = strchr(ret->v[i], '=');
		if (!eq || eq == ret->v[i]) {
			spec_push_idx(c, i);
			return spec_fail(c, "\"%s\" is not NAME=VALUE", ret->v[i]);
		}
	}
	return 0;
}

int spec_env(struct spec_ctx *c, yajl_val obj, const char *key, struct silo_strv *ret)
{
	KEYED(c, obj, key, val_env(c, v_, ret));
}

static int val_kvv(struct spec_ctx *c, yajl_val v, struct silo_kvv *ret)
{
	size_t n;

	if (!YAJL_IS_OBJECT(v))
		return spec_fail(c, "expected an object of strings, got %s", spec_type_name(v));
	if (spec_val_obj(c, v) < 0)
		return -1;
	n = v->u.object.len;
	spec_kvv_free(ret);
	ret->v = xcalloc(n ? n : 1, sizeof(*ret->v));
	for (size_t i = 0; i < n; i++) {
		yajl_val e = v->u.object.values[i];
		if (!YAJL_IS_STRING(e)) {
			spec_push_key(c, v->u.object.keys[i]);
			return spec_fail(c, "expected a string, got %s", spec_type_name(e));
		}
		ret->v[i].key = xstrdup(v->u.object.keys[i]);
		ret->v[i].value = xstrdup(e->u.string);
		ret->n = i + 1;
	}
	return 0;
}

int spec_kvv(struct spec_ctx *c, yajl_val obj, const char *key, struct silo_kvv *ret)
{
	KEYED(c, obj, key, val_kvv(c, v_, ret));
}

static int val_id_map(struct spec_ctx *c, yajl_val v, struct silo_id_map *m)
{
	if (spec_val_obj(c, v) < 0 ||
	    spec_need(c, spec_u32(c, v, "containerID", &m->container_id), "containerID") < 0 ||
	    spec_need(c, spec_u32(c, v, "hostID", &m->host_id), "hostID") < 0 ||
	    spec_need(c, spec_u32(c, v, "size", &m->size), "size") < 0)
		return -1;
	if (m->size == 0)
		return spec_fail_key(c, "size", "must be greater than 0");
	return 0;
}

static int val_id_maps(struct spec_ctx *c, yajl_val v, struct silo_id_maps *ret)
{
	if (spec_val_arr(c, v) < 0)
		return -1;
	free(ret->v);
	ret->n = 0;
	ret->v = xcalloc(v->u.array.len ? v->u.array.len : 1, sizeof(*ret->v));
	for (size_t i = 0; i < v->u.array.len; i++) {
		size_t mark = spec_push_idx(c, i);
		if (val_id_map(c, v->u.array.values[i], &ret->v[i]) < 0)
			return -1;
		ret->n = i + 1;
		spec_pop(c, mark);
	}
	return 0;
}

int spec_id_maps(struct spec_ctx *c, yajl_val obj, const char *key, struct silo_id_maps *ret)
{
	KEYED(c, obj, key, val_id_maps(c, v_, ret));
}

static int val_abs_path(struct spec_ctx *c, yajl_val v, char **ret)
{
	if (spec_val_str(c, v, ret) < 0)
		return -1;
	if ((*ret)[0] != '/')
		return spec_fail(c, "must be an absolute path, got \"%s\"", *ret);
	return 0;
}

int spec_abs_path(struct spec_ctx *c, yajl_val obj, const char *key, char **ret)
{
	KEYED(c, obj, key, val_abs_path(c, v_, ret));
}

int spec_need(struct spec_ctx *c, int r, const char *key)
{
	if (r == 0)
		return spec_fail_key(c, key, "missing required field");
	return r;
}

int spec_lookup(const char *const *names, const char *name)
{
	for (int i = 0; names[i]; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

void spec_strv_free(struct silo_strv *v)
{
	if (v->v)
		for (size_t i = 0; i < v->n; i++)
			free(v->v[i]);
	free(v->v);
	v->v = NULL;
	v->n = 0;
}

void spec_kvv_free(struct silo_kvv *v)
{
	for (size_t i = 0; i < v->n; i++) {
		free(v->v[i].key);
		free(v->v[i].value);
	}
	free(v->v);
	v->v = NULL;
	v->n = 0;
}
