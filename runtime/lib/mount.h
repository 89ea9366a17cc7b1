/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One mount operation onto an O_PATH target fd: binds via open_tree+move_mount (else
 * mount(2) on /proc/self/fd/N), fresh filesystems via mount(2) on the fd, then the bind
 * remount (keeping locked flags), recursive attributes and propagation. */
#ifndef SILO_MOUNT_H
#define SILO_MOUNT_H

#include <stdint.h>

struct error;

enum silo_mount_idmap {
	SILO_MOUNT_IDMAP = 1 << 0,     /* idmapped bind through userns_fd (new API only) */
	SILO_MOUNT_IDMAP_REC = 1 << 1, /* ... applied to every submount too (ridmap) */
};

struct silo_mount_args {
	const char *fstype;        /* NULL for a bind */
	const char *source;        /* fs source; for a bind only used in messages */
	int source_fd;             /* bind: fd (O_PATH is fine) of the source; else -1 */
	unsigned long flags;       /* MS_* (MS_BIND, MS_REC, MS_RDONLY, MS_NOSUID, ...) */
	unsigned long clear_flags; /* MS_* to clear on a bind (rw, suid, ...) */
	unsigned long propagation; /* MS_SHARED|MS_SLAVE|MS_PRIVATE|MS_UNBINDABLE [|MS_REC] */
	uint64_t rec_attr_set;     /* MOUNT_ATTR_* applied with AT_RECURSIVE */
	uint64_t rec_attr_clr;
	const char *data;
	unsigned idmap;            /* enum silo_mount_idmap; 0: userns_fd is not read */
	int userns_fd;             /* user namespace carrying the mount's id mapping */
};

/* Mount onto target_fd, an O_PATH fd that was resolved from `dest` inside rootfd (dest
 * is re-resolved there only to reach the new mount after a mount(2) fallback, and names
 * it in errors). Returns an O_PATH fd on the root of the new mount. */
int silo_mount_at(int rootfd, const char *dest, int target_fd, const struct silo_mount_args *a,
		  struct error *err);
/* Change MS_RDONLY/NOSUID/NODEV/NOEXEC/atime flags of the mount whose root is mnt_fd,
 * keeping the flags the kernel locked (statvfs f_flag); recursive when `recursive`. */
int silo_mount_setflags(int mnt_fd, const char *dest, unsigned long set, unsigned long clear,
			int recursive, struct error *err);
/* Change propagation of the mount whose root is mnt_fd. */
int silo_mount_propagation(int mnt_fd, const char *dest, unsigned long propagation,
			   struct error *err);
/* MS_* flags of an existing mount that an unprivileged remount may not clear. */
unsigned long silo_mount_locked_flags(int fd);

#endif
