/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Log driver selection (-l specs, spec 7.1) and dispatch of output chunks to the drivers.
 * Write errors are warnings: output still reaches the attach clients. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "log_internal.h"

struct mon_log {
	bool passthrough;
	struct k8s_log *k8s;
	struct journald_log *journald;
};

static bool has_driver_prefix(const char *spec, const char *name)
{
	size_t n = strlen(name);
	return strncmp(spec, name, n) == 0 && (spec[n] == '\0' || spec[n] == ':');
}

/* Returns 0 and the k8s path (or NULL) in *k8s; flags for the others. */
static int parse_spec(const char *spec, const char **k8s, bool *journald, bool *passthrough,
		      struct error *err)
{
	if (has_driver_prefix(spec, "k8s-file")) {
		if (spec[8] != ':' || !spec[9])
			return err_set(err, 0, "k8s-file requires a filename");
		*k8s = spec + 9;
	} else if (spec[0] == ':') {
		if (!spec[1])
			return err_set(err, 0, "k8s-file requires a filename");
		*k8s = spec + 1;
	} else if (has_driver_prefix(spec, "journald")) {
		*journald = true;
	} else if (has_driver_prefix(spec, "none") || has_driver_prefix(spec, "off") ||
		   has_driver_prefix(spec, "null")) {
		/* no-op driver */
	} else if (strcmp(spec, "passthrough") == 0) {
		*passthrough = true;
	} else if (!strchr(spec, ':')) {
		*k8s = spec;
	} else {
		g_autofree char *name = g_strndup(spec, (gsize)(strchr(spec, ':') - spec));
		return err_set(err, 0, "No such log driver %s", name);
	}
	return 0;
}

/* --log-allowlist-dir: the log's directory must be one of them or below one. */
static bool path_allowed(const char *path, char **dirs)
{
	g_autofree char *parent = g_path_get_dirname(path);
	char real[PATH_MAX], allowed[PATH_MAX];

	if (!dirs || !dirs[0])
		return true;
	if (!realpath(parent, real))
		return false;
	for (char **d = dirs; *d; d++) {
		size_t n;
		if (!realpath(*d, allowed))
			continue;
		n = strlen(allowed);
		if (strncmp(real, allowed, n) == 0 && (real[n] == '\0' || real[n] == '/' || n == 1))
			return true;
	}
	return false;
}

struct mon_log *mon_log_new(const struct mon_opts *o, struct error *err)
{
	g_autofree struct mon_log *l = g_new0(struct mon_log, 1);
	const char *k8s = NULL;
	bool journald = false;

	for (char **v = o->log_paths; v && *v; v++)
		if (parse_spec(*v, &k8s, &journald, &l->passthrough, err) < 0)
			return NULL;
	if (journald && strlen(o->cid) <= 12) {
		err_set(err, 0, "Container ID must be longer than 12 characters");
		return NULL;
	}
	for (char **lab = o->log_labels; lab && *lab; lab++) {
		const char *eq = strchr(*lab, '=');
		bool ok = eq && eq != *lab;
		for (const char *c = *lab; ok && c < eq; c++)
			ok = g_ascii_isupper(*c) || g_ascii_isdigit(*c) || *c == '_';
		if (!ok) {
			err_set(err, 0, "Invalid log label `%s`: expected KEY=VALUE, KEY of A-Z, 0-9 and _", *lab);
			return NULL;
		}
		if (!journald) {
			err_set(err, 0, "k8s-file doesn't support --log-label");
			return NULL;
		}
	}
	if (o->log_tag && !journald)
		mon_debug("--log-tag only applies to journald, ignoring it for k8s-file");
	if (k8s && !path_allowed(k8s, o->log_allowlist_dirs)) {
		err_set(err, 0, "log path `%s` is not inside an allowed directory", k8s);
		return NULL;
	}
	if (k8s) {
		l->k8s = k8s_log_open(k8s, o, err);
		if (!l->k8s)
			return NULL;
	}
	if (journald) {
		l->journald = journald_log_open(o, err);
		if (!l->journald) {
			k8s_log_free(l->k8s);
			return NULL;
		}
	}
	return g_steal_pointer(&l);
}

bool mon_log_is_passthrough(const struct mon_log *l)
{
	return l->passthrough;
}

void mon_log_write(struct mon_log *l, enum mon_stream s, const char *buf, size_t len)
{
	if (l->k8s)
		k8s_log_write(l->k8s, s, buf, len);
	if (l->journald)
		journald_log_write(l->journald, s, buf, len);
}

void mon_log_reopen(struct mon_log *l)
{
	if (l->k8s)
		k8s_log_reopen(l->k8s);
}

void mon_log_trim(struct mon_log *l)
{
	if (l->k8s)
		k8s_log_trim(l->k8s);
}

void mon_log_finish(struct mon_log *l)
{
	if (l->k8s)
		k8s_log_finish(l->k8s);
	if (l->journald)
		journald_log_finish(l->journald);
}

void mon_log_free(struct mon_log *l)
{
	if (!l)
		return;
	k8s_log_free(l->k8s);
	journald_log_free(l->journald);
	g_free(l);
}
