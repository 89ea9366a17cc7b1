/* SPDX-License-Identifier: GPL-2.0-or-later */
/* AppArmor: process.apparmorProfile for the next execve(). A profile requested on a host
 * without AppArmor is accepted and ignored with a debug message. */
#ifndef SILO_APPARMOR_H
#define SILO_APPARMOR_H

#include <stdbool.h>

struct error;

/* /sys/module/apparmor/parameters/enabled reads "Y". */
bool silo_apparmor_enabled(void);
/* Write `exec <profile>` to /proc/thread-self/attr/apparmor/exec (fallback
 * /proc/self/attr/exec) through a verified procfs fd; procfd: a procfs directory fd, or
 * -1 for "/proc". Call it just before execve(). NULL or "" profile: nothing to do. */
int silo_apparmor_set_exec_profile(int procfd, const char *profile, struct error *err);

#endif
