/* SPDX-License-Identifier: GPL-2.0-or-later */
/* OCI hooks: each runs with exactly its own env and args, the state JSON on stdin, only
 * fds 0-2, and its timeout enforced by SIGKILL; its output goes into the error. */
#ifndef SILO_HOOKS_H
#define SILO_HOOKS_H

#include <stddef.h>

struct error;
struct silo_hooks;

/* Run the hooks in order; stop at the first failure. `kind` names them in errors. */
int silo_hooks_run(const struct silo_hooks *hooks, const char *kind, const char *state_json,
		   struct error *err);

#endif
