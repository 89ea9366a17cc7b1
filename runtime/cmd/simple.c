/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The verbs that take an id and (almost) nothing else: start, state, kill, delete,
 * pause, resume. */
#include "cmd.h"

#include "container.h"
#include "util/error.h"
#include "util/xalloc.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* These verbs take no options: anything that looks like one is an error. */
static const char *only_id(int argc, char **argv, const char *verb)
{
	static const struct option opts[] = { { NULL, 0, NULL, 0 } };

	if (getopt_long(argc, argv, "+", opts, NULL) != -1)
		return NULL;
	return cmd_id_arg(argc, argv, verb);
}

int cmd_start(const struct gopts *g, int argc, char **argv)
{
	struct error err = { 0 };
	const char *id = only_id(argc, argv, "start");

	if (!id)
		return 1;
	return silo_container_start(g->root, id, &err) < 0 ? cmd_fail(&err) : 0;
}

int cmd_state(const struct gopts *g, int argc, char **argv)
{
	struct error err = { 0 };
	const char *id = only_id(argc, argv, "state");
	char *json;

	if (!id)
		return 1;
	if (silo_container_state(g->root, id, &json, &err) < 0)
		return cmd_fail(&err);
	printf("%s\n", json);
	free(json);
	return 0;
}

int cmd_kill(const struct gopts *g, int argc, char **argv)
{
	static const struct option opts[] = { { "all", no_argument, NULL, 'a' },
					      { NULL, 0, NULL, 0 } };
	struct error err = { 0 };
	bool all = false;
	const char *id;
	int c, sig = SIGTERM;

	while ((c = getopt_long(argc, argv, "+a", opts, NULL)) != -1) {
		if (c != 'a')
			return 1;
		all = true;
	}
	id = cmd_id_arg(argc, argv, "kill");
	if (!id)
		return 1;
	if (optind + 1 < argc) {
		sig = cmd_parse_signal(argv[optind + 1]);
		if (sig < 0) {
			fprintf(stderr, "silo kill: unknown signal `%s`\n", argv[optind + 1]);
			return 1;
		}
	}
	return silo_container_kill(g->root, id, sig, all, &err) < 0 ? cmd_fail(&err) : 0;
}

int cmd_delete(const struct gopts *g, int argc, char **argv)
{
	static const struct option opts[] = { { "force", no_argument, NULL, 'f' },
					      { NULL, 0, NULL, 0 } };
	struct error err = { 0 };
	bool force = false;
	const char *id;
	int c;

	while ((c = getopt_long(argc, argv, "+f", opts, NULL)) != -1) {
		if (c != 'f')
			return 1;
		force = true;
	}
	id = cmd_id_arg(argc, argv, "delete");
	if (!id)
		return 1;
	return silo_container_delete(g->root, id, force, &err) < 0 ? cmd_fail(&err) : 0;
}

int cmd_pause(const struct gopts *g, int argc, char **argv)
{
	struct error err = { 0 };
	const char *id = only_id(argc, argv, "pause");

	if (!id)
		return 1;
	return silo_container_pause(g->root, id, true, &err) < 0 ? cmd_fail(&err) : 0;
}

int cmd_resume(const struct gopts *g, int argc, char **argv)
{
	struct error err = { 0 };
	const char *id = only_id(argc, argv, "resume");

	if (!id)
		return 1;
	return silo_container_pause(g->root, id, false, &err) < 0 ? cmd_fail(&err) : 0;
}
