/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Strict parsers. strtol and friends accept leading spaces, signs on unsigned values
 * and trailing junk; these do not (crun CVE-2026-30892 was `exec -u` misparsing). */
#include "parse.h"

#include <ctype.h>
#include <sched.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

int parse_i64(const char *s, int64_t *ret)
{
	char *end;
	long long v;

	if (!s || !*s || isspace((unsigned char)*s)) {
		errno = EINVAL;
		return -1;
	}
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno)
		return -1;
	if (*end) {
		errno = EINVAL;
		return -1;
	}
	*ret = v;
	return 0;
}

int parse_u64(const char *s, uint64_t *ret)
{
	char *end;
	unsigned long long v;

	if (!s || !isdigit((unsigned char)*s)) {
		errno = EINVAL;
		return -1;
	}
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	if (*end) {
		errno = EINVAL;
		return -1;
	}
	*ret = v;
	return 0;
}

int parse_int(const char *s, int *ret)
{
	int64_t v;

	if (parse_i64(s, &v) < 0)
		return -1;
	if (v < INT_MIN || v > INT_MAX) {
		errno = ERANGE;
		return -1;
	}
	*ret = (int)v;
	return 0;
}

int parse_uint32(const char *s, uint32_t *ret)
{
	uint64_t v;

	if (parse_u64(s, &v) < 0)
		return -1;
	if (v > UINT32_MAX) {
		errno = ERANGE;
		return -1;
	}
	*ret = (uint32_t)v;
	return 0;
}

int parse_bool(const char *s, bool *ret)
{
	static const char *const yes[] = { "true", "1", "yes", "on" };
	static const char *const no[] = { "false", "0", "no", "off" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*ret = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*ret = false;
			return 0;
		}
	}
	errno = EINVAL;
	return -1;
}

int parse_duration_ms(const char *s, uint64_t *ret)
{
	static const struct {
		const char *suffix;
		uint64_t ms;
	} units[] = { { "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 }, { "", 1000 } };
	char *end;
	double v;

	if (!s || !*s || !(isdigit((unsigned char)*s) || *s == '.')) {
		errno = EINVAL;
		return -1;
	}
	errno = 0;
	v = strtod(s, &end);
	if (errno)
		return -1;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].suffix) == 0) {
			double ms = v * (double)units[i].ms;
			if (ms > 1e15) {
				errno = ERANGE;
				return -1;
			}
			*ret = (uint64_t)ms;
			return 0;
		}
	}
	errno = EINVAL;
	return -1;
}

int parse_cpu_list(const char *s, void *cpu_set, unsigned setsize)
{
	cpu_set_t *set = cpu_set;
	const char *p = s;

	CPU_ZERO_S(setsize, set);
	if (!s || !*s) {
		errno = EINVAL;
		return -1;
	}
	while (*p) {
		char *end;
		unsigned long lo, hi;
		if (!isdigit((unsigned char)*p))
			goto bad;
		lo = hi = strtoul(p, &end, 10);
		if (*end == '-') {
			if (!isdigit((unsigned char)end[1]))
				goto bad;
			hi = strtoul(end + 1, &end, 10);
		}
		if (hi < lo || (*end && *end != ','))
			goto bad;
		if (hi >= setsize * 8) {
			errno = ERANGE;
			return -1;
		}
		for (unsigned long c = lo; c <= hi; c++)
			CPU_SET_S(c, setsize, set);
		p = *end ? end + 1 : end;
		if (*end == ',' && !*p)
			goto bad;
	}
	return 0;
bad:
	errno = EINVAL;
	return -1;
}
