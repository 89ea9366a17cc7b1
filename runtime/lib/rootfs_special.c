/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Special cases of rootfs.c: the `cgroup` mount type on v1, hybrid and v2 hosts, and
 * tmpcopyup. Everything happens relative to fds inside the rootfs; host paths read
 * here (/proc/self/cgroup, /sys/fs/cgroup) are the runtime's, not the image's. */
#include "rootfs_internal.h"

#include "mount.h"
#include "ns.h"
#include "pathres.h"
#include "rootfs.h"
#include "spec.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/fdutil.h"
#include "util/log.h"
#include "util/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#define CG_ROOT "/sys/fs/cgroup"
#define MAX_COPY_DEPTH 64
#define CG_FLAGS (MS_NOSUID | MS_NODEV | MS_NOEXEC)

char *silo_rootfs_label_data(const char *data, const char *label)
{
	if (!label || !*label)
		return data ? xstrdup(data) : NULL;
	if (!data || !*data)
		return xasprintf("context=\"%s\"", label);
	return xasprintf("%s,context=\"%s\"", data, label);
}

static int write_map(const char *pid, const char *file, const struct silo_id_maps *maps,
		     struct error *err)
{
	size_t len = 0;
	autofree char *buf = silo_ns_format_map(maps, &len);
	char path[64];
	autoclose int fd = -1;

	snprintf(path, sizeof(path), "/proc/%s/%s", pid, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	/* The kernel takes a map in one write only. */
	if (fd < 0 || write(fd, buf, len) != (ssize_t)len)
		return err_set(err, errno, "write mount %s", file);
	return 0;
}

/* The helper tells us its pid as our /proc (the runtime's, in the runtime's pid ns)
 * names it: readlink("/proc/self"), since fork() returned a container pid. */
static void idmap_helper(int sock)
{
	char self[32] = "";
	ssize_t n;

	if (unshare(CLONE_NEWUSER) < 0 || (n = readlink("/proc/self", self, sizeof(self) - 1)) <= 0)
		_exit(1);
	if (write(sock, self, (size_t)n) != n)
		_exit(1);
	n = read(sock, self, 1); /* until the parent has what it needs and closes */
	_exit(0);
}

int silo_rootfs_idmap_userns(const struct silo_mount *m, bool in_userns, struct error *err)
{
	autokill pid_t pid = -1;
	autoclose int s0 = -1, s1 = -1, fd = -1;
	char hpid[32] = "", path[64];
	int sv[2];

	if (!m->uid_mappings.n && !m->gid_mappings.n) {
		if (!in_userns)
			return err_set(err, EINVAL, "idmap on `%s` without uidMappings/gidMappings "
				       "and no user namespace", m->destination);
		fd = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
		return fd < 0 ? err_set(err, errno, "open `/proc/self/ns/user`") : take_fd(&fd);
	}
	if (!m->uid_mappings.n || !m->gid_mappings.n)
		return err_set(err, EINVAL, "idmap on `%s`: need both uidMappings and gidMappings",
			       m->destination);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return err_set(err, errno, "socketpair");
	s0 = sv[0], s1 = sv[1];
	pid = fork();
	if (pid < 0)
		return err_set(err, errno, "fork idmap helper");
	if (pid == 0)
		idmap_helper(s1);
	errno = 0;
	if (read(s0, hpid, sizeof(hpid) - 1) <= 0)
		return err_set(err, errno ? errno : ECHILD, "idmap helper for `%s` failed",
			       m->destination);
	if (write_map(hpid, "uid_map", &m->uid_mappings, err) < 0 ||
	    write_map(hpid, "gid_map", &m->gid_mappings, err) < 0)
		return err_prefix(err, "idmap `%s`", m->destination);
	snprintf(path, sizeof(path), "/proc/%s/ns/user", hpid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, errno, "open `%s`", path);
	return take_fd(&fd);
}

/* One hierarchy: a fresh mount in a new cgroup ns (its root is the ns root, i.e. our
 * own cgroup), else a bind of our directory in the host hierarchy. `cgfd` is the host's
 * CG_ROOT: host paths are reached relative to it, since every walk through /sys waits
 * on sysfs's lock, which new network namespaces of parallel creates take for writing. */
static int cg_one(int rootfd, int mntfd, int cgfd, const char *dest, const char *name,
		  const char *opts, const char *path, unsigned long ro, bool newns,
		  struct error *err)
{
	autofree char *sub = xasprintf("%s/%s", dest, name);
	autofree char *src = xasprintf(CG_ROOT "/%s%s", name, path);
	autoclose int tgt = -1, srcfd = -1, mnt = -1;
	struct silo_mount_args a = { .source = src, .source_fd = -1, .flags = CG_FLAGS | ro };

	if (mkdirat(mntfd, name, 0755) < 0 && errno != EEXIST)
		return err_set(err, errno, "mkdir `%s`", sub);
	tgt = openat(mntfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (tgt < 0)
		return err_set(err, errno, "open `%s`", sub);
	if (newns) {
		a.fstype = strcmp(name, "unified") == 0 ? "cgroup2" : "cgroup";
		a.source = "cgroup";
		a.data = strcmp(name, "unified") == 0 ? NULL : opts;
	} else {
		srcfd = openat(cgfd, src + strlen(CG_ROOT "/"), O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (srcfd < 0)
			return err_set(err, errno, "open `%s`", src);
		a.source_fd = srcfd;
		a.flags |= MS_BIND | MS_REC;
	}
	mnt = silo_mount_at(rootfd, sub, tgt, &a, err);
	return mnt < 0 ? -1 : 0;
}

/* Co-mounted controllers ("cpu,cpuacct") also get one symlink per name. */
static int cg_links(int mntfd, const char *name, struct error *err)
{
	autofree char *copy = xstrdup(name);
	char *save = NULL;

	if (!strchr(name, ','))
		return 0;
	for (char *p = strtok_r(copy, ",", &save); p; p = strtok_r(NULL, ",", &save))
		if (symlinkat(name, mntfd, p) < 0 && errno != EEXIST)
			return err_set(err, errno, "symlink `%s` -> `%s`", p, name);
	return 0;
}

/* The part of `path` (a /proc/self/cgroup path) below the root of the hierarchy mounted
 * at `mountpoint`. Inside a container the hierarchies are mounted from the container's
 * own cgroup (mountinfo's root field), and /proc/self/cgroup still starts with it. */
static char *cg_below_mount_root(const char *mountinfo, const char *mountpoint, const char *path)
{
	autofree char *copy = xstrdup(mountinfo);
	char *save = NULL;

	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *f[5] = { 0 }, *fs = NULL;
		int n = 0;
		for (char *t = strtok_r(l, " ", &fs); t && n < 5; t = strtok_r(NULL, " ", &fs))
			f[n++] = t;
		if (n == 5 && !strcmp(f[4], mountpoint) && strcmp(f[3], "/") != 0) {
			size_t len = strlen(f[3]);
			if (!strncmp(path, f[3], len) && (path[len] == '/' || !path[len]))
				return xstrdup(path + len);
		}
	}
	return xstrdup(path);
}

/* The container's cgroup silo named for the hierarchy mounted at `host` ("" for the
 * root), or NULL. */
static const char *cg_dir(const struct silo_rootfs_cgdirs *dirs, const char *host)
{
	for (size_t i = 0; dirs && i < dirs->n; i++)
		if (strcmp(dirs->mnts[i], host) == 0)
			return strcmp(dirs->paths[i], "/") == 0 ? "" : dirs->paths[i];
	return NULL;
}

/* /proc/self/mountinfo into *mountinfo on first use (the mount namespace lock it takes
 * is what parallel inits, all mounting, queue on). */
static int cg_mountinfo(char **mountinfo, struct error *err)
{
	if (*mountinfo)
		return 0;
	return fd_read_file_at(AT_FDCWD, "/proc/self/mountinfo", 16 << 20, mountinfo, NULL, err);
}

static int cg_line(int rootfd, int mntfd, int cgfd, const struct silo_rootfs_cgdirs *dirs,
		   const char *dest, char *line, unsigned long ro, bool newns, char **mountinfo,
		   struct error *err)
{
	char *ctrls = strchr(line, ':'), *path, *name;
	autofree char *rel = NULL;
	char host[512];
	struct stat st;
	const char *known;

	if (!ctrls || !(path = strchr(ctrls + 1, ':')))
		return 0;
	*ctrls++ = '\0';
	*path++ = '\0';
	name = strncmp(ctrls, "name=", 5) == 0 ? ctrls + 5 : ctrls;
	if (!*name)
		name = "unified";
	if (strcmp(path, "/") == 0)
		path = "";
	snprintf(host, sizeof(host), CG_ROOT "/%s", name);
	known = cg_dir(dirs, host);
	if (!known &&
	    (fstatat(cgfd, host + strlen(CG_ROOT "/"), &st, 0) < 0 || !S_ISDIR(st.st_mode))) {
		log_debug("cgroup mount: no host hierarchy `%s`, skipping", host);
		return 0;
	}
	if (known) {
		rel = xstrdup(known);
	} else if (newns) {
		rel = xstrdup(path); /* only named in messages */
	} else {
		if (cg_mountinfo(mountinfo, err) < 0)
			return -1;
		rel = cg_below_mount_root(*mountinfo, host, path);
	}
	if (cg_one(rootfd, mntfd, cgfd, dest, name, ctrls, rel, ro, newns, err) < 0)
		return -1;
	return cg_links(mntfd, name, err);
}

static int cg_v1(int rootfd, int target, int cgfd, const struct silo_rootfs_cgdirs *dirs,
		 const char *dest, const struct silo_mount *m, bool newns, const char *label,
		 struct error *err)
{
	autofree char *data = silo_rootfs_label_data("mode=755", label);
	struct silo_mount_args a = { .fstype = "tmpfs", .source = "tmpfs", .source_fd = -1,
				     .flags = CG_FLAGS, .data = data };
	unsigned long ro = m->flags & MS_RDONLY;
	autoclose int mnt = silo_mount_at(rootfd, dest, target, &a, err), dir = -1;
	autofree char *text = NULL, *mountinfo = NULL;
	char *save = NULL;

	if (mnt < 0)
		return -1;
	dir = openat(mnt, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return err_set(err, errno, "open `%s`", dest);
	if (fd_read_file_at(AT_FDCWD, "/proc/self/cgroup", 1 << 20, &text, NULL, err) < 0)
		return -1;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if (cg_line(rootfd, dir, cgfd, dirs, dest, l, ro, newns, &mountinfo, err) < 0)
			return err_prefix(err, "cgroup mount on `%s`", dest);
	if (ro && silo_mount_setflags(mnt, dest, MS_RDONLY, 0, 0, err) < 0)
		return -1;
	return silo_mount_propagation(mnt, dest, m->propagation, err);
}

/* The container's cgroup in the v2 hierarchy at CG_ROOT: named by silo, else from
 * /proc/self/cgroup and mountinfo. */
static int cg_v2_path(const struct silo_rootfs_cgdirs *dirs, char **ret, struct error *err)
{
	autofree char *text = NULL, *mountinfo = NULL;
	const char *known = cg_dir(dirs, CG_ROOT);
	char *p;

	if (known) {
		*ret = xstrdup(known);
		return 0;
	}
	if (fd_read_file_at(AT_FDCWD, "/proc/self/cgroup", 1 << 20, &text, NULL, err) < 0)
		return -1;
	p = strstr(text, "0::");
	if (!p)
		return err_set(err, ENOENT, "no cgroup2 entry in `/proc/self/cgroup`");
	p[strcspn(p, "\n")] = '\0';
	if (cg_mountinfo(&mountinfo, err) < 0)
		return -1;
	*ret = cg_below_mount_root(mountinfo, CG_ROOT, p + 3);
	return 0;
}

static int cg_v2(int rootfd, int target, int cgfd, const struct silo_rootfs_cgdirs *dirs,
		 const char *dest, const struct silo_mount *m, bool newns, struct error *err)
{
	struct silo_mount_args a = { .source = "cgroup", .source_fd = -1,
				     .flags = (m->flags & ~(MS_BIND | MS_REC)) | CG_FLAGS,
				     .propagation = m->propagation, .data = m->data };
	autofree char *src = NULL, *rel = NULL;
	autoclose int srcfd = -1, mnt = -1;

	if (newns) {
		a.fstype = "cgroup2";
	} else {
		if (cg_v2_path(dirs, &rel, err) < 0)
			return -1;
		src = xasprintf(CG_ROOT "%s", rel);
		srcfd = openat(cgfd, rel[strspn(rel, "/")] ? rel + strspn(rel, "/") : ".",
			       O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (srcfd < 0)
			return err_set(err, errno, "open `%s`", src);
		a.source = src;
		a.source_fd = srcfd;
		a.flags |= MS_BIND | MS_REC;
		a.data = NULL;
	}
	mnt = silo_mount_at(rootfd, dest, target, &a, err);
	return mnt < 0 ? -1 : 0;
}

int silo_rootfs_mount_cgroup(int rootfd, const char *dest, const struct silo_mount *m,
			     bool new_cgroupns, const char *label,
			     const struct silo_rootfs_cgdirs *dirs, struct error *err)
{
	autoclose int target = silo_pathres_mount_target(rootfd, dest, 1, err), cgfd = -1;
	struct statfs sf;

	if (target < 0)
		return -1;
	cgfd = open(CG_ROOT, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cgfd < 0 || fstatfs(cgfd, &sf) < 0)
		return err_set(err, errno, "statfs `" CG_ROOT "`");
	if (sf.f_type == CGROUP2_SUPER_MAGIC)
		return cg_v2(rootfd, target, cgfd, dirs, dest, m, new_cgroupns, err);
	return cg_v1(rootfd, target, cgfd, dirs, dest, m, new_cgroupns, label, err);
}

static int copy_file(int src, int dst, const char *name, const struct stat *st, struct error *err)
{
	autoclose int in = openat(src, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), out = -1;
	off_t left = st->st_size;

	if (in < 0)
		return err_set(err, errno, "open `%s`", name);
	out = openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, st->st_mode & 07777);
	if (out < 0)
		return err_set(err, errno, "create `%s`", name);
	while (left > 0) {
		ssize_t n = sendfile(out, in, NULL, (size_t)left);
		if (n <= 0)
			return n < 0 ? err_set(err, errno, "copy `%s`", name) : 0;
		left -= n;
	}
	return 0;
}

/* Anything but a directory; then the owner, for every entry. */
static int copy_leaf(int src, int dst, const char *name, const struct stat *st, struct error *err)
{
	char target[4096];
	ssize_t n;

	if (S_ISREG(st->st_mode)) {
		if (copy_file(src, dst, name, st, err) < 0)
			return -1;
	} else if (S_ISLNK(st->st_mode)) {
		n = readlinkat(src, name, target, sizeof(target) - 1);
		if (n < 0)
			return err_set(err, errno, "readlink `%s`", name);
		target[n] = '\0';
		if (symlinkat(target, dst, name) < 0)
			return err_set(err, errno, "symlink `%s`", name);
	} else if (!S_ISDIR(st->st_mode) && mknodat(dst, name, st->st_mode, st->st_rdev) < 0) {
		return err_set(err, errno, "mknod `%s`", name);
	}
	if (fchownat(dst, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
		return err_set(err, errno, "chown `%s`", name);
	return 0;
}

static int copy_dir(int srcdir, int dstdir, const char *dest, int depth, struct error *err)
{
	int fd = openat(srcdir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	autoclosedir DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *e;
	struct stat st;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return err_set(err, errno, "tmpcopyup: open `%s`", dest);
	}
	if (depth > MAX_COPY_DEPTH)
		return err_set(err, ELOOP, "tmpcopyup `%s`: tree too deep", dest);
	while ((errno = 0, e = readdir(d))) {
		autoclose int s = -1, t = -1;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return err_set(err, errno, "tmpcopyup: stat `%s/%s`", dest, e->d_name);
		if (S_ISDIR(st.st_mode)) {
			s = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (s < 0 || (mkdirat(dstdir, e->d_name, st.st_mode & 07777) < 0 && errno != EEXIST) ||
			    (t = openat(dstdir, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
				return err_set(err, errno, "tmpcopyup: directory `%s/%s`", dest, e->d_name);
			if (copy_dir(s, t, e->d_name, depth + 1, err) < 0)
				return err_prefix(err, "`%s`", dest);
		}
		if (copy_leaf(dirfd(d), dstdir, e->d_name, &st, err) < 0)
			return err_prefix(err, "tmpcopyup `%s`", dest);
	}
	if (errno)
		return err_set(err, errno, "tmpcopyup: read `%s`", dest);
	return 0;
}

int silo_rootfs_copy_tree(int srcdir, int dstdir, const char *dest, struct error *err)
{
	return copy_dir(srcdir, dstdir, dest, 0, err);
}
