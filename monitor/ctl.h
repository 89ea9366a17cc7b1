/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ctl and winsz FIFOs in the bundle. */
#ifndef SILOMON_CTL_H
#define SILOMON_CTL_H
#include "state.h"

int mon_ctl_setup(struct monitor *m, struct error *err);
void mon_ctl_free(struct monitor *m);
#endif
