/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `silo run`: create + start, then (unless --detach) stay as the init's parent and
 * subreaper, forward signals, proxy the pty, and exit with the init's status (128+N
 * for a signal); the container is deleted afterwards unless --keep. */
#include "cmd.h"
#include "create_opts.h"

#include "container.h"
#include "terminal.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/log.h"

#include <stdio.h>
#include <sys/prctl.h>

int cmd_run(const struct gopts *g, int argc, char **argv)
{
	struct silo_create_opts o = { .root = g->root, .cgroup_flags = g->cgroup_flags };
	struct error err = { 0 };
	autoclose int master = -1, sigfd = -1;
	unsigned flags = 0;
	pid_t pid;
	int status;

	if (cmd_parse_create_opts(argc, argv, &o, &flags) < 0)
		return 1;
	o.id = cmd_id_arg(argc, argv, "run");
	if (!o.id)
		return 1;
	if (flags & RUN_DETACH) {
		if (silo_container_create(&o, NULL, NULL, &err) < 0 ||
		    silo_container_start(g->root, o.id, &err) < 0)
			return cmd_fail(&err);
		return 0;
	}
	o.keep_master = !o.console_socket;
	if (!(flags & RUN_NO_SUBREAPER))
		prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	/* Blocked before the init exists, so no signal meant for it is lost. */
	sigfd = cmd_block_signals(&err);
	if (sigfd < 0)
		return cmd_fail(&err);
	if (silo_container_create(&o, &master, &pid, &err) < 0)
		return cmd_fail(&err);
	if (master >= 0)
		silo_terminal_proxy_start(master, &err);
	if (silo_container_start(g->root, o.id, &err) < 0) {
		silo_terminal_proxy_stop();
		log_error(&err, NULL);
		silo_container_delete(g->root, o.id, true, &err);
		return 1;
	}
	status = cmd_wait_process(sigfd, pid, master);
	silo_terminal_proxy_stop();
	if (!(flags & RUN_KEEP) && silo_container_delete(g->root, o.id, true, &err) < 0)
		log_error(&err, "warning: delete after run");
	return status;
}
