/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Resolve paths inside a root directory fd without ever leaving it: openat2 with
 * RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS, else a component walk that clamps `..` and
 * symlinks at the root. Creation helpers make missing parents relative to verified fds. */
#ifndef SILO_PATHRES_H
#define SILO_PATHRES_H

#include <sys/types.h>

struct error;

/* Open `path` (absolute or relative, interpreted inside root) with open flags
 * (O_CLOEXEC added). Symlinks in the last component are followed inside the root
 * unless O_NOFOLLOW is given. Returns the fd. */
int silo_pathres_open(int rootfd, const char *path, int flags, mode_t mode, struct error *err);
/* mkdir -p inside root; returns an O_PATH|O_DIRECTORY fd of the final directory. */
int silo_pathres_mkdir_p(int rootfd, const char *path, mode_t mode, struct error *err);
/* Ensure a mount target exists (directory if `dir`, else an empty regular file) and
 * return an O_PATH fd on it; never follows a symlink out of the root. */
int silo_pathres_mount_target(int rootfd, const char *path, int dir, struct error *err);

#endif
