/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target for mount options (mountopt.c). Input: lines; the first is the mount type
 * (empty: none), each further line one entry of "options" (JSON strings cannot hold NUL,
 * so an input with one is skipped). The result is checked against the option table:
 * data is exactly the unknown options in order, no flag is both set and cleared. */
#include "fuzz.h"

#include <sys/mount.h>

#include "mountopt.h"
#include "spec.h"
#include "util/error.h"
#include "util/syscall.h"

#define MAX_OPTS 256

static bool is_known(const char *opt)
{
	for (const char *const *k = silo_mountopt_known(); *k; k++)
		if (!strcmp(*k, opt))
			return true;
	return false;
}

/* The data string mountopt.c should have built: unknown options, comma-joined. */
static char *expected_data(const struct silo_mount *m)
{
	size_t len = 0;
	char *d = NULL;

	for (size_t i = 0; i < m->options.n; i++) {
		const char *o = m->options.v[i];
		size_t n = strlen(o);
		if (!n || is_known(o))
			continue;
		d = realloc(d, len + n + 2);
		if (!d)
			abort();
		if (len)
			d[len++] = ',';
		memcpy(d + len, o, n + 1);
		len += n;
	}
	return d;
}

static void check_ok(const struct silo_mount *m)
{
	char *want = expected_data(m);
	long prop;

	FUZZ_CHECK(!(m->flags & m->clear_flags));
	FUZZ_CHECK(!(m->rec_attr_set & m->rec_attr_clr & ~(uint64_t)MOUNT_ATTR__ATIME));
	FUZZ_CHECK((want == NULL) == (m->data == NULL));
	FUZZ_CHECK(!want || !strcmp(want, m->data));
	FUZZ_CHECK(!m->type || strcmp(m->type, "bind") || (m->ext & SILO_MNT_BIND));
	FUZZ_CHECK(!(m->ext & SILO_MNT_BIND) || (m->flags & MS_BIND));
	FUZZ_CHECK(!(m->ext & SILO_MNT_RIDMAP) || (m->ext & SILO_MNT_IDMAP));
	for (size_t i = 0; i < m->options.n; i++) {
		prop = silo_mountopt_propagation(m->options.v[i]);
		FUZZ_CHECK(prop == -1 || (prop & ~(long)(MS_PRIVATE | MS_SLAVE | MS_SHARED |
							  MS_UNBINDABLE | MS_REC)) == 0);
	}
	free(want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, *rest, *type;
	char *opts[MAX_OPTS + 1];
	struct silo_mount m = { 0 };
	struct error err = { 0 };
	size_t n = 0;
	int r;

	if (memchr(data, '\0', size))
		return 0;
	text = strndup((const char *)data, size);
	if (!text)
		abort();
	/* strsep keeps empty lines: an empty type, and "" options (skipped by mountopt.c). */
	rest = text;
	type = strsep(&rest, "\n");
	m.type = *type ? type : NULL;
	while (rest && n < MAX_OPTS)
		opts[n++] = strsep(&rest, "\n");
	opts[n] = NULL;
	m.options.v = opts;
	m.options.n = n;
	r = silo_mountopt_parse(&m, &err);
	if (r == 0) {
		struct silo_mount again = m;
		check_ok(&m);
		/* A second parse of a parsed mount frees the old data and starts afresh. */
		again.data = m.data ? strdup(m.data) : NULL;
		FUZZ_CHECK(silo_mountopt_parse(&again, &err) == 0);
		FUZZ_CHECK(again.flags == m.flags && again.clear_flags == m.clear_flags &&
			   again.propagation == m.propagation && again.ext == m.ext &&
			   again.rec_attr_set == m.rec_attr_set && again.rec_attr_clr == m.rec_attr_clr);
		free(again.data);
	} else {
		FUZZ_CHECK(r == -1 && err.msg[0] && !m.data);
	}
	free(m.data);
	free(text);
	return 0;
}
