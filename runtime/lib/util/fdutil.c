/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fd helpers shared by every layer; libc only. */
#include "fdutil.h"

#include "cleanup.h"
#include "error.h"
#include "syscall.h"
#include "xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

int fd_write_all(int fd, const void *buf, size_t len, struct error *err)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return err_set(err, errno, "write");
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

ssize_t fd_read_all(int fd, void *buf, size_t len, struct error *err)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, (char *)buf + got, len - got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return err_set(err, errno, "read");
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

int fd_read_fd(int fd, size_t max, char **ret, size_t *ret_len, struct error *err)
{
	autofree char *buf = NULL;
	size_t cap = max < 4096 ? max : 4096, len = 0;

	buf = xmalloc(cap + 1);
	for (;;) {
		ssize_t n;
		if (len == cap) {
			char probe;
			if (cap >= max) {
				/* Full: one more byte means the file is over the limit. */
				do
					n = read(fd, &probe, 1);
				while (n < 0 && errno == EINTR);
				if (n > 0)
					return err_set(err, EFBIG, "larger than %zu bytes", max);
				break;
			}
			cap = cap * 2 > max ? max : cap * 2;
			buf = xrealloc(buf, cap + 1);
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return err_set(err, errno, "read");
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	if (ret_len)
		*ret_len = len;
	*ret = steal_ptr(&buf);
	return 0;
}

int fd_read_file_at(int dirfd, const char *path, size_t max, char **ret, size_t *ret_len,
		    struct error *err)
{
	autoclose int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return err_set(err, errno, "open `%s`", path);
	if (fd_read_fd(fd, max, ret, ret_len, err) < 0)
		return err_prefix(err, "`%s`", path);
	return 0;
}

int fd_set_cloexec(int fd, int on)
{
	int flags = fcntl(fd, F_GETFD);
	if (flags < 0)
		return -1;
	flags = on ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC;
	return fcntl(fd, F_SETFD, flags);
}

int fd_cloexec_from(int from, struct error *err)
{
	autoclosedir DIR *d = NULL;
	struct dirent *de;

	if (sys_close_range((unsigned)from, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return 0;
	/* Fallback for kernels before 5.11 (or a seccomp filter denying close_range). */
	d = opendir("/proc/self/fd");
	if (!d)
		return err_set(err, errno, "open `/proc/self/fd`");
	while ((de = readdir(d))) {
		char *end;
		long fd = strtol(de->d_name, &end, 10);
		if (*end || end == de->d_name || fd < from || fd == dirfd(d))
			continue;
		if (fd_set_cloexec((int)fd, 1) < 0 && errno != EBADF)
			return err_set(err, errno, "set close-on-exec on fd %ld", fd);
	}
	return 0;
}

int fd_send(int sock, int fd, const char *payload, struct error *err)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = (void *)payload, .iov_len = strlen(payload) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c;

	memset(&u, 0, sizeof(u));
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	while (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0) {
		if (errno != EINTR)
			return err_set(err, errno, "send fd");
	}
	return 0;
}

int fd_recv(int sock, struct error *err)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	char data[4096];
	struct iovec iov = { .iov_base = data, .iov_len = sizeof(data) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c;
	int fd;

	while (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) < 0) {
		if (errno != EINTR)
			return err_set(err, errno, "receive fd");
	}
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(sizeof(int)))
		return err_set(err, EBADMSG, "receive fd: no fd in the message");
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

int fd_write_file_atomic(const char *path, const void *buf, size_t len, int mode,
			 struct error *err)
{
	autofree char *tmp = xasprintf("%s.tmp.%d", path, (int)getpid());
	autoclose int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);

	if (fd < 0)
		return err_set(err, errno, "create `%s`", tmp);
	if (fd_write_all(fd, buf, len, err) < 0) {
		unlink(tmp);
		return err_prefix(err, "`%s`", tmp);
	}
	if (rename(tmp, path) < 0) {
		int saved = errno;
		unlink(tmp);
		return err_set(err, saved, "rename `%s` to `%s`", tmp, path);
	}
	return 0;
}

int fd_send_to_path(const char *socket_path, int fd, const char *payload, struct error *err)
{
	autoclose int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	autoclose int dirfd = -1;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	autofree char *dir = xstrdup(socket_path);
	char *slash = strrchr(dir, '/');
	const char *base = slash ? slash + 1 : socket_path;

	if (sock < 0)
		return err_set(err, errno, "socket");
	if (strlen(base) + 32 >= sizeof(sa.sun_path))
		return err_set(err, ENAMETOOLONG, "`%s`", socket_path);
	/* Long paths do not fit sun_path: connect through an O_PATH fd of the directory. */
	if (slash) {
		*slash = '\0';
		dirfd = open(*dir ? dir : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dirfd < 0)
			return err_set(err, errno, "`%s`", socket_path);
		snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/%s", dirfd, base);
	} else {
		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", base);
	}
	if (connect(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return err_set(err, errno, "connect to `%s`", socket_path);
	if (fd_send(sock, fd, payload, err) < 0)
		return err_prefix(err, "`%s`", socket_path);
	return 0;
}
