/* SPDX-License-Identifier: GPL-2.0-or-later */
/* silomon helpers: struct error, the monitor's own diagnostics (stderr/syslog), fd and small-file
 * utilities, atomic file writes and JSON string escaping. Never touches struct monitor. */
#include "util.h"

#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <syslog.h>
#include <time.h>

int err_set(struct error *e, int errnum, const char *fmt, ...)
{
	va_list ap;

	e->errnum = errnum;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int err_prefix(struct error *e, const char *fmt, ...)
{
	char prefix[512], old[sizeof(e->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof(old));
	g_strlcpy(e->msg, prefix, sizeof(e->msg));
	g_strlcat(e->msg, ": ", sizeof(e->msg));
	g_strlcat(e->msg, old, sizeof(e->msg));
	return -1;
}

const char *err_str(const struct error *e, char *buf, size_t len)
{
	if (e->errnum)
		snprintf(buf, len, "%s: %s", e->msg, strerror(e->errnum));
	else
		snprintf(buf, len, "%s", e->msg);
	return buf;
}

/* Documented cache: diagnostics settings, written once by main() after option parsing. */
static struct {
	enum mon_level level;
	bool use_syslog;
	char prefix[64];
} log_cfg = { MON_LOG_WARN, false, "" };

int mon_log_parse_level(const char *s, enum mon_level *ret)
{
	static const struct { const char *name; enum mon_level level; } names[] = {
		{ "error", MON_LOG_ERROR }, { "fatal", MON_LOG_ERROR }, { "panic", MON_LOG_ERROR },
		{ "warn", MON_LOG_WARN },   { "warning", MON_LOG_WARN }, { "info", MON_LOG_INFO },
		{ "debug", MON_LOG_DEBUG }, { "trace", MON_LOG_TRACE },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
		if (strcasecmp(s, names[i].name) == 0) {
			*ret = names[i].level;
			return 0;
		}
	return -1;
}

void mon_log_setup(enum mon_level level, bool use_syslog, const char *cid, const char *tag)
{
	log_cfg.level = level;
	log_cfg.use_syslog = use_syslog;
	snprintf(log_cfg.prefix, sizeof(log_cfg.prefix), "%.20s%s%s", cid ? cid : "",
		 tag ? ": " : "", tag ? tag : "");
}

void mon_log_close(void)
{
	if (log_cfg.use_syslog)
		closelog();
}

void mon_log(enum mon_level level, const char *fmt, ...)
{
	static const char letters[] = "ewidt";
	static const char *const sysnames[] = { "<error>", "<nwarn>", "<ninfo>", "<ndebug>", "<ntrace>" };
	int saved = errno;
	char msg[2048];
	va_list ap;

	if (level > log_cfg.level)
		goto out;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "[conmon:%c]: silomon: %s\n", letters[level], msg);
	if (log_cfg.use_syslog)
		syslog(level == MON_LOG_ERROR ? LOG_ERR : LOG_INFO, "conmon %s %s: %s", log_cfg.prefix,
		       sysnames[level], msg);
out:
	errno = saved;
}

void fd_clear(int *fd)
{
	closep(fd);
	*fd = -1;
}

ssize_t write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, p + done, len - done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		done += (size_t)n;
	}
	return (ssize_t)done;
}

void fd_close_from(int from, bool cloexec_only)
{
	struct rlimit rl;
	int max = 65536;

	if (syscall(SYS_close_range, (unsigned)from, ~0U, cloexec_only ? 4 /* CLOSE_RANGE_CLOEXEC */ : 0) == 0)
		return;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_max != RLIM_INFINITY && rl.rlim_max < 65536)
		max = (int)rl.rlim_max;
	for (int fd = from; fd < max; fd++) {
		if (cloexec_only)
			fcntl(fd, F_SETFD, FD_CLOEXEC);
		else
			close(fd);
	}
}

int mon_set_oom_score_adj(const char *val)
{
	int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	int r;

	if (fd < 0)
		return -1;
	r = write(fd, val, strlen(val)) < 0 ? -1 : 0;
	close(fd);
	return r;
}

void mon_child_reset_signals(void)
{
	sigset_t none;

	signal(SIGPIPE, SIG_DFL);
	/* our handlers (early_term, glib's) must not run in the child */
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* g_unix_fd_add, minus two eventfd writes and a read per dispatch: glib takes a source that
 * cannot recurse out of the poll set while its callback runs and puts it back afterwards,
 * waking its own loop each time. We never nest main loops, so nothing can recurse. */
guint mon_fd_add(int fd, GIOCondition cond, GUnixFDSourceFunc fn, gpointer data)
{
	GSource *src = g_unix_fd_source_new(fd, cond);
	guint id;

	g_source_set_can_recurse(src, TRUE);
	g_source_set_callback(src, (GSourceFunc)(void (*)(void))fn, data, NULL);
	id = g_source_attach(src, NULL);
	g_source_unref(src);
	return id;
}

int fd_set_nonblock(int fd, bool on)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0)
		return -1;
	fl = on ? (fl | O_NONBLOCK) : (fl & ~O_NONBLOCK);
	return fcntl(fd, F_SETFL, fl);
}

int fd_set_cloexec(int fd, bool on)
{
	int fl = fcntl(fd, F_GETFD);
	if (fl < 0)
		return -1;
	fl = on ? (fl | FD_CLOEXEC) : (fl & ~FD_CLOEXEC);
	return fcntl(fd, F_SETFD, fl);
}

int parse_int64(const char *s, int64_t *ret)
{
	char *end;
	long long v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end)
		return -1;
	*ret = v;
	return 0;
}

char *file_read_small(const char *path, size_t max, struct error *err)
{
	autoclose int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	char *buf;
	size_t got = 0;

	if (fd < 0) {
		err_set(err, errno, "open `%s`", path);
		return NULL;
	}
	buf = g_malloc(max + 1);
	while (got < max) {
		ssize_t n = read(fd, buf + got, max - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err_set(err, errno, "read `%s`", path);
			g_free(buf);
			return NULL;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	return buf;
}

static mode_t current_umask(void)
{
	mode_t m = umask(022);
	umask(m);
	return m;
}

int file_write_atomic(const char *path, const void *data, size_t len, struct error *err)
{
	g_autofree char *tmp = g_strdup_printf("%s.XXXXXX", path);
	autoclose int fd = mkostemp(tmp, O_CLOEXEC);

	if (fd < 0)
		return err_set(err, errno, "create temporary file for `%s`", path);
	if (write_all(fd, data, len) < 0 || fchmod(fd, 0666 & ~current_umask()) < 0) {
		err_set(err, errno, "write `%s`", tmp);
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path) < 0) {
		err_set(err, errno, "rename `%s` to `%s`", tmp, path);
		unlink(tmp);
		return -1;
	}
	return 0;
}

int file_touch(const char *path, struct error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW, 0666);
	if (fd < 0)
		return err_set(err, errno, "create `%s`", path);
	close(fd);
	return 0;
}

void json_escape_append(GString *out, const char *s, size_t len)
{
	g_autofree char *valid = g_utf8_make_valid(s, (gssize)len);

	for (const unsigned char *p = (const unsigned char *)valid; *p; p++) {
		switch (*p) {
		case '"': g_string_append(out, "\\\""); break;
		case '\\': g_string_append(out, "\\\\"); break;
		case '\n': g_string_append(out, "\\n"); break;
		case '\t': g_string_append(out, "\\t"); break;
		case '\r': g_string_append(out, "\\r"); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				g_string_append_printf(out, "\\u%04x", *p);
			else
				g_string_append_c(out, (char)*p);
		}
	}
}

size_t k8s_timestamp(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	size_t n;
	long off;

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	off = tm.tm_gmtoff / 60;
	n += (size_t)snprintf(buf + n, len - n, ".%09ld%c%02ld:%02ld", ts.tv_nsec, off < 0 ? '-' : '+',
			      labs(off) / 60, labs(off) % 60);
	return n;
}
