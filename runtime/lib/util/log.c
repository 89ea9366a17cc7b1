/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Log lines in runc's formats: JSON {"level","msg","time"} with an RFC 3339 time, or
 * logrus-like text. One documented piece of file-scope state: the open log sink. */
#include "log.h"

#include "error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The sink chosen by --log/--log-format; set once by main() before any command runs. */
static struct {
	int fd;
	bool json;
	bool debug;
} sink = { .fd = 2 };

static const char *const level_names[] = { "error", "warning", "info", "debug" };

int log_init(const char *path, bool json, bool debug, struct error *err)
{
	sink.json = json;
	sink.debug = debug;
	if (!path || !*path)
		return 0;
	if (strncmp(path, "file:", 5) == 0)
		path += 5;
	sink.fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (sink.fd < 0) {
		sink.fd = 2;
		return err_set(err, errno, "open log file `%s`", path);
	}
	return 0;
}

bool log_debug_enabled(void)
{
	return sink.debug;
}

static void json_escape(char *out, size_t cap, const char *in)
{
	size_t o = 0;

	for (; *in && o + 7 < cap; in++) {
		unsigned char c = (unsigned char)*in;
		if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c == '\n') {
			out[o++] = '\\';
			out[o++] = 'n';
		} else if (c < 0x20 || c == 0x7f) {
			o += (size_t)snprintf(out + o, cap - o, "\\u%04x", c);
		} else {
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
}

static void emit(int fd, bool json, enum log_level lvl, const char *msg)
{
	char line[4096 + 256], esc[4096];
	char ts[64];
	struct timespec now;
	struct tm tm;
	int n;

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	n = (int)strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(ts + n, sizeof(ts) - (size_t)n, ".%06ldZ", now.tv_nsec / 1000);
	if (json) {
		json_escape(esc, sizeof(esc), msg);
		n = snprintf(line, sizeof(line), "{\"level\":\"%s\",\"msg\":\"%s\",\"time\":\"%s\"}\n",
			     level_names[lvl], esc, ts);
	} else if (fd == 2) {
		n = snprintf(line, sizeof(line), "silo: %s%s\n",
			     lvl == LOG_LVL_ERROR ? "" : lvl == LOG_LVL_WARNING ? "warning: " : "", msg);
	} else {
		n = snprintf(line, sizeof(line), "time=\"%s\" level=%s msg=\"%s\"\n", ts,
			     level_names[lvl], msg);
	}
	if (n > (int)sizeof(line) - 1)
		n = (int)sizeof(line) - 1;
	if (write(fd, line, (size_t)n) < 0) {
		/* nowhere left to report a failing log write */
	}
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	int saved = errno;
	char msg[4096];
	va_list ap;

	if (lvl == LOG_LVL_DEBUG && !sink.debug) {
		errno = saved;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	emit(sink.fd, sink.json && sink.fd != 2, lvl, msg);
	errno = saved;
}

void log_error(const struct error *e, const char *prefix)
{
	int saved = errno;
	char text[2048], msg[2304];

	err_text(e, text, sizeof(text));
	if (prefix)
		snprintf(msg, sizeof(msg), "%s: %s", prefix, text);
	else
		snprintf(msg, sizeof(msg), "%s", text);
	emit(sink.fd, sink.json && sink.fd != 2, LOG_LVL_ERROR, msg);
	if (sink.fd != 2)
		emit(2, false, LOG_LVL_ERROR, msg); /* engines also read stderr */
	errno = saved;
}
