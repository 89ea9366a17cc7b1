/* SPDX-License-Identifier: GPL-2.0-or-later */
/* silo's entry point: global options, the command table (dispatch and --help from one
 * list), the CVE-2019-5736 re-exec for verbs that enter containers, the final error print. */
#include "cmd/cmd.h"
#include "cgroup.h"
#include "selfclone.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "state.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Which verbs run silo code inside container namespaces (CVE-2019-5736 defence). */
enum { ENTERS_CONTAINER = 1 };

static const struct command {
	const char *name;
	int (*run)(const struct gopts *, int, char **);
	unsigned flags;
	const char *help;
} commands[] = {
	{ "create", cmd_create, ENTERS_CONTAINER, "create a container from a bundle" },
	{ "start", cmd_start, 0, "start the program of a created container" },
	{ "run", cmd_run, ENTERS_CONTAINER, "create and start a container, wait for it" },
	{ "exec", cmd_exec, ENTERS_CONTAINER, "run a new process in a running container" },
	{ "state", cmd_state, 0, "print the OCI state of a container" },
	{ "kill", cmd_kill, 0, "send a signal to the container init (or all processes)" },
	{ "delete", cmd_delete, 0, "delete a container and its resources" },
	{ "list", cmd_list, 0, "list containers" },
	{ "ps", cmd_ps, 0, "list the processes of a container" },
	{ "pause", cmd_pause, 0, "freeze every process of a container" },
	{ "resume", cmd_resume, 0, "thaw a paused container" },
	{ "update", cmd_update, 0, "change the resource limits of a container" },
	{ "events", cmd_events, 0, "print resource usage statistics (--stats, --interval)" },
	{ "spec", cmd_spec, 0, "write a starter config.json" },
	{ "features", cmd_features, 0, "print the features this runtime implements (JSON)" },
	{ "checkpoint", cmd_checkpoint, 0, "dump a running container with CRIU" },
	{ "restore", cmd_restore, 0, "create a container from a bundle and a CRIU checkpoint" },
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: silo [global options] COMMAND [options] [ID]\n\n"
		   "An OCI runtime (runtime-spec %s).\n\nCommands:\n", "1.2.1");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\nGlobal options:\n"
		   "  --root DIR               state directory (default /run/silo)\n"
		   "  --log PATH               log file (default stderr)\n"
		   "  --log-format text|json   log line format\n"
		   "  --log-level LEVEL        debug, info, warning or error\n"
		   "  --debug                  debug logging\n"
		   "  --systemd-cgroup         cgroupsPath is slice:prefix:name\n"
		   "  --cgroup-manager M       cgroupfs, systemd or disabled\n"
		   "  --rootless true|false|auto  tolerate cgroups we cannot write (default auto)\n"
		   "  --criu PATH              the criu binary (default: criu on $PATH)\n"
		   "  -v, --version            print the version\n"
		   "  -h, --help               this help\n");
}

static void version(void)
{
	printf("silo version %s\ncommit: %s\nspec: 1.2.1\n+SECCOMP +CAP +SELINUX +YAJL\n",
	       SILO_VERSION, SILO_COMMIT);
}

struct globals {
	const char *root, *log, *log_format, *criu;
	const char *rootless; /* "true", "false", "auto" or NULL (= auto) */
	bool debug;
	unsigned cgroup_flags;
};

static int parse_cgroup_manager(const char *v, unsigned *flags)
{
	if (!strcmp(v, "cgroupfs"))
		*flags &= ~(unsigned)(SILO_CGROUP_SYSTEMD | SILO_CGROUP_DISABLED);
	else if (!strcmp(v, "systemd"))
		*flags |= SILO_CGROUP_SYSTEMD;
	else if (!strcmp(v, "disabled"))
		*flags |= SILO_CGROUP_DISABLED;
	else
		return -1;
	return 0;
}

static bool known_level(const char *v)
{
	static const char *const levels[] = { "debug", "info", "warn", "warning", "error" };

	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		if (!strcmp(v, levels[i]))
			return true;
	return false;
}

static int parse_globals(int argc, char **argv, struct globals *g)
{
	enum { O_ROOT = 256, O_LOG, O_LOGFMT, O_LOGLVL, O_DEBUG, O_SYSTEMD, O_ROOTLESS, O_CGMGR,
	       O_CRIU };
	static const struct option opts[] = {
		{ "root", required_argument, NULL, O_ROOT },
		{ "log", required_argument, NULL, O_LOG },
		{ "log-format", required_argument, NULL, O_LOGFMT },
		{ "log-level", required_argument, NULL, O_LOGLVL },
		{ "debug", no_argument, NULL, O_DEBUG },
		{ "systemd-cgroup", no_argument, NULL, O_SYSTEMD },
		{ "rootless", required_argument, NULL, O_ROOTLESS },
		{ "cgroup-manager", required_argument, NULL, O_CGMGR },
		{ "criu", required_argument, NULL, O_CRIU },
		{ "version", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "+vh", opts, NULL)) != -1) {
		switch (c) {
		case O_ROOT: g->root = optarg; break;
		case O_LOG: g->log = optarg; break;
		case O_LOGFMT:
			if (strcmp(optarg, "text") && strcmp(optarg, "json")) {
				fprintf(stderr, "silo: --log-format: `%s` is not text or json\n", optarg);
				return -1;
			}
			g->log_format = optarg;
			break;
		case O_LOGLVL:
			if (!known_level(optarg)) {
				fprintf(stderr, "silo: --log-level: `%s` is not debug, info, warning or error\n",
					optarg);
				return -1;
			}
			g->debug = g->debug || !strcmp(optarg, "debug");
			break;
		case O_DEBUG: g->debug = true; break;
		case O_SYSTEMD: g->cgroup_flags |= SILO_CGROUP_SYSTEMD; break;
		case O_ROOTLESS:
			if (!strcmp(optarg, "true") || !strcmp(optarg, "false") || !strcmp(optarg, "auto"))
				g->rootless = optarg;
			else {
				fprintf(stderr, "silo: --rootless: `%s` is not true, false or auto\n", optarg);
				return -1;
			}
			break;
		case O_CGMGR:
			if (parse_cgroup_manager(optarg, &g->cgroup_flags) < 0) {
				fprintf(stderr, "silo: --cgroup-manager: unknown manager `%s`\n", optarg);
				return -1;
			}
			break;
		case O_CRIU: g->criu = optarg; break;
		case 'v': version(); exit(0);
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
	}
	return optind;
}

int main(int argc, char **argv)
{
	struct globals g = { 0 };
	struct gopts go = { 0 };
	struct error err = { 0 };
	const struct command *cmd = NULL;
	autofree char *root = NULL;
	int i = parse_globals(argc, argv, &g);

	if (i < 0)
		return 1;
	if (i >= argc) {
		usage(stderr);
		return 1;
	}
	for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]); k++)
		if (!strcmp(argv[i], commands[k].name))
			cmd = &commands[k];
	if (!cmd) {
		fprintf(stderr, "silo: unknown command `%s` (see silo --help)\n", argv[i]);
		return 1;
	}
	if (log_init(g.log, g.log_format && !strcmp(g.log_format, "json"), g.debug, &err) < 0)
		return cmd_fail(&err);
	if ((cmd->flags & ENTERS_CONTAINER) && silo_selfclone_ensure(argv, &err) < 0)
		return cmd_fail(&err);
	/* auto: rootless when not root; only affects tolerance of unwritable cgroups */
	if ((g.rootless && !strcmp(g.rootless, "true")) ||
	    ((!g.rootless || !strcmp(g.rootless, "auto")) &&
	     (geteuid() != 0 || !silo_in_initial_userns())))
		g.cgroup_flags |= SILO_CGROUP_ROOTLESS;
	go.cgroup_flags = g.cgroup_flags;
	go.debug = g.debug;
	go.criu = g.criu;
	if (strcmp(cmd->name, "spec") && strcmp(cmd->name, "features")) {
		if (silo_state_root(g.root, &root, &err) < 0)
			return cmd_fail(&err);
		go.root = root;
	}
	optind = 0; /* full getopt reset for the verb's own parsing */
	return cmd->run(&go, argc - i, argv + i);
}
