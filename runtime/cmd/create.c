/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `silo create` and the option set it shares with `run`. */
#include "cmd.h"
#include "create_opts.h"

#include "container.h"
#include "util/error.h"
#include "util/parse.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

int cmd_parse_create_opts(int argc, char **argv, struct silo_create_opts *o, unsigned *run_flags)
{
	enum { O_PIDFILE = 256, O_CONSOLE, O_PIDFD, O_NOPIVOT, O_NOKEYRING, O_PRESERVE, O_CONFIG,
	       O_NOSUB, O_KEEP };
	static const struct option opts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "pid-file", required_argument, NULL, O_PIDFILE },
		{ "console-socket", required_argument, NULL, O_CONSOLE },
		{ "pidfd-socket", required_argument, NULL, O_PIDFD },
		{ "no-pivot", no_argument, NULL, O_NOPIVOT },
		{ "no-new-keyring", no_argument, NULL, O_NOKEYRING },
		{ "preserve-fds", required_argument, NULL, O_PRESERVE },
		{ "config", required_argument, NULL, O_CONFIG },
		{ "detach", no_argument, NULL, 'd' },
		{ "no-subreaper", no_argument, NULL, O_NOSUB },
		{ "keep", no_argument, NULL, O_KEEP },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "+b:d", opts, NULL)) != -1) {
		switch (c) {
		case 'b': o->bundle = optarg; break;
		case O_PIDFILE: o->pid_file = optarg; break;
		case O_CONSOLE: o->console_socket = optarg; break;
		case O_PIDFD: o->pidfd_socket = optarg; break;
		case O_NOPIVOT: o->no_pivot = true; break;
		case O_NOKEYRING: o->no_new_keyring = true; break;
		case O_CONFIG: o->config = optarg; break;
		case O_PRESERVE:
			if (parse_int(optarg, &o->preserve_fds) < 0 || o->preserve_fds < 0) {
				fprintf(stderr, "silo: --preserve-fds: invalid number `%s`\n", optarg);
				return -1;
			}
			break;
		case 'd': *run_flags |= RUN_DETACH; break;
		case O_NOSUB: *run_flags |= RUN_NO_SUBREAPER; break;
		case O_KEEP: *run_flags |= RUN_KEEP; break;
		default: return -1;
		}
	}
	return 0;
}

int cmd_create(const struct gopts *g, int argc, char **argv)
{
	struct silo_create_opts o = { .root = g->root, .cgroup_flags = g->cgroup_flags };
	struct error err = { 0 };
	unsigned run_flags = 0;

	if (cmd_parse_create_opts(argc, argv, &o, &run_flags) < 0)
		return 1;
	if (run_flags) {
		fprintf(stderr, "silo create: --detach, --keep and --no-subreaper apply to run only\n");
		return 1;
	}
	o.id = cmd_id_arg(argc, argv, "create");
	if (!o.id)
		return 1;
	if (silo_container_create(&o, NULL, NULL, &err) < 0)
		return cmd_fail(&err);
	return 0;
}
