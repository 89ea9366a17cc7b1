/* SPDX-License-Identifier: GPL-2.0-or-later */
/* k8s-file (CRI) log driver: "<ts> <stream> <F|P> <content>\n" records, --log-size-max
 * (truncate, or rotate with --log-rotate), --log-global-size-max, reopen on request.
 * Container output is bytes: never interpreted, only split at '\n'. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "log_internal.h"

#define LOG_MODE 0640

struct k8s_log {
	char *path;
	int fd;
	int64_t size;	      /* bytes in the current file (starts at its size: conmon #266) */
	int64_t size_max;     /* <= 0: unlimited */
	int64_t global_max;   /* <= 0: unlimited */
	int64_t global_total; /* bytes written over the monitor's life */
	bool no_sync, rotate;
	int max_files;
	bool partial[4]; /* indexed by stream id: last record was P */
	GString *rec;
};

static int open_log(const char *path, struct error *err)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, LOG_MODE);
	if (fd < 0)
		return err_set(err, errno, "open log file `%s`", path);
	return fd;
}

struct k8s_log *k8s_log_open(const char *path, const struct mon_opts *o, struct error *err)
{
	struct k8s_log *l;
	struct stat st;
	int fd = open_log(path, err);

	if (fd < 0)
		return NULL;
	l = g_new0(struct k8s_log, 1);
	l->path = g_strdup(path);
	l->fd = fd;
	l->size = fstat(fd, &st) == 0 ? st.st_size : 0;
	l->size_max = o->log_size_max;
	l->global_max = o->log_global_size_max;
	l->no_sync = o->no_sync_log;
	l->rotate = o->log_rotate;
	l->max_files = MAX(o->log_max_files, 1);
	l->rec = g_string_sized_new(MON_STDIO_BUF + 128);
	return l;
}

static void rotate_backups(struct k8s_log *l)
{
	for (int i = l->max_files - 1; i >= 1; i--) {
		g_autofree char *from = g_strdup_printf("%s.%d", l->path, i);
		g_autofree char *to = g_strdup_printf("%s.%d", l->path, i + 1);
		if (rename(from, to) < 0 && errno != ENOENT)
			mon_warn("rotate `%s`: %s", from, strerror(errno));
	}
	g_autofree char *first = g_strdup_printf("%s.1", l->path);
	if (link(l->path, first) < 0 && errno == EEXIST) {
		unlink(first);
		if (link(l->path, first) < 0)
			mon_warn("rotate `%s`: %s", l->path, strerror(errno));
	}
}

/* Spec 6.3: the path becomes a new empty file (<log>.tmp renamed over <log>). */
void k8s_log_reopen(struct k8s_log *l)
{
	g_autofree char *tmp = g_strdup_printf("%s.tmp", l->path);
	int fd;

	if (!l->no_sync && l->fd >= 0)
		fsync(l->fd);
	if (l->rotate)
		rotate_backups(l);
	fd = open(tmp, O_WRONLY | O_APPEND | O_TRUNC | O_CREAT | O_CLOEXEC | O_NOCTTY, LOG_MODE);
	if (fd < 0) {
		mon_warn("reopen log `%s`: %s", tmp, strerror(errno));
		return;
	}
	if (rename(tmp, l->path) < 0) {
		mon_warn("rename `%s`: %s", tmp, strerror(errno));
		unlink(tmp);
		close(fd);
		return;
	}
	if (l->fd >= 0)
		close(l->fd);
	l->fd = fd;
	l->size = 0;
}

static void write_record(struct k8s_log *l, const char *ts, enum mon_stream s, bool partial,
			 const char *content, size_t len)
{
	GString *r = l->rec;

	g_string_truncate(r, 0);
	g_string_append_printf(r, "%s %s %c ", ts, s == STREAM_STDERR ? "stderr" : "stdout",
			       partial ? 'P' : 'F');
	g_string_append_len(r, content, (gssize)len);
	g_string_append_c(r, '\n');
	if (l->global_max > 0 && l->global_total + (int64_t)r->len > l->global_max)
		return;
	if (l->size_max > 0 && l->size > 0 && l->size + (int64_t)r->len > l->size_max)
		k8s_log_reopen(l);
	if (l->fd < 0)
		return;
	/* write_all copes with short writes, so a record is never torn (conmon 2.2 fix) */
	if (write_all(l->fd, r->str, r->len) < 0) {
		mon_warn("write log `%s`: %s", l->path, strerror(errno));
		return;
	}
	l->size += (int64_t)r->len;
	l->global_total += (int64_t)r->len;
	l->partial[s] = partial;
}

void k8s_log_write(struct k8s_log *l, enum mon_stream s, const char *buf, size_t len)
{
	char ts[64];
	size_t pos = 0;

	k8s_timestamp(ts, sizeof(ts)); /* one timestamp per chunk */
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len;
		write_record(l, ts, s, !nl, buf + pos, end - pos);
		pos = nl ? end + 1 : len;
	}
}

void k8s_log_finish(struct k8s_log *l)
{
	char ts[64];

	k8s_timestamp(ts, sizeof(ts));
	/* Terminate a dangling partial line (conmon #252), with the space podman 4.3 needs. */
	for (int s = STREAM_STDOUT; s <= STREAM_STDERR; s++)
		if (l->partial[s])
			write_record(l, ts, (enum mon_stream)s, false, "", 0);
	if (!l->no_sync && l->fd >= 0 && fsync(l->fd) < 0)
		mon_warn("fsync log `%s`: %s", l->path, strerror(errno));
}

void k8s_log_free(struct k8s_log *l)
{
	if (!l)
		return;
	if (l->fd >= 0)
		close(l->fd);
	g_string_free(l->rec, TRUE);
	g_free(l->path);
	g_free(l);
}
