/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Allocation that cannot fail: out of memory aborts with a message. */
#ifndef SILO_UTIL_XALLOC_H
#define SILO_UTIL_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xzalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
