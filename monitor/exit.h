/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Sync-fd messages, exit and oom files, the -T timer and the exit command. */
#ifndef SILOMON_EXIT_H
#define SILOMON_EXIT_H
#include "state.h"

/* Build one sync message ("{\"key\": N[, \"message\": ...]}\n", < 4096 bytes). */
GString *mon_sync_format(const char *key, int value, const char *msg, size_t msg_len);
/* Send on *fd; EPIPE/ECONNRESET close it and are not errors. */
void mon_sync_send(struct monitor *m, int *fd, int value, const char *msg);
const char *mon_sync_key(const struct monitor *m);
void mon_exit_write_oom(struct monitor *m);
void mon_exit_write_files(struct monitor *m);
void mon_timeout_arm(struct monitor *m);
/* Fork the exit command (with delay) and wait for it; reap strays without blocking. */
void mon_exit_run_command(struct monitor *m);
void mon_exit_reap_strays(void);
#endif
