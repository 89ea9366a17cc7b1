/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of lsm.c, selinux.c and apparmor.c: the verified procfs write (and its
 * refusal of a non-procfs directory), and the disabled-LSM paths (this host has neither
 * SELinux nor AppArmor enabled; the enabled paths are covered by oci-tests). */
#include "unit.h"

#include "apparmor.h"
#include "lsm.h"
#include "selinux.h"
#include "util/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* In a child: its comm is a procfs file we may write. */
static int child_write_comm(void)
{
	const char *const paths[] = { "thread-self/no-such-attr", "thread-self/comm", NULL };
	struct error err = { 0 };
	char buf[64];

	if (silo_lsm_write_attr(-1, paths, "silo-lsm-test", &err) < 0)
		return 1;
	if (silo_lsm_read_attr(-1, "thread-self/comm", buf, sizeof(buf), &err) < 0)
		return 2;
	if (strcmp(buf, "silo-lsm-test") != 0)
		return 3;
	/* A magic link escape is refused (RESOLVE_NO_MAGICLINKS). */
	if (silo_lsm_read_attr(-1, "self/cwd/etc/hostname", buf, sizeof(buf), &err) == 0)
		return 4;
	return 0;
}

static void test_write_attr(void)
{
	char dir[] = "/tmp/silo-unit-lsm-XXXXXX";
	const char *const paths[] = { "attr", NULL };
	struct error err = { 0 };
	int status = -1, dirfd, fd;
	pid_t pid = fork();

	if (pid == 0)
		_exit(child_write_comm());
	waitpid(pid, &status, 0);
	CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x", status);

	/* A directory that is not procfs (a fake /proc): refused, file untouched. */
	CHECK(mkdtemp(dir) != NULL);
	dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	fd = openat(dirfd, "attr", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	CHECK(dirfd >= 0 && fd >= 0);
	CHECK(silo_lsm_write_attr(dirfd, paths, "label", &err) == -1 && err.errnum == EXDEV);
	CHECK_MSG(strstr(err.msg, "`/proc/attr`"), "%s", err.msg);
	CHECK(lseek(fd, 0, SEEK_END) == 0);
	close(fd);
	unlinkat(dirfd, "attr", 0);
	close(dirfd);
	rmdir(dir);
}

static void test_disabled(void)
{
	struct error err = { 0 };
	char *s;

	CHECK(silo_selinux_set_exec_label(-1, NULL, &err) == 0);
	CHECK(silo_apparmor_set_exec_profile(-1, "", &err) == 0);
	if (!silo_selinux_enabled()) {
		CHECK(silo_selinux_set_exec_label(-1, "system_u:system_r:container_t:s0", &err) == 0);
		s = silo_selinux_mount_data_new("size=65536k", "system_u:object_r:container_file_t:s0");
		CHECK(s && !strcmp(s, "size=65536k"));
		free(s);
		CHECK(silo_selinux_mount_data_new(NULL, "x") == NULL);
		CHECK(silo_selinux_set_fd_label(0, "system_u:object_r:container_file_t:s0", &err) == 0);
	} else {
		s = silo_selinux_mount_data_new("size=1k", "system_u:object_r:container_file_t:s0");
		CHECK(s && !strcmp(s, "size=1k,context=\"system_u:object_r:container_file_t:s0\""));
		free(s);
	}
	s = silo_selinux_mount_data_new("mode=755", NULL);
	CHECK(s && !strcmp(s, "mode=755"));
	free(s);
	if (!silo_apparmor_enabled())
		CHECK(silo_apparmor_set_exec_profile(-1, "containers-default-0.50.1", &err) == 0);
}

int main(void)
{
	test_write_attr();
	test_disabled();
	return unit_done();
}
