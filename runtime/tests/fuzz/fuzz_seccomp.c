/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target for linux.seccomp -> BPF: the input is the seccomp object, wrapped into a
 * config.json, parsed, then compiled by silo_seccomp_compile (libseccomp plus silo's
 * ENOSYS stub, exported into a sealed memfd). The filter is never loaded; instead the
 * program is checked the way the kernel would: size, every jump inside it, ends in RET. */
#include "fuzz.h"

#include <linux/filter.h>
#include <sys/stat.h>
#include <unistd.h>

#include "seccomp.h"
#include "spec.h"
#include "util/error.h"

#define PREFIX "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},\"linux\":{\"seccomp\":"

static void check_bpf(const struct sock_filter *f, size_t n)
{
	FUZZ_CHECK(n > 0);
	for (size_t i = 0; i < n; i++) {
		if (BPF_CLASS(f[i].code) != BPF_JMP)
			continue;
		if (BPF_OP(f[i].code) == BPF_JA)
			FUZZ_CHECK(f[i].k < n - i - 1);
		else
			FUZZ_CHECK(f[i].jt < n - i - 1 && f[i].jf < n - i - 1);
	}
	FUZZ_CHECK(BPF_CLASS(f[n - 1].code) == BPF_RET);
}

static void check_program(int fd)
{
	struct sock_filter *prog;
	struct stat st;

	FUZZ_CHECK(fstat(fd, &st) == 0);
	FUZZ_CHECK(st.st_size > 0 && st.st_size % (off_t)sizeof(struct sock_filter) == 0);
	prog = malloc((size_t)st.st_size);
	FUZZ_CHECK(prog && pread(fd, prog, (size_t)st.st_size, 0) == st.st_size);
	check_bpf(prog, (size_t)st.st_size / sizeof(struct sock_filter));
	free(prog);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct error err = { 0 };
	struct silo_spec *s;
	size_t len;
	char *doc;
	int fd;

	if (size > SILO_SPEC_MAX_BYTES)
		return 0;
	doc = fuzz_wrap(PREFIX, data, size, "}}", &len);
	s = silo_spec_parse(doc, len, "config.json", "/bundle", &err);
	free(doc);
	FUZZ_CHECK(s || err.msg[0]);
	if (!s)
		return 0;
	(void)silo_seccomp_load_flags(&s->linux.seccomp);
	fd = silo_seccomp_compile(&s->linux.seccomp, &err);
	if (fd >= 0) {
		check_program(fd);
		close(fd);
	} else {
		FUZZ_CHECK(fd == -2 ? !s->linux.seccomp.present : err.msg[0] != '\0');
	}
	silo_spec_free(s);
	return 0;
}
