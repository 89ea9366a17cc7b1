/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Path resolution confined to a root dirfd: openat2(RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS),
 * else a component walk that clamps `..` and symlinks at the root and checks the result
 * through /proc/self/fd. Creation helpers act relative to verified parent fds only; no
 * path string is ever re-resolved by the kernel from the host root. */
#include "pathres.h"

#include "util/cleanup.h"
#include "util/error.h"
#include "util/log.h"
#include "util/syscall.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_SYMLINKS 40        /* the kernel's own bound (MAXSYMLINKS) */
#define MAX_DEPTH 4096         /* directory fds held by the fallback walk */
#define MAX_REST (64u << 10)   /* remaining path after symlink expansion */
#define OPENAT2_RETRIES 64     /* EAGAIN: a rename or mount raced the lookup */
#define CREATE_RETRIES 16

/* Test hook and escape hatch: SILO_FORCE_PATHRES_FALLBACK=1 skips openat2. */
static bool force_fallback(void)
{
	const char *v = secure_getenv("SILO_FORCE_PATHRES_FALLBACK");

	return v && strcmp(v, "1") == 0;
}

struct walk {
	int *fds; /* fds[0] is the root (not owned); fds[1..n-1] owned O_PATH dirs */
	size_t n, cap;
	char *rest;  /* remaining path, owned */
	unsigned links;
};

static void walk_free(struct walk *w)
{
	int saved = errno;

	for (size_t i = 1; i < w->n; i++)
		close(w->fds[i]);
	free(w->fds);
	free(w->rest);
	errno = saved;
}

static void walk_reset(struct walk *w)
{
	while (w->n > 1)
		close(w->fds[--w->n]);
}

static int walk_push(struct walk *w, int fd)
{
	if (w->n >= MAX_DEPTH) {
		close(fd);
		errno = ENAMETOOLONG;
		return -1;
	}
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 16;
		w->fds = xreallocarray(w->fds, w->cap, sizeof(*w->fds));
	}
	w->fds[w->n++] = fd;
	return 0;
}

/* Pop the next component of w->rest into comp (NUL-terminated); returns false at the end. */
static bool next_comp(struct walk *w, char *comp, size_t len, bool *is_last)
{
	char *p = w->rest;
	size_t l;

	while (*p == '/')
		p++;
	if (!*p)
		return false;
	l = strcspn(p, "/");
	if (l >= len)
		l = len - 1; /* NAME_MAX+1 buffer: longer names fail at openat anyway */
	memcpy(comp, p, l);
	comp[l] = '\0';
	p += strcspn(p, "/");
	memmove(w->rest, p, strlen(p) + 1);
	for (p = w->rest; *p == '/'; p++)
		;
	*is_last = !*p;
	return true;
}

/* Replace the current component by the symlink target held by fd (an O_PATH link). */
static int expand_link(struct walk *w, int fd)
{
	char target[PATH_MAX + 1];
	ssize_t n = readlinkat(fd, "", target, sizeof(target) - 1);
	char *r;

	if (n < 0)
		return -1;
	target[n] = '\0';
	if (++w->links > MAX_SYMLINKS) {
		errno = ELOOP;
		return -1;
	}
	if (strlen(w->rest) + (size_t)n + 2 > MAX_REST) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (target[0] == '/')
		walk_reset(w); /* absolute targets mean the container's root */
	r = xasprintf("%s/%s", target, w->rest);
	free(w->rest);
	w->rest = r;
	return 0;
}

/* One step of the walk on a non-final component (or a final one to follow). Returns 1 if
 * a symlink was expanded, 0 if the walk advanced, -1 on error. */
static int walk_step(struct walk *w, const char *comp)
{
	int cur = w->fds[w->n - 1];
	struct stat st;
	int fd;

	if (strcmp(comp, ".") == 0)
		return 0;
	if (strcmp(comp, "..") == 0) {
		if (w->n > 1) /* clamp at the root */
			close(w->fds[--w->n]);
		return 0;
	}
	fd = openat(cur, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return -1;
	}
	if (S_ISLNK(st.st_mode)) {
		int r = expand_link(w, fd);
		close(fd);
		return r < 0 ? -1 : 1;
	}
	if (!S_ISDIR(st.st_mode)) {
		close(fd);
		errno = ENOTDIR;
		return -1;
	}
	return walk_push(w, fd);
}

/* Open the final component: symlinks are expanded unless O_NOFOLLOW. Returns the fd,
 * -2 when a symlink was expanded (walk again), -1 on error. */
static int walk_last(struct walk *w, const char *comp, int flags, mode_t mode)
{
	int cur = w->fds[w->n - 1];
	struct stat st;
	autoclose int probe = -1;

	if (strcmp(comp, ".") == 0 || strcmp(comp, "..") == 0) {
		if (walk_step(w, comp) < 0)
			return -1;
		return openat(w->fds[w->n - 1], ".", flags | O_CLOEXEC, mode);
	}
	if (!(flags & O_NOFOLLOW)) {
		probe = openat(cur, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (probe >= 0 && fstat(probe, &st) == 0 && S_ISLNK(st.st_mode))
			return expand_link(w, probe) < 0 ? -1 : -2;
	}
	return openat(cur, comp, flags | O_NOFOLLOW | O_CLOEXEC, mode);
}

static int walk_open(int rootfd, const char *path, int flags, mode_t mode)
{
	struct walk w = { 0 };
	char comp[NAME_MAX + 2];
	bool last;
	int fd = -1;

	w.rest = xstrdup(path);
	if (walk_push(&w, rootfd) < 0)
		goto out;
	for (;;) {
		if (!next_comp(&w, comp, sizeof(comp), &last)) {
			fd = openat(w.fds[w.n - 1], ".", flags | O_CLOEXEC, mode);
			break;
		}
		if (!last) {
			if (walk_step(&w, comp) < 0)
				break;
			continue;
		}
		fd = walk_last(&w, comp, flags, mode);
		if (fd != -2)
			break;
		fd = -1;
	}
out:
	walk_free(&w);
	return fd;
}

/* The fallback walk cannot see concurrent renames: check where the fd really is. */
static int check_under_root(int rootfd, int fd, const char *path, struct error *err)
{
	char link[64], rootp[PATH_MAX + 1], got[PATH_MAX + 1];
	ssize_t rl, gl;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", rootfd);
	rl = readlink(link, rootp, sizeof(rootp) - 1);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	gl = rl < 0 ? -1 : readlink(link, got, sizeof(got) - 1);
	if (rl < 0 || gl < 0) {
		if (errno == ENOENT) { /* no procfs (yet): the walk itself stayed inside */
			log_debug("pathres: cannot verify `%s` without /proc", path);
			return 0;
		}
		return err_set(err, errno, "verify `%s`", path);
	}
	rootp[rl] = got[gl] = '\0';
	if (strcmp(rootp, "/") == 0)
		return 0;
	if (strncmp(got, rootp, (size_t)rl) == 0 && (got[rl] == '\0' || got[rl] == '/'))
		return 0;
	return err_set(err, EXDEV, "`%s` resolved to `%s`, outside of the root", path, got);
}

static int open_fallback(int rootfd, const char *path, int flags, mode_t mode,
			 struct error *err)
{
	autoclose int fd = walk_open(rootfd, path, flags, mode);

	if (fd < 0)
		return err_set(err, errno, "open `%s`", path);
	if (check_under_root(rootfd, fd, path, err) < 0)
		return -1;
	return take_fd(&fd);
}

int silo_pathres_open(int rootfd, const char *path, int flags, mode_t mode, struct error *err)
{
	uint64_t m = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0;
	int fd = -1;

#ifdef SILO_WEAKEN_MOUNT_TARGET /* test-only: see runtime/tests/weaken */
	path += strspn(path, "/");
	fd = openat(rootfd, *path ? path : ".", flags | O_CLOEXEC, (mode_t)m);
	return fd >= 0 ? fd : err_set(err, errno, "open `%s`", path);
#endif
	if (!force_fallback()) {
		for (int i = 0; i < OPENAT2_RETRIES; i++) {
			fd = sys_openat2(rootfd, path, (uint64_t)(flags | O_CLOEXEC), m,
					 RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
			if (fd >= 0 || errno != EAGAIN)
				break;
		}
		if (fd >= 0)
			return fd;
		if (errno != ENOSYS && errno != EPERM && errno != EINVAL && errno != E2BIG)
			return err_set(err, errno, "open `%s`", path);
	}
	return open_fallback(rootfd, path, flags, mode, err);
}

/* Split path into the parent (allocated; "/" prepended so there always is one: paths
 * are inside the root anyway) and the last component (pointer into it). */
static char *split_last(const char *path, const char **ret_base)
{
	char *dir = xasprintf("/%s", path);
	size_t l = strlen(dir);
	char *slash;

	while (l > 1 && dir[l - 1] == '/')
		dir[--l] = '\0';
	slash = strrchr(dir, '/');
	*slash = '\0';
	*ret_base = slash + 1;
	return dir;
}

static int mkdir_one(int rootfd, const char *prefix, const char *comp, mode_t mode,
		     struct error *err)
{
	autoclose int parent = -1;

	if (strcmp(comp, ".") == 0 || strcmp(comp, "..") == 0 || !*comp)
		return 0;
	parent = silo_pathres_open(rootfd, *prefix ? prefix : "/", O_PATH | O_DIRECTORY, 0, err);
	if (parent < 0)
		return -1;
	if (mkdirat(parent, comp, mode) < 0 && errno != EEXIST)
		return err_set(err, errno, "mkdir `%s/%s`", prefix, comp);
	return 0;
}

int silo_pathres_mkdir_p(int rootfd, const char *path, mode_t mode, struct error *err)
{
	autofree char *buf = xstrdup(path);
	size_t len = strlen(buf);
	int fd;

	fd = silo_pathres_open(rootfd, path, O_PATH | O_DIRECTORY, 0, err);
	if (fd >= 0 || err->errnum != ENOENT)
		return fd;
	/* Walk prefixes; each missing component is made relative to its resolved parent,
	 * and the next prefix is resolved again, so a swapped-in symlink stays in root. */
	for (size_t i = 0; i <= len; i++) {
		char *comp, saved;

		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		saved = buf[i];
		buf[i] = '\0';
		comp = strrchr(buf, '/');
		comp = comp ? comp + 1 : buf;
		if (comp != buf) {
			comp[-1] = '\0';
			if (mkdir_one(rootfd, buf, comp, mode, err) < 0)
				return err_prefix(err, "mkdir -p `%s`", path);
			comp[-1] = '/';
		} else if (*comp && mkdir_one(rootfd, "", comp, mode, err) < 0) {
			return err_prefix(err, "mkdir -p `%s`", path);
		}
		buf[i] = saved;
	}
	fd = silo_pathres_open(rootfd, path, O_PATH | O_DIRECTORY, 0, err);
	if (fd < 0)
		return err_prefix(err, "mkdir -p `%s`", path);
	return fd;
}

static int create_file(int rootfd, const char *path, struct error *err)
{
	const char *base;
	autofree char *dir = split_last(path, &base);
	autoclose int parent = -1;
	int fd;

	parent = silo_pathres_mkdir_p(rootfd, *dir ? dir : "/", 0755, err);
	if (parent < 0)
		return -1;
	fd = openat(parent, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0 && errno != EEXIST)
		return err_set(err, errno, "create `%s`", path);
	if (fd >= 0)
		close(fd);
	return 0;
}

int silo_pathres_mount_target(int rootfd, const char *path, int dir, struct error *err)
{
	for (int i = 0; i < CREATE_RETRIES; i++) {
		int fd;

		if (dir)
			return silo_pathres_mkdir_p(rootfd, path, 0755, err);
		fd = silo_pathres_open(rootfd, path, O_PATH, 0, err);
		if (fd >= 0 || err->errnum != ENOENT)
			return fd;
		/* EEXIST races (or a dangling in-root symlink) loop back to resolution. */
		if (create_file(rootfd, path, err) < 0)
			return -1;
	}
	return err_set(err, ENOENT, "create mount target `%s`: it keeps vanishing", path);
}
