/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Individual steps of the container init (see the list in init.c). Each runs inside
 * the container's namespaces and reports failures in struct error. */
#ifndef SILO_INIT_STEPS_H
#define SILO_INIT_STEPS_H

struct error;
struct silo_init_config;
struct silo_spec;

int silo_init_uts(const struct silo_init_config *c, struct error *err);
/* Before pivot_root and the read-only /proc/sys: through <rootfd>/proc/sys, verified. */
int silo_init_sysctl(const struct silo_init_config *c, int rootfd, struct error *err);
int silo_init_oom_score(const struct silo_init_config *c, struct error *err);
/* setsid, the pty as controlling tty and stdio, the session keyring. */
int silo_init_session(const struct silo_init_config *c, int slave, struct error *err);
/* rlimits, personality, scheduler, io priority. */
int silo_init_limits(const struct silo_init_config *c, struct error *err);
/* chdir(cwd) and check the result is inside the root (CVE-2024-21626). */
int silo_init_cwd(const struct silo_init_config *c, struct error *err);
/* The process environment: process.env, LISTEN_* when passed, HOME from passwd. */
char **silo_init_env(const struct silo_init_config *c, struct error *err);
/* setgroups, setresgid, setresuid keeping capabilities for silo_caps_apply. */
int silo_init_set_ids(const struct silo_init_config *c, struct error *err);
/* Load the filter; with a notify listener, send it on listener_sock (connected before
 * pivot_root) with the state of the init as the host sees it. */
int silo_init_load_seccomp(const struct silo_init_config *c, int listener_sock, int host_pid,
			   struct error *err);

/* Checked in silo before cloning: sysctls allowed only with their namespace. */
int silo_init_check_sysctl(const struct silo_spec *s, struct error *err);

#endif
