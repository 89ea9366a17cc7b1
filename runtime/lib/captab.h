/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Capability names <-> numbers, independent of the running kernel and of libcap. */
#ifndef SILO_CAPTAB_H
#define SILO_CAPTAB_H

#define SILO_CAP_MAX 40 /* CAP_CHECKPOINT_RESTORE, the last one known at build time */

/* "CAP_SYS_ADMIN" (case-insensitive, prefix optional) -> 21; -1 if unknown. */
int silo_cap_from_name(const char *name);
/* 21 -> "CAP_SYS_ADMIN"; NULL if out of range. */
const char *silo_cap_name(int cap);

#endif
