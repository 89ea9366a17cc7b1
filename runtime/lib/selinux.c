/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SELinux through libselinux: exec label (written via lsm.c's verified procfs handle,
 * not libselinux's plain open of /proc), mount label data, file labels. Everything is a
 * no-op with a debug message when SELinux is disabled. Policy decisions stay with the caller. */
#include "selinux.h"

#include <errno.h>
#include <selinux/selinux.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lsm.h"
#include "util/error.h"
#include "util/log.h"
#include "util/xalloc.h"

bool silo_selinux_enabled(void)
{
	return is_selinux_enabled() > 0;
}

int silo_selinux_set_exec_label(int procfd, const char *label, struct error *err)
{
	char task_path[64], back[4096];
	const char *paths[] = { "thread-self/attr/exec", task_path, NULL };

	if (!label || !*label)
		return 0;
	if (!silo_selinux_enabled()) {
		log_debug("SELinux is disabled, ignoring process label `%s`", label);
		return 0;
	}
	/* /proc/thread-self appeared in Linux 3.17. */
	snprintf(task_path, sizeof(task_path), "self/task/%d/attr/exec", (int)gettid());
	if (silo_lsm_write_attr(procfd, paths, label, err) < 0)
		return err_prefix(err, "set SELinux exec label");
	/* The write must have taken effect (runtime.md 16.5 R3). */
	if (silo_lsm_read_attr(procfd, "thread-self/attr/exec", back, sizeof(back), err) < 0 &&
	    silo_lsm_read_attr(procfd, task_path, back, sizeof(back), err) < 0)
		return err_prefix(err, "verify SELinux exec label");
	if (strcmp(back, label) != 0)
		return err_set(err, EPERM, "SELinux exec label in `/proc/%s` is `%s`, not `%s`",
			       "thread-self/attr/exec", back, label);
	return 0;
}

char *silo_selinux_mount_data_new(const char *data, const char *label)
{
	bool has_data = data && *data;

	if (!label || !*label || !silo_selinux_enabled()) {
		if (label && *label)
			log_debug("SELinux is disabled, ignoring mount label `%s`", label);
		return data ? xstrdup(data) : NULL;
	}
	return xasprintf("%s%scontext=\"%s\"", has_data ? data : "", has_data ? "," : "", label);
}

int silo_selinux_set_fd_label(int fd, const char *label, struct error *err)
{
	if (!label || !*label)
		return 0;
	if (!silo_selinux_enabled()) {
		log_debug("SELinux is disabled, ignoring file label `%s`", label);
		return 0;
	}
	if (fsetfilecon(fd, label) < 0)
		return err_set(err, errno, "set SELinux label `%s` on fd %d", label, fd);
	return 0;
}
