/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target for silomon's ctl and winsz FIFOs (ctl_internal.h): the line splitter fed in
 * reads of 1-64 bytes (the first input byte picks the size), and both line parsers on every
 * line. The splitter is checked against a model: exactly the complete lines of at most
 * CTL_LINE_MAX bytes, in order; a line the parsers accept holds no NUL byte. */
#include "fuzz.h"

#include <stdbool.h>

#include "ctl_internal.h"
#include "util.h"

struct model {
	const char *buf; /* the whole FIFO stream */
	size_t len, pos; /* pos: start of the next line to expect */
};

/* The next line the splitter must deliver: skips too-long ones. */
static bool model_next(struct model *m, const char **ret, size_t *ret_len)
{
	while (m->pos < m->len) {
		const char *nl = memchr(m->buf + m->pos, '\n', m->len - m->pos);
		size_t n;
		if (!nl)
			return false;
		n = (size_t)(nl - (m->buf + m->pos));
		*ret = m->buf + m->pos;
		m->pos += n + 1;
		if (n <= CTL_LINE_MAX) {
			*ret_len = n;
			return true;
		}
	}
	return false;
}

static void check_msg(const struct mon_ctl_msg *c, const char *line, size_t len)
{
	if (c->op == MON_CTL_MALFORMED)
		return;
	FUZZ_CHECK(strlen(line) == len);
	FUZZ_CHECK(c->rows >= -1000000 && c->rows <= 1000000);
	FUZZ_CHECK(c->cols >= -1000000 && c->cols <= 1000000);
}

static void on_line(void *data, const char *line, size_t len)
{
	struct model *m = data;
	struct mon_ctl_msg c;
	const char *want;
	size_t want_len;

	FUZZ_CHECK(line[len] == '\0' && len <= CTL_LINE_MAX);
	FUZZ_CHECK(model_next(m, &want, &want_len));
	FUZZ_CHECK(want_len == len && !memcmp(want, line, len));
	c = mon_ctl_parse_ctl(line, len);
	check_msg(&c, line, len);
	FUZZ_CHECK(c.op != MON_CTL_RESIZE || c.type == 1);
	FUZZ_CHECK(c.op != MON_CTL_REOPEN || c.type == 2);
	c = mon_ctl_parse_winsz(line, len);
	check_msg(&c, line, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool quiet;
	struct model m;
	GString *line;
	const char *want;
	size_t chunk, want_len;

	if (!quiet)
		mon_log_setup(MON_LOG_ERROR, false, NULL, NULL); /* no "ignoring ..." warnings */
	quiet = true;
	if (size < 1)
		return 0;
	chunk = data[0] % 64 + 1;
	m = (struct model){ .buf = (const char *)data + 1, .len = size - 1 };
	line = g_string_new(NULL);
	for (size_t off = 0; off < m.len; off += chunk)
		mon_ctl_feed(line, m.buf + off, MIN(chunk, m.len - off), on_line, &m);
	FUZZ_CHECK(!model_next(&m, &want, &want_len));
	g_string_free(line, TRUE);
	return 0;
}
