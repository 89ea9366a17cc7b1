/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for pathres.c against a temp tree full of hostile symlinks (absolute, `..`
 * chains, loops, links to /etc and out of the root), run twice: openat2 and the forced
 * component-walk fallback. Nothing may resolve or be created outside the root. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pathres.h"
#include "unit.h"
#include "util/error.h"

static char top[PATH_MAX], root[PATH_MAX + 8];

static void mk(const char *rel, bool dir)
{
	char p[PATH_MAX * 2];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", top, rel);
	if (dir) {
		mkdir(p, 0755);
		return;
	}
	fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
}

static void ln(const char *target, const char *rel)
{
	char p[PATH_MAX * 2];

	snprintf(p, sizeof(p), "%s/%s", top, rel);
	if (symlink(target, p) < 0)
		perror(p);
}

static bool exists(const char *rel)
{
	char p[PATH_MAX * 2];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", top, rel);
	return lstat(p, &st) == 0;
}

static void build_tree(void)
{
	char p[64];

	mk("root", true);
	mk("root/etc", true);
	mk("root/etc/passwd", false);
	mk("root/a", true);
	mk("root/a/b", true);
	mk("root/a/b/c", true);
	mk("outside", true);
	mk("outside/secret", false);
	ln("/etc", "root/abs");
	ln("../../../../../../../etc", "root/up");
	ln("loop2", "root/loop1");
	ln("loop1", "root/loop2");
	ln("../../../../../../", "root/a/b/dotdot");
	ln("../outside", "root/out");
	ln(top, "root/toplink");
	ln("/proc/self/root", "root/selfroot");
	ln("/nonexistent/x", "root/dang");
	ln("/etc/passwd", "root/pw");
	/* A 45-link chain: one over the kernel's limit of 40. */
	for (int i = 0; i < 45; i++) {
		char t[32];
		snprintf(t, sizeof(t), "c%d", i + 1);
		snprintf(p, sizeof(p), "root/c%d", i);
		ln(t, p);
	}
	mk("root/c45", false);
}

/* The fd's real path must be the root or below it. */
static bool under_root(int fd)
{
	char l[64], got[PATH_MAX];
	ssize_t n;
	size_t rl = strlen(root);

	snprintf(l, sizeof(l), "/proc/self/fd/%d", fd);
	n = readlink(l, got, sizeof(got) - 1);
	if (n < 0)
		return false;
	got[n] = '\0';
	return strncmp(got, root, rl) == 0 && (got[rl] == '\0' || got[rl] == '/');
}

static bool fd_is(int fd, const char *rel)
{
	char l[64], got[PATH_MAX], want[PATH_MAX * 2];
	ssize_t n;

	snprintf(l, sizeof(l), "/proc/self/fd/%d", fd);
	n = readlink(l, got, sizeof(got) - 1);
	if (n < 0)
		return false;
	got[n] = '\0';
	snprintf(want, sizeof(want), "%s/%s", root, rel);
	if (!*rel)
		snprintf(want, sizeof(want), "%s", root);
	return strcmp(got, want) == 0;
}

/* Expect success onto root/<want> (want "" = the root itself). */
static void expect_at(int rootfd, const char *path, int flags, const char *want, const char *mode)
{
	struct error err = { 0 };
	int fd = silo_pathres_open(rootfd, path, flags, 0, &err);

	CHECK_MSG(fd >= 0 && fd_is(fd, want), "[%s] open `%s`: fd %d err `%s` (%s)", mode, path,
		  fd, err.msg, strerror(err.errnum));
	if (fd >= 0)
		close(fd);
}

static void expect_err(int rootfd, const char *path, int flags, int want, const char *mode)
{
	struct error err = { 0 };
	int fd = silo_pathres_open(rootfd, path, flags, 0, &err);

	CHECK_MSG(fd < 0 && err.errnum == want, "[%s] open `%s`: fd %d (under root: %d) errno %d, want %d",
		  mode, path, fd, fd >= 0 && under_root(fd), err.errnum, want);
	if (fd >= 0)
		close(fd);
}

static void test_open(int rootfd, const char *mode)
{
	expect_at(rootfd, "/etc/passwd", O_RDONLY, "etc/passwd", mode);
	expect_at(rootfd, "etc/passwd", O_RDONLY, "etc/passwd", mode);
	expect_at(rootfd, "/abs/passwd", O_RDONLY, "etc/passwd", mode);
	expect_at(rootfd, "/up/passwd", O_RDONLY, "etc/passwd", mode);
	expect_at(rootfd, "/pw", O_RDONLY, "etc/passwd", mode);
	expect_at(rootfd, "/a/b/dotdot/etc", O_PATH, "etc", mode);
	expect_at(rootfd, "/../../../..", O_PATH, "", mode);
	expect_at(rootfd, "/a/b/c/../../../../etc/./passwd", O_RDONLY, "etc/passwd", mode);
	expect_at(rootfd, "/", O_PATH | O_DIRECTORY, "", mode);
	expect_at(rootfd, "/abs", O_PATH | O_NOFOLLOW, "abs", mode);
	expect_err(rootfd, "/loop1", O_RDONLY, ELOOP, mode);
	expect_err(rootfd, "/c0", O_RDONLY, ELOOP, mode);
	expect_at(rootfd, "/c10", O_RDONLY, "c45", mode);
	expect_err(rootfd, "/out/secret", O_RDONLY, ENOENT, mode);
	expect_err(rootfd, "/../outside/secret", O_RDONLY, ENOENT, mode);
	expect_err(rootfd, "/toplink/outside/secret", O_RDONLY, ENOENT, mode);
	expect_err(rootfd, "/abs/hostname", O_RDONLY, ENOENT, mode); /* host /etc/hostname */
	expect_err(rootfd, "/selfroot/etc", O_PATH, ENOENT, mode);
	expect_err(rootfd, "/etc/passwd/x", O_RDONLY, ENOTDIR, mode);
}

static void test_create(int rootfd, const char *mode)
{
	struct error err = { 0 };
	char name[64];
	int fd;

	snprintf(name, sizeof(name), "/abs/%s-new/d1/d2", mode);
	fd = silo_pathres_mkdir_p(rootfd, name, 0755, &err);
	CHECK_MSG(fd >= 0 && under_root(fd), "[%s] mkdir_p `%s`: %s", mode, name, err.msg);
	if (fd >= 0)
		close(fd);
	snprintf(name, sizeof(name), "root/etc/%s-new/d1/d2", mode);
	CHECK(exists(name));

	snprintf(name, sizeof(name), "/up/%s-file", mode);
	fd = silo_pathres_mount_target(rootfd, name, 0, &err);
	CHECK_MSG(fd >= 0 && under_root(fd), "[%s] mount_target `%s`: %s", mode, name, err.msg);
	if (fd >= 0)
		close(fd);
	snprintf(name, sizeof(name), "root/etc/%s-file", mode);
	CHECK(exists(name));

	/* In-root dangling link (to "../outside"): refused, and nothing appears outside. */
	snprintf(name, sizeof(name), "/out/%s-escape", mode);
	fd = silo_pathres_mount_target(rootfd, name, 1, &err);
	CHECK_MSG(fd < 0 && err.errnum == ENOENT, "[%s] mount_target `%s`", mode, name);
	if (fd >= 0)
		close(fd);
	snprintf(name, sizeof(name), "outside/%s-escape", mode);
	CHECK(!exists(name));

	/* Dangling absolute link: either an error or something inside; never the host. */
	fd = silo_pathres_mount_target(rootfd, "/dang/y", 1, &err);
	CHECK(fd < 0 || under_root(fd));
	if (fd >= 0)
		close(fd);
	CHECK(access("/nonexistent", F_OK) < 0);

	fd = silo_pathres_mount_target(rootfd, "/a/b/c", 1, &err);
	CHECK(fd >= 0 && fd_is(fd, "a/b/c"));
	if (fd >= 0)
		close(fd);
	fd = silo_pathres_mount_target(rootfd, "/etc/passwd", 0, &err);
	CHECK(fd >= 0 && fd_is(fd, "etc/passwd"));
	if (fd >= 0)
		close(fd);
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st, (void)flag, (void)f;
	return remove(p);
}

int main(void)
{
	int rootfd;

	snprintf(top, sizeof(top), "/tmp/silo-pathres-XXXXXX");
	if (!mkdtemp(top)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(root, sizeof(root), "%s/root", top);
	build_tree();
	rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	CHECK(rootfd >= 0);

	unsetenv("SILO_FORCE_PATHRES_FALLBACK");
	test_open(rootfd, "openat2");
	test_create(rootfd, "openat2");
	setenv("SILO_FORCE_PATHRES_FALLBACK", "1", 1);
	test_open(rootfd, "fallback");
	test_create(rootfd, "fallback");
	unsetenv("SILO_FORCE_PATHRES_FALLBACK");

	close(rootfd);
	nftw(top, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	CHECK(access(top, F_OK) < 0);
	return unit_done();
}
