/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sd-notify proxy (spec 10.4): the container sends datagrams to <bundle>/notify/notify.sock; we
 * forward the harmless lines (READY=1, STATUS=..., no MAINPID=, no fds) to the host socket given
 * by --sdnotify-socket. Container data is hostile: bounded reads, strict line filter. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <glib-unix.h>

#include "notify.h"

GString *mon_notify_filter(const char *buf, size_t len)
{
	static const char *const exact[] = { "READY=1", "RELOADING=1", "STOPPING=1", "WATCHDOG=1",
					     "WATCHDOG=trigger" };
	static const char *const prefixes[] = { "STATUS=", "ERRNO=", "BUSERROR=", "MONOTONIC_USEC=" };
	g_autofree char *copy = g_strndup(buf, len);
	g_auto(GStrv) lines = g_strsplit(copy, "\n", -1);
	GString *out = g_string_new(NULL);

	for (char **l = lines; *l; l++) {
		bool ok = false;
		for (size_t i = 0; i < G_N_ELEMENTS(exact) && !ok; i++)
			ok = strcmp(*l, exact[i]) == 0;
		for (size_t i = 0; i < G_N_ELEMENTS(prefixes) && !ok; i++)
			ok = g_str_has_prefix(*l, prefixes[i]);
		if (!ok)
			continue;
		if (out->len)
			g_string_append_c(out, '\n');
		g_string_append(out, *l);
	}
	return out;
}

/* Relay one queued datagram; false once the queue is empty. */
static bool relay_one(struct monitor *m)
{
	char buf[4096];
	struct sockaddr_un host = { .sun_family = AF_UNIX };
	ssize_t n = recv(m->notify_fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC);

	if (n < 0)
		return false;
	if ((size_t)n > sizeof(buf)) {
		mon_warn("sd-notify: dropping oversized datagram");
		return true;
	}
	g_autoptr(GString) msg = mon_notify_filter(buf, (size_t)n);
	if (!msg->len)
		return true;
	g_strlcpy(host.sun_path, m->opts->sdnotify_socket, sizeof(host.sun_path));
	if (sendto(m->notify_fd, msg->str, msg->len, MSG_DONTWAIT | MSG_NOSIGNAL, (struct sockaddr *)&host,
		   sizeof(host)) < 0)
		mon_warn("sd-notify: send to `%s`: %s", m->opts->sdnotify_socket, strerror(errno));
	return true;
}

static gboolean on_notify(int fd, GIOCondition cond, gpointer data)
{
	relay_one(data);
	return G_SOURCE_CONTINUE;
}

void mon_notify_setup(struct monitor *m)
{
	g_autofree char *dir = NULL;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	autoclose int dirfd = -1;
	autoclose int fd = -1;

	if (!m->opts->sdnotify_socket || !m->opts->bundle)
		return;
	if (strlen(m->opts->sdnotify_socket) >= sizeof(sa.sun_path)) {
		mon_warn("sd-notify: host socket path too long, ignoring");
		return;
	}
	dir = g_build_filename(m->opts->bundle, "notify", NULL);
	dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (dirfd < 0 || fd < 0) {
		mon_warn("sd-notify: open `%s`: %s, ignoring", dir, strerror(errno));
		return;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/notify.sock", dirfd);
	unlink(sa.sun_path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(sa.sun_path, 0777) < 0) {
		mon_warn("sd-notify: bind `%s/notify.sock`: %s, ignoring", dir, strerror(errno));
		return;
	}
	m->notify_fd = take_fd(&fd);
	m->notify_source = mon_fd_add(m->notify_fd, G_IO_IN, on_notify, m);
}

void mon_notify_free(struct monitor *m)
{
	/* what the container sent just before it exited, not yet dispatched (bounded) */
	for (int i = 0; i < 64 && m->notify_fd >= 0 && relay_one(m); i++)
		;
	if (m->notify_source)
		g_source_remove(m->notify_source);
	m->notify_source = 0;
	fd_clear(&m->notify_fd);
}
