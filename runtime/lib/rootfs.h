/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container's filesystem view, built inside the init's new mount namespace: spec
 * mounts in order, /dev, devices, links, console, pivot_root, masked and readonly
 * paths, propagation, read-only root. */
#ifndef SILO_ROOTFS_H
#define SILO_ROOTFS_H

#include <stdbool.h>
#include <stddef.h>

struct error;
struct silo_spec;

/* What a `cgroup` mount binds: paths[i] is the container's cgroup in the hierarchy
 * mounted at mnts[i] (the init is in it). Hierarchies not listed are found through
 * /proc/self/cgroup and mountinfo. */
struct silo_rootfs_cgdirs {
	char *const *mnts;
	char *const *paths;
	size_t n;
};

struct silo_rootfs_opts {
	const struct silo_spec *spec; /* mounts, root, linux.{devices,masked/readonlyPaths,
				       * rootfsPropagation,mountLabel} */
	const char *rootfs;           /* absolute host path of root.path */
	bool no_pivot;                /* --no-pivot: MS_MOVE + chroot */
	bool userns;                  /* inside a new user namespace: bind device nodes */
	int console_slave_fd;         /* pty slave to bind on /dev/console, -1 if none */
	struct silo_rootfs_cgdirs cg_dirs; /* for `cgroup` mounts; may be empty */
};

/* Before createContainer hooks: make propagation private/slave, bind the rootfs onto
 * itself, perform all spec mounts, default devices and /dev links, linux.devices,
 * /dev/ptmx, /dev/console. Returns an fd on the new root (O_PATH|O_DIRECTORY). */
int silo_rootfs_prepare(const struct silo_rootfs_opts *o, struct error *err);
/* After createContainer hooks: pivot_root (or --no-pivot), chdir("/"), masked and
 * readonly paths, rootfsPropagation, read-only root. Consumes rootfd. */
int silo_rootfs_finish(const struct silo_rootfs_opts *o, int rootfd, struct error *err);

#endif
