/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Attach socket (SOCK_SEQPACKET): output broadcast, input from clients. */
#ifndef SILOMON_ATTACH_H
#define SILOMON_ATTACH_H
#include "state.h"

int mon_attach_setup(struct monitor *m, struct error *err);
void mon_attach_broadcast(struct monitor *m, enum mon_stream s, const char *buf, size_t len);
void mon_attach_pause_input(struct monitor *m);
void mon_attach_resume_input(struct monitor *m);
/* Accept clients whose connection the loop did not get to (before the exit drain). */
void mon_attach_accept_pending(struct monitor *m);
/* Close every client and the listener (3.4 step 5). */
void mon_attach_close(struct monitor *m);
/* Remove the socket file and the socket-dir symlink (3.4 step 8). */
void mon_attach_unlink(struct monitor *m);
#endif
