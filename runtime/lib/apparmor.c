/* SPDX-License-Identifier: GPL-2.0-or-later */
/* AppArmor exec profiles without libapparmor: detection through sysfs, the profile
 * change through lsm.c's verified procfs write. Does not load or check profiles: the
 * kernel refuses unknown ones at the write (ENOENT). */
#include "apparmor.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "lsm.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/fdutil.h"
#include "util/log.h"
#include "util/xalloc.h"

bool silo_apparmor_enabled(void)
{
	struct error ignored = { 0 };
	autofree char *buf = NULL;

	if (fd_read_file_at(AT_FDCWD, "/sys/module/apparmor/parameters/enabled", 16, &buf, NULL,
			    &ignored) < 0)
		return false;
	return buf[0] == 'Y';
}

int silo_apparmor_set_exec_profile(int procfd, const char *profile, struct error *err)
{
	/* attr/apparmor/ (Linux 5.8) is AppArmor's own; attr/exec belongs to whichever
	 * LSM is the "display" one, which on older kernels is AppArmor when it is enabled. */
	static const char *const paths[] = { "thread-self/attr/apparmor/exec", "self/attr/exec",
					     NULL };
	autofree char *cmd = NULL;

	if (!profile || !*profile)
		return 0;
	if (!silo_apparmor_enabled()) {
		log_debug("AppArmor is not enabled, ignoring profile `%s`", profile);
		return 0;
	}
	cmd = xasprintf("exec %s", profile);
	if (silo_lsm_write_attr(procfd, paths, cmd, err) < 0)
		return err_prefix(err, "apply AppArmor profile `%s`", profile);
	return 0;
}
