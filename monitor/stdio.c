/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Container stdio: reads output and hands each chunk to the log drivers, then the attach
 * clients; buffers input for the container's stdin (pipe or pty) with back-pressure on the
 * attach clients. Never blocks the loop.
 *
 * Output is read on every wake-up while it trickles, which gives the lowest latency. A pipe
 * that streams (STREAM_ENTER_BYTES within STREAM_WINDOW_US) is read on a STREAM_TICK_MS timer
 * instead, from a pipe enlarged to STREAM_PIPE_SIZE, into a MON_STDIO_BURST buffer: one
 * wake-up, read and log write per tick instead of one per write of the container, and the
 * writer no longer wakes the monitor. Output then waits at most a tick (plus the loop's
 * latency). Reads go back to wake-ups once a tick finds less than STREAM_LEAVE_BYTES, or a
 * full pipe: a writer that fast fills every read anyway. */
#include <poll.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <fcntl.h>

#include <glib-unix.h>

#include "attach.h"
#include "log.h"
#include "mon_stdio.h"

#define DRAIN_MAX_MS 2000 /* bound for collecting output after the container exited */
#define TTY_REARM_MS 100
#define BURST_IDLE_MS 1000 /* a burst buffer unused this long goes back to the kernel */
#define STREAM_WINDOW_US 10000
#define STREAM_ENTER_BYTES (128 * 1024) /* in one window: >= 12.8 MB/s ... */
#define STREAM_SMALL_READ (16 * 1024)	/* ... in reads this small on average */
#define STREAM_LEAVE_BYTES (16 * 1024)	/* in one tick */
#define STREAM_TICK_MS 1
#define STREAM_PIPE_SIZE MON_STDIO_BURST /* holds a tick at up to ~500 MB/s */

static void dispatch(struct monitor *m, enum mon_stream s, const char *buf, size_t len)
{
	mon_log_write(m->log, s, buf, len);
	mon_attach_broadcast(m, s, buf, len);
}

static void output_close(struct monitor *m, int idx)
{
	struct mon_output *o = &m->out[idx];

	if (o->source)
		g_source_remove(o->source);
	o->source = 0;
	o->streaming = false;
	if (o->fd == m->pty_fd)
		m->pty_fd = -1;
	if (o->fd >= 0)
		mon_debug("output fd %d: %" G_GUINT64_FORMAT " bytes in %" G_GUINT64_FORMAT " reads",
			  o->fd, o->bytes, o->reads);
	fd_clear(&o->fd);
}

/* A pipe enlarged for streaming goes back to its size once output is quiet; a pipe that
 * still holds more than that refuses (EBUSY) and keeps its size until the next release. */
static void pipe_restore(struct mon_output *o)
{
	if (o->fd < 0 || !o->pipe_size || o->streaming)
		return;
	if (fcntl(o->fd, F_SETPIPE_SZ, o->pipe_size) >= 0)
		o->pipe_size = 0;
}

/* Streaming output: once a read fills MON_STDIO_BUF or a pipe streams, reads use a
 * MON_STDIO_BURST buffer. It is mapped on demand and unmapped when output has been quiet for
 * BURST_IDLE_MS, so an idle monitor keeps none of it; the pipes shrink back then too. */
static void burst_release(struct monitor *m)
{
	if (m->burst_timer)
		g_source_remove(m->burst_timer);
	m->burst_timer = 0;
	if (m->burst)
		munmap(m->burst, MON_STDIO_BURST);
	m->burst = NULL;
	pipe_restore(&m->out[0]);
	pipe_restore(&m->out[1]);
	if (m->log)
		mon_log_trim(m->log);
}

static gboolean burst_idle_check(gpointer data)
{
	struct monitor *m = data;

	if (m->burst_used) {
		m->burst_used = false;
		return G_SOURCE_CONTINUE;
	}
	m->burst_timer = 0;
	burst_release(m);
	return G_SOURCE_REMOVE;
}

static bool burst_start(struct monitor *m)
{
	void *p;

	if (m->burst)
		return true;
	p = mmap(NULL, MON_STDIO_BURST, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return false; /* keep reading MON_STDIO_BUF at a time */
	m->burst = p;
	m->burst_used = true;
	m->burst_timer = g_timeout_add(BURST_IDLE_MS, burst_idle_check, m);
	return true;
}

/* One read; returns the bytes read, 0 on "nothing now", -1 on EOF (the caller closes). */
static ssize_t read_once(struct monitor *m, int idx)
{
	struct mon_output *o = &m->out[idx];
	char small[MON_STDIO_BUF];
	char *buf = m->burst ? m->burst : small;
	size_t cap = m->burst ? MON_STDIO_BURST : sizeof(small);
	ssize_t n = read(o->fd, buf, cap);

	if (n > 0) {
		o->reads++;
		o->bytes += (guint64)n;
		dispatch(m, o->stream, buf, (size_t)n);
		if (m->burst)
			m->burst_used = true;
		else if ((size_t)n == cap)
			burst_start(m);
		return n;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	/* EOF, or EIO: the pty slave side is gone (conmon issue #440). */
	mon_debug("output fd %d closed: %s", o->fd, n < 0 ? strerror(errno) : "EOF");
	return -1;
}

static gboolean on_stdout_tick(gpointer data);
static gboolean on_stderr_tick(gpointer data);

/* A new rate window starts now. */
static void rate_restart(struct mon_output *o, gint64 now)
{
	o->rate_start = now;
	o->rate_bytes = 0;
	o->rate_reads = 0;
}

/* A pipe read on every wake-up turns to reading on ticks once it streams in small writes.
 * Returns true when it did (the caller's fd watch is then replaced by the tick timer). */
static bool stream_maybe_enter(struct monitor *m, int idx, size_t n)
{
	struct mon_output *o = &m->out[idx];
	gint64 now = g_get_monotonic_time();
	int size;

	if (now - o->rate_start > STREAM_WINDOW_US)
		rate_restart(o, now);
	o->rate_bytes += n;
	o->rate_reads++;
	if (o->rate_bytes < STREAM_ENTER_BYTES || o->rate_bytes / o->rate_reads >= STREAM_SMALL_READ ||
	    o->fd == m->pty_fd || m->output_paused || !burst_start(m))
		return false;
	rate_restart(o, now);
	size = fcntl(o->fd, F_GETPIPE_SZ);
	if (size < 0)
		return false;
	/* the pipe must hold a tick of output, or the writer would wait for us */
	if (size < STREAM_PIPE_SIZE) {
		if (fcntl(o->fd, F_SETPIPE_SZ, STREAM_PIPE_SIZE) < 0) {
			mon_debug("output fd %d: pipe stays at %d bytes: %s", o->fd, size, strerror(errno));
			return false;
		}
		if (!o->pipe_size)
			o->pipe_size = size;
	}
	o->streaming = true;
	o->source = g_timeout_add(STREAM_TICK_MS, idx ? on_stderr_tick : on_stdout_tick, m);
	return true;
}

static void watch_output(struct monitor *m, int idx);

static gboolean on_stream_tick(struct monitor *m, int idx)
{
	struct mon_output *o = &m->out[idx];
	ssize_t n = read_once(m, idx);

	if (n < 0) {
		o->source = 0;
		output_close(m, idx);
		return G_SOURCE_REMOVE;
	}
	if (m->output_paused) {
		o->source = 0; /* pausing removed this timer; resuming adds a watch */
		return G_SOURCE_REMOVE;
	}
	/* Between the two bounds, ticks pay. Below, output has slowed down. At a full buffer
	 * the pipe was full and the writer waited for the tick: reading on wake-ups is then
	 * both cheap (every read is big) and needed (the writer outpaces the ticks). */
	if (n >= STREAM_LEAVE_BYTES && n < MON_STDIO_BURST)
		return G_SOURCE_CONTINUE;
	o->source = 0;
	rate_restart(o, g_get_monotonic_time());
	o->rate_bytes = (size_t)n;
	o->rate_reads = 1;
	watch_output(m, idx); /* no longer streaming */
	return G_SOURCE_REMOVE;
}

static gboolean on_stdout_tick(gpointer data)
{
	return on_stream_tick(data, 0);
}

static gboolean on_stderr_tick(gpointer data)
{
	return on_stream_tick(data, 1);
}

static gboolean rearm_tty(gpointer data);

static gboolean on_output(struct monitor *m, int idx, GIOCondition cond)
{
	ssize_t r = read_once(m, idx);

	if (r > 0 && stream_maybe_enter(m, idx, (size_t)r))
		return G_SOURCE_REMOVE; /* o->source is the tick timer now */
	if (r < 0) {
		m->out[idx].source = 0;
		output_close(m, idx);
		return G_SOURCE_REMOVE;
	}
	if (r == 0 && (cond & G_IO_HUP) && m->out[idx].fd == m->pty_fd) {
		/* A pty master reports HUP while no slave is open; not EOF: look again later. */
		m->out[idx].source = 0;
		g_timeout_add(TTY_REARM_MS, rearm_tty, m);
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

static gboolean on_stdout(int fd, GIOCondition cond, gpointer data)
{
	return on_output(data, 0, cond);
}

static gboolean on_stderr(int fd, GIOCondition cond, gpointer data)
{
	return on_output(data, 1, cond);
}

static void watch_output(struct monitor *m, int idx)
{
	struct mon_output *o = &m->out[idx];

	if (o->fd < 0 || o->source || m->output_paused)
		return;
	o->streaming = false;
	fd_set_nonblock(o->fd, true);
	o->source = mon_fd_add(o->fd, G_IO_IN | G_IO_HUP | G_IO_ERR, idx ? on_stderr : on_stdout, m);
}

static gboolean rearm_tty(gpointer data)
{
	struct monitor *m = data;

	if (m->state == MON_RUNNING)
		watch_output(m, 0);
	return G_SOURCE_REMOVE;
}

void mon_stdio_start_output(struct monitor *m)
{
	watch_output(m, 0);
	watch_output(m, 1);
}

/* Back-pressure from a slow attach client: stop reading, so the container blocks on its
 * pipe/pty instead of us buffering without bound (nothing is lost, the loop keeps running). */
void mon_stdio_pause_output(struct monitor *m)
{
	if (m->output_paused)
		return;
	m->output_paused = true;
	for (int idx = 0; idx < 2; idx++) {
		if (m->out[idx].source)
			g_source_remove(m->out[idx].source);
		m->out[idx].source = 0;
	}
}

void mon_stdio_resume_output(struct monitor *m)
{
	if (!m->output_paused)
		return;
	m->output_paused = false;
	if (m->state == MON_RUNNING)
		mon_stdio_start_output(m);
}

static long elapsed_ms(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
}

void mon_stdio_drain(struct monitor *m)
{
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int idx = 0; idx < 2; idx++) {
		while (m->out[idx].fd >= 0 && elapsed_ms(&t0) < DRAIN_MAX_MS) {
			/* pty output may still sit in the line discipline: give it a moment */
			struct pollfd p = { .fd = m->out[idx].fd, .events = POLLIN };
			ssize_t n;
			int r = poll(&p, 1, m->out[idx].fd == m->pty_fd ? 50 : 0);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
			fd_set_nonblock(m->out[idx].fd, true);
			n = read_once(m, idx);
			if (n < 0)
				output_close(m, idx);
			else if (n == 0)
				break;
		}
	}
}

static void stdin_close_now(struct monitor *m)
{
	if (m->stdin_source)
		g_source_remove(m->stdin_source);
	m->stdin_source = 0;
	fd_clear(&m->stdin_fd);
	g_byte_array_set_size(m->stdin_buf, 0);
	m->stdin_close_pending = false;
}

void mon_stdio_close(struct monitor *m)
{
	output_close(m, 0);
	output_close(m, 1);
	burst_release(m);
	stdin_close_now(m);
}

static gboolean on_stdin_writable(int fd, GIOCondition cond, gpointer data);

/* Write as much queued input as the fd takes; manage the writability watch and back-pressure. */
static void stdin_flush(struct monitor *m)
{
	GByteArray *b = m->stdin_buf;

	while (m->stdin_fd >= 0 && b->len) {
		ssize_t n = write(m->stdin_fd, b->data, b->len);
		if (n > 0) {
			g_byte_array_remove_range(b, 0, (guint)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			if (!m->stdin_source)
				m->stdin_source = mon_fd_add(m->stdin_fd, G_IO_OUT, on_stdin_writable, m);
			return;
		}
		mon_debug("write to container stdin: %s; dropping input", strerror(errno));
		stdin_close_now(m);
		mon_attach_resume_input(m);
		return;
	}
	if (b->len == 0) {
		if (m->stdin_source)
			g_source_remove(m->stdin_source);
		m->stdin_source = 0;
		if (m->stdin_close_pending && m->stdin_fd >= 0)
			stdin_close_now(m);
	}
	if (!mon_stdio_input_full(m))
		mon_attach_resume_input(m);
}

static gboolean on_stdin_writable(int fd, GIOCondition cond, gpointer data)
{
	struct monitor *m = data;

	m->stdin_source = 0; /* stdin_flush re-adds the watch if still needed */
	stdin_flush(m);
	if (m->stdin_source) {
		g_source_remove(m->stdin_source);
		m->stdin_source = 0;
		return G_SOURCE_CONTINUE;
	}
	return G_SOURCE_REMOVE;
}

bool mon_stdio_input_full(const struct monitor *m)
{
	return m->stdin_buf->len >= MON_STDIN_MAX;
}

bool mon_stdio_queue_input(struct monitor *m, const char *buf, size_t len)
{
	bool waiting_for_pty = m->opts->terminal && m->pty_fd < 0 && m->state <= MON_RUNNING;

	if (m->stdin_fd < 0 && !waiting_for_pty)
		return true; /* no stdin: input is discarded, as conmon does */
	g_byte_array_append(m->stdin_buf, (const guint8 *)buf, (guint)len);
	stdin_flush(m);
	if (mon_stdio_input_full(m)) {
		mon_attach_pause_input(m);
		return false;
	}
	return true;
}

void mon_stdio_close_stdin(struct monitor *m)
{
	if (m->opts->terminal || m->stdin_fd < 0)
		return; /* a tty has no EOF to give; spec 4.3 */
	if (m->stdin_buf->len)
		m->stdin_close_pending = true;
	else
		stdin_close_now(m);
}

void mon_stdio_set_pty(struct monitor *m, int master)
{
	struct termios t;

	if (tcgetattr(master, &t) == 0) {
		t.c_oflag |= ONLCR;
		if (tcsetattr(master, TCSANOW, &t) < 0)
			mon_warn("tcsetattr on pty master: %s, ignoring", strerror(errno));
	}
	fd_set_nonblock(master, true);
	m->out[0].fd = master;
	m->pty_fd = master;
	m->stdin_fd = fcntl(master, F_DUPFD_CLOEXEC, 3);
	if (m->pending_rows || m->pending_cols)
		mon_stdio_resize(m, m->pending_rows, m->pending_cols);
	stdin_flush(m);
	if (m->state == MON_RUNNING)
		watch_output(m, 0);
}

void mon_stdio_resize(struct monitor *m, unsigned short rows, unsigned short cols)
{
	struct winsize ws = { .ws_row = rows, .ws_col = cols }; /* pixel fields zeroed */

	m->pending_rows = rows;
	m->pending_cols = cols;
	if (m->pty_fd < 0)
		return;
	if (ioctl(m->pty_fd, TIOCSWINSZ, &ws) < 0)
		mon_warn("resize pty to %ux%u: %s", rows, cols, strerror(errno));
}
