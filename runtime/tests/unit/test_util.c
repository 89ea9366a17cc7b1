/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the util layer: strict parsing, error formatting, fd helpers. */
#include "unit.h"

#include "util/error.h"
#include "util/fdutil.h"
#include "util/parse.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void test_parse(void)
{
	int64_t i;
	uint64_t u;
	uint32_t u32;
	int n;
	bool b;
	uint64_t ms;

	CHECK(parse_i64("-12", &i) == 0 && i == -12);
	CHECK(parse_i64("12x", &i) < 0 && errno == EINVAL);
	CHECK(parse_i64(" 12", &i) < 0);
	CHECK(parse_i64("", &i) < 0);
	CHECK(parse_i64("99999999999999999999", &i) < 0 && errno == ERANGE);
	CHECK(parse_u64("18446744073709551615", &u) == 0 && u == UINT64_MAX);
	CHECK(parse_u64("-1", &u) < 0);
	CHECK(parse_u64("+1", &u) < 0);
	CHECK(parse_uint32("4294967296", &u32) < 0 && errno == ERANGE);
	CHECK(parse_uint32("1000", &u32) == 0 && u32 == 1000);
	CHECK(parse_int("2147483648", &n) < 0);
	CHECK(parse_int("1000:1000", &n) < 0); /* crun CVE-2026-30892 shape */
	CHECK(parse_bool("true", &b) == 0 && b);
	CHECK(parse_bool("0", &b) == 0 && !b);
	CHECK(parse_bool("maybe", &b) < 0);
	CHECK(parse_duration_ms("5s", &ms) == 0 && ms == 5000);
	CHECK(parse_duration_ms("100ms", &ms) == 0 && ms == 100);
	CHECK(parse_duration_ms("2", &ms) == 0 && ms == 2000);
	CHECK(parse_duration_ms("1h", &ms) == 0 && ms == 3600000);
	CHECK(parse_duration_ms("5x", &ms) < 0);
}

static void test_cpu_list(void)
{
	cpu_set_t set;

	CHECK(parse_cpu_list("0-3,7", &set, sizeof(set)) == 0 && CPU_COUNT(&set) == 5 &&
	      CPU_ISSET(7, &set) && !CPU_ISSET(4, &set));
	CHECK(parse_cpu_list("1", &set, sizeof(set)) == 0 && CPU_COUNT(&set) == 1);
	CHECK(parse_cpu_list("", &set, sizeof(set)) < 0);
	CHECK(parse_cpu_list("3-1", &set, sizeof(set)) < 0);
	CHECK(parse_cpu_list("1,", &set, sizeof(set)) < 0);
	CHECK(parse_cpu_list("a", &set, sizeof(set)) < 0);
	CHECK(parse_cpu_list("1-", &set, sizeof(set)) < 0);
	CHECK(parse_cpu_list("99999", &set, sizeof(set)) < 0 && errno == ERANGE);
}

static void test_error(void)
{
	struct error e = { 0 };
	char buf[256];

	CHECK(err_set(&e, ENOENT, "open `%s`", "/x") == -1);
	CHECK(err_prefix(&e, "create `%s`", "c1") == -1);
	CHECK(strcmp(err_text(&e, buf, sizeof(buf)), "create `c1`: open `/x`: No such file or directory") == 0);
	err_set(&e, 0, "config.json: .a: bad");
	CHECK(strcmp(err_text(&e, buf, sizeof(buf)), "config.json: .a: bad") == 0);
}

static void test_fd(void)
{
	struct error e = { 0 };
	char tmpl[] = "/tmp/silo-unit-XXXXXX";
	char *buf = NULL;
	size_t len;
	int sv[2], fd, got;
	char path[64];

	CHECK(mkdtemp(tmpl) != NULL);
	snprintf(path, sizeof(path), "%s/f", tmpl);
	CHECK(fd_write_file_atomic(path, "1234", 4, 0644, &e) == 0);
	CHECK(fd_read_file_at(AT_FDCWD, path, 100, &buf, &len, &e) == 0 && len == 4 &&
	      !strcmp(buf, "1234"));
	free(buf);
	CHECK(fd_read_file_at(AT_FDCWD, path, 2, &buf, &len, &e) < 0 && e.errnum == EFBIG);
	unlink(path);
	rmdir(tmpl);

	CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	CHECK(fd_send(sv[0], fd, "/dev/ptmx", &e) == 0);
	got = fd_recv(sv[1], &e);
	CHECK(got >= 0 && (fcntl(got, F_GETFD) & FD_CLOEXEC));
	close(got);
	close(fd);
	CHECK(write(sv[0], "x", 1) == 1);
	CHECK(fd_recv(sv[1], &e) < 0 && e.errnum == EBADMSG);
	close(sv[0]);
	close(sv[1]);

	fd = open("/dev/null", O_RDONLY);
	CHECK(fd_cloexec_from(fd, &e) == 0);
	CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
}

int main(void)
{
	test_parse();
	test_cpu_list();
	test_error();
	test_fd();
	return unit_done();
}
