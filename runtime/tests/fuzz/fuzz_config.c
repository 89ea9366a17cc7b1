/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target for config.json: silo_spec_parse (validation included) and silo_spec_free.
 * Every rejected document must leave an error message behind. */
#include "fuzz.h"

#include "spec.h"
#include "util/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct error err = { 0 };
	struct silo_spec *s;

	if (size > SILO_SPEC_MAX_BYTES)
		return 0;
	s = silo_spec_parse((const char *)data, size, "config.json", "/bundle", &err);
	FUZZ_CHECK(s || err.msg[0]);
	silo_spec_free(s);
	return 0;
}
