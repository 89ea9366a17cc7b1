/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the verbs: the one error printer, signal names, the id argument. */
#include "cmd.h"

#include "util/error.h"
#include "util/log.h"
#include "util/parse.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int cmd_fail(struct error *err)
{
	log_error(err, NULL);
	return 1;
}

int cmd_parse_signal(const char *s)
{
	int n;

	if (parse_int(s, &n) == 0)
		return n >= 0 && n < NSIG ? n : -1;
	static const struct {
		const char *name;
		int sig;
	} aliases[] = { { "IO", SIGIO }, { "IOT", SIGABRT }, { "CLD", SIGCHLD }, { "POLL", SIGPOLL } };

	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	/* glibc knows one abbreviation per signal; runc accepts the older names too. */
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (!strcasecmp(s, aliases[i].name))
			return aliases[i].sig;
	for (int i = 1; i < NSIG; i++) {
		const char *abbrev = sigabbrev_np(i);
		if (abbrev && !strcasecmp(s, abbrev))
			return i;
	}
	if (!strncasecmp(s, "RTMIN+", 6) && parse_int(s + 6, &n) == 0 && SIGRTMIN + n <= SIGRTMAX)
		return SIGRTMIN + n;
	return -1;
}

const char *cmd_id_arg(int argc, char **argv, const char *verb)
{
	if (optind >= argc) {
		fprintf(stderr, "silo %s: missing container id\n", verb);
		return NULL;
	}
	return argv[optind];
}
