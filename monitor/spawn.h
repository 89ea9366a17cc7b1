/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Runtime child: stdio plumbing, console socket, argv, fork+exec, pid file. */
#ifndef SILOMON_SPAWN_H
#define SILOMON_SPAWN_H
#include "state.h"

int mon_spawn_prepare_stdio(struct monitor *m, struct error *err);
/* Build the runtime argv (NULL-terminated, g_strfreev). */
char **mon_spawn_build_argv(const struct mon_opts *o, const char *pidfile, const char *console);
int mon_spawn_runtime(struct monitor *m, struct error *err);
/* Non-blocking accept + receive of the pty master, if the runtime already connected. */
int mon_spawn_console_try(struct monitor *m, struct error *err);
int mon_spawn_read_pidfile(const char *path, pid_t *ret, struct error *err);
/* Read (non-blocking) what the runtime wrote on the stderr pipe into m->runtime_err. */
void mon_spawn_collect_runtime_err(struct monitor *m);
void mon_spawn_cleanup(struct monitor *m);
#endif
