/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The attach socket (AF_UNIX SOCK_SEQPACKET, spec 5): records "<stream id><payload <= 8192>" to
 * every client, raw client bytes to the container's stdin. Per-client queues are bounded: a
 * client that falls behind pauses the reading of container output (the container blocks, nothing
 * is lost, the loop keeps running); one that makes no progress for a while is dropped. */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <glib-unix.h>

#include "attach.h"
#include "mon_stdio.h"

#define CLIENT_RECV_MAX 32768		  /* per recv (conmon's CONN_SOCK_BUF_SIZE) */
#define CLIENT_HIGH (1024 * 1024)	   /* queued bytes that pause container output */
#define CLIENT_LOW (256 * 1024)		   /* output resumes once every client is below this */
#define CLIENT_QUEUE_MAX (4 * 1024 * 1024) /* hard cap (reached only while draining at exit) */
#define CLIENT_STALL_US (5 * G_USEC_PER_SEC) /* no progress for this long: client dropped */
#define CLOSE_FLUSH_MS 2000		   /* at exit, time given to clients to take their queue */

struct client {
	int fd;
	guint source;
	GQueue queue; /* GBytes records not yet sent */
	size_t queued;
	gint64 progress; /* monotonic time of the last send, or when the queue started */
	bool eof;	 /* client ended its input */
};

struct mon_attach {
	int listen_fd;
	guint listen_source;
	GPtrArray *clients;
	bool paused; /* container stdin full: stop reading clients */
	guint stall_timer;
};

static gboolean on_client(int fd, GIOCondition cond, gpointer data);

static void client_watch(struct monitor *m, struct client *c)
{
	GIOCondition cond = G_IO_HUP | G_IO_ERR;

	if (c->source)
		g_source_remove(c->source);
	if (!c->eof && !m->attach->paused)
		cond |= G_IO_IN;
	if (c->queued)
		cond |= G_IO_OUT;
	c->source = mon_fd_add(c->fd, cond, on_client, m);
}

static void client_free(struct client *c)
{
	if (c->source)
		g_source_remove(c->source);
	g_queue_clear_full(&c->queue, (GDestroyNotify)g_bytes_unref);
	close(c->fd);
	g_free(c);
}

static void client_drop(struct monitor *m, struct client *c, const char *why)
{
	mon_debug("attach client %d dropped: %s", c->fd, why);
	g_ptr_array_remove_fast(m->attach->clients, c); /* frees it */
}

static struct client *client_find(struct monitor *m, int fd)
{
	GPtrArray *a = m->attach->clients;

	for (guint i = 0; i < a->len; i++)
		if (((struct client *)a->pdata[i])->fd == fd)
			return a->pdata[i];
	return NULL;
}

/* Returns false if the client must be dropped. */
static bool client_flush(struct client *c)
{
	GBytes *b;

	while ((b = g_queue_peek_head(&c->queue))) {
		gsize len;
		const void *d = g_bytes_get_data(b, &len);
		if (send(c->fd, d, len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
			return errno == EAGAIN || errno == EINTR;
		c->progress = g_get_monotonic_time();
		g_queue_pop_head(&c->queue);
		c->queued -= len;
		g_bytes_unref(b);
	}
	return true;
}

static gboolean on_stall_check(gpointer data);

/* Pause container output while a client is above the high watermark; resume when all are low. */
static void update_backpressure(struct monitor *m)
{
	GPtrArray *a = m->attach->clients;
	bool high = false, all_low = true;

	for (guint i = 0; i < a->len; i++) {
		struct client *c = a->pdata[i];
		high |= c->queued > CLIENT_HIGH;
		all_low &= c->queued <= CLIENT_LOW;
	}
	if (high) {
		mon_stdio_pause_output(m);
		if (!m->attach->stall_timer)
			m->attach->stall_timer = g_timeout_add_seconds(1, on_stall_check, m);
	} else if (all_low) {
		mon_stdio_resume_output(m);
	}
}

static gboolean on_stall_check(gpointer data)
{
	struct monitor *m = data;
	GPtrArray *a = m->attach->clients;
	gint64 now = g_get_monotonic_time();

	for (guint i = 0; i < a->len;) {
		struct client *c = a->pdata[i];
		if (c->queued > CLIENT_LOW && now - c->progress > CLIENT_STALL_US)
			client_drop(m, c, "stalled"); /* moves the last client to i */
		else
			i++;
	}
	update_backpressure(m);
	if (m->output_paused)
		return G_SOURCE_CONTINUE;
	m->attach->stall_timer = 0;
	return G_SOURCE_REMOVE;
}

static void client_read(struct monitor *m, struct client *c, GIOCondition cond)
{
	char buf[CLIENT_RECV_MAX];
	ssize_t n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);

	if (n > 0) {
		mon_stdio_queue_input(m, buf, (size_t)n);
		return;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	/* EOF or error: the client ended its input (spec 4.3) */
	c->eof = true;
	if (m->opts->stdin && !m->opts->leave_stdin_open)
		mon_stdio_close_stdin(m);
	client_watch(m, c);
}

static gboolean on_client(int fd, GIOCondition cond, gpointer data)
{
	struct monitor *m = data;
	struct client *c = client_find(m, fd);

	if (!c)
		return G_SOURCE_REMOVE;
	if ((cond & G_IO_OUT) && !client_flush(c)) {
		c->source = 0;
		client_drop(m, c, "send failed");
		update_backpressure(m);
		return G_SOURCE_REMOVE;
	}
	if (cond & G_IO_OUT)
		update_backpressure(m);
	if ((cond & G_IO_IN) && !c->eof && !m->attach->paused) {
		guint before = c->source;
		client_read(m, c, cond);
		if (c->source != before) /* re-watched with a new condition */
			return G_SOURCE_REMOVE;
		return G_SOURCE_CONTINUE;
	}
	if (cond & (G_IO_HUP | G_IO_ERR)) {
		c->source = 0;
		if (c->eof) {
			client_drop(m, c, "hung up");
			update_backpressure(m);
		}
		/* else paused with unread input: resume re-adds the watch and reads it */
		return G_SOURCE_REMOVE;
	}
	if ((cond & G_IO_OUT) && !c->queued) {
		c->source = 0;
		client_watch(m, c);
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

static void accept_pending(struct monitor *m, int fd)
{
	int cfd;

	while ((cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		struct client *c = g_new0(struct client, 1);
		c->fd = cfd;
		g_queue_init(&c->queue);
		g_ptr_array_add(m->attach->clients, c);
		client_watch(m, c);
		mon_debug("attach client %d connected", cfd);
	}
	if (errno != EAGAIN && errno != EINTR)
		mon_warn("accept on attach socket: %s", strerror(errno));
}

static gboolean on_accept(int fd, GIOCondition cond, gpointer data)
{
	accept_pending(data, fd);
	return G_SOURCE_CONTINUE;
}

/* The loop can end in the very dispatch that reported the container PID (the container was
 * reaped in the same waitpid loop): a client that connected meanwhile, like podman before
 * `runtime start`, was never accepted. Take it now, before the remaining output is drained;
 * closing the listener with it pending would reset it (podman reads ECONNRESET as EOF). */
void mon_attach_accept_pending(struct monitor *m)
{
	if (m->attach && m->attach->listen_fd >= 0)
		accept_pending(m, m->attach->listen_fd);
}

static void broadcast_record(struct monitor *m, enum mon_stream s, const char *buf, size_t len);

/* Each record carries at most MON_STDIO_BUF payload bytes (spec 5.3), whatever was read. */
void mon_attach_broadcast(struct monitor *m, enum mon_stream s, const char *buf, size_t len)
{
	if (!m->attach)
		return;
	for (size_t pos = 0; pos < len; pos += MON_STDIO_BUF)
		broadcast_record(m, s, buf + pos, MIN(len - pos, (size_t)MON_STDIO_BUF));
}

static void broadcast_record(struct monitor *m, enum mon_stream s, const char *buf, size_t len)
{
	GPtrArray *a = m->attach ? m->attach->clients : NULL;

	for (guint i = 0; a && i < a->len;) {
		struct client *c = a->pdata[i];
		GBytes *rec;
		guint8 *d = g_malloc(len + 1);

		d[0] = (guint8)s;
		memcpy(d + 1, buf, len);
		rec = g_bytes_new_take(d, len + 1);
		bool was_waiting = c->queued > 0;
		if (!was_waiting)
			c->progress = g_get_monotonic_time();
		g_queue_push_tail(&c->queue, rec);
		c->queued += len + 1;
		if (!client_flush(c) || c->queued > CLIENT_QUEUE_MAX) {
			client_drop(m, c, c->queued > CLIENT_QUEUE_MAX ? "too slow" : "send failed");
			continue; /* remove_fast moved the last client to i */
		}
		if (c->queued && !was_waiting)
			client_watch(m, c);
		i++;
	}
	if (a)
		update_backpressure(m);
}

static void set_paused(struct monitor *m, bool paused)
{
	if (!m->attach || m->attach->paused == paused)
		return;
	m->attach->paused = paused;
	for (guint i = 0; i < m->attach->clients->len; i++)
		client_watch(m, m->attach->clients->pdata[i]);
}

void mon_attach_pause_input(struct monitor *m)
{
	set_paused(m, true);
}

void mon_attach_resume_input(struct monitor *m)
{
	set_paused(m, false);
}

/* <socket-dir-path>/<cuuid> -> bundle (CRI-O layout, spec 5.1). */
static int make_symlink(struct monitor *m, struct error *err)
{
	const struct mon_opts *o = m->opts;
	const char *dir = o->socket_dir_path ? o->socket_dir_path : "/var/run/crio";
	g_autofree char *path = g_build_filename(dir, o->cuuid, NULL);

	if (strlen(path) == 107) /* historic collision workaround (cri-o PR #1875) */
		path[106] = '\0';
	if (g_mkdir_with_parents(dir, 0755) < 0)
		return err_set(err, errno, "create socket dir `%s`", dir);
	if (unlink(path) < 0 && errno != ENOENT)
		return err_set(err, errno, "remove `%s`", path);
	if (symlink(o->bundle, path) < 0)
		return err_set(err, errno, "symlink `%s` to `%s`", path, o->bundle);
	m->attach_symlink = g_steal_pointer(&path);
	return 0;
}

static int bind_listener(struct monitor *m, struct error *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	autoclose int dirfd = open(m->opts->bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int fd;

	if (dirfd < 0)
		return err_set(err, errno, "open bundle `%s`", m->opts->bundle);
	/* sun_path is 108 bytes; bundle paths are often longer: go through the dirfd */
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/attach", dirfd);
	if (unlink(sa.sun_path) < 0 && errno != ENOENT)
		return err_set(err, errno, "remove old `%s`", m->attach_path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return err_set(err, errno, "socket");
	m->attach->listen_fd = fd;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return err_set(err, errno, "bind attach socket `%s`", m->attach_path);
	if (chmod(sa.sun_path, 0700) < 0)
		return err_set(err, errno, "chmod `%s`", m->attach_path);
	if (listen(fd, 10) < 0)
		return err_set(err, errno, "listen on `%s`", m->attach_path);
	return 0;
}

int mon_attach_setup(struct monitor *m, struct error *err)
{
	m->attach = g_new0(struct mon_attach, 1);
	m->attach->listen_fd = -1;
	m->attach->clients = g_ptr_array_new_with_free_func((GDestroyNotify)client_free);
	m->attach_path = g_build_filename(m->opts->bundle, "attach", NULL);
	if (!m->opts->full_attach && m->opts->cuuid && make_symlink(m, err) < 0)
		return -1;
	if (bind_listener(m, err) < 0)
		return -1;
	m->attach->listen_source = mon_fd_add(m->attach->listen_fd, G_IO_IN, on_accept, m);
	return 0;
}

/* The container is gone: give clients a bounded time to take what is queued for them. */
static void close_flush(GPtrArray *a)
{
	gint64 deadline = g_get_monotonic_time() + CLOSE_FLUSH_MS * 1000;

	for (guint i = 0; i < a->len; i++) {
		struct client *c = a->pdata[i];
		while (client_flush(c) && c->queued) {
			gint64 left = (deadline - g_get_monotonic_time()) / 1000;
			struct pollfd p = { .fd = c->fd, .events = POLLOUT };
			if (left <= 0 || poll(&p, 1, (int)left) <= 0)
				break;
		}
	}
}

void mon_attach_close(struct monitor *m)
{
	if (!m->attach)
		return;
	close_flush(m->attach->clients);
	g_ptr_array_set_size(m->attach->clients, 0);
	if (m->attach->stall_timer)
		g_source_remove(m->attach->stall_timer);
	m->attach->stall_timer = 0;
	if (m->attach->listen_source)
		g_source_remove(m->attach->listen_source);
	m->attach->listen_source = 0;
	fd_clear(&m->attach->listen_fd);
}

void mon_attach_unlink(struct monitor *m)
{
	if (m->attach_path && unlink(m->attach_path) < 0 && errno != ENOENT)
		mon_warn("remove `%s`: %s", m->attach_path, strerror(errno));
	if (m->attach_symlink && unlink(m->attach_symlink) < 0 && errno != ENOENT)
		mon_warn("remove `%s`: %s", m->attach_symlink, strerror(errno));
	g_clear_pointer(&m->attach_path, g_free);
	g_clear_pointer(&m->attach_symlink, g_free);
	if (m->attach) {
		g_ptr_array_free(m->attach->clients, TRUE);
		g_clear_pointer(&m->attach, g_free);
	}
}
