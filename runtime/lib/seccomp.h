/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.seccomp -> a BPF program compiled in the parent with libseccomp (into a sealed
 * memfd), loaded in the child just before execve. Notify listeners are sent to
 * listenerPath as the spec describes. */
#ifndef SILO_SECCOMP_H
#define SILO_SECCOMP_H

#include <stdbool.h>

struct error;
struct silo_seccomp;

/* Compile; returns a memfd holding the BPF program (struct sock_filter array), or -2
 * when seccomp is absent (nothing to load). */
int silo_seccomp_compile(const struct silo_seccomp *s, struct error *err);
/* Flags for seccomp(SECCOMP_SET_MODE_FILTER) derived from the spec (LOG, SPEC_ALLOW,
 * NEW_LISTENER when SCMP_ACT_NOTIFY is used, ...). */
unsigned silo_seccomp_load_flags(const struct silo_seccomp *s);
/* In the child: load the program from the memfd. Returns the notify listener fd when
 * the filter uses SCMP_ACT_NOTIFY, else 0. */
int silo_seccomp_load(int bpf_fd, unsigned flags, struct error *err);
/* Send the listener fd and the container-process-state JSON to s->listener_path. */
int silo_seccomp_send_listener(const struct silo_seccomp *s, int listener_fd,
			       const char *state_json, struct error *err);

#endif
