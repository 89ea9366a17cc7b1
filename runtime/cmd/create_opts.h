/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The create option parser shared by `create` and `run`. */
#ifndef SILO_CMD_CREATE_OPTS_H
#define SILO_CMD_CREATE_OPTS_H

struct silo_create_opts;

enum { RUN_DETACH = 1, RUN_NO_SUBREAPER = 2, RUN_KEEP = 4 };

int cmd_parse_create_opts(int argc, char **argv, struct silo_create_opts *o, unsigned *run_flags);

#endif
