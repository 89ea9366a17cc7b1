/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What every verb gets from main(): the global options. Verbs parse their own options,
 * call runtime/lib, and return the process exit status. */
#ifndef SILO_CMD_H
#define SILO_CMD_H

#include <stdbool.h>
#include <sys/types.h>

struct error;

struct gopts {
	const char *root;      /* resolved state root */
	unsigned cgroup_flags; /* enum silo_cgroup_flags */
	const char *criu;      /* --criu PATH or NULL */
	bool debug;
};

/* Report a failure (log + stderr) and return the exit status 1. */
int cmd_fail(struct error *err);
/* Parse a signal: number, name with or without SIG, any case. -1 if unknown. */
int cmd_parse_signal(const char *s);
/* The container id: the one positional argument left after options. */
const char *cmd_id_arg(int argc, char **argv, const char *verb);

/* Block every forwardable signal and return a signalfd for them. */
int cmd_block_signals(struct error *err);
/* Wait for `pid` (our child), forwarding signals and proxying `master` (if >= 0) to our
 * stdio; returns its exit status, 128+N if killed by signal N. */
int cmd_wait_process(int sigfd, pid_t pid, int master);

int cmd_exec(const struct gopts *g, int argc, char **argv);
int cmd_update(const struct gopts *g, int argc, char **argv);
int cmd_events(const struct gopts *g, int argc, char **argv);
int cmd_create(const struct gopts *g, int argc, char **argv);
int cmd_run(const struct gopts *g, int argc, char **argv);
int cmd_start(const struct gopts *g, int argc, char **argv);
int cmd_state(const struct gopts *g, int argc, char **argv);
int cmd_kill(const struct gopts *g, int argc, char **argv);
int cmd_delete(const struct gopts *g, int argc, char **argv);
int cmd_list(const struct gopts *g, int argc, char **argv);
int cmd_spec(const struct gopts *g, int argc, char **argv);
int cmd_features(const struct gopts *g, int argc, char **argv);
int cmd_pause(const struct gopts *g, int argc, char **argv);
int cmd_resume(const struct gopts *g, int argc, char **argv);
int cmd_ps(const struct gopts *g, int argc, char **argv);
int cmd_checkpoint(const struct gopts *g, int argc, char **argv);
int cmd_restore(const struct gopts *g, int argc, char **argv);

#endif
