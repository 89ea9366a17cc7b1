/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Typed fixed-size messages between silo and the container init. SEQPACKET keeps
 * record boundaries, so a record is never split or merged. */
#include "sync.h"

#include "util/error.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

int silo_sync_send(int sock, enum silo_sync_type type, int64_t value, struct error *err)
{
	struct silo_sync_msg m = { .type = type, .value = value };

	while (send(sock, &m, sizeof(m), MSG_NOSIGNAL) < 0) {
		if (errno != EINTR)
			return err_set(err, errno, "sync: send message %d", (int)type);
	}
	return 0;
}

int silo_sync_send_error(int sock, const struct error *e)
{
	struct silo_sync_msg m = { .type = SILO_SYNC_ERROR, .errnum = e->errnum };

	memcpy(m.msg, e->msg, sizeof(m.msg));
	m.msg[sizeof(m.msg) - 1] = '\0';
	while (send(sock, &m, sizeof(m), MSG_NOSIGNAL) < 0) {
		if (errno != EINTR)
			return -1;
	}
	return 0;
}

int silo_sync_recv_or_eof(int sock, struct silo_sync_msg *m, struct error *err)
{
	ssize_t n;

	do
		n = recv(sock, m, sizeof(*m), MSG_PEEK);
	while (n < 0 && errno == EINTR);
	if (n == 0)
		return 1;
	return silo_sync_recv(sock, m, err);
}

int silo_sync_recv(int sock, struct silo_sync_msg *m, struct error *err)
{
	ssize_t n;

	do
		n = recv(sock, m, sizeof(*m), 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return err_set(err, errno, "sync: receive");
	if (n == 0)
		return err_set(err, 0, "container init exited during setup");
	if ((size_t)n != sizeof(*m))
		return err_set(err, EBADMSG, "sync: short message");
	if (m->type == SILO_SYNC_ERROR) {
		m->msg[sizeof(m->msg) - 1] = '\0';
		err->errnum = m->errnum;
		memcpy(err->msg, m->msg, sizeof(err->msg));
		return -1;
	}
	return 0;
}

int silo_sync_expect(int sock, enum silo_sync_type type, int64_t *ret_value, struct error *err)
{
	struct silo_sync_msg m;

	if (silo_sync_recv(sock, &m, err) < 0)
		return -1;
	if (m.type != (uint32_t)type)
		return err_set(err, EPROTO, "sync: expected message %d, got %u", (int)type, m.type);
	if (ret_value)
		*ret_value = m.value;
	return 0;
}
