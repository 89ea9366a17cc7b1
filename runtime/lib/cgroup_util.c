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

int cgroup_at(bool has_root, int rootfd, const char *full, const char **rel)
{
	size_t n = strlen(CGROUP_ROOT);
	if (!has_root || strncmp(full, CGROUP_ROOT, n) != 0 || (full[n] && full[n] != '/')) {
		*rel = full;
		return AT_FDCWD;
	}
	full += n;
	while (*full == '/')
		full++;
	*rel = *full ? full : ".";
	return rootfd;
}

int cgroup_open(struct cgroup_hier *h, const char *file, int flags)
{
	if (!h->has_fd && h->has_root) {
		autofree char *dir = cgroup_file(h, NULL);
		const char *rel;
		int at = cgroup_at(true, h->rootfd, dir, &rel);
		h->fd = openat(at, rel, O_PATH | O_DIRECTORY | O_CLOEXEC);
		h->has_fd = h->fd >= 0;
	}
	if (h->has_fd)
		return openat(h->fd, file ? file : ".", flags | O_CLOEXEC);
	autofree char *f = cgroup_file(h, file);
	return open(f, flags | O_CLOEXEC);
}

/* One write() of the whole value: 0, or -1 with errno (EIO for a short write). */
static int write_val(int fd, const char *val)
{
	size_t len = strlen(val);
	ssize_t n = write(fd, val, len);
	if (n >= 0 && (size_t)n != len)
		errno = EIO;
	return n >= 0 && (size_t)n == len ? 0 : -1;
}

static int write_err(const char *file, struct error *err)
{
	return errno == EIO ? err_set(err, EIO, "write `%s`: short write", file)
			    : err_set(err, errno, "write `%s`", file);
}

int cgroup_write(const char *file, const char *val, struct error *err)
{
	autoclose int fd = open(file, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, errno, "open `%s`", file);
	return write_val(fd, val) < 0 ? write_err(file, err) : 0;
}

int cgroup_hwrite(struct cgroup_hier *h, const char *file, const char *val, struct error *err)
{
	autoclose int fd = cgroup_open(h, file, O_WRONLY);
	if (fd >= 0 && write_val(fd, val) == 0)
		return 0;
	autofree char *f = cgroup_file(h, file);
	return fd < 0 ? err_set(err, errno, "open `%s`", f) : write_err(f, err);
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

static void trim_newlines(char *s, size_t len)
{
	while (len > 0 && s[len - 1] == '\n')
		s[--len] = '\0';
}

int cgroup_read(const char *file, char **ret, struct error *err)
{
	size_t len = 0;
	if (fd_read_file_at(AT_FDCWD, file, READ_MAX, ret, &len, err) < 0)
		return -1;
	trim_newlines(*ret, len);
	return 0;
}

int cgroup_hread(struct cgroup_hier *h, const char *file, char **ret, struct error *err)
{
	autoclose int fd = cgroup_open(h, file, O_RDONLY | O_NOCTTY);
	size_t len = 0;
	if (fd < 0 || fd_read_fd(fd, READ_MAX, ret, &len, err) < 0) {
		autofree char *f = cgroup_file(h, file);
		return fd < 0 ? err_set(err, errno, "open `%s`", f) : err_prefix(err, "`%s`", f);
	}
	trim_newlines(*ret, len);
	return 0;
}

int cgroup_hread_u64(struct cgroup_hier *h, const char *file, uint64_t *ret, struct error *err)
{
	autofree char *s = NULL, *f = NULL;
	int e;
	if (cgroup_hread(h, file, &s, err) < 0)
		return -1;
	if (strcmp(s, "max") == 0) {
		*ret = UINT64_MAX;
		return 0;
	}
	if (parse_u64(s, ret) == 0)
		return 0;
	e = errno;
	f = cgroup_file(h, file);
	return err_set(err, e, "read `%s`: not a number: `%s`", f, s);
}

bool cgroup_hexists(struct cgroup_hier *h, const char *file)
{
	autoclose int fd = cgroup_open(h, file, O_PATH);
	return fd >= 0;
}

/* A small file below CGROUP_ROOT, by its full path (named in messages), reached from h's
 * root fd. */
int cgroup_read_at(struct cgroup_hier *h, const char *full, char **ret, struct error *err)
{
	const char *rel;
	int at = cgroup_at(h->has_root, h->rootfd, full, &rel);
	autoclose int fd = openat(at, rel, O_RDONLY | O_NOCTTY | O_CLOEXEC);
	size_t len = 0;
	if (fd < 0)
		return err_set(err, errno, "open `%s`", full);
	if (fd_read_fd(fd, READ_MAX, ret, &len, err) < 0)
		return err_prefix(err, "`%s`", full);
	trim_newlines(*ret, len);
	return 0;
}

int cgroup_write_at(struct cgroup_hier *h, const char *full, const char *val, struct error *err)
{
	const char *rel;
	int at = cgroup_at(h->has_root, h->rootfd, full, &rel);
	autoclose int fd = openat(at, rel, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, errno, "open `%s`", full);
	return write_val(fd, val) < 0 ? write_err(full, err) : 0;
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

static uint64_t keyed(char *s, const char *key)
{
	size_t kl = strlen(key);
	uint64_t v = 0;
	for (char *save = NULL, *t = strtok_r(s, "\n", &save); t; t = strtok_r(NULL, "\n", &save))
		if (strncmp(t, key, kl) == 0 && t[kl] == ' ' && parse_u64(t + kl + 1, &v) == 0)
			return v;
	return 0;
}

uint64_t cgroup_keyed(const char *file, const char *key)
{
	autofree char *s = NULL;
	struct error e;
	return cgroup_read(file, &s, &e) < 0 ? 0 : keyed(s, key);
}

uint64_t cgroup_hkeyed(struct cgroup_hier *h, const char *file, const char *key)
{
	autofree char *s = NULL;
	struct error e;
	return cgroup_hread(h, file, &s, &e) < 0 ? 0 : keyed(s, key);
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
