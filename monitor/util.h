/* SPDX-License-Identifier: GPL-2.0-or-later */
/* silomon helpers: caller-owned errors, diagnostics, fd and file utilities, JSON escaping.
 * Pure libc + glib; knows nothing about struct monitor. */
#ifndef SILOMON_UTIL_H
#define SILOMON_UTIL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <unistd.h>

#include <glib.h>
#include <glib-unix.h>

struct error {
	int errnum;
	char msg[1024];
};

int err_set(struct error *e, int errnum, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int err_prefix(struct error *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "msg: strerror" (or just msg when errnum is 0) into buf. */
const char *err_str(const struct error *e, char *buf, size_t len);

enum mon_level { MON_LOG_ERROR, MON_LOG_WARN, MON_LOG_INFO, MON_LOG_DEBUG, MON_LOG_TRACE };
int mon_log_parse_level(const char *s, enum mon_level *ret);
void mon_log_setup(enum mon_level level, bool use_syslog, const char *cid, const char *tag);
/* Close the syslog connection, if any (at exit). */
void mon_log_close(void);
void mon_log(enum mon_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define mon_err(...) mon_log(MON_LOG_ERROR, __VA_ARGS__)
#define mon_warn(...) mon_log(MON_LOG_WARN, __VA_ARGS__)
#define mon_info(...) mon_log(MON_LOG_INFO, __VA_ARGS__)
#define mon_debug(...) mon_log(MON_LOG_DEBUG, __VA_ARGS__)

static inline void closep(int *fd)
{
	int saved = errno;
	if (*fd >= 0)
		close(*fd); /* never retried: Linux releases the fd even on EINTR */
	errno = saved;
}
#define autoclose __attribute__((cleanup(closep)))
static inline int take_fd(int *fd)
{
	int r = *fd;
	*fd = -1;
	return r;
}
/* Close *fd (if open) and set it to -1, preserving errno. */
void fd_clear(int *fd);

ssize_t write_all(int fd, const void *buf, size_t len);
/* Close (or mark close-on-exec) every fd >= from; async-signal-safe, for forked children.
 * close_range(2) with a fallback loop for kernels older than 5.9/5.11. */
void fd_close_from(int from, bool cloexec_only);
int fd_set_nonblock(int fd, bool on);
guint mon_fd_add(int fd, GIOCondition cond, GUnixFDSourceFunc fn, gpointer data);
/* Async-signal-safe, for forked children too: write /proc/self/oom_score_adj (-1 + errno on
 * failure); give a child the signal state of a fresh process (default TERM/INT/HUP/PIPE
 * handlers, nothing blocked). */
int mon_set_oom_score_adj(const char *val);
void mon_child_reset_signals(void);
int fd_set_cloexec(int fd, bool on);
/* Strict decimal parse of a whole string. */
int parse_int64(const char *s, int64_t *ret);
/* Read at most max bytes of a small file into a NUL-terminated g_malloc'ed string. */
char *file_read_small(const char *path, size_t max, struct error *err);
/* Write data to path atomically (path.XXXXXX + rename), mode 0666 & ~umask. */
int file_write_atomic(const char *path, const void *data, size_t len, struct error *err);
/* Create an empty file (mode 0666 & ~umask) if missing. */
int file_touch(const char *path, struct error *err);
/* Append s to out as a JSON string body: valid UTF-8, every byte < 0x20 escaped. */
void json_escape_append(GString *out, const char *s, size_t len);
/* Format the k8s/CRI timestamp (local time, 9 digits, +HH:MM) into buf (>= 40 bytes). */
size_t k8s_timestamp(char *buf, size_t len);

#endif
