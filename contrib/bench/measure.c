/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * measure: run one or more commands in sequence and print what they cost, as one
 * tab-separated line on stdout (or to -o FILE, appended):
 *
 *   status  wall_us[,wall_us...]  utime_us  stime_us  maxrss_kb  ins_u  ins_k  syscalls  faults  csw  cpu_ns
 *
 *   measure [-c] [-o FILE] [-t TRACEPOINT_ID] -- CMD ARGS... [:: CMD ARGS...]...
 *
 * Commands are separated by a lone "::" and run one after the other; the first one that
 * fails stops the sequence (status is its exit status, 128+N for a signal).
 *
 * -c counts with perf_event_open over the whole process tree of every command
 * (inherit=1, enable_on_exec): instructions:u and instructions:k (hardware; "-" when the
 * kernel has no PMU, as in most VMs), and the software counters page faults, context
 * switches and task-clock (CPU time of the tree, user + kernel, exact rather than the
 * tick-sampled utime/stime of getrusage), and syscalls with -t (the id of the raw_syscalls:sys_enter tracepoint, read
 * from tracefs by the caller). All the counters of all commands stay open until the last
 * command has ended, so work done late by a process that a command left behind (the
 * container init of `create`, killed by `delete`) is still counted.
 *
 * measure is a child subreaper: processes orphaned by a command (a detached container
 * init) are re-parented to it and reaped, so utime/stime/maxrss (getrusage
 * RUSAGE_CHILDREN) cover the whole tree. maxrss is the peak RSS of the largest single
 * process of the tree, in KiB.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/perf_event.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { C_INS_U, C_INS_K, C_SYSCALLS, C_FAULTS, C_CSW, C_TASK_CLOCK, NCOUNTERS };
#define MAXCMDS 8

struct counter {
	int fd[MAXCMDS];
	uint64_t sum;
	int ok; /* opened for every command */
};

static void die(const char *what)
{
	fprintf(stderr, "measure: %s: %s\n", what, strerror(errno));
	exit(125);
}

static int perf_open(uint32_t type, uint64_t config, int user, int kernel, pid_t pid)
{
	struct perf_event_attr a;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = type;
	a.config = config;
	a.disabled = 1;
	a.enable_on_exec = 1;
	a.inherit = 1;
	a.exclude_user = !user;
	a.exclude_kernel = !kernel;
	a.exclude_hv = 1;
	return (int)syscall(SYS_perf_event_open, &a, pid, -1, -1, PERF_FLAG_FD_CLOEXEC);
}

static void open_counters(struct counter *c, int cmd, pid_t pid, long tp_id)
{
	c[C_INS_U].fd[cmd] = perf_open(PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS, 1, 0, pid);
	c[C_INS_K].fd[cmd] = perf_open(PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS, 0, 1, pid);
	c[C_SYSCALLS].fd[cmd] = tp_id > 0 ? perf_open(PERF_TYPE_TRACEPOINT, (uint64_t)tp_id, 1, 1, pid) : -1;
	c[C_FAULTS].fd[cmd] = perf_open(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS, 1, 1, pid);
	c[C_CSW].fd[cmd] = perf_open(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES, 1, 1, pid);
	c[C_TASK_CLOCK].fd[cmd] = perf_open(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK, 1, 1, pid);
}

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Reap children until `pid` has ended (orphans adopted as subreaper are reaped too). */
static int wait_for(pid_t pid)
{
	for (;;) {
		int st;
		pid_t r = waitpid(-1, &st, 0);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			die("waitpid");
		}
		if (r == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	}
}

/* Reap adopted orphans that are still around, for at most ~2 s. */
static void reap_rest(void)
{
	for (int i = 0; i < 200; i++) {
		pid_t r = waitpid(-1, NULL, WNOHANG);

		if (r < 0 && errno == ECHILD)
			return;
		if (r == 0)
			usleep(10000);
	}
}

static pid_t spawn(char **argv, int count, struct counter *c, int cmd, long tp_id)
{
	int go[2];
	pid_t pid;
	char x = 0;

	if (pipe2(go, O_CLOEXEC) < 0)
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(go[1]);
		/* Wait until the counters are attached, then exec (which enables them). */
		if (read(go[0], &x, 1) != 1)
			_exit(125);
		execvp(argv[0], argv);
		fprintf(stderr, "measure: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(go[0]);
	if (count)
		open_counters(c, cmd, pid, tp_id);
	if (write(go[1], &x, 1) != 1)
		die("write");
	close(go[1]);
	return pid;
}

static void usage(void)
{
	fprintf(stderr, "usage: measure [-c] [-o FILE] [-t TRACEPOINT_ID] -- CMD... [:: CMD...]...\n");
	exit(125);
}

int main(int argc, char **argv)
{
	struct counter c[NCOUNTERS];
	char *cmds[MAXCMDS];
	uint64_t wall[MAXCMDS];
	int ncmd = 0, count = 0, opt, status = 0, ran = 0;
	long tp_id = 0;
	const char *out = NULL;
	struct rusage ru;
	FILE *f;

	while ((opt = getopt(argc, argv, "+co:t:")) != -1) {
		switch (opt) {
		case 'c': count = 1; break;
		case 'o': out = optarg; break;
		case 't': tp_id = strtol(optarg, NULL, 10); break;
		default: usage();
		}
	}
	if (optind >= argc)
		usage();
	/* Split argv at "::" in place. */
	cmds[ncmd++] = (char *)(argv + optind);
	for (int i = optind; i < argc; i++) {
		if (strcmp(argv[i], "::") == 0) {
			if (ncmd == MAXCMDS || i + 1 >= argc)
				usage();
			argv[i] = NULL;
			cmds[ncmd++] = (char *)(argv + i + 1);
		}
	}
	memset(c, 0, sizeof(c));
	for (int k = 0; k < NCOUNTERS; k++)
		for (int i = 0; i < MAXCMDS; i++)
			c[k].fd[i] = -1;
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		die("PR_SET_CHILD_SUBREAPER");

	for (int i = 0; i < ncmd; i++) {
		uint64_t t0 = now_us();
		pid_t pid = spawn((char **)cmds[i], count, c, i, tp_id);

		status = wait_for(pid);
		wall[i] = now_us() - t0;
		ran = i + 1;
		if (status != 0)
			break;
	}
	reap_rest();
	if (getrusage(RUSAGE_CHILDREN, &ru) < 0)
		die("getrusage");

	for (int k = 0; k < NCOUNTERS; k++) {
		c[k].ok = count;
		for (int i = 0; i < ran; i++) {
			uint64_t v;

			if (c[k].fd[i] < 0 || read(c[k].fd[i], &v, sizeof(v)) != (ssize_t)sizeof(v)) {
				c[k].ok = 0;
				continue;
			}
			c[k].sum += v;
		}
	}

	f = out ? fopen(out, "a") : stdout;
	if (!f)
		die(out);
	fprintf(f, "%d\t", status);
	for (int i = 0; i < ran; i++)
		fprintf(f, "%s%" PRIu64, i ? "," : "", wall[i]);
	fprintf(f, "\t%ld\t%ld\t%ld", (long)(ru.ru_utime.tv_sec * 1000000L + ru.ru_utime.tv_usec),
		(long)(ru.ru_stime.tv_sec * 1000000L + ru.ru_stime.tv_usec), ru.ru_maxrss);
	for (int k = 0; k < NCOUNTERS; k++) {
		if (c[k].ok)
			fprintf(f, "\t%" PRIu64, c[k].sum);
		else
			fputs("\t-", f);
	}
	fputc('\n', f);
	if (out)
		fclose(f);
	return status;
}
