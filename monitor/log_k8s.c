/* SPDX-License-Identifier: GPL-2.0-or-later */
/* k8s-file (CRI) log driver: "<ts> <stream> <F|P> <content>\n" records, --log-size-max
 * (truncate, or rotate with --log-rotate), --log-global-size-max, reopen on request.
 * Container output is bytes: never interpreted, only split at '\n'. A batch that cannot be
 * written (ENOSPC, EIO...) is dropped whole, never torn, and the loss is reported: once when it
 * starts, once when writes work again, and in total at exit. The container is never blocked. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "log_internal.h"

#define LOG_MODE 0640
/* A nearly full fs takes a small record after refusing a big one: at most one "cannot write"
 * warning (and its "writing again") per this many seconds; the loss is counted regardless. */
#define LOSS_REPORT_INTERVAL_US (10 * G_USEC_PER_SEC)
/* Records of a big chunk are written in batches of about this size, so that the record
 * buffer stays small (and mon_log_trim gives it back after a burst). */
#define BATCH_MAX (64 * 1024)
/* Unless --no-sync-log, writeback of the log is started (not waited for) every this many
 * bytes: the fsync at exit then finds little to write, and dirty pages stay bounded. */
#define WRITEBACK_KICK (8 * 1024 * 1024)

struct k8s_log {
	char *path;
	int fd;
	int64_t size;	      /* bytes in the current file (starts at its size: conmon #266) */
	int64_t kicked;	      /* writeback started for the bytes before this offset */
	int64_t size_max;     /* <= 0: unlimited */
	int64_t global_max;   /* <= 0: unlimited */
	int64_t global_total; /* bytes written over the monitor's life */
	bool no_sync, rotate;
	int max_files;
	bool partial[4]; /* indexed by stream id: last record was P */
	GString *rec;
	bool losing;		   /* the last write failed */
	bool loss_reported;	   /* ... and that was reported */
	int64_t loss_reported_at;  /* g_get_monotonic_time() of that report */
	int lost_errno;		   /* errno of the last failed write */
	int64_t lost_bytes, lost_records; /* container output dropped since the last report */
	int64_t lost_bytes_total, lost_records_total;
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
	l->kicked = l->size;
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
	l->kicked = 0;
}

static void writeback_kick(struct k8s_log *l)
{
	if (l->no_sync || l->size - l->kicked < WRITEBACK_KICK)
		return;
	if (sync_file_range(l->fd, l->kicked, l->size - l->kicked, SYNC_FILE_RANGE_WRITE) < 0)
		mon_debug("log `%s`: sync_file_range: %s", l->path, strerror(errno));
	l->kicked = l->size;
}

/* Records cut from one chunk are built into l->rec and written with one write_all: the
 * "<ts> <stream> " prefix is formatted once per chunk (one timestamp per chunk). The
 * per-record limit checks are unchanged; the batch is split where a record needs a reopen. */
struct k8s_batch {
	char prefix[96]; /* "<ts> <stream> " */
	size_t prefix_len;
	enum mon_stream s;
	bool any, last_partial;
	int64_t records, content; /* in l->rec: records, and container bytes they carry */
};

static void batch_init(struct k8s_batch *b, const char *ts, enum mon_stream s)
{
	int n = snprintf(b->prefix, sizeof(b->prefix), "%s %s ", ts,
			 s == STREAM_STDERR ? "stderr" : "stdout");
	b->prefix_len = n < 0 ? 0 : MIN((size_t)n, sizeof(b->prefix) - 1);
	b->s = s;
	b->any = false;
	b->last_partial = false;
	b->records = b->content = 0;
}

/* Write l->rec in full or not at all: after a short write followed by an error, cut the file
 * back so that no torn record is left for the next successful write to follow. */
static int write_batch(struct k8s_log *l)
{
	const char *p = l->rec->str;
	size_t done = 0, len = l->rec->len;
	struct stat st;
	int saved;

	while (done < len) {
		ssize_t n = write(l->fd, p + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		done += (size_t)n;
	}
	if (done == len)
		return 0;
	saved = errno;
	if (done > 0 && fstat(l->fd, &st) == 0 && ftruncate(l->fd, st.st_size - (off_t)done) < 0)
		mon_warn("log `%s`: cannot remove a torn record: %s", l->path, strerror(errno));
	errno = saved;
	return -1;
}

static void report_loss_start(struct k8s_log *l, int errnum)
{
	int64_t now = g_get_monotonic_time();

	l->lost_errno = errnum;
	if (l->losing)
		return;
	l->losing = true;
	if (l->loss_reported_at && now - l->loss_reported_at < LOSS_REPORT_INTERVAL_US)
		return;
	l->loss_reported = true;
	l->loss_reported_at = now;
	mon_warn("log `%s`: cannot write: %s; dropping container output until writes succeed",
		 l->path, strerror(errnum));
}

static void report_loss_end(struct k8s_log *l)
{
	if (!l->losing)
		return;
	l->losing = false;
	if (!l->loss_reported)
		return; /* counted on into the next report */
	l->loss_reported = false;
	mon_warn("log `%s`: writing again; lost %" G_GINT64_FORMAT " bytes of container output in %"
		 G_GINT64_FORMAT " records (%s)", l->path, l->lost_bytes, l->lost_records,
		 strerror(l->lost_errno));
	l->lost_bytes = l->lost_records = 0;
}

static void batch_flush(struct k8s_log *l, struct k8s_batch *b)
{
	GString *r = l->rec;

	if (r->len == 0)
		return;
	if (l->fd >= 0) {
		/* short writes are continued, so a record is never torn (conmon 2.2 fix) */
		if (write_batch(l) < 0) {
			report_loss_start(l, errno);
			l->lost_bytes += b->content;
			l->lost_records += b->records;
			l->lost_bytes_total += b->content;
			l->lost_records_total += b->records;
		} else {
			report_loss_end(l);
			l->size += (int64_t)r->len;
			l->global_total += (int64_t)r->len;
			writeback_kick(l);
			if (b->any)
				l->partial[b->s] = b->last_partial;
		}
	}
	g_string_truncate(r, 0);
	b->any = false;
	b->records = b->content = 0;
}

static void batch_add(struct k8s_log *l, struct k8s_batch *b, bool partial, const char *content,
		      size_t len)
{
	GString *r = l->rec;
	int64_t rlen = (int64_t)(b->prefix_len + 2 + len + 1);
	int64_t pending = (int64_t)r->len;
	char *dst;

	if (l->global_max > 0 && l->global_total + pending + rlen > l->global_max)
		return;
	if (l->size_max > 0 && l->size + pending > 0 && l->size + pending + rlen > l->size_max) {
		batch_flush(l, b); /* what precedes this record goes to the old file */
		k8s_log_reopen(l);
	}
	if (l->fd < 0)
		return;
	pending = (int64_t)r->len;
	g_string_set_size(r, r->len + (size_t)rlen);
	dst = r->str + pending;
	memcpy(dst, b->prefix, b->prefix_len);
	dst += b->prefix_len;
	*dst++ = partial ? 'P' : 'F';
	*dst++ = ' ';
	if (len)
		memcpy(dst, content, len);
	dst[len] = '\n';
	b->any = true;
	b->last_partial = partial;
	b->records++;
	b->content += (int64_t)len + (partial ? 0 : 1);
}

void k8s_log_write(struct k8s_log *l, enum mon_stream s, const char *buf, size_t len)
{
	char ts[64];
	struct k8s_batch b;
	size_t pos = 0;

	k8s_timestamp(ts, sizeof(ts)); /* one timestamp per chunk */
	batch_init(&b, ts, s);
	g_string_truncate(l->rec, 0);
	while (pos < len) {
		/* a line longer than MON_STDIO_BUF becomes P records of that size, then the rest */
		size_t span = MIN(len - pos, (size_t)MON_STDIO_BUF);
		const char *nl = memchr(buf + pos, '\n', span);
		size_t end = nl ? (size_t)(nl - buf) : pos + span;
		batch_add(l, &b, !nl, buf + pos, end - pos);
		pos = nl ? end + 1 : end;
		if (l->rec->len >= BATCH_MAX)
			batch_flush(l, &b);
	}
	batch_flush(l, &b);
}

void k8s_log_finish(struct k8s_log *l)
{
	char ts[64];

	k8s_timestamp(ts, sizeof(ts));
	/* Terminate a dangling partial line (conmon #252), with the space podman 4.3 needs. */
	for (int s = STREAM_STDOUT; s <= STREAM_STDERR; s++) {
		if (l->partial[s]) {
			struct k8s_batch b;
			batch_init(&b, ts, (enum mon_stream)s);
			g_string_truncate(l->rec, 0);
			batch_add(l, &b, false, "", 0);
			b.records = b.content = 0; /* ours, not the container's, if it is lost */
			batch_flush(l, &b);
		}
	}
	if (!l->no_sync && l->fd >= 0 && fsync(l->fd) < 0)
		mon_warn("fsync log `%s`: %s", l->path, strerror(errno));
	if (l->lost_records_total)
		mon_warn("log `%s`: lost %" G_GINT64_FORMAT " bytes of container output in %"
			 G_GINT64_FORMAT " records in total (last error: %s)", l->path,
			 l->lost_bytes_total, l->lost_records_total, strerror(l->lost_errno));
}

/* After a burst: the record buffer goes back to its first size. */
void k8s_log_trim(struct k8s_log *l)
{
	if (l->rec->allocated_len <= 2 * (MON_STDIO_BUF + 128))
		return;
	g_string_free(l->rec, TRUE);
	l->rec = g_string_sized_new(MON_STDIO_BUF + 128);
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
