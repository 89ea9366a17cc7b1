/* SPDX-License-Identifier: GPL-2.0-or-later */
/* procfs attribute files for LSM labels (selinux.c, apparmor.c): opened beneath a procfs
 * directory fd with openat2(RESOLVE_BENEATH|RESOLVE_NO_XDEV|RESOLVE_NO_MAGICLINKS), else
 * openat(O_NOFOLLOW), and written only after fstatfs() says procfs. No label policy here. */
#include "lsm.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/error.h"
#include "util/syscall.h"

static int open_procfs_root(int procfd, struct error *err)
{
	int fd = procfd >= 0 ? fcntl(procfd, F_DUPFD_CLOEXEC, 3)
			     : open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return err_set(err, errno, "open `/proc`");
	return fd;
}

/* Returns the fd, or -1 with errno (ENOENT: try the next candidate). */
static int open_attr(int dirfd, const char *path, int flags)
{
	struct statfs sf;
	int fd, saved;

	fd = sys_openat2(dirfd, path, (uint64_t)(flags | O_CLOEXEC | O_NOCTTY), 0,
			 RESOLVE_BENEATH | RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS);
	if (fd < 0 && (errno == ENOSYS || errno == EPERM))
		fd = openat(dirfd, path, flags | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	if (fstatfs(fd, &sf) < 0)
		saved = errno;
	else if (sf.f_type != PROC_SUPER_MAGIC)
		saved = EXDEV; /* something is mounted over procfs there */
	else
		return fd;
	close(fd);
	errno = saved;
	return -1;
}

int silo_lsm_write_attr(int procfd, const char *const *paths, const char *value,
			struct error *err)
{
	autoclose int dirfd = open_procfs_root(procfd, err);
	size_t len = strlen(value);

	if (dirfd < 0)
		return -1;
	for (size_t i = 0; paths[i]; i++) {
		autoclose int fd = open_attr(dirfd, paths[i], O_WRONLY);
		ssize_t n;

		if (fd < 0 && errno == ENOENT && paths[i + 1])
			continue;
		if (fd < 0)
			return err_set(err, errno, "open `/proc/%s`", paths[i]);
		do
			n = write(fd, value, len);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return err_set(err, errno, "write `%s` to `/proc/%s`", value, paths[i]);
		if ((size_t)n != len)
			return err_set(err, EIO, "short write of `%s` to `/proc/%s`", value, paths[i]);
		return 0;
	}
	return err_set(err, ENOENT, "no LSM attribute file under `/proc`");
}

int silo_lsm_read_attr(int procfd, const char *path, char *buf, size_t len, struct error *err)
{
	autoclose int dirfd = open_procfs_root(procfd, err);
	autoclose int fd = -1;
	ssize_t n;

	if (dirfd < 0)
		return -1;
	fd = open_attr(dirfd, path, O_RDONLY);
	if (fd < 0)
		return err_set(err, errno, "open `/proc/%s`", path);
	do
		n = read(fd, buf, len - 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return err_set(err, errno, "read `/proc/%s`", path);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\0'))
		n--;
	buf[n] = '\0';
	return 0;
}
