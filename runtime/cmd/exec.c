/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `silo exec`: runc's flags, or --process FILE (which makes the process-shaping flags
 * moot). Foreground: exit status of the process, 255 if it could not be started. */
#include "cmd.h"

#include "container.h"
#include "terminal.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/log.h"
#include "util/parse.h"
#include "util/xalloc.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXEC_FAILED 255

struct strlist {
	char **v;
	size_t n;
};

static void push(struct strlist *l, const char *s)
{
	l->v = xreallocarray(l->v, l->n + 2, sizeof(char *));
	l->v[l->n++] = (char *)s;
	l->v[l->n] = NULL;
}

static int parse_exec_opts(int argc, char **argv, struct silo_exec_opts *o, bool *detach,
			   struct strlist *env, struct strlist *caps)
{
	enum { O_CONSOLE = 256, O_PIDFILE, O_NNP, O_LABEL, O_APPARMOR, O_PRESERVE, O_CGROUP,
	       O_PAUSED, O_PIDFD };
	static const struct option opts[] = {
		{ "process", required_argument, NULL, 'p' },
		{ "detach", no_argument, NULL, 'd' },
		{ "tty", no_argument, NULL, 't' },
		{ "console-socket", required_argument, NULL, O_CONSOLE },
		{ "pidfd-socket", required_argument, NULL, O_PIDFD },
		{ "pid-file", required_argument, NULL, O_PIDFILE },
		{ "cwd", required_argument, NULL, 'w' },
		{ "env", required_argument, NULL, 'e' },
		{ "user", required_argument, NULL, 'u' },
		{ "additional-gids", required_argument, NULL, 'g' },
		{ "cap", required_argument, NULL, 'c' },
		{ "no-new-privs", no_argument, NULL, O_NNP },
		{ "process-label", required_argument, NULL, O_LABEL },
		{ "apparmor", required_argument, NULL, O_APPARMOR },
		{ "preserve-fds", required_argument, NULL, O_PRESERVE },
		{ "cgroup", required_argument, NULL, O_CGROUP },
		{ "ignore-paused", no_argument, NULL, O_PAUSED },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "+p:dtw:e:u:g:c:", opts, NULL)) != -1) {
		switch (c) {
		case 'p': o->process_file = optarg; break;
		case 'd': *detach = true; break;
		case 't': o->tty = true; break;
		case O_CONSOLE: o->console_socket = optarg; break;
		case O_PIDFD: o->pidfd_socket = optarg; break;
		case O_PIDFILE: o->pid_file = optarg; break;
		case 'w': o->cwd = optarg; break;
		case 'e': push(env, optarg); break;
		case 'u': o->user = optarg; break;
		case 'g': o->additional_gids = optarg; break;
		case 'c': push(caps, optarg); break;
		case O_NNP: o->no_new_privs = true; break;
		case O_LABEL: o->process_label = optarg; break;
		case O_APPARMOR: o->apparmor = optarg; break;
		case O_CGROUP: o->cgroup = optarg; break;
		case O_PAUSED: o->ignore_paused = true; break;
		case O_PRESERVE:
			if (parse_int(optarg, &o->preserve_fds) < 0 || o->preserve_fds < 0) {
				fprintf(stderr, "silo exec: --preserve-fds: invalid number `%s`\n", optarg);
				return -1;
			}
			break;
		default: return -1;
		}
	}
	return 0;
}

int cmd_exec(const struct gopts *g, int argc, char **argv)
{
	struct silo_exec_opts o = { .root = g->root };
	struct strlist env = { 0 }, caps = { 0 };
	struct error err = { 0 };
	autoclose int master = -1, sigfd = -1;
	bool detach = false;
	pid_t pid;
	int status = EXEC_FAILED;

	if (parse_exec_opts(argc, argv, &o, &detach, &env, &caps) < 0)
		goto out;
	o.id = cmd_id_arg(argc, argv, "exec");
	if (!o.id)
		goto out;
	o.args = argv + optind + 1;
	if (o.args[0] && !strcmp(o.args[0], "--"))
		o.args++;
	o.env = env.v;
	o.caps = caps.v;
	o.keep_master = !detach && !o.console_socket;
	if (!detach) {
		sigfd = cmd_block_signals(&err);
		if (sigfd < 0) {
			log_error(&err, NULL);
			goto out;
		}
	}
	if (silo_container_exec(&o, &pid, &master, &err) < 0) {
		log_error(&err, NULL);
		goto out;
	}
	if (detach) {
		status = 0;
		goto out;
	}
	if (master >= 0)
		silo_terminal_proxy_start(master, &err);
	status = cmd_wait_process(sigfd, pid, master);
	silo_terminal_proxy_stop();
out:
	free(env.v);
	free(caps.v);
	return status;
}
