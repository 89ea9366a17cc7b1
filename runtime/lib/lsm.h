/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by selinux.c and apparmor.c: writing an LSM attribute under /proc through a
 * verified procfs handle (CVE-2019-16884, CVE-2023-28642: a fake /proc must not swallow
 * the label silently). */
#ifndef SILO_LSM_H
#define SILO_LSM_H

#include <stddef.h>

struct error;

/* Write `value` to the first of `paths` (relative to procfd, e.g. "thread-self/attr/exec";
 * NULL-terminated) that exists. procfd is a procfs directory fd, or -1 for "/proc". Each
 * open stays beneath procfd on the same mount, without magic links, and must be procfs. */
int silo_lsm_write_attr(int procfd, const char *const *paths, const char *value,
			struct error *err);
/* Read such a file back (at most len-1 bytes, NUL-terminated, trailing NUL/newline cut). */
int silo_lsm_read_attr(int procfd, const char *path, char *buf, size_t len, struct error *err);

#endif
