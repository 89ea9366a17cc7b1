/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Strict number parsing: whole string, decimal, range-checked, no junk. */
#ifndef SILO_UTIL_PARSE_H
#define SILO_UTIL_PARSE_H

#include <stdbool.h>
#include <stdint.h>

/* Each returns 0 or -1 with errno EINVAL (junk, empty) or ERANGE. */
int parse_i64(const char *s, int64_t *ret);
int parse_u64(const char *s, uint64_t *ret);
int parse_int(const char *s, int *ret);
int parse_uint32(const char *s, uint32_t *ret);
/* true/false/1/0/yes/no */
int parse_bool(const char *s, bool *ret);
/* "5s", "100ms", "2m", "1h", or bare seconds; result in milliseconds. */
int parse_duration_ms(const char *s, uint64_t *ret);

/* "0-3,7,9-10" -> set (cleared first); empty or malformed -> -1/EINVAL, a cpu beyond
 * CPU_SETSIZE -> -1/ERANGE. */
int parse_cpu_list(const char *s, void *cpu_set, unsigned setsize);

#endif
