/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Private to spec*.c: the parse context (file name, bundle, JSON path of the value being
 * read) and typed getters over yajl tree nodes. Nothing outside spec*.c includes this. */
#ifndef SILO_SPEC_INTERNAL_H
#define SILO_SPEC_INTERNAL_H

#include "spec.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>

struct error;

struct spec_ctx {
	const char *name;   /* "config.json": first word of every message */
	const char *bundle; /* NULL: leave relative paths alone */
	struct error *err;
	size_t plen;
	char path[512];     /* ".linux.namespaces[2].type" */
};

/* Path stack: push returns a mark for spec_pop. */
size_t spec_push_key(struct spec_ctx *c, const char *key);
size_t spec_push_idx(struct spec_ctx *c, size_t i);
void spec_pop(struct spec_ctx *c, size_t mark);
/* "<name>: <path>: <reason>", errnum 0; returns -1. */
int spec_fail(struct spec_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Same with `key` appended to the path. */
int spec_fail_key(struct spec_ctx *c, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const char *spec_type_name(yajl_val v);

/* Raw text -> tree (NUL, depth and \u0000 checks first); NULL with err set. */
yajl_val spec_tree_parse(struct spec_ctx *c, const char *json, size_t len);

/* Lookup: last occurrence of key wins; JSON null counts as absent. */
yajl_val spec_get(yajl_val obj, const char *key);

/* Value getters: the path already names v. */
int spec_val_str(struct spec_ctx *c, yajl_val v, char **ret);
int spec_val_u64(struct spec_ctx *c, yajl_val v, uint64_t max, uint64_t *ret);
int spec_val_i64(struct spec_ctx *c, yajl_val v, int64_t min, int64_t max, int64_t *ret);
int spec_val_obj(struct spec_ctx *c, yajl_val v);
int spec_val_arr(struct spec_ctx *c, yajl_val v);

/* Keyed getters on an object: return 1 when present and valid, 0 when absent (output
 * untouched), -1 on error. Strings are duplicated. */
int spec_str(struct spec_ctx *c, yajl_val obj, const char *key, char **ret);
int spec_bool(struct spec_ctx *c, yajl_val obj, const char *key, bool *ret);
int spec_u64(struct spec_ctx *c, yajl_val obj, const char *key, uint64_t max, uint64_t *ret);
int spec_i64(struct spec_ctx *c, yajl_val obj, const char *key, int64_t min, int64_t max,
	     int64_t *ret);
int spec_u32(struct spec_ctx *c, yajl_val obj, const char *key, uint32_t *ret);
int spec_opt_u64(struct spec_ctx *c, yajl_val obj, const char *key, uint64_t max,
		 struct silo_opt_u64 *ret);
int spec_opt_i64(struct spec_ctx *c, yajl_val obj, const char *key, int64_t min, int64_t max,
		 struct silo_opt_i64 *ret);
int spec_obj(struct spec_ctx *c, yajl_val obj, const char *key, yajl_val *ret);
int spec_arr(struct spec_ctx *c, yajl_val obj, const char *key, yajl_val *ret);
int spec_strv(struct spec_ctx *c, yajl_val obj, const char *key, struct silo_strv *ret);
/* String array whose entries are NAME=VALUE with a non-empty NAME. */
int spec_env(struct spec_ctx *c, yajl_val obj, const char *key, struct silo_strv *ret);
/* Object of string -> string. */
int spec_kvv(struct spec_ctx *c, yajl_val obj, const char *key, struct silo_kvv *ret);
int spec_id_maps(struct spec_ctx *c, yajl_val obj, const char *key, struct silo_id_maps *ret);
/* A string that must be an absolute path. */
int spec_abs_path(struct spec_ctx *c, yajl_val obj, const char *key, char **ret);
/* Required keyed value: error "missing required field" when absent. */
int spec_need(struct spec_ctx *c, int r, const char *key);

/* Table lookup: index of `name` in a NULL-terminated list, -1 if absent. */
int spec_lookup(const char *const *names, const char *name);

void spec_strv_free(struct silo_strv *v);
void spec_kvv_free(struct silo_kvv *v);

/* Sections (spec_process.c, spec_linux.c, spec_resources.c, spec_seccomp.c). */
int spec_parse_process(struct spec_ctx *c, yajl_val v, struct silo_process **ret);
int spec_parse_linux(struct spec_ctx *c, yajl_val v, struct silo_linux *l);
int spec_parse_resources(struct spec_ctx *c, yajl_val v, struct silo_resources *r);
int spec_parse_seccomp(struct spec_ctx *c, yajl_val v, struct silo_seccomp *s);
void spec_linux_free(struct silo_linux *l);
void spec_resources_free(struct silo_resources *r);
void spec_seccomp_free(struct silo_seccomp *s);

#endif
