/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CVE-2019-5736: verbs that run silo code inside container namespaces re-exec from a
 * private read-only mount of the binary (or, failing that, a sealed memfd copy), so
 * /proc/<pid>/exe can never be opened for writing the host binary. */
#ifndef SILO_SELFCLONE_H
#define SILO_SELFCLONE_H

struct error;

/* Returns 0 if already running from a guarded image; otherwise re-execs (no return) or
 * fails. SILO_SELFCLONE_COPY=1 in the environment skips the read-only mount for the copy. */
int silo_selfclone_ensure(char **argv, struct error *err);

#endif
