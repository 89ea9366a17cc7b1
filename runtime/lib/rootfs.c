/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container's filesystem view, built in the init's own mount namespace: spec mounts
 * in order, /dev and its devices and links, pivot_root, masked and readonly paths,
 * propagation and the read-only root. Every target inside the rootfs is resolved with
 * pathres to an fd and mounted onto that fd; no rootfs path is handed to the kernel. */
#include "rootfs.h"

#include "devices.h"
#include "mount.h"
#include "pathres.h"
#include "rootfs_internal.h"
#include "spec.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/log.h"
#include "util/syscall.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

struct ctx {
	const struct silo_rootfs_opts *o;
	int rootfd;
	bool have_pts; /* a devpts went on /dev/pts: /dev/ptmx becomes a link to it */
};

/* Lexically normalise a destination: absolute, no `.`/`..`/empty components (`..`
 * clamped at `/`), so the /proc checks cannot be dodged with "/x/../proc". */
static void norm_path(const char *in, char *out, size_t len)
{
	size_t o = 0;

	out[0] = '\0';
	while (*in) {
		size_t l;

		while (*in == '/')
			in++;
		l = strcspn(in, "/");
		if (l == 0)
			break;
		if (l == 2 && in[0] == '.' && in[1] == '.') {
			while (o > 0 && out[--o] != '/')
				;
			out[o] = '\0';
		} else if (!(l == 1 && in[0] == '.') && o + l + 2 < len) {
			out[o++] = '/';
			memcpy(out + o, in, l);
			o += l;
			out[o] = '\0';
		}
		in += l;
	}
	if (o == 0)
		snprintf(out, len, "/");
}

static bool is_under(const char *path, const char *dir)
{
	size_t l = strlen(dir);

	return strncmp(path, dir, l) == 0 && (path[l] == '\0' || path[l] == '/');
}

static bool type_is(const char *type, const char *name)
{
	return type && strcmp(type, name) == 0;
}

/* CVE-2019-16884 family: a symlinked /proc or /sys would redirect procfs writes. */
static int check_not_symlink(int rootfd, const char *name, struct error *err)
{
	struct stat st;

#ifdef SILO_WEAKEN_PROC_SYMLINK /* test-only: see runtime/tests/weaken */
	return 0;
#endif
	if (fstatat(rootfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 0;
		return err_set(err, errno, "stat `/%s` in the rootfs", name);
	}
	if (S_ISLNK(st.st_mode))
		return err_set(err, ELOOP, "`/%s` in the rootfs is a symlink", name);
	return 0;
}

static bool is_bind(const struct silo_mount *m)
{
	return (m->ext & SILO_MNT_BIND) || (m->flags & MS_BIND) || type_is(m->type, "bind");
}

/* Fresh filesystem failed: sysfs in a user ns that does not own the net ns gets EPERM;
 * runc and crun then bind the runtime's /sys recursively instead. */
static int sysfs_fallback(struct ctx *c, const char *dest, int target, const struct silo_mount *m,
			  struct error *err)
{
	autoclose int src = open("/sys", O_PATH | O_DIRECTORY | O_CLOEXEC), mnt = -1;
	struct silo_mount_args a = { .source = "/sys", .source_fd = src,
				     .flags = MS_BIND | MS_REC | (m->flags & ~MS_REMOUNT),
				     .propagation = m->propagation };

	if (src < 0)
		return err_set(err, errno, "open `/sys`");
	log_debug("sysfs on `%s` refused, binding /sys instead", dest);
	mnt = silo_mount_at(c->rootfd, dest, target, &a, err);
	return mnt < 0 ? -1 : 0;
}

/* lxcfs-style binds over these files are common and harmless; runc allows the same
 * list. Everything else under /proc must be procfs (CVE-2019-16884 family). */
static bool proc_bind_allowed(const struct silo_mount *m, const char *dest)
{
	static const char *const ok[] = { "/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo",
					  "/proc/stat", "/proc/swaps", "/proc/uptime",
					  "/proc/loadavg", "/proc/slabinfo", "/proc/net/dev",
					  "/proc/sys/kernel/ns_last_pid",
					  "/proc/sys/crypto/fips_enabled" };

	if (!is_bind(m))
		return false;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strcmp(dest, ok[i]) == 0)
			return true;
	return false;
}

/* The root directory of a procfs mount (its inode number is always 1). */
static bool is_procfs_root(int fd)
{
	struct statfs sf;
	struct stat st;

	return fstatfs(fd, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC && fstat(fd, &st) == 0 &&
	       st.st_ino == 1;
}

/* src: the opened source of a bind mount, or -1. A whole procfs bound over /proc itself
 * is allowed: podman asks for that with --pid=host in a user namespace, where the kernel
 * refuses a fresh procfs because the host's PID namespace is not owned by it. */
static int check_proc_target(const struct silo_mount *m, const char *dest, int target, int src,
			     struct error *err)
{
	struct statfs sf;

	if (type_is(m->type, "proc") || proc_bind_allowed(m, dest))
		return 0;
#ifdef SILO_WEAKEN_PROC_MOUNT /* test-only: see runtime/tests/weaken */
	return 0;
#endif
	if (src >= 0 && strcmp(dest, "/proc") == 0 && is_procfs_root(src))
		return 0;
	if (is_under(dest, "/proc"))
		return err_set(err, EPERM, "mount on `%s`: only procfs may be mounted under /proc",
			       dest);
	/* Reached through an in-root symlink: still refuse to cover procfs. */
	if (fstatfs(target, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC)
		return err_set(err, EPERM, "mount on `%s`: target is on procfs", dest);
	return 0;
}

static int open_bind_source(const struct silo_mount *m, bool *ret_dir, struct error *err)
{
	int nofollow = (m->ext & SILO_MNT_SRC_NOFOLLOW) ? O_NOFOLLOW : 0;
	autoclose int fd = -1;
	struct stat st;

	if (!m->source)
		return err_set(err, EINVAL, "bind on `%s` without a source", m->destination);
	fd = open(m->source, O_PATH | O_CLOEXEC | nofollow);
	if (fd < 0 || fstat(fd, &st) < 0)
		return err_set(err, errno, "open bind source `%s`", m->source);
	*ret_dir = S_ISDIR(st.st_mode);
	return take_fd(&fd);
}

/* [r]idmap: fill the args' idmap fields; returns the user namespace fd to close. */
static int idmap_args(struct ctx *c, const struct silo_mount *m, const char *dest,
		      struct silo_mount_args *a, struct error *err)
{
	int fd;

	if (a->fstype)
		return err_set(err, EINVAL, "idmap on `%s`: only bind mounts are supported", dest);
	fd = silo_rootfs_idmap_userns(m, c->o->userns, err);
	if (fd < 0)
		return -1;
	a->userns_fd = fd;
	a->idmap = SILO_MOUNT_IDMAP | ((m->ext & SILO_MNT_RIDMAP) ? SILO_MOUNT_IDMAP_REC : 0);
	return fd;
}

static int do_mount(struct ctx *c, const struct silo_mount *m, const char *dest, int target,
		    int src, struct error *err)
{
	bool label = type_is(m->type, "tmpfs") || type_is(m->type, "devpts") ||
		     type_is(m->type, "mqueue");
	autofree char *data = silo_rootfs_label_data(m->data,
						     label ? c->o->spec->linux.mount_label : NULL);
	struct silo_mount_args a = {
		.fstype = src >= 0 ? NULL : (m->type ? m->type : "none"),
		.source = m->source ? m->source : m->type, .source_fd = src,
		.flags = m->flags, .clear_flags = m->clear_flags, .propagation = m->propagation,
		.rec_attr_set = m->rec_attr_set, .rec_attr_clr = m->rec_attr_clr, .data = data,
	};
	autoclose int copy_src = -1, mnt = -1, userns = -1;
	char p[64];

	if ((m->ext & SILO_MNT_IDMAP) && (userns = idmap_args(c, m, dest, &a, err)) < 0)
		return -1;
	if (m->flags & MS_REMOUNT) { /* target already is the top mount at dest */
		snprintf(p, sizeof(p), "/proc/self/fd/%d", target);
		if (mount(a.source, p, a.fstype, m->flags, data) < 0)
			return err_set(err, errno, "remount `%s`", dest);
		return 0;
	}
	if ((m->ext & SILO_MNT_TMPCOPYUP) && type_is(m->type, "tmpfs")) {
		/* Open the covered directory now: afterwards the tmpfs hides it. */
		copy_src = openat(target, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (copy_src < 0)
			return err_set(err, errno, "tmpcopyup: open `%s`", dest);
	}
	mnt = silo_mount_at(c->rootfd, dest, target, &a, err);
	if (mnt < 0 && err->errnum == EPERM && type_is(m->type, "sysfs") && c->o->userns)
		return sysfs_fallback(c, dest, target, m, err);
	if (mnt < 0)
		return -1;
	if (copy_src >= 0) {
		autoclose int dst = openat(mnt, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dst < 0)
			return err_set(err, errno, "tmpcopyup: open `%s`", dest);
		if (silo_rootfs_copy_tree(copy_src, dst, dest, err) < 0)
			return -1;
	}
	return 0;
}

static int mount_one(struct ctx *c, const struct silo_mount *m, struct error *err)
{
	const struct silo_spec *s = c->o->spec;
	char dest[PATH_MAX];
	autoclose int src = -1, target = -1;
	bool dir = true;

	norm_path(m->destination ? m->destination : "", dest, sizeof(dest));
	if (!is_bind(m) && type_is(m->type, "cgroup"))
		return silo_rootfs_mount_cgroup(c->rootfd, dest, m,
						s->linux.namespaces[SILO_NS_CGROUP].present,
						s->linux.mount_label, &c->o->cg_dirs, err);
	if (is_bind(m)) {
		src = open_bind_source(m, &dir, err);
		if (src < 0)
			return -1;
	}
	target = silo_pathres_mount_target(c->rootfd, dest, dir, err);
	if (target < 0)
		return err_prefix(err, "mount target `%s`", dest);
	if (check_proc_target(m, dest, target, src, err) < 0)
		return -1;
	if (do_mount(c, m, dest, target, src, err) < 0)
		return -1;
	if (type_is(m->type, "devpts") && strcmp(dest, "/dev/pts") == 0)
		c->have_pts = true;
	return 0;
}

/* CVE-2026-41579: /dev must be a real directory of the rootfs, never a symlink. */
static int open_dev(int rootfd, struct error *err)
{
#ifdef SILO_WEAKEN_DEV_SYMLINK /* test-only: see runtime/tests/weaken */
	autoclose int fd = silo_pathres_open(rootfd, "/dev", O_PATH, 0, err);
#else
	autoclose int fd = silo_pathres_open(rootfd, "/dev", O_PATH | O_NOFOLLOW, 0, err);
#endif
	struct stat st;

	if (fd < 0 && err->errnum == ENOENT) {
		fd = silo_pathres_mkdir_p(rootfd, "/dev", 0755, err);
		if (fd >= 0) {
			close(fd);
			fd = silo_pathres_open(rootfd, "/dev", O_PATH | O_NOFOLLOW, 0, err);
		}
	}
	if (fd < 0)
		return err_prefix(err, "open rootfs `/dev`");
	if (fstat(fd, &st) < 0)
		return err_set(err, errno, "stat rootfs `/dev`");
	if (!S_ISDIR(st.st_mode))
		return err_set(err, ENOTDIR, "rootfs `/dev` is a symlink or not a directory");
	return take_fd(&fd);
}

/* CVE-2025-52565: bind the pty slave we hold, not a /dev/pts path. */
static int bind_console(struct ctx *c, struct error *err)
{
	autoclose int target = -1, mnt = -1;
	struct silo_mount_args a = { .source = "pty", .source_fd = c->o->console_slave_fd };

	if (c->o->console_slave_fd < 0)
		return 0;
	target = silo_pathres_mount_target(c->rootfd, "/dev/console", 0, err);
	if (target < 0)
		return err_prefix(err, "create `/dev/console`");
	mnt = silo_mount_at(c->rootfd, "/dev/console", target, &a, err);
	return mnt < 0 ? -1 : 0;
}

static int setup_dev(struct ctx *c, struct error *err)
{
	const struct silo_linux *l = &c->o->spec->linux;
	autoclose int devfd = open_dev(c->rootfd, err);

	if (devfd < 0)
		return -1;
	if (silo_devices_defaults(c->rootfd, devfd, l->devices, l->n_devices, c->o->userns,
				  err) < 0 ||
	    silo_devices_create(c->rootfd, l->devices, l->n_devices, c->o->userns, err) < 0 ||
	    silo_devices_links(devfd, c->have_pts, err) < 0)
		return -1;
	return bind_console(c, err);
}

static int isolate_and_bind_root(const char *rootfs, struct error *err)
{
	/* Nothing we mount may propagate back to the host; rootfsPropagation comes last. */
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		return err_set(err, errno, "make `/` rslave");
	/* pivot_root needs the new root to be a mount point. */
	if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		return err_set(err, errno, "bind `%s` on itself", rootfs);
	return 0;
}

int silo_rootfs_prepare(const struct silo_rootfs_opts *o, struct error *err)
{
	struct ctx c = { .o = o, .rootfd = -1 };
	autoclose int rootfd = -1;

	if (!o->rootfs || o->rootfs[0] != '/')
		return err_set(err, EINVAL, "rootfs `%s` is not an absolute path",
			       o->rootfs ? o->rootfs : "");
	if (isolate_and_bind_root(o->rootfs, err) < 0)
		return -1;
	rootfd = open(o->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return err_set(err, errno, "open rootfs `%s`", o->rootfs);
	if (check_not_symlink(rootfd, "proc", err) < 0 || check_not_symlink(rootfd, "sys", err) < 0)
		return -1;
	c.rootfd = rootfd;
	for (size_t i = 0; i < o->spec->n_mounts; i++)
		if (mount_one(&c, &o->spec->mounts[i], err) < 0)
			return -1;
	if (setup_dev(&c, err) < 0)
		return -1;
	return take_fd(&rootfd);
}

/* CVE-2025-31133: the masking source is the runtime's /dev/null, opened and checked
 * while the host /dev is still our /dev, never the container's (rootfd). */
static int open_devnull(int rootfd, struct error *err)
{
	autoclose int fd = -1;
	struct stat st;

#ifdef SILO_WEAKEN_MASKED_DEVNULL /* test-only: see runtime/tests/weaken */
	return silo_pathres_open(rootfd, "/dev/null", O_PATH, 0, err);
#endif
	fd = open("/dev/null", O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		return err_set(err, errno, "open `/dev/null`");
	if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
		return err_set(err, ENODEV, "`/dev/null` is not the null device");
	return take_fd(&fd);
}

static int switch_root(const struct silo_rootfs_opts *o, int rootfd, struct error *err)
{
	if (fchdir(rootfd) < 0)
		return err_set(err, errno, "chdir to rootfs `%s`", o->rootfs);
	if (o->no_pivot) {
		if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
			return err_set(err, errno, "move rootfs `%s` to `/`", o->rootfs);
		if (chroot(".") < 0)
			return err_set(err, errno, "chroot to `%s`", o->rootfs);
	} else {
		/* pivot_root(".", ".") stacks the old root on the new one; detach it. Only
		 * the old root is made rslave (so the detach cannot propagate to the host):
		 * through our cwd that would hit the new root and undo `shared` mounts. */
		autoclose int oldroot = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (oldroot < 0)
			return err_set(err, errno, "open the old root");
		if (sys_pivot_root(".", ".") < 0)
			return err_set(err, errno, "pivot_root to `%s`", o->rootfs);
		if (fchdir(oldroot) < 0)
			return err_set(err, errno, "chdir to the old root");
		if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
			return err_set(err, errno, "make old root rslave");
		if (umount2(".", MNT_DETACH) < 0)
			return err_set(err, errno, "detach old root");
	}
	if (chdir("/") < 0)
		return err_set(err, errno, "chdir `/`");
	return 0;
}

static int mask_one(int root, int devnull, const char *path, const char *label,
		    struct error *err)
{
	autoclose int fd = silo_pathres_open(root, path, O_PATH | O_NOFOLLOW, 0, err), mnt = -1;
	struct silo_mount_args a = { .source = "/dev/null", .source_fd = -1 };
	autofree char *data = NULL;
	struct stat st;
	char p[64];

	if (fd < 0)
		return err->errnum == ENOENT ? 0 : err_prefix(err, "mask `%s`", path);
	if (fstat(fd, &st) < 0)
		return err_set(err, errno, "mask `%s`", path);
	if (S_ISLNK(st.st_mode)) {
		log_debug("masked path `%s` is a symlink, skipping", path);
		return 0;
	}
	if (S_ISDIR(st.st_mode)) {
		data = silo_rootfs_label_data("size=0k", label);
		snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
		if (mount("tmpfs", p, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, data) < 0)
			return err_set(err, errno, "mount `tmpfs` on `%s`", path);
		return 0;
	}
	a.source_fd = devnull;
	mnt = silo_mount_at(root, path, fd, &a, err);
	return mnt < 0 ? err_prefix(err, "mask `%s`", path) : 0;
}

static int readonly_one(int root, const char *path, struct error *err)
{
	autoclose int fd = silo_pathres_open(root, path, O_PATH, 0, err), mnt = -1;
	struct silo_mount_args a = { .source = path, .source_fd = fd,
				     .flags = MS_BIND | MS_REC | MS_RDONLY };

	if (fd < 0)
		return err->errnum == ENOENT ? 0 : err_prefix(err, "readonly path `%s`", path);
	mnt = silo_mount_at(root, path, fd, &a, err);
	return mnt < 0 ? err_prefix(err, "readonly path `%s`", path) : 0;
}

static int finish_paths(const struct silo_spec *s, int root, int devnull, struct error *err)
{
	const struct silo_strv *mp = &s->linux.masked_paths, *rp = &s->linux.readonly_paths;

	for (size_t i = 0; i < mp->n; i++)
		if (mask_one(root, devnull, mp->v[i], s->linux.mount_label, err) < 0)
			return -1;
	for (size_t i = 0; i < rp->n; i++)
		if (readonly_one(root, rp->v[i], err) < 0)
			return -1;
	return 0;
}

static int finish_root(const struct silo_spec *s, struct error *err)
{
	autoclose int root = -1;

	if (s->linux.rootfs_propagation &&
	    mount(NULL, "/", NULL, s->linux.rootfs_propagation, NULL) < 0)
		return err_set(err, errno, "set rootfsPropagation of `/`");
	if (!s->root.readonly)
		return 0;
	root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return err_set(err, errno, "open `/`");
	if (silo_mount_setflags(root, "/", MS_RDONLY, 0, 0, err) < 0)
		return err_prefix(err, "make the root read-only");
	return 0;
}

/* Masked and readonly paths are applied through rootfd just before pivot_root rather
 * than after it: the result is the same tree (they are submounts of the rootfs), but
 * only then is the host /dev/null mount still attached; once the old root is detached
 * the kernel refuses to bind from it (EINVAL: not a mount of our namespace). */
int silo_rootfs_finish(const struct silo_rootfs_opts *o, int rootfd, struct error *err)
{
	autoclose int rfd = rootfd, devnull = -1;

	if (o->spec->linux.masked_paths.n) {
		devnull = open_devnull(rfd, err);
		if (devnull < 0)
			return -1;
	}
	if (finish_paths(o->spec, rfd, devnull, err) < 0)
		return -1;
	if (switch_root(o, rfd, err) < 0)
		return -1;
	return finish_root(o->spec, err);
}
