/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container init's side of create: every step from "entered the namespaces" to
 * execve(process.args), in the one order the spec and the CVE history require. */
#ifndef SILO_INIT_H
#define SILO_INIT_H

struct silo_init_config;

/* Never returns: execs the user program, or reports an error and _exit()s. */
__attribute__((noreturn)) void silo_init_main(const struct silo_init_config *c);

/* The same for an `exec` process, already in the container's namespaces. */
__attribute__((noreturn)) void silo_exec_main(const struct silo_init_config *c);

#endif
