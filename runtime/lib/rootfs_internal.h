/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Private to rootfs*.c: the special mount types split out of rootfs.c. */
#ifndef SILO_ROOTFS_INTERNAL_H
#define SILO_ROOTFS_INTERNAL_H

#include <stdbool.h>

struct error;
struct silo_mount;
struct silo_rootfs_cgdirs;

/* The `cgroup` mount type (runtime.md 15.5): v1/hybrid hosts get a tmpfs with one bind
 * (or, in a new cgroup ns, one fresh mount) per hierarchy plus `unified`; v2 hosts a
 * fresh cgroup2 in a new cgroup ns, else a bind of the container's own cgroup. */
int silo_rootfs_mount_cgroup(int rootfd, const char *dest, const struct silo_mount *m,
			     bool new_cgroupns, const char *label,
			     const struct silo_rootfs_cgdirs *dirs, struct error *err);
/* tmpcopyup: copy the directory tree under srcdir (the covered directory, opened
 * before the tmpfs went on top) into dstdir, keeping modes and owners. */
int silo_rootfs_copy_tree(int srcdir, int dstdir, const char *dest, struct error *err);
/* The user namespace fd for an [r]idmap mount: a fresh one carrying the mount's
 * uidMappings/gidMappings, or the container's own when it lists none and in_userns. */
int silo_rootfs_idmap_userns(const struct silo_mount *m, bool in_userns, struct error *err);
/* data + ",context=\"label\"" (allocated); label NULL: a copy of data (may be NULL). */
char *silo_rootfs_label_data(const char *data, const char *label);

#endif
