/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sd-notify proxy: <bundle>/notify/notify.sock -> --sdnotify-socket, filtered. */
#ifndef SILOMON_NOTIFY_H
#define SILOMON_NOTIFY_H
#include "state.h"

/* Best effort: failures are warnings (the container simply cannot notify). */
void mon_notify_setup(struct monitor *m);
/* Keep only the lines a container may forward (conmon 2.1.9 list), joined by '\n'. */
GString *mon_notify_filter(const char *buf, size_t len);
void mon_notify_free(struct monitor *m);
#endif
