/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small cgroupfs file helpers shared by cgroup.c and the v1/v2 backends: whole-value
 * writes and reads naming the file in errors, keyed-file lookups, hierarchy lookup. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup_internal.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/fdutil.h"
#include "util/parse.h"
#include "util/xalloc.h"

#define READ_MAX (4u << 20)

char *cgroup_file(const struct cgroup_hier *h, const char *file)
{
	return file ? xasprintf("%s%s/%s", h->mnt, h->path, file) : xasprintf("%s%s", h->mnt, h->path);
}

int cgroup_write(const char *file, const char *val, struct error *err)
{
	autoclose int fd = open(file, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, errno, "open `%s`", file);
	size_t len = strlen(val);
	ssize_t n = write(fd, val, len);
	if (n < 0)
		return err_set(err, errno, "write `%s`", file);
	if ((size_t)n != len)
		return err_set(err, EIO, "write `%s`: short write", file);
	return 0;
}

int cgroup_writef(const char *file, struct error *err, const char *fmt, ...)
{
	va_list ap;
	autofree char *val = NULL;
	va_start(ap, fmt);
	int r = vasprintf(&val, fmt, ap);
	va_end(ap);
	if (r < 0)
		return err_set(err, ENOMEM, "format value for `%s`", file);
	return cgroup_write(file, val, err);
}

int cgroup_read(const char *file, char **ret, struct error *err)
{
	size_t len = 0;
	if (fd_read_file_at(AT_FDCWD, file, READ_MAX, ret, &len, err) < 0)
		return -1;
	while (len > 0 && (*ret)[len - 1] == '\n')
		(*ret)[--len] = '\0';
	return 0;
}

int cgroup_read_u64(const char *file, uint64_t *ret, struct error *err)
{
	autofree char *s = NULL;
	if (cgroup_read(file, &s, err) < 0)
		return -1;
	if (strcmp(s, "max") == 0) {
		*ret = UINT64_MAX;
		return 0;
	}
	if (parse_u64(s, ret) < 0)
		return err_set(err, errno, "read `%s`: not a number: `%s`", file, s);
	return 0;
}

bool cgroup_ctrls_has(const char *list, const char *ctrl, char sep)
{
	size_t n = strlen(ctrl);
	for (const char *p = list; p && *p;) {
		const char *e = strchr(p, sep);
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l == n && strncmp(p, ctrl, n) == 0)
			return true;
		p = e ? e + 1 : NULL;
	}
	return false;
}

uint64_t cgroup_keyed(const char *file, const char *key)
{
	autofree char *s = NULL;
	struct error e;
	size_t kl = strlen(key);
	uint64_t v = 0;
	if (cgroup_read(file, &s, &e) < 0)
		return 0;
	for (char *save = NULL, *t = strtok_r(s, "\n", &save); t; t = strtok_r(NULL, "\n", &save))
		if (strncmp(t, key, kl) == 0 && t[kl] == ' ' && parse_u64(t + kl + 1, &v) == 0)
			return v;
	return 0;
}

struct cgroup_hier *cgroup_find_v1(struct cgroup_ctx *c, const char *ctrl)
{
	for (size_t i = 0; i < c->n; i++)
		if (!c->h[i].v2 && c->h[i].created >= 0 && cgroup_ctrls_has(c->h[i].ctrls, ctrl, ','))
			return &c->h[i];
	return NULL;
}

struct cgroup_hier *cgroup_find_v2(struct cgroup_ctx *c)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->h[i].v2 && c->h[i].created >= 0)
			return &c->h[i];
	return NULL;
}
