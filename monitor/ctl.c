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
#include "log.h"
#include "mon_stdio.h"

#define CTL_LINE_MAX 200 /* conmon's CTLBUFSZ */

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

static void resize(struct monitor *m, int h, int w)
{
	if (h < 0 || w < 0 || h > 65535 || w > 65535) {
		mon_warn("ignoring invalid terminal size %dx%d", h, w);
		return;
	}
	mon_stdio_resize(m, (unsigned short)h, (unsigned short)w);
}

static void ctl_line(struct monitor *m, const char *line)
{
	int v[3];

	if (!parse_ints(line, v, 3)) {
		mon_warn("ignoring malformed ctl line `%s`", line);
		return;
	}
	switch (v[0]) {
	case 1:
		resize(m, v[1], v[2]);
		break;
	case 2:
		mon_log_reopen(m->log);
		break;
	default:
		mon_warn("ignoring unknown ctl message type %d", v[0]);
	}
}

static void winsz_line(struct monitor *m, const char *line)
{
	int v[2];

	if (parse_ints(line, v, 2))
		resize(m, v[0], v[1]);
	else
		mon_warn("ignoring malformed winsz line `%s`", line);
}

/* Split buf into lines; complete ones go to fn, the rest stays in f->line. */
static void feed(struct monitor *m, struct fifo *f, const char *buf, size_t len,
		 void (*fn)(struct monitor *, const char *))
{
	for (size_t i = 0; i < len; i++) {
		if (buf[i] != '\n') {
			if (f->line->len < CTL_LINE_MAX)
				g_string_append_c(f->line, buf[i]);
			else
				g_string_truncate(f->line, CTL_LINE_MAX + 1); /* marks it too long */
			continue;
		}
		if (f->line->len <= CTL_LINE_MAX)
			fn(m, f->line->str);
		else
			mon_warn("ignoring ctl line longer than %d bytes", CTL_LINE_MAX);
		g_string_truncate(f->line, 0);
	}
}

static gboolean on_fifo(struct monitor *m, struct fifo *f, void (*fn)(struct monitor *, const char *))
{
	char buf[512];
	ssize_t n = read(f->rfd, buf, sizeof(buf));

	if (n > 0)
		feed(m, f, buf, (size_t)n, fn);
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
