/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Filling and prefixing struct error. Never allocates, never prints: printing belongs
 * to the CLI (log.c). */
#include "error.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

int err_set(struct error *e, int errnum, const char *fmt, ...)
{
	va_list ap;

	e->errnum = errnum;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int err_prefix(struct error *e, const char *fmt, ...)
{
	char prefix[512];
	size_t plen, mlen;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix) - 2, fmt, ap);
	va_end(ap);
	plen = strlen(prefix);
	memcpy(prefix + plen, ": ", 3);
	plen += 2;
	/* Keep the prefix whole and cut the old message's tail if it does not fit. */
	mlen = strnlen(e->msg, sizeof(e->msg) - 1);
	if (plen + mlen > sizeof(e->msg) - 1)
		mlen = sizeof(e->msg) - 1 - plen;
	memmove(e->msg + plen, e->msg, mlen);
	memcpy(e->msg, prefix, plen);
	e->msg[plen + mlen] = '\0';
	return -1;
}

const char *err_text(const struct error *e, char *buf, size_t len)
{
	if (e->errnum)
		snprintf(buf, len, "%s: %s", e->msg, strerror(e->errnum));
	else
		snprintf(buf, len, "%s", e->msg);
	return buf;
}
