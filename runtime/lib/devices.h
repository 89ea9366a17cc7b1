/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Device nodes inside the rootfs: the OCI default devices, linux.devices, and the /dev
 * symlinks. mknod when privileged, a bind of the host node inside a user namespace. */
#ifndef SILO_DEVICES_H
#define SILO_DEVICES_H

#include <stdbool.h>
#include <stddef.h>

struct error;
struct silo_device;

/* null zero full random urandom tty, skipping those listed in cfg[0..n); devfd is the
 * rootfs /dev opened without following symlinks (CVE-2026-41579). */
int silo_devices_defaults(int rootfd, int devfd, const struct silo_device *cfg, size_t n,
			  bool userns, struct error *err);
/* linux.devices: an existing file at a path that is not that device is an error. */
int silo_devices_create(int rootfd, const struct silo_device *cfg, size_t n, bool userns,
			struct error *err);
/* /dev/fd, stdin, stdout, stderr, core; /dev/ptmx -> pts/ptmx when have_pts. */
int silo_devices_links(int devfd, bool have_pts, struct error *err);

#endif
