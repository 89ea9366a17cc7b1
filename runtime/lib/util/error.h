/* SPDX-License-Identifier: GPL-2.0-or-later */
/* struct error: the one error convention of silo. Functions return >= 0 or -1 with
 * the caller-owned `struct error` filled; no allocation on error paths. */
#ifndef SILO_UTIL_ERROR_H
#define SILO_UTIL_ERROR_H

#include <stdio.h>

struct error {
	int errnum;     /* errno value, 0 when the failure has no system cause */
	char msg[1024]; /* what, on what; strerror(errnum) is appended by the printer */
};

int err_set(struct error *e, int errnum, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int err_prefix(struct error *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "msg: strerror" into buf; returns buf. */
const char *err_text(const struct error *e, char *buf, size_t len);

#endif
