/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of criu.c's pure parts: the error line picked from criu's output, the
 * cgroups modes, the argument vector. */
#include "unit.h"

#include "criu.h"

#include <stdlib.h>
#include <string.h>

static void test_first_error(void)
{
	static const char check_out[] =
		"(00.010934) vdso: DT_SYMENT: 18\n"
		"(00.010938) Error (criu/vdso.c:381): vdso: Unexpected rt vDSO area bounds\n"
		"(00.010939) Error (criu/vdso.c:613): vdso: Failed to fill self vdso symtable\n";
	char *e = silo_criu_first_error(check_out);

	CHECK_MSG(e && !strcmp(e, "vdso: Unexpected rt vDSO area bounds"), "%s", e ? e : "(null)");
	free(e);
	/* the short form `criu check` prints without -v */
	e = silo_criu_first_error("Error (criu/crtools.c:260): Could not initialize kernel features detection.");
	CHECK(e && !strcmp(e, "Could not initialize kernel features detection."));
	free(e);
	/* an error line without the file:line part is kept whole from "Error (" */
	e = silo_criu_first_error("Warn: x\nError (odd\n");
	CHECK(e && !strcmp(e, "Error (odd"));
	free(e);
	CHECK(silo_criu_first_error("Looks good.\n") == NULL);
	CHECK(silo_criu_first_error("") == NULL);
}

static void test_cgroups_mode(void)
{
	CHECK(silo_criu_cgroups_mode_valid("soft"));
	CHECK(silo_criu_cgroups_mode_valid("full"));
	CHECK(silo_criu_cgroups_mode_valid("strict"));
	CHECK(silo_criu_cgroups_mode_valid("ignore"));
	CHECK(!silo_criu_cgroups_mode_valid("Soft"));
	CHECK(!silo_criu_cgroups_mode_valid(""));
}

static void test_args(void)
{
	struct silo_criu_args a = { 0 };

	for (int i = 0; i < 100; i++)
		silo_criu_args_addf(&a, "--ext-mount-map=/m%d:/m%d", i, i);
	silo_criu_args_add(&a, "last");
	CHECK(a.n == 101);
	CHECK(!strcmp(a.v[0], "--ext-mount-map=/m0:/m0"));
	CHECK(!strcmp(a.v[99], "--ext-mount-map=/m99:/m99"));
	CHECK(!strcmp(a.v[100], "last") && a.v[101] == NULL);
	silo_criu_args_free(&a);
	CHECK(a.v == NULL && a.n == 0);
	silo_criu_args_free(&a); /* twice is harmless */
}

int main(void)
{
	test_first_error();
	test_cgroups_mode();
	test_args();
	return unit_done();
}
