/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pty allocation inside the container, the console socket protocol, and the
 * foreground pty proxy of `run`. The slave is bound onto /dev/console through its fd
 * (CVE-2025-52565: a path could have been swapped for a symlink). */
#include "terminal.h"

#include "pathres.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/fdutil.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

#define PTS_MAJOR_MIN 136
#define PTS_MAJOR_MAX 143
#define TTY_GID 5

static int open_ptmx(int rootfd, struct error *err)
{
	struct error ignored;
	int fd = silo_pathres_open(rootfd, "/dev/pts/ptmx", O_RDWR | O_NOCTTY, 0, &ignored);

	if (fd >= 0)
		return fd;
	fd = silo_pathres_open(rootfd, "/dev/ptmx", O_RDWR | O_NOCTTY, 0, err);
	if (fd < 0)
		return err_prefix(err, "terminal: no usable ptmx in the container");
	return fd;
}

static int bind_console(int rootfd, int slave, struct error *err)
{
	autoclose int target = silo_pathres_mount_target(rootfd, "/dev/console", 0, err);
	char src[64], dst[64];

	if (target < 0)
		return err_prefix(err, "terminal: create `/dev/console`");
	snprintf(src, sizeof(src), "/proc/self/fd/%d", slave);
	snprintf(dst, sizeof(dst), "/proc/self/fd/%d", target);
	if (mount(src, dst, NULL, MS_BIND, NULL) < 0)
		return err_set(err, errno, "terminal: bind pty on `/dev/console`");
	return 0;
}

int silo_terminal_open(int rootfd, const struct silo_pty_opts *o, int *ret_master,
		       int *ret_slave, struct error *err)
{
	autoclose int master = open_ptmx(rootfd, err), slave = -1;
	int unlock = 0;
	struct stat sb;

	if (master < 0)
		return -1;
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		return err_set(err, errno, "terminal: unlock pty");
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return err_set(err, errno, "terminal: open pty peer");
	if (fstat(slave, &sb) < 0 || !S_ISCHR(sb.st_mode) || major(sb.st_rdev) < PTS_MAJOR_MIN ||
	    major(sb.st_rdev) > PTS_MAJOR_MAX)
		return err_set(err, 0, "terminal: pty peer is not a pty slave");
	if (o->has_size) {
		struct winsize ws = { .ws_row = (unsigned short)o->rows,
				      .ws_col = (unsigned short)o->cols };
		if (ioctl(slave, TIOCSWINSZ, &ws) < 0)
			return err_set(err, errno, "terminal: set window size");
	}
	if (fchown(slave, o->uid, TTY_GID) < 0 && fchown(slave, o->uid, (gid_t)-1) < 0)
		return err_set(err, errno, "terminal: chown pty");
	if (fchmod(slave, 0620) < 0)
		return err_set(err, errno, "terminal: chmod pty");
	if (o->bind_console && bind_console(rootfd, slave, err) < 0)
		return -1;
	*ret_master = take_fd(&master);
	*ret_slave = take_fd(&slave);
	return 0;
}

int silo_terminal_become_stdio(int slave, struct error *err)
{
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return err_set(err, errno, "terminal: set controlling tty");
	for (int fd = 0; fd < 3; fd++) {
		if (dup2(slave, fd) < 0)
			return err_set(err, errno, "terminal: dup pty to fd %d", fd);
	}
	return 0;
}

int silo_terminal_send(const char *socket_path, int master, struct error *err)
{
	/* runc sends the master's name; receivers must get a non-empty payload. */
	if (fd_send_to_path(socket_path, master, "/dev/ptmx", err) < 0)
		return err_prefix(err, "console socket");
	return 0;
}

/* ------------------------------------------------------------ foreground proxy */
static struct termios saved_tio; /* restored by silo_terminal_proxy_stop */
static int saved_tio_valid;

int silo_terminal_proxy_start(int master, struct error *err)
{
	struct termios raw;
	struct winsize ws;

	if (isatty(0) && tcgetattr(0, &saved_tio) == 0) {
		raw = saved_tio;
		cfmakeraw(&raw);
		if (tcsetattr(0, TCSANOW, &raw) == 0)
			saved_tio_valid = 1;
		if (ioctl(0, TIOCGWINSZ, &ws) == 0)
			ioctl(master, TIOCSWINSZ, &ws);
	}
	return 0;
}

void silo_terminal_proxy_stop(void)
{
	if (saved_tio_valid)
		tcsetattr(0, TCSANOW, &saved_tio);
	saved_tio_valid = 0;
}
