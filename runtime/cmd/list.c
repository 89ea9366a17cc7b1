/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `silo list` (table, json, -q) and `silo ps` (json, or host ps filtered to the
 * container's pids). */
#include "cmd.h"

#include "container.h"
#include "state.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/xalloc.h"

#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int cmd_list(const struct gopts *g, int argc, char **argv)
{
	static const struct option opts[] = { { "format", required_argument, NULL, 'f' },
					      { "quiet", no_argument, NULL, 'q' },
					      { NULL, 0, NULL, 0 } };
	autoclosedir DIR *d = NULL;
	struct dirent *de;
	bool json = false, quiet = false, first = true;
	int c;

	while ((c = getopt_long(argc, argv, "+f:q", opts, NULL)) != -1) {
		if (c == 'q')
			quiet = true;
		else if (c == 'f' && (!strcmp(optarg, "json") || !strcmp(optarg, "table")))
			json = !strcmp(optarg, "json");
		else
			return 1;
	}
	d = opendir(g->root);
	if (json)
		printf("[");
	else if (!quiet)
		printf("%-24s %-8s %-10s %-40s %-31s %s\n", "ID", "PID", "STATUS", "BUNDLE",
		       "CREATED", "OWNER");
	while (d && (de = readdir(d))) {
		struct error err = { 0 };
		struct silo_state st;
		int status;

		if (de->d_name[0] == '.' ||
		    silo_container_describe(g->root, de->d_name, &st, &status, &err) < 0)
			continue;
		if (quiet) {
			printf("%s\n", st.id);
		} else if (json) {
			autofree char *state = silo_state_json(&st, (enum silo_status)status, false);
			printf("%s%s", first ? "" : ",", state);
			first = false;
		} else {
			printf("%-24s %-8d %-10s %-40s %-31s %s\n", st.id,
			       status == SILO_STATUS_STOPPED ? 0 : (int)st.pid,
			       silo_status_name((enum silo_status)status), st.bundle, st.created,
			       st.owner == 0 ? "root" : "");
		}
		silo_state_clear(&st);
	}
	if (json)
		printf("]\n");
	return 0;
}

/* Index of the PID column in a ps header line, -1 if none. */
static int pid_column(const char *header)
{
	autofree char *copy = xstrdup(header);
	char *save = NULL;
	int col = 0;

	for (char *t = strtok_r(copy, " \t\n", &save); t; t = strtok_r(NULL, " \t\n", &save), col++)
		if (!strcmp(t, "PID"))
			return col;
	return -1;
}

static bool line_has_pid(const char *line, int pidcol, const pid_t *pids, size_t n)
{
	autofree char *copy = xstrdup(line);
	char *save = NULL, *t = strtok_r(copy, " \t\n", &save);

	for (int col = 0; t && col < pidcol; col++)
		t = strtok_r(NULL, " \t\n", &save);
	for (size_t k = 0; t && k < n; k++)
		if (atoi(t) == pids[k])
			return true;
	return false;
}

/* Run the host's ps with the caller's arguments (default -ef) and keep the header and
 * the lines of the container's processes. */
static int ps_table(const pid_t *pids, size_t n, int argc, char **argv)
{
	char *args[64] = { "ps" };
	autofree char *line = NULL;
	int nargs = 1, fds[2], status, pidcol = -1;
	size_t cap = 0;
	pid_t child;
	FILE *f;

	for (int i = 0; i < argc && nargs < 62; i++)
		args[nargs++] = argv[i];
	if (nargs == 1)
		args[nargs++] = "-ef";
	if (pipe2(fds, O_CLOEXEC) < 0 || (child = fork()) < 0)
		return 1;
	if (child == 0) {
		dup2(fds[1], 1);
		execvp("ps", args);
		_exit(127);
	}
	close(fds[1]);
	f = fdopen(fds[0], "r");
	for (int lineno = 0; f && getline(&line, &cap, f) > 0; lineno++) {
		if (lineno == 0)
			pidcol = pid_column(line);
		if (lineno == 0 || (pidcol >= 0 && line_has_pid(line, pidcol, pids, n)))
			fputs(line, stdout);
	}
	if (f)
		fclose(f);
	waitpid(child, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int cmd_ps(const struct gopts *g, int argc, char **argv)
{
	static const struct option opts[] = { { "format", required_argument, NULL, 'f' },
					      { NULL, 0, NULL, 0 } };
	struct error err = { 0 };
	autofree pid_t *pids = NULL;
	bool json = false;
	const char *id;
	size_t n;
	int c;

	while ((c = getopt_long(argc, argv, "+f:", opts, NULL)) != -1) {
		if (c == 'f' && (!strcmp(optarg, "json") || !strcmp(optarg, "table")))
			json = !strcmp(optarg, "json");
		else
			return 1;
	}
	id = cmd_id_arg(argc, argv, "ps");
	if (!id)
		return 1;
	if (silo_container_pids(g->root, id, &pids, &n, &err) < 0)
		return cmd_fail(&err);
	if (!json)
		return ps_table(pids, n, argc - optind - 1, argv + optind + 1);
	printf("[");
	for (size_t i = 0; i < n; i++)
		printf("%s%d", i ? "," : "", (int)pids[i]);
	printf("]\n");
	return 0;
}
