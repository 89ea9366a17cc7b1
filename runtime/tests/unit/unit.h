/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A tiny test harness for the C unit tests: CHECK() counts, TAP-like output, and the
 * summary line `N passed, N failed` from unit_done(). */
#ifndef SILO_UNIT_H
#define SILO_UNIT_H

#include <stdio.h>

static unsigned unit_pass, unit_fail;

#define CHECK(e)                                                                     \
	do {                                                                         \
		if (e) {                                                             \
			unit_pass++;                                                 \
		} else {                                                             \
			unit_fail++;                                                 \
			printf("not ok - %s:%d: %s\n", __FILE__, __LINE__, #e);     \
		}                                                                    \
	} while (0)

/* CHECK with a message printed on failure (e.g. the error text). */
#define CHECK_MSG(e, ...)                                                            \
	do {                                                                         \
		if (e) {                                                             \
			unit_pass++;                                                 \
		} else {                                                             \
			unit_fail++;                                                 \
			printf("not ok - %s:%d: %s: ", __FILE__, __LINE__, #e);     \
			printf(__VA_ARGS__);                                         \
			printf("\n");                                                \
		}                                                                    \
	} while (0)

static inline int unit_done(void)
{
	printf("%u passed, %u failed\n", unit_pass, unit_fail);
	return unit_fail ? 1 : 0;
}

#endif
