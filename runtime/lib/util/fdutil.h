/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fd helpers: complete reads and writes, close-on-exec sweeps, SCM_RIGHTS passing. */
#ifndef SILO_UTIL_FDUTIL_H
#define SILO_UTIL_FDUTIL_H

#include <stddef.h>
#include <sys/types.h>

struct error;

/* Write all of buf, retrying on EINTR and short writes. */
int fd_write_all(int fd, const void *buf, size_t len, struct error *err);
/* Read up to len bytes until EOF or len; returns the count. */
ssize_t fd_read_all(int fd, void *buf, size_t len, struct error *err);
/* Read everything from fd, NUL-terminated, at most max bytes. */
int fd_read_fd(int fd, size_t max, char **ret, size_t *ret_len, struct error *err);
/* Read a whole (small) file, NUL-terminated, at most max bytes; *ret_len optional. */
int fd_read_file_at(int dirfd, const char *path, size_t max, char **ret, size_t *ret_len,
		    struct error *err);
/* Mark every fd >= from close-on-exec (close_range, else a /proc/self/fd walk). */
int fd_cloexec_from(int from, struct error *err);
/* Send one fd with a short payload over a unix socket. */
int fd_send(int sock, int fd, const char *payload, struct error *err);
/* Connect to the unix stream socket at path (any length) and send one fd there. */
int fd_send_to_path(const char *socket_path, int fd, const char *payload, struct error *err);
/* Receive one fd; returns it (O_CLOEXEC). */
int fd_recv(int sock, struct error *err);
/* Write a file atomically: temp in the same directory, fsync-free, rename. */
int fd_write_file_atomic(const char *path, const void *buf, size_t len, int mode,
			 struct error *err);
int fd_set_cloexec(int fd, int on);

#endif
