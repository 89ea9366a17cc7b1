/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for silomon's pure parts: JSON escaping and sync message framing, strict integer
 * parsing, the k8s timestamp, atomic files, the k8s-file record splitter with size limits, and
 * the ctl/winsz FIFO line splitter and parsers.
 * Prints TAP and a final "N passed, N failed" line. */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "ctl_internal.h"
#include "exit.h"
#include "log_internal.h"
#include "notify.h"
#include "util.h"

static unsigned n_pass, n_fail, n_test;

#define CHECK(e)                                                                                \
	do {                                                                                    \
		n_test++;                                                                       \
		if (e) {                                                                        \
			n_pass++;                                                               \
			printf("ok %u - %s\n", n_test, #e);                                     \
		} else {                                                                        \
			n_fail++;                                                               \
			printf("not ok %u - %s:%d: %s\n", n_test, __FILE__, __LINE__, #e);     \
		}                                                                               \
	} while (0)

static char *escape(const char *s, size_t len)
{
	GString *g = g_string_new(NULL);
	json_escape_append(g, s, len);
	return g_string_free(g, FALSE);
}

static void test_json(void)
{
	g_autofree char *a = escape("a\"b\\c\nd\te", 9);
	g_autofree char *b = escape("\x01\x1f\x7f", 3);
	g_autofree char *c = escape("\xff\xfe ok", 5);
	g_autofree char *d = escape("caf\xc3\xa9", 5);

	CHECK(strcmp(a, "a\\\"b\\\\c\\nd\\te") == 0);
	CHECK(strcmp(b, "\\u0001\\u001f\\u007f") == 0);
	CHECK(g_utf8_validate(c, -1, NULL) && strstr(c, " ok"));
	CHECK(strcmp(d, "caf\xc3\xa9") == 0);
}

static void test_sync_format(void)
{
	g_autoptr(GString) s1 = mon_sync_format("data", 1234, NULL, 0);
	g_autoptr(GString) s2 = mon_sync_format("pid", -1, "boom\n", 5);
	char *big = g_malloc(20000);
	memset(big, 'x', 20000);
	memcpy(big + 19990, "\x01" "THE-END\n\x1f", 10);
	g_autoptr(GString) s3 = mon_sync_format("exit_code", -1, big, 20000);

	CHECK(strcmp(s1->str, "{\"data\": 1234}\n") == 0);
	CHECK(strcmp(s2->str, "{\"pid\": -1, \"message\": \"boom\\n\"}\n") == 0);
	CHECK(s3->len < 4096);
	CHECK(g_str_has_suffix(s3->str, "\\u0001THE-END\\n\\u001f\"}\n"));
	CHECK(strchr(s3->str, '\n') == s3->str + s3->len - 1);
	g_free(big);
}

static void test_parse(void)
{
	int64_t v = 0;

	CHECK(parse_int64("42", &v) == 0 && v == 42);
	CHECK(parse_int64("-7", &v) == 0 && v == -7);
	CHECK(parse_int64("12x", &v) < 0);
	CHECK(parse_int64("", &v) < 0);
	CHECK(parse_int64("99999999999999999999", &v) < 0);
}

static void test_timestamp(void)
{
	char buf[64];
	regex_t re;

	k8s_timestamp(buf, sizeof(buf));
	regcomp(&re, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{9}[+-][0-9]{2}:[0-9]{2}$",
		REG_EXTENDED | REG_NOSUB);
	CHECK(regexec(&re, buf, 0, NULL, 0) == 0);
	regfree(&re);
}

static char *slurp(const char *path)
{
	struct error err;
	return file_read_small(path, 1 << 20, &err);
}

static void test_atomic(const char *dir)
{
	g_autofree char *p = g_build_filename(dir, "exit", NULL);
	struct error err;
	struct stat st;

	CHECK(file_write_atomic(p, "137", 3, &err) == 0);
	g_autofree char *c = slurp(p);
	CHECK(c && strcmp(c, "137") == 0);
	CHECK(stat(p, &st) == 0 && (st.st_mode & 0777) == 0644);
	CHECK(file_write_atomic("/nonexistent-dir/x", "1", 1, &err) < 0 && err.errnum == ENOENT);
}

/* Content column of every record, with its tag, joined by '|'. */
static char *records(const char *path)
{
	g_autofree char *c = slurp(path);
	g_auto(GStrv) lines = g_strsplit(c ? c : "", "\n", -1);
	GString *out = g_string_new(NULL);

	for (char **l = lines; *l && **l; l++) {
		g_auto(GStrv) f = g_strsplit(*l, " ", 4);
		if (g_strv_length(f) == 4)
			g_string_append_printf(out, "%s%s %s %s", out->len ? "|" : "", f[1], f[2], f[3]);
		else
			g_string_append(out, "|BROKEN");
	}
	return g_string_free(out, FALSE);
}

static void test_k8s(const char *dir)
{
	g_autofree char *p = g_build_filename(dir, "ctr.log", NULL);
	struct mon_opts o = { .log_size_max = -1, .log_global_size_max = -1, .log_max_files = 1 };
	struct error err;
	struct k8s_log *l = k8s_log_open(p, &o, &err);

	CHECK(l != NULL);
	k8s_log_write(l, STREAM_STDOUT, "a\nb\n\npart", 9);
	k8s_log_write(l, STREAM_STDERR, "err\n", 4);
	k8s_log_write(l, STREAM_STDOUT, "ial\n", 4);
	k8s_log_write(l, STREAM_STDOUT, "dangling", 8);
	k8s_log_finish(l);
	k8s_log_free(l);
	g_autofree char *r = records(p);
	printf("# %s\n", r);
	CHECK(strcmp(r, "stdout F a|stdout F b|stdout F |stdout P part|stderr F err|stdout F ial|"
			"stdout P dangling|stdout F ") == 0);

	/* size limit: never above the limit, newest record kept */
	o.log_size_max = 200;
	unlink(p);
	l = k8s_log_open(p, &o, &err);
	for (int i = 0; i < 50; i++) {
		char line[32];
		int n = snprintf(line, sizeof(line), "line-%d\n", i);
		k8s_log_write(l, STREAM_STDOUT, line, (size_t)n);
	}
	k8s_log_free(l);
	struct stat st;
	CHECK(stat(p, &st) == 0 && st.st_size <= 200 && st.st_size > 0);
	g_autofree char *c = slurp(p);
	CHECK(c && strstr(c, "stdout F line-49\n"));
}

/* Property: whatever the chunking, joining P records and F records (+ '\n') gives the input. */
static void test_k8s_roundtrip(const char *dir)
{
	g_autofree char *p = g_build_filename(dir, "rt.log", NULL);
	struct mon_opts o = { .log_size_max = -1, .log_global_size_max = -1, .log_max_files = 1 };
	GRand *r = g_rand_new_with_seed(42);
	bool all_ok = true;

	for (int round = 0; round < 200 && all_ok; round++) {
		size_t len = (size_t)g_rand_int(r) % 39999 + 1; /* 1..39999 */
		g_autofree char *in = g_malloc(40000);
		struct error err;

		for (size_t i = 0; i < len; i++)
			in[i] = g_rand_int_range(r, 0, 20) == 0 ? '\n' : (char)g_rand_int_range(r, 1, 256);
		in[len - 1] = '\n';
		unlink(p);
		struct k8s_log *l = k8s_log_open(p, &o, &err);
		for (size_t pos = 0; pos < len;) {
			size_t want = (size_t)g_rand_int_range(r, 1, MON_STDIO_BUF + 1);
			size_t n = MIN(len - pos, want); /* MIN evaluates twice: no calls inside */
			k8s_log_write(l, STREAM_STDOUT, in + pos, n);
			pos += n;
		}
		k8s_log_finish(l);
		k8s_log_free(l);
		gsize flen;
		g_autofree char *file = NULL;
		g_file_get_contents(p, &file, &flen, NULL);
		GString *out = g_string_new(NULL);
		for (char *line = file; line && line < file + flen;) {
			char *nl = memchr(line, '\n', (size_t)(file + flen - line));
			char *sp = memchr(line, ' ', (size_t)(nl - line));
			/* "<ts> stdout X " is 10 bytes after the timestamp */
			g_string_append_len(out, sp + 10, nl - (sp + 10));
			if (sp[8] == 'F')
				g_string_append_c(out, '\n');
			line = nl + 1;
		}
		all_ok = out->len == len && memcmp(out->str, in, len) == 0;
		if (!all_ok)
			printf("# round %d: input %zu bytes, reconstructed %zu\n", round, len, out->len);
		g_string_free(out, TRUE);
	}
	g_rand_free(r);
	CHECK(all_ok);
}

/* journald: lines joined across chunks, long lines split at 8192 with the partial flag. */
static void test_journald(const char *dir)
{
	g_autofree char *path = g_build_filename(dir, "journal.sock", NULL);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct mon_opts o = { .cid = (char *)"0123456789abcdef", .name = (char *)"web" };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct error err;
	char buf[20000];

	g_strlcpy(sa.sun_path, path, sizeof(sa.sun_path));
	CHECK(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	g_setenv("SILOMON_JOURNAL_SOCKET", path, TRUE);
	struct journald_log *l = journald_log_open(&o, &err);
	CHECK(l != NULL);
	journald_log_write(l, STREAM_STDOUT, "hel", 3);
	journald_log_write(l, STREAM_STDERR, "e\n", 2);
	journald_log_write(l, STREAM_STDOUT, "lo\nx", 4);
	journald_log_finish(l);
	journald_log_free(l);

	ssize_t n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	buf[MAX(n, 0)] = '\0';
	/* MESSAGE keeps its newline, so it uses the binary form: "MESSAGE\n" + le64 + data */
	CHECK(n > 0 && memcmp(buf, "MESSAGE\n\x02\0\0\0\0\0\0\0e\n\n", 19) == 0 &&
	      strstr(buf + 19, "PRIORITY=3\n") && strstr(buf + 19, "CONTAINER_ID=0123456789ab\n") &&
	      strstr(buf + 19, "SYSLOG_IDENTIFIER=web\n"));
	n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	buf[MAX(n, 0)] = '\0';
	CHECK(n > 0 && memcmp(buf + 8, "\x06\0\0\0\0\0\0\0hello\n", 14) == 0 &&
	      !strstr(buf, "CONTAINER_PARTIAL_MESSAGE"));
	n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	buf[MAX(n, 0)] = '\0';
	CHECK(n > 0 && strncmp(buf, "MESSAGE=x\n", 10) == 0 && strstr(buf, "CONTAINER_PARTIAL_MESSAGE=true\n"));
	close(fd);
}

static void test_notify_filter(void)
{
	const char in[] = "READY=1\nMAINPID=1\nSTATUS=working\nWATCHDOG=1x\nERRNO=2";
	g_autoptr(GString) out = mon_notify_filter(in, sizeof(in) - 1);

	CHECK(strcmp(out->str, "READY=1\nSTATUS=working\nERRNO=2") == 0);
}

static void collect_line(void *data, const char *line, size_t len)
{
	g_string_append_printf(data, "[%.*s]", (int)len, line);
}

/* Both found by fuzz_ctl: a line over CTL_LINE_MAX bytes used to run as its first
 * CTL_LINE_MAX bytes, and a NUL ended a line early for the parser. */
static void test_ctl(void)
{
	g_autoptr(GString) pending = g_string_new(NULL), got = g_string_new(NULL);
	g_autofree char *lng = g_strnfill(CTL_LINE_MAX + 1, ' ');
	g_autofree char *max = g_strnfill(CTL_LINE_MAX, ' ');
	struct mon_ctl_msg c;

	mon_ctl_feed(pending, "1 24 8", 6, collect_line, got);
	mon_ctl_feed(pending, "0\n2 0 0\nx", 10, collect_line, got);
	CHECK(!strcmp(got->str, "[1 24 80][2 0 0]") && !strcmp(pending->str, "x"));
	g_string_truncate(pending, 0);
	g_string_truncate(got, 0);
	mon_ctl_feed(pending, lng, strlen(lng), collect_line, got);
	mon_ctl_feed(pending, "1 2 3\n", 6, collect_line, got);
	CHECK(got->len == 0);
	mon_ctl_feed(pending, max, strlen(max), collect_line, got);
	mon_ctl_feed(pending, "\n", 1, collect_line, got);
	CHECK(got->len == CTL_LINE_MAX + 2);
	c = mon_ctl_parse_ctl("1 50 132", 8);
	CHECK(c.op == MON_CTL_RESIZE && c.rows == 50 && c.cols == 132);
	CHECK(mon_ctl_parse_ctl("2 0 0\r", 6).op == MON_CTL_REOPEN);
	CHECK(mon_ctl_parse_ctl("7 0 0", 5).op == MON_CTL_UNKNOWN);
	CHECK(mon_ctl_parse_ctl("1 2 3\0 4", 9).op == MON_CTL_MALFORMED);
	CHECK(mon_ctl_parse_ctl("1 2", 3).op == MON_CTL_MALFORMED);
	c = mon_ctl_parse_winsz(" 24  80 ", 8);
	CHECK(c.op == MON_CTL_RESIZE && c.rows == 24 && c.cols == 80);
	CHECK(mon_ctl_parse_winsz("24 80 1", 7).op == MON_CTL_MALFORMED);
	CHECK(mon_ctl_parse_winsz("2000000 1", 9).op == MON_CTL_MALFORMED);
}

int main(void)
{
	g_autofree char *dir = g_dir_make_tmp("silomon-unit.XXXXXX", NULL);

	mon_log_setup(MON_LOG_ERROR, false, NULL, NULL);
	test_json();
	test_sync_format();
	test_parse();
	test_timestamp();
	test_atomic(dir);
	test_k8s(dir);
	test_k8s_roundtrip(dir);
	test_notify_filter();
	test_ctl();
	test_journald(dir);
	g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	printf("1..%u\n", n_test);
	printf("unit: %u passed, %u failed\n", n_pass, n_fail);
	return n_fail ? 1 : 0;
}
