/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Private interface between log.c and the k8s-file and journald drivers. */
#ifndef SILOMON_LOG_INTERNAL_H
#define SILOMON_LOG_INTERNAL_H
#include "state.h"

struct k8s_log;
struct k8s_log *k8s_log_open(const char *path, const struct mon_opts *o, struct error *err);
void k8s_log_write(struct k8s_log *l, enum mon_stream s, const char *buf, size_t len);
void k8s_log_reopen(struct k8s_log *l);
void k8s_log_trim(struct k8s_log *l);
void k8s_log_finish(struct k8s_log *l);
void k8s_log_free(struct k8s_log *l);

struct journald_log;
struct journald_log *journald_log_open(const struct mon_opts *o, struct error *err);
void journald_log_write(struct journald_log *l, enum mon_stream s, const char *buf, size_t len);
void journald_log_finish(struct journald_log *l);
void journald_log_free(struct journald_log *l);
#endif
