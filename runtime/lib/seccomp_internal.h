/* SPDX-License-Identifier: GPL-2.0-or-later */
/* seccomp.c <-> seccomp_enosys.c: the ENOSYS stub prepended to libseccomp's program. */
#ifndef SILO_SECCOMP_INTERNAL_H
#define SILO_SECCOMP_INTERNAL_H

#include <linux/filter.h>
#include <seccomp.h>
#include <stddef.h>

struct silo_seccomp;

/* Room for one block per libseccomp architecture, plus the tail. */
#define SILO_SECCOMP_STUB_MAX 128

/* Fill `out` with a classic-BPF prefix that makes syscalls numbered above the highest one
 * the profile names (per architecture in ctx) return ENOSYS, then falls through to the
 * program that follows. Returns the instruction count, 0 when no stub is needed (the
 * default action allows, or already says ENOSYS). */
size_t silo_seccomp_enosys_stub(const struct silo_seccomp *s, const scmp_filter_ctx ctx,
				struct sock_filter *out);

#endif
