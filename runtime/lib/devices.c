/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Device nodes in the container: default devices, linux.devices and /dev links. Every
 * node is made relative to a verified parent fd (mknodat, or an empty file with a bind
 * of the host node in a user namespace), then chmod/chown through its own fd. */
#include "devices.h"

#include "mount.h"
#include "pathres.h"
#include "spec.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/log.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

struct node {
	const char *path; /* in the container, absolute */
	mode_t type;      /* S_IFCHR, S_IFBLK, S_IFIFO */
	dev_t rdev;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	bool strict; /* an existing different file is an error (linux.devices) */
};

static const struct {
	const char *name;
	unsigned major, minor;
} defaults[] = {
	{ "null", 1, 3 }, { "zero", 1, 5 }, { "full", 1, 7 },
	{ "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
};

static bool is_node(const struct stat *st, const struct node *n)
{
	return (st->st_mode & S_IFMT) == n->type && (n->type == S_IFIFO || st->st_rdev == n->rdev);
}

static int set_owner_mode(int fd, const struct node *n, struct error *err)
{
	char p[64];

	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	if (chmod(p, n->mode & 07777) < 0)
		return err_set(err, errno, "chmod `%s`", n->path);
	if (fchownat(fd, "", n->uid, n->gid, AT_EMPTY_PATH) < 0)
		return err_set(err, errno, "chown `%s`", n->path);
	return 0;
}

/* In a user namespace mknod is refused: bind the host's node onto an empty file. */
static int bind_host_node(int rootfd, int parent, const char *base, const struct node *n,
			  struct error *err)
{
	autoclose int src = open(n->path, O_PATH | O_CLOEXEC), tgt = -1, mnt = -1;
	struct silo_mount_args a = { .source = n->path, .source_fd = src };
	struct stat st;

	if (src < 0)
		return err_set(err, errno, "open host device `%s`", n->path);
	if (fstat(src, &st) < 0 || !is_node(&st, n))
		return err_set(err, errno ? errno : ENODEV, "host `%s` is not the device", n->path);
	tgt = openat(parent, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (tgt < 0 && errno != EEXIST)
		return err_set(err, errno, "create `%s`", n->path);
	if (tgt >= 0)
		close(tgt);
	tgt = openat(parent, base, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (tgt < 0 || fstat(tgt, &st) < 0)
		return err_set(err, errno, "open `%s`", n->path);
	if (!S_ISREG(st.st_mode) && !is_node(&st, n))
		return err_set(err, EEXIST, "`%s` exists and is not the device", n->path);
	mnt = silo_mount_at(rootfd, n->path, tgt, &a, err);
	return mnt < 0 ? -1 : 0;
}

static int make_node(int rootfd, int parent, const char *base, const struct node *n,
		     bool userns, struct error *err)
{
	autoclose int fd = -1;
	struct stat st;

	if (userns && n->type != S_IFIFO)
		return bind_host_node(rootfd, parent, base, n, err);
	if (mknodat(parent, base, n->type, n->rdev) < 0 && errno != EEXIST)
		return err_set(err, errno, "mknod `%s`", n->path);
	fd = openat(parent, base, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		return err_set(err, errno, "open `%s`", n->path);
	if (!is_node(&st, n)) {
		if (n->strict)
			return err_set(err, EEXIST, "`%s` exists and is not the device", n->path);
		log_warn("`%s` exists and is not the expected device, keeping it", n->path);
		return 0;
	}
	return set_owner_mode(fd, n, err);
}

static int create_at_path(int rootfd, const struct node *n, bool userns, struct error *err)
{
	autofree char *dir = xstrdup(n->path);
	char *slash = strrchr(dir, '/');
	const char *base = slash ? slash + 1 : dir;
	autoclose int parent = -1;

	if (slash)
		*slash = '\0';
	if (!*base)
		return err_set(err, EINVAL, "device path `%s`", n->path);
	parent = silo_pathres_mkdir_p(rootfd, slash && *dir ? dir : "/", 0755, err);
	if (parent < 0)
		return -1;
	return make_node(rootfd, parent, base, n, userns, err);
}

static bool listed(const struct silo_device *cfg, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (cfg[i].path && strcmp(cfg[i].path, path) == 0)
			return true;
	return false;
}

int silo_devices_defaults(int rootfd, int devfd, const struct silo_device *cfg, size_t n,
			  bool userns, struct error *err)
{
	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
		char path[32];
		struct node nd = { .path = path, .type = S_IFCHR, .mode = 0666,
				   .rdev = makedev(defaults[i].major, defaults[i].minor) };

		snprintf(path, sizeof(path), "/dev/%s", defaults[i].name);
		if (listed(cfg, n, path))
			continue;
		if (make_node(rootfd, devfd, defaults[i].name, &nd, userns, err) < 0)
			return -1;
	}
	return 0;
}

static mode_t dev_type(char t)
{
	switch (t) {
	case 'b':
		return S_IFBLK;
	case 'p':
		return S_IFIFO;
	default: /* 'c', 'u' */
		return S_IFCHR;
	}
}

int silo_devices_create(int rootfd, const struct silo_device *cfg, size_t n, bool userns,
			struct error *err)
{
	for (size_t i = 0; i < n; i++) {
		const struct silo_device *d = &cfg[i];
		struct node nd = {
			.path = d->path, .type = dev_type(d->type), .strict = true,
			.rdev = makedev((unsigned)d->major, (unsigned)d->minor),
			.mode = d->file_mode.set ? (mode_t)d->file_mode.v : 0666,
			.uid = d->uid.set ? (uid_t)d->uid.v : 0,
			.gid = d->gid.set ? (gid_t)d->gid.v : 0,
		};

		if (!d->path || d->path[0] != '/')
			return err_set(err, EINVAL, "device path `%s` is not absolute",
				       d->path ? d->path : "");
		if (create_at_path(rootfd, &nd, userns, err) < 0)
			return err_prefix(err, "`.linux.devices[%zu]`", i);
	}
	return 0;
}

static int link_at(int devfd, const char *target, const char *name, struct error *err)
{
	if (symlinkat(target, devfd, name) < 0 && errno != EEXIST)
		return err_set(err, errno, "symlink `/dev/%s` -> `%s`", name, target);
	return 0;
}

int silo_devices_links(int devfd, bool have_pts, struct error *err)
{
	static const char *const links[][2] = {
		{ "/proc/self/fd", "fd" },       { "/proc/self/fd/0", "stdin" },
		{ "/proc/self/fd/1", "stdout" }, { "/proc/self/fd/2", "stderr" },
		{ "/proc/kcore", "core" },
	};

	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		if (link_at(devfd, links[i][0], links[i][1], err) < 0)
			return -1;
	/* Without a devpts on /dev/pts keep the rootfs' own ptmx, else add the link anyway
	 * (runc does) so the spec's "/dev/ptmx MUST exist" holds once one is mounted. */
	if (!have_pts)
		return link_at(devfd, "pts/ptmx", "ptmx", err);
	if (unlinkat(devfd, "ptmx", 0) < 0 && errno != ENOENT)
		return err_set(err, errno, "remove `/dev/ptmx`");
	return link_at(devfd, "pts/ptmx", "ptmx", err);
}
