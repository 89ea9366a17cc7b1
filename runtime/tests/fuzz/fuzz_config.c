/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target for config.json parsing: silo_spec_parse + silo_spec_free and
 * silo_process_parse on the same bytes. Build with -fsanitize=fuzzer for libFuzzer, or
 * with -DFUZZ_REPLAY_MAIN for a main() that replays the files and directories on argv
 * (make check runs it over corpus/config). */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "spec.h"
#include "util/error.h"

/* libFuzzer's entry point has no header; declared for -Wmissing-prototypes. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct error err = { 0 };
	struct silo_spec *s;
	struct silo_process *p;

	if (size > SILO_SPEC_MAX_BYTES)
		return 0;
	s = silo_spec_parse((const char *)data, size, "config.json", "/bundle", &err);
	/* A failure must always leave a message behind. */
	if (!s && !err.msg[0])
		abort();
	silo_spec_free(s);
	err.msg[0] = '\0';
	p = silo_process_parse((const char *)data, size, "process.json", &err);
	if (!p && !err.msg[0])
		abort();
	silo_process_free(p);
	return 0;
}

#ifdef FUZZ_REPLAY_MAIN
static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rbe");
	char *buf;
	long n;

	if (!f) {
		perror(path);
		return 1;
	}
	if (fseek(f, 0, SEEK_END) < 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) < 0) {
		fclose(f);
		return 1;
	}
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		return 1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput((const uint8_t *)buf, (size_t)n);
	free(buf);
	return 0;
}

static unsigned n_pass, n_fail;

/* Replay files and directories (recursively); a file "passes" when it ran through the
 * target without the sanitizers aborting the process. */
static void replay(const char *path)
{
	struct stat st;
	struct dirent *e;
	DIR *d;

	if (stat(path, &st) < 0) {
		perror(path);
		n_fail++;
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		if (replay_file(path) == 0)
			n_pass++;
		else
			n_fail++;
		return;
	}
	d = opendir(path);
	if (!d) {
		n_fail++;
		return;
	}
	while ((e = readdir(d))) {
		char sub[PATH_MAX];
		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		replay(sub);
	}
	closedir(d);
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		replay(argv[i]);
	printf("%u passed, %u failed\n", n_pass, n_fail);
	return n_fail ? 1 : 0;
}
#endif
