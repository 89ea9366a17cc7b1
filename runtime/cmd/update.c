/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `silo update` (runc's flags, or --resources FILE|- which wins over them) and
 * `silo events` (--stats: one snapshot; else one every --interval while it runs). */
#include "cmd.h"

#include "container.h"
#include "spec.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/fdutil.h"
#include "util/parse.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* "64m", "1G", "-1", "1024": bytes, like runc's units.RAMInBytes. */
static int parse_bytes(const char *s, int64_t *ret)
{
	static const char units[] = "bkmgtp";
	autofree char *num = xstrdup(s);
	size_t len = strlen(num);
	int64_t v, mult = 1;
	const char *u;

	if (len && isalpha((unsigned char)num[len - 1]) && (u = strchr(units, tolower(num[len - 1])))) {
		for (long i = u - units; i > 0; i--)
			mult *= 1024;
		num[--len] = '\0';
	}
	if (parse_i64(num, &v) < 0 || (v < 0 && v != -1))
		return -1;
	*ret = v < 0 ? v : v * mult;
	return 0;
}

enum { U_MEM = 256, U_MEMRES, U_MEMSWAP, U_KMEM, U_KMEMTCP, U_CPUPERIOD, U_CPUQUOTA,
       U_CPUBURST, U_CPUSHARE, U_RTPERIOD, U_RTRUNTIME, U_CPUS, U_MEMS, U_PIDS, U_BLKIO,
       U_L3, U_MEMBW, U_RESOURCES };

static int set_flag(int c, const char *v, struct silo_resources *r)
{
	int64_t i;

	if (c == U_CPUS || c == U_MEMS) {
		char **dst = c == U_CPUS ? &r->cpu.cpus : &r->cpu.mems;
		free(*dst);
		*dst = xstrdup(v);
		return 0;
	}
	if ((c == U_MEM || c == U_MEMRES || c == U_MEMSWAP || c == U_KMEM || c == U_KMEMTCP)
		    ? parse_bytes(v, &i) < 0
		    : parse_i64(v, &i) < 0)
		return -1;
	switch (c) {
	case U_MEM: r->memory.limit = (struct silo_opt_i64){ i, true }; break;
	case U_MEMRES: r->memory.reservation = (struct silo_opt_i64){ i, true }; break;
	case U_MEMSWAP: r->memory.swap = (struct silo_opt_i64){ i, true }; break;
	case U_KMEM: r->memory.kernel = (struct silo_opt_i64){ i, true }; break;
	case U_KMEMTCP: r->memory.kernel_tcp = (struct silo_opt_i64){ i, true }; break;
	case U_CPUQUOTA: r->cpu.quota = (struct silo_opt_i64){ i, true }; break;
	case U_RTRUNTIME: r->cpu.realtime_runtime = (struct silo_opt_i64){ i, true }; break;
	case U_PIDS: r->pids_limit = (struct silo_opt_i64){ i, true }; break;
	default:
		if (i < 0)
			return -1;
		if (c == U_CPUPERIOD)
			r->cpu.period = (struct silo_opt_u64){ (uint64_t)i, true };
		else if (c == U_CPUBURST)
			r->cpu.burst = (struct silo_opt_u64){ (uint64_t)i, true };
		else if (c == U_CPUSHARE)
			r->cpu.shares = (struct silo_opt_u64){ (uint64_t)i, true };
		else if (c == U_RTPERIOD)
			r->cpu.realtime_period = (struct silo_opt_u64){ (uint64_t)i, true };
		else if (c == U_BLKIO)
			r->block_io.weight = (struct silo_opt_u64){ (uint64_t)i, true };
		else
			return -2; /* RDT schemata: not supported */
	}
	return 0;
}

static int load_resources(const char *path, struct silo_resources *r, struct error *err)
{
	autofree char *raw = NULL;
	size_t len;
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;

	if (fd < 0)
		return err_set(err, errno, "open `%s`", path);
	if (fd_read_fd(fd, SILO_SPEC_MAX_BYTES, &raw, &len, err) < 0) {
		if (fd)
			close(fd);
		return err_prefix(err, "read `%s`", path);
	}
	if (fd)
		close(fd);
	return silo_resources_parse(raw, len, strcmp(path, "-") ? path : "stdin", r, err);
}

int cmd_update(const struct gopts *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "resources", required_argument, NULL, 'r' }, { "memory", required_argument, NULL, U_MEM },
		{ "memory-reservation", required_argument, NULL, U_MEMRES },
		{ "memory-swap", required_argument, NULL, U_MEMSWAP },
		{ "kernel-memory", required_argument, NULL, U_KMEM },
		{ "kernel-memory-tcp", required_argument, NULL, U_KMEMTCP },
		{ "cpu-period", required_argument, NULL, U_CPUPERIOD },
		{ "cpu-quota", required_argument, NULL, U_CPUQUOTA },
		{ "cpu-burst", required_argument, NULL, U_CPUBURST },
		{ "cpu-share", required_argument, NULL, U_CPUSHARE },
		{ "cpu-rt-period", required_argument, NULL, U_RTPERIOD },
		{ "cpu-rt-runtime", required_argument, NULL, U_RTRUNTIME },
		{ "cpuset-cpus", required_argument, NULL, U_CPUS },
		{ "cpuset-mems", required_argument, NULL, U_MEMS },
		{ "pids-limit", required_argument, NULL, U_PIDS },
		{ "blkio-weight", required_argument, NULL, U_BLKIO },
		{ "l3-cache-schema", required_argument, NULL, U_L3 },
		{ "mem-bw-schema", required_argument, NULL, U_MEMBW },
		{ NULL, 0, NULL, 0 },
	};
	struct silo_resources flags = { .present = true }, file = { 0 };
	struct error err = { 0 };
	const char *resources = NULL, *id;
	int c, r = 1;

	while ((c = getopt_long(argc, argv, "+r:", opts, NULL)) != -1) {
		if (c == 'r') {
			resources = optarg;
		} else if (c == '?' || set_flag(c, optarg, &flags) < 0) {
			if (c != '?')
				fprintf(stderr, "silo update: invalid value `%s` for --%s\n", optarg,
					opts[c - U_MEM + 1].name);
			goto out;
		}
	}
	id = cmd_id_arg(argc, argv, "update");
	if (!id)
		goto out;
	if (resources && load_resources(resources, &file, &err) < 0) {
		r = cmd_fail(&err);
		goto out;
	}
	r = silo_container_update(g->root, id, resources ? &file : &flags, &err) < 0 ? cmd_fail(&err)
										      : 0;
out:
	silo_resources_clear(&flags);
	silo_resources_clear(&file);
	return r;
}

int cmd_events(const struct gopts *g, int argc, char **argv)
{
	static const struct option opts[] = { { "stats", no_argument, NULL, 's' },
					      { "interval", required_argument, NULL, 'i' },
					      { NULL, 0, NULL, 0 } };
	struct error err = { 0 };
	uint64_t interval_ms = 5000, ooms = 0;
	bool once = false, alive = true;
	const char *id;
	int c;

	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (c == 's') {
			once = true;
		} else if (c != 'i' || parse_duration_ms(optarg, &interval_ms) < 0 || !interval_ms) {
			fprintf(stderr, "silo events: invalid option\n");
			return 1;
		}
	}
	id = cmd_id_arg(argc, argv, "events");
	if (!id)
		return 1;
	if (!once && silo_container_oom_kills(g->root, id, &ooms, &err) < 0)
		return cmd_fail(&err);
	while (alive) {
		char *json;
		uint64_t now = ooms;
		struct timespec ts = { .tv_sec = (time_t)(interval_ms / 1000),
				       .tv_nsec = (long)(interval_ms % 1000) * 1000000 };
		if (silo_container_stats(g->root, id, &json, &alive, &err) < 0)
			return once ? cmd_fail(&err) : 0; /* deleted while we watched: done */
		printf("%s\n", json);
		free(json);
		if (once)
			break;
		/* An OOM kill since the last look: one "oom" record, as runc prints. */
		if (silo_container_oom_kills(g->root, id, &now, &err) == 0 && now > ooms)
			printf("{\"type\":\"oom\",\"id\":\"%s\"}\n", id);
		ooms = now > ooms ? now : ooms;
		fflush(stdout);
		nanosleep(&ts, NULL);
	}
	return 0;
}
