/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The ctl and winsz FIFOs in the bundle (spec 6). We hold a writer on each ourselves so engine
 * writers may come and go without HUPs; every complete line of a read is executed (conmon PR
 * #566) and a trailing partial line waits for the next read. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <glib-unix.h>

#include "ctl.h"
#include "ctl_internal.h"
#include "log.h"
#include "mon_stdio.h"

struct fifo {
	int rfd, wfd;
	guint source;
	GString *line;
};

struct mon_ctl {
	struct fifo ctl, winsz;
};

static bool parse_ints(const char *s, int *v, int count)
{
	char *end;

	for (int i = 0; i < count; i++) {
		long x;
		while (*s == ' ')
			s++;
		if (!g_ascii_isdigit(*s) && *s != '-')
			return false;
		errno = 0;
		x = strtol(s, &end, 10);
		if (errno || end == s || x < -1000000 || x > 1000000)
			return false;
		v[i] = (int)x;
		s = end;
	}
	while (*s == ' ' || *s == '\r')
		s++;
	return *s == '\0';
}

/* A NUL byte inside the line would end it early for parse_ints: "1 2 3\0junk" is malformed. */
struct mon_ctl_msg mon_ctl_parse_ctl(const char *line, size_t len)
{
	struct mon_ctl_msg c = { .op = MON_CTL_MALFORMED };
	int v[3];

	if (memchr(line, '\0', len) || !parse_ints(line, v, 3))
		return c;
	c.type = v[0];
	c.op = v[0] == 1 ? MON_CTL_RESIZE : v[0] == 2 ? MON_CTL_REOPEN : MON_CTL_UNKNOWN;
	c.rows = v[1];
	c.cols = v[2];
	return c;
}

struct mon_ctl_msg mon_ctl_parse_winsz(const char *line, size_t len)
{
	struct mon_ctl_msg c = { .op = MON_CTL_MALFORMED };
	int v[2];

	if (memchr(line, '\0', len) || !parse_ints(line, v, 2))
		return c;
	c.op = MON_CTL_RESIZE;
	c.rows = v[0];
	c.cols = v[1];
	return c;
}

static void resize(struct monitor *m, int h, int w)
{
	if (h < 0 || w < 0 || h > 65535 || w > 65535) {
		mon_warn("ignoring invalid terminal size %dx%d", h, w);
		return;
	}
	mon_stdio_resize(m, (unsigned short)h, (unsigned short)w);
}

static void ctl_line(void *data, const char *line, size_t len)
{
	struct monitor *m = data;
	struct mon_ctl_msg c = mon_ctl_parse_ctl(line, len);

	switch (c.op) {
	case MON_CTL_MALFORMED:
		mon_warn("ignoring malformed ctl line `%s`", line);
		break;
	case MON_CTL_RESIZE:
		resize(m, c.rows, c.cols);
		break;
	case MON_CTL_REOPEN:
		mon_log_reopen(m->log);
		break;
	case MON_CTL_UNKNOWN:
		mon_warn("ignoring unknown ctl message type %d", c.type);
		break;
	}
}

static void winsz_line(void *data, const char *line, size_t len)
{
	struct monitor *m = data;
	struct mon_ctl_msg c = mon_ctl_parse_winsz(line, len);

	if (c.op == MON_CTL_RESIZE)
		resize(m, c.rows, c.cols);
	else
		mon_warn("ignoring malformed winsz line `%s`", line);
}

void mon_ctl_feed(GString *line, const char *buf, size_t len,
		  void (*fn)(void *data, const char *line, size_t len), void *data)
{
	for (size_t i = 0; i < len; i++) {
		if (buf[i] != '\n') {
			/* Keep one byte more than allowed: a length of CTL_LINE_MAX + 1 marks a
			 * line too long (g_string_truncate cannot lengthen, so cutting it there
			 * used to run the first CTL_LINE_MAX bytes of a long line). */
			if (line->len <= CTL_LINE_MAX)
				g_string_append_c(line, buf[i]);
			continue;
		}
		if (line->len <= CTL_LINE_MAX)
			fn(data, line->str, line->len);
		else
			mon_warn("ignoring ctl line longer than %d bytes", CTL_LINE_MAX);
		g_string_truncate(line, 0);
	}
}

static gboolean on_fifo(struct monitor *m, struct fifo *f,
			void (*fn)(void *data, const char *line, size_t len))
{
	char buf[512];
	ssize_t n = read(f->rfd, buf, sizeof(buf));

	if (n > 0)
		mon_ctl_feed(f->line, buf, (size_t)n, fn, m);
	else if (n == 0 || (errno != EAGAIN && errno != EINTR))
		mon_warn("fifo read: %s", n ? strerror(errno) : "EOF");
	return G_SOURCE_CONTINUE;
}

static gboolean on_ctl(int fd, GIOCondition cond, gpointer data)
{
	struct monitor *m = data;
	return on_fifo(m, &m->ctl->ctl, ctl_line);
}

static gboolean on_winsz(int fd, GIOCondition cond, gpointer data)
{
	struct monitor *m = data;
	return on_fifo(m, &m->ctl->winsz, winsz_line);
}

static int fifo_open(struct monitor *m, struct fifo *f, const char *name, GUnixFDSourceFunc cb,
		     struct error *err)
{
	g_autofree char *path = g_build_filename(m->opts->bundle, name, NULL);

	f->rfd = f->wfd = -1;
	f->line = g_string_new(NULL);
	if (unlink(path) < 0 && errno != ENOENT)
		return err_set(err, errno, "remove `%s`", path);
	if (mkfifo(path, 0660) < 0)
		return err_set(err, errno, "mkfifo `%s`", path);
	f->rfd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (f->rfd < 0)
		return err_set(err, errno, "open `%s` for reading", path);
	f->wfd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (f->wfd < 0)
		return err_set(err, errno, "open `%s` for writing", path);
	f->source = mon_fd_add(f->rfd, G_IO_IN, cb, m);
	return 0;
}

int mon_ctl_setup(struct monitor *m, struct error *err)
{
	m->ctl = g_new0(struct mon_ctl, 1);
	m->ctl->ctl.rfd = m->ctl->ctl.wfd = m->ctl->winsz.rfd = m->ctl->winsz.wfd = -1;
	if (fifo_open(m, &m->ctl->ctl, "ctl", on_ctl, err) < 0)
		return -1;
	return fifo_open(m, &m->ctl->winsz, "winsz", on_winsz, err);
}

static void fifo_close(struct fifo *f)
{
	if (f->source)
		g_source_remove(f->source);
	f->source = 0;
	fd_clear(&f->rfd);
	fd_clear(&f->wfd);
	if (f->line)
		g_string_free(f->line, TRUE);
	f->line = NULL;
}

void mon_ctl_free(struct monitor *m)
{
	if (!m->ctl)
		return;
	fifo_close(&m->ctl->ctl);
	fifo_close(&m->ctl->winsz);
	g_clear_pointer(&m->ctl, g_free);
}
