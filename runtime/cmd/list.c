/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `silo list` (table, json, -q) and `silo ps` (json, or host ps filtered to the
 * container's pids). */
#include "cmd.h"

#include "container.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/xalloc.h"

#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

static const char *json_str(yajl_val v, const char *key)
{
	const char *path[] = { key, NULL };
	yajl_val x = yajl_tree_get(v, path, yajl_t_string);
	return x ? YAJL_GET_STRING(x) : "";
}

static long long json_int(yajl_val v, const char *key)
{
	const char *path[] = { key, NULL };
	yajl_val x = yajl_tree_get(v, path, yajl_t_number);
	return x && YAJL_IS_INTEGER(x) ? YAJL_GET_INTEGER(x) : 0;
}

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
		autofree char *state = NULL;
		yajl_val v;

		if (de->d_name[0] == '.' || silo_container_state(g->root, de->d_name, &state, &err) < 0)
			continue;
		if (quiet) {
			printf("%s\n", de->d_name);
			continue;
		}
		if (json) {
			printf("%s%s", first ? "" : ",", state);
			first = false;
			continue;
		}
		v = yajl_tree_parse(state, NULL, 0);
		if (!v)
			continue;
		printf("%-24s %-8lld %-10s %-40s %-31s %s\n", json_str(v, "id"), json_int(v, "pid"),
		       json_str(v, "status"), json_str(v, "bundle"), json_str(v, "created"), "root");
		yajl_tree_free(v);
	}
	if (json)
		printf("]\n");
	return 0;
}

static int ps_table(pid_t *pids, size_t n, int argc, char **argv)
{
	char *args[64] = { "ps" };
	int nargs = 1, fds[2], status;
	autofree char *out = NULL;
	size_t len = 0, cap = 0;
	pid_t child;
	FILE *f;

	for (int i = 0; i < argc && nargs < 62; i++)
		args[nargs++] = argv[i];
	if (nargs == 1)
		args[nargs++] = "-ef";
	if (pipe(fds) < 0 || (child = fork()) < 0)
		return 1;
	if (child == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		execvp("ps", args);
		_exit(127);
	}
	close(fds[1]);
	f = fdopen(fds[0], "r");
	{
		char *line = NULL;
		int pidcol = -1, lineno = 0;
		while (f && getline(&line, &cap, f) > 0) {
			if (lineno++ == 0) {
				/* find the PID column in the header */
				char *save = NULL, *copy = xstrdup(line);
				int col = 0;
				for (char *t = strtok_r(copy, " \t\n", &save); t; t = strtok_r(NULL, " \t\n", &save), col++)
					if (!strcmp(t, "PID"))
						pidcol = col;
				free(copy);
				fputs(line, stdout);
				continue;
			}
			{
				char *save = NULL, *copy = xstrdup(line);
				int col = 0;
				for (char *t = strtok_r(copy, " \t\n", &save); t; t = strtok_r(NULL, " \t\n", &save), col++) {
					if (col != pidcol)
						continue;
					for (size_t k = 0; k < n; k++)
						if (atoi(t) == pids[k])
							fputs(line, stdout);
					break;
				}
				free(copy);
			}
		}
		free(line);
	}
	if (f)
		fclose(f);
	waitpid(child, &status, 0);
	(void)len;
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
