/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.seccomp -> a BPF program compiled in the parent with libseccomp (into a sealed
 * memfd), loaded in the child just before execve. Notify listeners are sent to
 * listenerPath as the spec describes. */
#ifndef SILO_SECCOMP_H
#define SILO_SECCOMP_H

#include <stdbool.h>

struct error;
struct silo_seccomp;

/* Compile (in the parent); returns a sealed memfd (O_CLOEXEC) holding the BPF program
 * (a struct sock_filter array), or -2 when seccomp is absent (nothing to load). Syscall
 * names unknown to libseccomp and unknown architectures are skipped (debug message).
 * Unless the default action allows or already says ENOSYS, syscalls newer than the
 * newest one the profile names return ENOSYS (runtime.md 13.8 SHOULD). libseccomp runs in
 * a forked child, killed after 5 s (ETIMEDOUT): libseccomp 2.5.4 can loop forever. */
int silo_seccomp_compile(const struct silo_seccomp *s, struct error *err);
/* Flags for seccomp(SECCOMP_SET_MODE_FILTER) derived from the spec (LOG, SPEC_ALLOW,
 * NEW_LISTENER when SCMP_ACT_NOTIFY is used, ...). */
unsigned silo_seccomp_load_flags(const struct silo_seccomp *s);
/* In the child: map the memfd and seccomp(SECCOMP_SET_MODE_FILTER, flags) it; no
 * libseccomp, no allocation. Without no_new_privs this needs CAP_SYS_ADMIN. Returns the
 * notify listener fd (>= 3, O_CLOEXEC) when flags has NEW_LISTENER, else 0. */
int silo_seccomp_load(int bpf_fd, unsigned flags, struct error *err);
/* Send the listener fd and the container-process-state JSON to s->listener_path:
 * {"ociVersion","fds":["seccompFd"],"pid","metadata","state":<state_json>}, the fd by
 * SCM_RIGHTS with the first bytes. "pid" is taken from state_json's top-level "pid"
 * (else getpid()). The path is resolved in the caller's mount namespace. */
int silo_seccomp_send_listener(const struct silo_seccomp *s, int listener_fd,
			       const char *state_json, struct error *err);
/* The same in two steps, for a caller that loads the filter after pivot_root: connect
 * while the host's listenerPath is still reachable (returns the socket, O_CLOEXEC), then
 * send on it once the listener fd exists. */
int silo_seccomp_listener_connect(const struct silo_seccomp *s, struct error *err);
int silo_seccomp_send_listener_on(int sock, const struct silo_seccomp *s, int listener_fd,
				  const char *state_json, struct error *err);

#endif
