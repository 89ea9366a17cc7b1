/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target for the process document of `silo exec --process`: silo_process_parse, then
 * the properties exec relies on without checking again (args, env, cwd, rlimits, caps,
 * ranges), and that a CPU list the validation accepts is one process.c can apply. */
#include "fuzz.h"

#include <sched.h>

#include "captab.h"
#include "spec.h"
#include "util/error.h"
#include "util/parse.h"

static void check_strv(const struct silo_strv *v)
{
	FUZZ_CHECK(!v->v || !v->v[v->n]);
	for (size_t i = 0; i < v->n; i++)
		FUZZ_CHECK(v->v[i]);
}

/* A list the validation accepts is one the init can apply (spec_process.c and process.c
 * once had two parsers, and "" passed one and failed the other). */
static void check_cpus(const char *cpus)
{
	cpu_set_t set;

	if (cpus)
		FUZZ_CHECK(parse_cpu_list(cpus, &set, sizeof(set)) == 0);
}

static void check_process(const struct silo_process *p)
{
	FUZZ_CHECK(p->args.n > 0 && p->args.v);
	check_strv(&p->args);
	check_strv(&p->env);
	for (size_t i = 0; i < p->env.n; i++)
		FUZZ_CHECK(p->env.v[i][0] != '=' && strchr(p->env.v[i], '='));
	FUZZ_CHECK(p->cwd && p->cwd[0] == '/');
	for (size_t i = 0; i < p->n_rlimits; i++) {
		FUZZ_CHECK(p->rlimits[i].soft <= p->rlimits[i].hard);
		for (size_t j = 0; j < i; j++)
			FUZZ_CHECK(p->rlimits[i].resource != p->rlimits[j].resource);
	}
	for (int i = 0; i < SILO_CAP_NSETS; i++)
		FUZZ_CHECK(!(p->caps.sets[i] >> (SILO_CAP_MAX + 1)));
	FUZZ_CHECK(!p->user.umask.set || p->user.umask.v <= 0777);
	FUZZ_CHECK(p->user.n_additional_gids == 0 || p->user.additional_gids);
	FUZZ_CHECK(!p->oom_score_adj.set ||
		   (p->oom_score_adj.v >= -1000 && p->oom_score_adj.v <= 1000));
	FUZZ_CHECK(!p->io_priority.present ||
		   (p->io_priority.class >= 1 && p->io_priority.class <= 3 &&
		    p->io_priority.priority >= 0 && p->io_priority.priority <= 7));
	FUZZ_CHECK(!p->scheduler.present || (p->scheduler.nice >= -20 && p->scheduler.nice <= 19));
	check_cpus(p->exec_cpu_affinity_initial);
	check_cpus(p->exec_cpu_affinity_final);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct error err = { 0 };
	struct silo_process *p;

	if (size > SILO_SPEC_MAX_BYTES)
		return 0;
	p = silo_process_parse((const char *)data, size, "process.json", &err);
	FUZZ_CHECK(p || err.msg[0]);
	if (p)
		check_process(p);
	silo_process_free(p);
	return 0;
}
