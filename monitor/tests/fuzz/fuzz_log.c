/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target for silomon's k8s-file log (log.c, log_k8s.c): fuzzed chunks as if read from
 * the container's stdout/stderr, written through mon_log_write to a log file in a private
 * temp dir, with ctl reopens between them, then mon_log_finish. Input: one byte of options
 * (--log-size-max, --log-rotate, --log-max-files, --log-global-size-max), then operations:
 * a byte (0/3: stdout chunk, 1: stderr chunk, 2: reopen) and, for a chunk, a 2-byte length
 * (at most MON_STDIO_BUF, as one read) followed by its bytes. Every file left must be whole
 * records "<ts> stdout|stderr F|P <content>\n" within the limits; without limits and
 * reopens, the records must give back exactly what each stream wrote. */
#include "fuzz.h"

#include <ftw.h>
#include <sys/stat.h>

#include "log.h"

static char dir[64], path[96];

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(p);
}

static void rm_dir(void)
{
	nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

static void setup(void)
{
	if (path[0])
		return;
	mon_log_setup(MON_LOG_ERROR, false, NULL, NULL);
	/* tmpfs if there is one: a disk file system's rename and unlink cost ~20 ms a run. */
	snprintf(dir, sizeof(dir), "%s/silomon-fuzz-log.XXXXXX",
		 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	FUZZ_CHECK(mkdtemp(dir));
	atexit(rm_dir);
	snprintf(path, sizeof(path), "%s/ctr.log", dir);
}

/* One file's records; with `want` (stdout, stderr texts) also the model check. */
static void check_file(const char *file, const struct mon_opts *o, GString **want)
{
	g_autofree char *buf = NULL;
	gsize len = 0;
	GString *got[2] = { g_string_new(NULL), g_string_new(NULL) };
	size_t records = 0;

	if (!g_file_get_contents(file, &buf, &len, NULL)) {
		FUZZ_CHECK(!want);
		return;
	}
	FUZZ_CHECK(len == 0 || buf[len - 1] == '\n');
	for (const char *p = buf, *end = buf + len; p < end; records++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *sp = memchr(p, ' ', (size_t)(nl - p));
		int s;

		FUZZ_CHECK(sp && sp > p && g_ascii_isdigit(p[0]));
		for (const char *c = p; c < sp; c++)
			FUZZ_CHECK(strchr("0123456789-T:.+", *c));
		FUZZ_CHECK(nl - sp >= 10); /* " stdout F " */
		s = !strncmp(sp + 1, "stdout ", 7) ? 0 : !strncmp(sp + 1, "stderr ", 7) ? 1 : -1;
		FUZZ_CHECK(s >= 0 && (sp[8] == 'F' || sp[8] == 'P') && sp[9] == ' ');
		g_string_append_len(got[s], sp + 10, nl - (sp + 10));
		if (sp[8] == 'F')
			g_string_append_c(got[s], '\n');
		p = nl + 1;
	}
	if (o->log_size_max > 0 && records > 1)
		FUZZ_CHECK((gint64)len <= o->log_size_max);
	if (o->log_global_size_max > 0)
		FUZZ_CHECK((gint64)len <= o->log_global_size_max);
	for (int s = 0; want && s < 2; s++) {
		/* mon_log_finish ends a dangling partial line with an empty F record. */
		if (want[s]->len && want[s]->str[want[s]->len - 1] != '\n')
			g_string_append_c(want[s], '\n');
		FUZZ_CHECK(got[s]->len == want[s]->len && !memcmp(got[s]->str, want[s]->str, got[s]->len));
	}
	g_string_free(got[0], TRUE);
	g_string_free(got[1], TRUE);
}

static void check_files(const struct mon_opts *o, GString **want)
{
	char name[128];

	check_file(path, o, want);
	for (int i = 1; i <= o->log_max_files + 1; i++) {
		snprintf(name, sizeof(name), "%s.%d", path, i);
		/* --log-max-files backups at most */
		FUZZ_CHECK(i <= o->log_max_files || access(name, F_OK) < 0);
		check_file(name, o, NULL);
		unlink(name);
	}
	unlink(path);
}

static void run_ops(struct mon_log *l, const uint8_t *data, size_t size, GString **want,
		    bool *reopened)
{
	size_t pos = 0;

	while (pos < size) {
		uint8_t op = data[pos++] & 3;
		size_t n;

		if (op == 2) {
			mon_log_reopen(l);
			*reopened = true;
			continue;
		}
		if (size - pos < 2)
			break;
		n = ((size_t)data[pos] | (size_t)data[pos + 1] << 8) % (MON_STDIO_BUF + 1);
		pos += 2;
		n = MIN(n, size - pos);
		mon_log_write(l, op == 1 ? STREAM_STDERR : STREAM_STDOUT, (const char *)data + pos, n);
		g_string_append_len(want[op == 1], (const char *)data + pos, (gssize)n);
		pos += n;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const gint64 size_max[] = { -1, 0, 150, 4096 }, global_max[] = { -1, 0, 300, 20000 };
	char spec[96];
	char *paths[] = { spec, NULL };
	struct mon_opts o = { .log_paths = paths, .no_sync_log = TRUE, .cid = (char *)"fuzz" };
	struct error err = { 0 };
	GString *want[2];
	struct mon_log *l;
	bool reopened = false;

	if (size < 1)
		return 0;
	setup();
	snprintf(spec, sizeof(spec), "k8s-file:%s", path);
	o.log_size_max = size_max[data[0] & 3];
	o.log_rotate = (data[0] >> 2) & 1;
	o.log_max_files = (data[0] >> 3) & 3;
	o.log_global_size_max = global_max[(data[0] >> 5) & 3];
	l = mon_log_new(&o, &err);
	FUZZ_CHECK(l);
	want[0] = g_string_new(NULL);
	want[1] = g_string_new(NULL);
	run_ops(l, data + 1, size - 1, want, &reopened);
	mon_log_finish(l);
	mon_log_free(l);
	o.log_max_files = MAX(o.log_max_files, 1);
	check_files(&o, o.log_size_max <= 0 && o.log_global_size_max <= 0 && !reopened ? want : NULL);
	g_string_free(want[0], TRUE);
	g_string_free(want[1], TRUE);
	return 0;
}
