/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The sealed-memfd re-exec. "Already cloned" is read from the seals of our own
 * executable, not from an environment variable a caller could set. */
#include "selfclone.h"

#include "util/cleanup.h"
#include "util/error.h"
#include "util/syscall.h"

#include <errno.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#if __ELF_NATIVE_CLASS == 64
#define ELF_CLASS_NATIVE ELFCLASS64
#else
#define ELF_CLASS_NATIVE ELFCLASS32
#endif

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

/* Bytes the kernel and ld.so need: up to the end of the last segment. Section headers
 * and debug info lie beyond it; not copying them halves the cost of the clone. Falls
 * back to the whole file for anything that is not a plain native ELF. */
static off_t image_size(int fd, off_t file_size)
{
	ElfW(Ehdr) eh;
	off_t end = 0;

	if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELF_CLASS_NATIVE ||
	    eh.e_phentsize != sizeof(ElfW(Phdr)) || eh.e_phnum == 0 || eh.e_phnum > 64)
		return file_size;
	ElfW(Phdr) ph[64];
	ssize_t want = (ssize_t)(eh.e_phnum * sizeof(ph[0]));
	if (pread(fd, ph, (size_t)want, (off_t)eh.e_phoff) != want)
		return file_size;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		if ((off_t)(ph[i].p_offset + ph[i].p_filesz) > end)
			end = (off_t)(ph[i].p_offset + ph[i].p_filesz);
	}
	return end > 0 && end <= file_size ? end : file_size;
}

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
	off_t off = 0, size;

#if defined(SILO_WEAKEN_SELFCLONE) /* test-only: see runtime/tests/weaken */ || \
	defined(SILO_SANITIZED)
	/* Sanitizer builds (make SANITIZE=...) run from the file on disk too: a report's stack
	 * is symbolized by opening the executable named in /proc/self/maps, which for the copy
	 * is `/memfd:silo (deleted)`, and the copy leaves out the debug info anyway. These
	 * builds are for tests, never installed, so they go without the CVE-2019-5736 guard. */
	return 0;
#endif
	if (is_sealed_copy())
		return 0;
	src = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (src < 0 || fstat(src, &sb) < 0)
		return err_set(err, errno, "self-clone: open `/proc/self/exe`");
	mfd = memfd_create("silo", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mfd < 0)
		return err_set(err, errno, "self-clone: memfd_create");
	size = image_size(src, sb.st_size);
	while (off < size) {
		ssize_t n = sendfile(mfd, src, &off, (size_t)(size - off));
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
