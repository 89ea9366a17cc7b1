/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Child reaping: signalfd(SIGCHLD, SIGQUIT), waitpid(-1) loop, pidfd on the container. */
#ifndef SILOMON_REAP_H
#define SILOMON_REAP_H
#include "state.h"

int mon_reap_setup(struct monitor *m, struct error *err);
void mon_reap_all(struct monitor *m);
/* Start watching m->init_pid (pidfd); checks for an exit cached before the PID was known. */
void mon_reap_watch_init(struct monitor *m);
/* Forward a signal to the container (pidfd) or, before it exists, the runtime child. */
void mon_reap_forward_signal(struct monitor *m, int sig);
void mon_reap_cleanup(struct monitor *m);
/* 128+N for signals, the code for exits, -1 otherwise. */
int mon_wait_status_to_code(int status);
#endif
