/* SPDX-License-Identifier: GPL-2.0-or-later */
/* journald driver speaking the native protocol on the journal's datagram socket (no libsystemd).
 * Lines are joined per stream until '\n' (up to MON_STDIO_BUF bytes, then sent as partial).
 * SILOMON_JOURNAL_SOCKET overrides the socket path (tests stand in for the journal). */
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "log_internal.h"

#define JOURNAL_SOCKET "/run/systemd/journal/socket"

struct journald_log {
	int fd;
	struct sockaddr_un addr;
	GString *partial[4]; /* indexed by stream id */
	char *cid, *short_id, *name, *tag;
	char **labels;
	bool no_partial_field, warned;
	GString *msg;
};

struct journald_log *journald_log_open(const struct mon_opts *o, struct error *err)
{
	const char *path = g_getenv("SILOMON_JOURNAL_SOCKET");
	struct journald_log *l;

	if (!path || !*path)
		path = JOURNAL_SOCKET;
	if (strlen(path) >= sizeof(l->addr.sun_path)) {
		err_set(err, ENAMETOOLONG, "journal socket `%s`", path);
		return NULL;
	}
	l = g_new0(struct journald_log, 1);
	l->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (l->fd < 0) {
		err_set(err, errno, "socket for journald");
		g_free(l);
		return NULL;
	}
	l->addr.sun_family = AF_UNIX;
	strcpy(l->addr.sun_path, path);
	for (int s = STREAM_STDOUT; s <= STREAM_STDERR; s++)
		l->partial[s] = g_string_new(NULL);
	l->cid = g_strdup(o->cid);
	l->short_id = g_strndup(o->cid, 12);
	l->name = g_strdup(o->name);
	l->tag = g_strdup(o->log_tag);
	l->labels = g_strdupv(o->log_labels);
	l->no_partial_field = o->no_container_partial_message;
	l->msg = g_string_new(NULL);
	return l;
}

/* Native protocol: KEY=value\n, or KEY\n<le64 length><value>\n when value has a newline. */
static void add_field(GString *m, const char *key, const char *val, size_t len)
{
	if (!memchr(val, '\n', len)) {
		g_string_append_printf(m, "%s=", key);
		g_string_append_len(m, val, (gssize)len);
	} else {
		guint64 le = GUINT64_TO_LE((guint64)len);
		g_string_append_printf(m, "%s\n", key);
		g_string_append_len(m, (const char *)&le, sizeof(le));
		g_string_append_len(m, val, (gssize)len);
	}
	g_string_append_c(m, '\n');
}

static void add_str(GString *m, const char *key, const char *val)
{
	add_field(m, key, val, strlen(val));
}

static void send_entry(struct journald_log *l, enum mon_stream s, const char *msg, size_t len,
		       bool partial)
{
	GString *m = l->msg;

	g_string_truncate(m, 0);
	add_field(m, "MESSAGE", msg, len);
	add_str(m, "CONTAINER_ID_FULL", l->cid);
	add_str(m, "PRIORITY", s == STREAM_STDERR ? "3" : "6");
	add_str(m, "CONTAINER_ID", l->short_id);
	if (l->tag)
		add_str(m, "CONTAINER_TAG", l->tag);
	if (l->name)
		add_str(m, "CONTAINER_NAME", l->name);
	add_str(m, "SYSLOG_IDENTIFIER", l->tag ? l->tag : l->name ? l->name : l->short_id);
	for (char **lab = l->labels; lab && *lab; lab++) {
		const char *eq = strchr(*lab, '='); /* validated KEY=VALUE in log.c */
		g_autofree char *key = g_strndup(*lab, (gsize)(eq - *lab));
		add_str(m, key, eq + 1);
	}
	if (partial && !l->no_partial_field)
		add_str(m, "CONTAINER_PARTIAL_MESSAGE", "true");
	for (int attempt = 0; attempt < 2; attempt++) {
		if (sendto(l->fd, m->str, m->len, MSG_NOSIGNAL, (struct sockaddr *)&l->addr,
			   sizeof(l->addr)) >= 0)
			return;
		if (errno != EAGAIN)
			break;
		struct pollfd p = { .fd = l->fd, .events = POLLOUT };
		poll(&p, 1, 100); /* journal busy: wait briefly, never block the loop for long */
	}
	if (!l->warned)
		mon_warn("send to journal `%s`: %s", l->addr.sun_path, strerror(errno));
	l->warned = true;
}

void journald_log_write(struct journald_log *l, enum mon_stream s, const char *buf, size_t len)
{
	GString *p = l->partial[s];
	size_t pos = 0;

	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) + 1 : len;
		size_t take = MIN(end - pos, (size_t)MON_STDIO_BUF - p->len);

		g_string_append_len(p, buf + pos, (gssize)take);
		pos += take;
		if (p->len && p->str[p->len - 1] == '\n') {
			send_entry(l, s, p->str, p->len, false);
			g_string_truncate(p, 0);
		} else if (p->len >= MON_STDIO_BUF) {
			send_entry(l, s, p->str, p->len, true);
			g_string_truncate(p, 0);
		}
	}
}

void journald_log_finish(struct journald_log *l)
{
	for (int s = STREAM_STDOUT; s <= STREAM_STDERR; s++)
		if (l->partial[s]->len) {
			send_entry(l, (enum mon_stream)s, l->partial[s]->str, l->partial[s]->len, true);
			g_string_truncate(l->partial[s], 0);
		}
}

void journald_log_free(struct journald_log *l)
{
	if (!l)
		return;
	if (l->fd >= 0)
		close(l->fd);
	for (int s = STREAM_STDOUT; s <= STREAM_STDERR; s++)
		g_string_free(l->partial[s], TRUE);
	g_free(l->cid);
	g_free(l->short_id);
	g_free(l->name);
	g_free(l->tag);
	g_strfreev(l->labels);
	g_string_free(l->msg, TRUE);
	g_free(l);
}
