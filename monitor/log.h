/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Log drivers: spec parsing (-l), dispatch to k8s-file and journald, reopen, finish. */
#ifndef SILOMON_LOG_H
#define SILOMON_LOG_H
#include "state.h"

struct mon_log *mon_log_new(const struct mon_opts *o, struct error *err);
bool mon_log_is_passthrough(const struct mon_log *l);
void mon_log_write(struct mon_log *l, enum mon_stream s, const char *buf, size_t len);
void mon_log_reopen(struct mon_log *l);
/* Give back the memory a burst of output made the drivers take. */
void mon_log_trim(struct mon_log *l);
/* Flush partial lines, terminate dangling partials, fsync (unless --no-sync-log). */
void mon_log_finish(struct mon_log *l);
void mon_log_free(struct mon_log *l);
#endif
