/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SELinux labels: process.selinuxLabel for the next execve(), linux.mountLabel as the
 * `context=` mount option, file labels (pty). On hosts where SELinux is disabled every
 * label is skipped with a debug message, as crun does. */
#ifndef SILO_SELINUX_H
#define SILO_SELINUX_H

#include <stdbool.h>

struct error;

/* libselinux's is_selinux_enabled() > 0. */
bool silo_selinux_enabled(void);
/* setexeccon() equivalent: write `label` to /proc/thread-self/attr/exec (fallback
 * /proc/self/task/<tid>/attr/exec) through a verified procfs fd, then read it back.
 * procfd: a procfs directory fd, or -1 for "/proc". NULL or "" label: nothing to do. */
int silo_selinux_set_exec_label(int procfd, const char *label, struct error *err);
/* Mount data with the mount label added: `data,context="label"` (or just the snippet when
 * data is NULL/""). Returns a new string (free it), or a copy of data (NULL if data is
 * NULL) when there is no label or SELinux is disabled. The caller decides which mounts
 * take it (not bind mounts, whose context comes from the source). */
char *silo_selinux_mount_data_new(const char *data, const char *label);
/* fsetfilecon(): label an open file (e.g. the pty slave). Skipped when disabled. */
int silo_selinux_set_fd_label(int fd, const char *label, struct error *err);

#endif
