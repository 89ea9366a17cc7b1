/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The CVE-2019-5736 re-exec. silo first re-execs from a private, detached, read-only bind
 * mount of its own binary: open_tree(OPEN_TREE_CLONE) + mount_setattr(MOUNT_ATTR_RDONLY),
 * then execveat(AT_EMPTY_PATH). Nothing is copied, the pages are the page cache of the
 * installed binary, and the mount is in no namespace: nobody can remount it, and it goes
 * away with the last process running from it. Where the kernel or our privileges refuse
 * that, a sealed memfd copy is the fallback.
 *
 * "Already protected" is read from our own executable, never from an environment
 * variable a caller could set: a memfd with all write seals, or a file that is the root
 * of a read-only mount (our clone; or a binary an admin bind-mounted read-only onto
 * itself, which guards it as well). Writing through /proc/<pid>/exe then fails with
 * EPERM (seals) or EROFS (mount). SILO_SELFCLONE_COPY=1 only picks the copy over the
 * mount. */
#include "selfclone.h"

#include "util/cleanup.h"
#include "util/error.h"
#include "util/syscall.h"

#include <errno.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#ifndef STATX_ATTR_MOUNT_ROOT
#define STATX_ATTR_MOUNT_ROOT 0x00002000
#endif
#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif

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

/* FD (our executable) cannot be reopened for writing: all write seals, or the root of a
 * read-only mount. */
static int exe_fd_guarded(int fd)
{
	struct statx stx;
	struct statvfs vfs;
	int seals = fcntl(fd, F_GET_SEALS);

	if (seals >= 0)
		return (seals & SEALS) == SEALS;
	return statx(fd, "", AT_EMPTY_PATH, 0, &stx) == 0 &&
	       (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
	       (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT) && fstatvfs(fd, &vfs) == 0 &&
	       (vfs.f_flag & ST_RDONLY);
}

static int is_guarded(void)
{
	autoclose int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	return fd >= 0 && exe_fd_guarded(fd);
}

/* Re-exec from a read-only clone of the mount of our binary. Returns only on failure;
 * the caller then falls back to the copy. The clone is checked with the very test the
 * new image will make, so a kernel that reports it otherwise cannot loop us. */
static void exec_from_ro_clone(char **argv)
{
	struct silo_mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
	autoclose int tree = sys_open_tree(AT_FDCWD, "/proc/self/exe",
					   OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);

	if (tree < 0 || sys_mount_setattr(tree, "", AT_EMPTY_PATH, &attr) < 0 ||
	    !exe_fd_guarded(tree))
		return;
	syscall(SYS_execveat, tree, "", argv, environ, AT_EMPTY_PATH);
}

/* Re-exec from a sealed memfd copy of our binary. Returns only on failure. */
static int exec_from_sealed_copy(char **argv, struct error *err)
{
	autoclose int src = -1, mfd = -1;
	struct stat sb;
	off_t off = 0, size;

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

int silo_selfclone_ensure(char **argv, struct error *err)
{
#if defined(SILO_WEAKEN_SELFCLONE) /* test-only: see runtime/tests/weaken */ || \
	defined(SILO_SANITIZED)
	/* Sanitizer builds (make SANITIZE=...) run from the file on disk too: a report's stack
	 * is symbolized by opening the executable named in /proc/self/maps, which for the copy
	 * is `/memfd:silo (deleted)`, and the copy leaves out the debug info anyway. These
	 * builds are for tests, never installed, so they go without the CVE-2019-5736 guard. */
	return 0;
#endif
	if (is_guarded())
		return 0;
	if (!getenv("SILO_SELFCLONE_COPY"))
		exec_from_ro_clone(argv);
	return exec_from_sealed_copy(argv, err);
}
