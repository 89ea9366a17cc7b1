/* SPDX-License-Identifier: GPL-2.0-or-later */
/* main() for the sanitized replay builds of every fuzz target (runtime and monitor): runs
 * LLVMFuzzerTestOneInput over each file of the directories or files on argv, or of
 * FUZZ_CORPUS (the target's checked-in corpus, set by the Makefile) when argv is empty.
 * A file passes when the target returns without a sanitizer aborting the process; the
 * last line is the `N passed, N failed` summary the test runners add up. */
#include <dirent.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#ifndef FUZZ_CORPUS
#define FUZZ_CORPUS NULL
#endif

/* libFuzzer's entry point has no header; declared for -Wmissing-prototypes. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned n_pass, n_fail;

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rbe");
	char *buf;
	long n;

	if (!f) {
		perror(path);
		return -1;
	}
	if (fseek(f, 0, SEEK_END) < 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) < 0) {
		perror(path);
		fclose(f);
		return -1;
	}
	/* At least one byte, so that an empty input is not a NULL pointer. */
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "%s: read failed\n", path);
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput((const uint8_t *)buf, (size_t)n);
	free(buf);
	return 0;
}

/* Files and directories (recursively); names starting with '.' are skipped. */
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
		perror(path);
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
	const char *dflt = FUZZ_CORPUS;

	if (argc < 2 && !dflt) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	if (argc < 2)
		replay(dflt);
	for (int i = 1; i < argc; i++)
		replay(argv[i]);
	printf("%u passed, %u failed\n", n_pass, n_fail);
	return n_fail ? 1 : 0;
}
