/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One mount onto an O_PATH target fd. Binds use open_tree(OPEN_TREE_CLONE)+move_mount
 * and mount_setattr (no path is re-resolved, locked flags are untouched); without the
 * new API, mount(2) on /proc/self/fd/N and MS_REMOUNT carrying the locked flags. Knows
 * nothing about specs: rootfs.c decides what to mount. */
#include "mount.h"
#include "state.h"

#include "pathres.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/fdutil.h"
#include "util/syscall.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif
#ifndef ST_NOSYMFOLLOW
#define ST_NOSYMFOLLOW 0x2000
#endif

#define PROP_FLAGS (MS_SHARED | MS_SLAVE | MS_PRIVATE | MS_UNBINDABLE)
#define ATTR_FLAGS                                                                  \
	(MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | \
	 MS_RELATIME | MS_STRICTATIME | MS_NOSYMFOLLOW)

static const struct {
	unsigned long ms, st;
	uint64_t attr;
} flag_map[] = {
	{ MS_RDONLY, ST_RDONLY, MOUNT_ATTR_RDONLY },
	{ MS_NOSUID, ST_NOSUID, MOUNT_ATTR_NOSUID },
	{ MS_NODEV, ST_NODEV, MOUNT_ATTR_NODEV },
	{ MS_NOEXEC, ST_NOEXEC, MOUNT_ATTR_NOEXEC },
	{ MS_NOATIME, ST_NOATIME, MOUNT_ATTR_NOATIME },
	{ MS_NODIRATIME, ST_NODIRATIME, MOUNT_ATTR_NODIRATIME },
	{ MS_RELATIME, ST_RELATIME, MOUNT_ATTR_RELATIME },
	{ MS_STRICTATIME, 0, MOUNT_ATTR_STRICTATIME },
	{ MS_NOSYMFOLLOW, ST_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW },
};
#define N_FLAG_MAP (sizeof(flag_map) / sizeof(flag_map[0]))

static void fd_path(char *buf, size_t len, int fd)
{
	snprintf(buf, len, "/proc/self/fd/%d", fd);
}

static uint64_t ms_to_attr(unsigned long ms)
{
	uint64_t a = 0;

	for (size_t i = 0; i < N_FLAG_MAP; i++)
		if (ms & flag_map[i].ms)
			a |= flag_map[i].attr;
	return a;
}

static unsigned long current_flags(int fd)
{
	struct statvfs sv;
	unsigned long ms = 0;

	if (fstatvfs(fd, &sv) < 0)
		return 0;
	for (size_t i = 0; i < N_FLAG_MAP; i++)
		if (flag_map[i].st && (sv.f_flag & flag_map[i].st))
			ms |= flag_map[i].ms;
	return ms;
}

/* Locked flags exist only below a non-initial user namespace (the init may have made or
 * joined one since silo started, hence uncached). */
unsigned long silo_mount_locked_flags(int fd)
{
	if (silo_userns_is_initial())
		return 0;
	return current_flags(fd) & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME |
				    MS_NODIRATIME | MS_RELATIME);
}

static int setattr(int fd, unsigned flags, uint64_t set, uint64_t clr)
{
	struct silo_mount_attr attr = { .attr_set = set, .attr_clr = clr };

	/* Any atime mode replaces the whole atime field. */
	if (set & (MOUNT_ATTR_NOATIME | MOUNT_ATTR_STRICTATIME))
		attr.attr_clr |= MOUNT_ATTR__ATIME;
	if (attr.attr_clr & MOUNT_ATTR__ATIME)
		attr.attr_set &= ~(uint64_t)MOUNT_ATTR_RELATIME; /* 0 anyway: relatime */
	return sys_mount_setattr(fd, "", flags | AT_EMPTY_PATH, &attr);
}

int silo_mount_setflags(int mnt_fd, const char *dest, unsigned long set, unsigned long clear,
			int recursive, struct error *err)
{
	/* locked flags only matter to what is cleared (reading them costs a uid_map read) */
	unsigned long locked = clear ? silo_mount_locked_flags(mnt_fd) : 0, cur;
	uint64_t clr_attr;
	char p[64];

	clear &= ~locked;
	clr_attr = ms_to_attr(clear);
	if (set & MS_RELATIME)
		clr_attr |= MOUNT_ATTR__ATIME;
	if (setattr(mnt_fd, recursive ? AT_RECURSIVE : 0, ms_to_attr(set), clr_attr) == 0)
		return 0;
	if (errno != ENOSYS || recursive)
		return err_set(err, errno, "set mount attributes on `%s`", dest);
	/* Without mount_setattr: a bind remount must restate every flag it keeps. */
	locked = silo_mount_locked_flags(mnt_fd);
	cur = current_flags(mnt_fd);
	if (set & (MS_NOATIME | MS_STRICTATIME | MS_RELATIME))
		cur &= ~(MS_NOATIME | MS_STRICTATIME | MS_RELATIME);
	fd_path(p, sizeof(p), mnt_fd);
	if (mount(NULL, p, NULL, MS_REMOUNT | MS_BIND | ((cur & ~clear) | set | locked), NULL) < 0)
		return err_set(err, errno, "remount `%s`", dest);
	return 0;
}

int silo_mount_propagation(int mnt_fd, const char *dest, unsigned long propagation,
			   struct error *err)
{
	char p[64];

	if (!propagation)
		return 0;
	fd_path(p, sizeof(p), mnt_fd);
	if (mount(NULL, p, NULL, propagation & (PROP_FLAGS | MS_REC), NULL) < 0)
		return err_set(err, errno, "set propagation of `%s`", dest);
	return 0;
}

/* After mount(2) the target fd still sees the covered directory: resolve dest again
 * (inside the root) to reach the new mount. */
static int reopen(int rootfd, const char *dest, struct error *err)
{
	int fd = silo_pathres_open(rootfd, dest, O_PATH, 0, err);

	if (fd < 0)
		return err_prefix(err, "reopen mount `%s`", dest);
	return fd;
}

/* An idmapping can only be set on a detached tree, before move_mount attaches it. */
static int set_idmap(int tree, const char *dest, const struct silo_mount_args *a,
		     struct error *err)
{
	struct silo_mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP,
					.userns_fd = (uint64_t)a->userns_fd };
	unsigned flags = AT_EMPTY_PATH | ((a->idmap & SILO_MOUNT_IDMAP_REC) ? AT_RECURSIVE : 0);

	if (sys_mount_setattr(tree, "", flags, &attr) < 0)
		return err_set(err, errno, "idmap mount `%s`", dest);
	return 0;
}

static int do_bind(int rootfd, const char *dest, int target_fd, const struct silo_mount_args *a,
		   struct error *err)
{
	bool rec = a->flags & MS_REC;
	autoclose int tree = sys_open_tree(a->source_fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
								   AT_EMPTY_PATH | (rec ? AT_RECURSIVE : 0));
	char s[64], t[64];

	if (tree >= 0) {
		if (a->idmap && set_idmap(tree, dest, a, err) < 0)
			return -1;
		if (sys_move_mount(tree, "", target_fd, "",
				   MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
			return err_set(err, errno, "bind `%s` on `%s`", a->source, dest);
		return take_fd(&tree);
	}
	if ((errno != ENOSYS && errno != EPERM) || a->idmap)
		return err_set(err, errno, "bind `%s` on `%s`", a->source, dest);
	fd_path(s, sizeof(s), a->source_fd);
	fd_path(t, sizeof(t), target_fd);
	if (mount(s, t, NULL, MS_BIND | (rec ? MS_REC : 0), NULL) < 0)
		return err_set(err, errno, "bind `%s` on `%s`", a->source, dest);
	return reopen(rootfd, dest, err);
}

static int do_fs(int rootfd, const char *dest, int target_fd, const struct silo_mount_args *a,
		 struct error *err)
{
	char t[64];

	fd_path(t, sizeof(t), target_fd);
	if (mount(a->source ? a->source : a->fstype, t, a->fstype,
		  a->flags & ~(PROP_FLAGS | MS_REC), a->data) < 0)
		return err_set(err, errno, "mount `%s` on `%s`", a->fstype, dest);
	return reopen(rootfd, dest, err);
}

int silo_mount_at(int rootfd, const char *dest, int target_fd, const struct silo_mount_args *a,
		  struct error *err)
{
	autoclose int mnt = -1;
	unsigned long set = a->flags & ATTR_FLAGS, clear = a->clear_flags & ATTR_FLAGS;

	if (!a->fstype) {
		mnt = do_bind(rootfd, dest, target_fd, a, err);
		if (mnt < 0)
			return -1;
		if ((set || clear) && silo_mount_setflags(mnt, dest, set, clear, 0, err) < 0)
			return -1;
	} else {
		mnt = do_fs(rootfd, dest, target_fd, a, err);
		if (mnt < 0)
			return -1;
	}
	if ((a->rec_attr_set || a->rec_attr_clr) &&
	    setattr(mnt, AT_RECURSIVE, a->rec_attr_set, a->rec_attr_clr) < 0)
		return err_set(err, errno, "set recursive mount attributes on `%s`", dest);
	if (silo_mount_propagation(mnt, dest, a->propagation, err) < 0)
		return -1;
	return take_fd(&mnt);
}
