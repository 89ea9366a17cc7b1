/* SPDX-License-Identifier: GPL-2.0-or-later */
/* OOM detection for the container's memory cgroup (v1 eventfd, v2 memory.events inotify). */
#ifndef SILOMON_OOM_H
#define SILOMON_OOM_H
#include "state.h"

/* Best effort: failures are warnings. */
void mon_oom_watch(struct monitor *m);
/* Last look at the counters after the container exited; writes the oom files if needed. */
void mon_oom_final_check(struct monitor *m);
void mon_oom_free(struct monitor *m);
#endif
