/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by the fuzz targets of runtime/ and monitor/ (libc only): the libFuzzer entry
 * point, a property check that aborts (so libFuzzer keeps the input), and the wrapping
 * of a fuzzed fragment into a larger document. */
#ifndef SILO_FUZZ_H
#define SILO_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libFuzzer's entry point has no header; declared for -Wmissing-prototypes. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(e)                                                                      \
	do {                                                                               \
		if (!(e)) {                                                                \
			fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #e); \
			abort();                                                           \
		}                                                                          \
	} while (0)

/* prefix + data + suffix in one malloc'ed buffer (not NUL-terminated); *ret_len its size. */
static inline char *fuzz_wrap(const char *prefix, const uint8_t *data, size_t size,
			      const char *suffix, size_t *ret_len)
{
	size_t np = strlen(prefix), ns = strlen(suffix);
	char *buf = malloc(np + size + ns + 1);

	if (!buf)
		abort();
	memcpy(buf, prefix, np);
	if (size)
		memcpy(buf + np, data, size);
	memcpy(buf + np + size, suffix, ns);
	*ret_len = np + size + ns;
	return buf;
}

#endif
