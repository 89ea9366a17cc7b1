/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Container stdio pumping (named mon_stdio.h so it cannot shadow <stdio.h>). */
#ifndef SILOMON_MON_STDIO_H
#define SILOMON_MON_STDIO_H
#include "state.h"

void mon_stdio_start_output(struct monitor *m);
void mon_stdio_pause_output(struct monitor *m);
void mon_stdio_resume_output(struct monitor *m);
/* Read what is left without blocking (a tty gets a short grace period). */
void mon_stdio_drain(struct monitor *m);
void mon_stdio_close(struct monitor *m);
/* Queue input for the container; returns false if the buffer is full (caller stops reading). */
bool mon_stdio_queue_input(struct monitor *m, const char *buf, size_t len);
bool mon_stdio_input_full(const struct monitor *m);
/* Close the container's stdin once the queued input is written. */
void mon_stdio_close_stdin(struct monitor *m);
void mon_stdio_set_pty(struct monitor *m, int master);
void mon_stdio_resize(struct monitor *m, unsigned short rows, unsigned short cols);
#endif
