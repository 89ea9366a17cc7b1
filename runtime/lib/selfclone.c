/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The sealed-memfd re-exec. "Already cloned" is read from the seals of our own
 * executable, not from an environment variable a caller could set. */
#include "selfclone.h"

#include "util/cleanup.h"
#include "util/error.h"
#include "util/syscall.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

static int is_sealed_copy(void)
{
	autoclose int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	int seals;

	if (fd < 0)
		return 0;
	seals = fcntl(fd, F_GET_SEALS);
	return seals >= 0 && (seals & SEALS) == SEALS;
}

int silo_selfclone_ensure(char **argv, struct error *err)
{
	autoclose int src = -1, mfd = -1;
	struct stat sb;
	off_t off = 0;

	if (is_sealed_copy())
		return 0;
	src = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (src < 0 || fstat(src, &sb) < 0)
		return err_set(err, errno, "self-clone: open `/proc/self/exe`");
	mfd = memfd_create("silo", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mfd < 0)
		return err_set(err, errno, "self-clone: memfd_create");
	while (off < sb.st_size) {
		ssize_t n = sendfile(mfd, src, &off, (size_t)(sb.st_size - off));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return err_set(err, n < 0 ? errno : EIO, "self-clone: copy");
	}
	if (fcntl(mfd, F_ADD_SEALS, SEALS) < 0)
		return err_set(err, errno, "self-clone: seal");
	fexecve(mfd, argv, environ);
	return err_set(err, errno, "self-clone: exec");
}
