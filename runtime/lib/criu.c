/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The criu binary as a child process: locate it, `criu check` it, build the dump and
 * restore command lines, run them and turn a failure into one error naming criu's own
 * first error line and the log file. Knows nothing about containers or silo's state. */
#include "criu.h"

#include "util/cleanup.h"
#include "util/error.h"
#include "util/fdutil.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#define CRIU_OUTPUT_MAX (256u << 10) /* of `criu check` output, and of a log we scan */
#define CRIU_LOG_LEVEL "-v4"         /* what podman shows users to debug a failure */

void silo_criu_args_add(struct silo_criu_args *a, const char *s)
{
	if (a->n + 2 > a->cap) {
		a->cap = a->cap ? a->cap * 2 : 32;
		a->v = xreallocarray(a->v, a->cap, sizeof(*a->v));
	}
	a->v[a->n++] = xstrdup(s);
	a->v[a->n] = NULL;
}

void silo_criu_args_addf(struct silo_criu_args *a, const char *fmt, ...)
{
	autofree char *s = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s) {
		fprintf(stderr, "silo: out of memory\n");
		abort();
	}
	silo_criu_args_add(a, s);
}

void silo_criu_args_free(struct silo_criu_args *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
	memset(a, 0, sizeof(*a));
}

/* Sets errno when false. */
static bool executable(const char *path)
{
	struct stat sb;

	if (stat(path, &sb) < 0)
		return false;
	if (!S_ISREG(sb.st_mode)) {
		errno = EACCES;
		return false;
	}
	return access(path, X_OK) == 0;
}

int silo_criu_find(const char *arg, char **ret_path, struct error *err)
{
	const char *path = getenv("PATH");
	autofree char *dirs = xstrdup(path ? path : "");
	char *save = NULL;

	if (arg) {
		if (!executable(arg))
			return err_set(err, errno, "--criu `%s`", arg);
		*ret_path = xstrdup(arg);
		return 0;
	}
	/* $PATH only (tests hide criu by trimming it); with no PATH at all, where Debian
	 * puts it (/usr/sbin is missing from some callers' defaults). */
	for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		autofree char *p = xasprintf("%s/criu", *d ? d : ".");
		if (executable(p)) {
			*ret_path = steal_ptr(&p);
			return 0;
		}
	}
	if (!path && executable("/usr/sbin/criu")) {
		*ret_path = xstrdup("/usr/sbin/criu");
		return 0;
	}
	return err_set(err, 0, "checkpoint/restore needs CRIU, but no `criu` binary is on $PATH "
			       "(`%s`); install it (Debian: apt-get install criu) or pass --criu PATH",
		       path ? path : "");
}

bool silo_criu_cgroups_mode_valid(const char *mode)
{
	static const char *const modes[] = { "soft", "full", "strict", "ignore" };

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (!strcmp(mode, modes[i]))
			return true;
	return false;
}

char *silo_criu_first_error(const char *text)
{
	for (const char *l = text; l && *l;) {
		const char *end = strchrnul(l, '\n');
		const char *e = memmem(l, (size_t)(end - l), "Error (", 7);
		if (e) {
			const char *msg = memmem(e, (size_t)(end - e), "): ", 3);
			msg = msg ? msg + 3 : e;
			return xstrndup(msg, (size_t)(end - msg));
		}
		l = *end ? end + 1 : end;
	}
	return NULL;
}

/* Wait for a child; its exit status, or 128+N for a signal. */
static int wait_child(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			return -1;
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void kernel_release(char *buf, size_t len)
{
	struct utsname u;

	snprintf(buf, len, "%s", uname(&u) == 0 ? u.release : "?");
}

int silo_criu_check(const char *criu, struct error *err)
{
	autoclose int rd = -1;
	autofree char *out = NULL, *why = NULL;
	int p[2], status;
	char rel[128];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return err_set(err, errno, "pipe");
	rd = p[0];
	pid = fork();
	if (pid < 0) {
		close(p[1]);
		return err_set(err, errno, "fork");
	}
	if (pid == 0) {
		dup2(p[1], STDOUT_FILENO);
		dup2(p[1], STDERR_FILENO);
		execl(criu, criu, "check", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	if (fd_read_fd(rd, CRIU_OUTPUT_MAX, &out, NULL, err) < 0) {
		killp(&pid);
		return err_prefix(err, "read `criu check` output");
	}
	status = wait_child(pid);
	if (status == 0)
		return 0;
	kernel_release(rel, sizeof(rel));
	why = silo_criu_first_error(out);
	if (status == 127)
		return err_set(err, 0, "cannot execute criu `%s`", criu);
	/* The one known cause on current kernels deserves a hint. */
	return err_set(err, 0, "CRIU cannot checkpoint/restore on this kernel (Linux %s): `%s check` "
			       "failed: %s%s", rel, criu, why ? why : "no reason given",
		       why && strstr(why, "vDSO area bounds")
			       ? " (x86 Linux >= 6.13 moved vDSO data pages into [vvar_vclock], "
				 "which CRIU < 4.1 does not know)"
			       : "");
}

/* Options shared by dump and restore; `log` is relative to the work dir. */
static void common_args(struct silo_criu_args *a, const struct silo_criu_opts *o,
			const char *verb, const char *log)
{
	static const struct {
		unsigned flag;
		const char *opt;
	} flag_opts[] = {
		{ SILO_CRIU_TCP_ESTABLISHED, "--tcp-established" },
		{ SILO_CRIU_EXT_UNIX_SK, "--ext-unix-sk" },
		{ SILO_CRIU_SHELL_JOB, "--shell-job" },
		{ SILO_CRIU_FILE_LOCKS, "--file-locks" },
		{ SILO_CRIU_AUTO_DEDUP, "--auto-dedup" },
	};

	silo_criu_args_add(a, o->criu);
	silo_criu_args_add(a, verb);
	silo_criu_args_addf(a, "--images-dir=%s", o->image_path);
	silo_criu_args_addf(a, "--work-dir=%s", o->work_path);
	silo_criu_args_addf(a, "--log-file=%s", log);
	silo_criu_args_add(a, CRIU_LOG_LEVEL);
	for (size_t i = 0; i < sizeof(flag_opts) / sizeof(flag_opts[0]); i++)
		if (o->flags & flag_opts[i].flag)
			silo_criu_args_add(a, flag_opts[i].opt);
	silo_criu_args_addf(a, "--manage-cgroups=%s",
			    o->manage_cgroups_mode ? o->manage_cgroups_mode : "soft");
	for (size_t i = 0; i < o->extra.n; i++)
		silo_criu_args_add(a, o->extra.v[i]);
}

/* A failed run: criu's first error line from its log, and where the log is. */
static int criu_failed(const struct silo_criu_opts *o, const char *verb, const char *log,
		       int status, struct error *err)
{
	autofree char *path = xasprintf("%s/%s", o->work_path, log);
	autofree char *text = NULL, *why = NULL;
	struct error ignored;

	if (fd_read_file_at(AT_FDCWD, path, CRIU_OUTPUT_MAX, &text, NULL, &ignored) == 0)
		why = silo_criu_first_error(text);
	if (status == 127)
		return err_set(err, 0, "cannot execute criu `%s`", o->criu);
	return err_set(err, 0, "criu %s failed (status %d): %s (log: `%s`)", verb, status,
		       why ? why : "no error in the log", path);
}

int silo_criu_dump(const struct silo_criu_opts *o, pid_t pid, struct error *err)
{
	struct silo_criu_args a = { 0 };
	bool pre = o->flags & SILO_CRIU_PRE_DUMP;
	const char *verb = pre ? "pre-dump" : "dump";
	const char *log = pre ? "pre-dump.log" : "dump.log";
	pid_t child;
	int status;

	common_args(&a, o, verb, log);
	silo_criu_args_addf(&a, "--tree=%d", (int)pid);
	if (o->parent_path)
		silo_criu_args_addf(&a, "--prev-images-dir=%s", o->parent_path);
	if (pre || o->parent_path)
		silo_criu_args_add(&a, "--track-mem"); /* what makes the next dump incremental */
	if (!pre && (o->flags & SILO_CRIU_LEAVE_RUNNING))
		silo_criu_args_add(&a, "--leave-running");
	child = fork();
	if (child < 0) {
		silo_criu_args_free(&a);
		return err_set(err, errno, "fork");
	}
	if (child == 0) {
		execv(o->criu, a.v);
		_exit(127);
	}
	silo_criu_args_free(&a);
	status = wait_child(child);
	return status == 0 ? 0 : criu_failed(o, verb, log, status, err);
}

/* In the criu child: wait for the parent's go (the cgroup root, possibly empty), make
 * the rootfs a mount point in a private mount namespace, exec criu. Never returns. */
static void restore_child(const struct silo_criu_opts *o, const struct silo_criu_restore *r,
			  struct silo_criu_args *a, int go)
{
	char cg[4096];
	ssize_t n = read(go, cg, sizeof(cg) - 1);

	if (n <= 0)
		_exit(126); /* the parent gave up */
	cg[n] = '\0';
	if (cg[0])
		silo_criu_args_addf(a, "--cgroup-root=%s", cg);
	for (size_t i = 0; i < r->n_keep_fds; i++)
		fd_set_cloexec(r->keep_fds[i], 0);
	/* criu restores into `--root`, which must be a mount point; bind it onto itself
	 * where nobody else sees it (slave: the host's later unmounts still reach us). */
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0 ||
	    mount(r->root, r->root, NULL, MS_BIND | MS_REC, NULL) < 0) {
		fprintf(stderr, "silo: restore: bind rootfs `%s`: %s\n", r->root, strerror(errno));
		_exit(125);
	}
	execv(o->criu, a->v);
	_exit(127);
}

static int read_restored_pid(const char *path, pid_t *ret, struct error *err)
{
	autofree char *s = NULL;
	char *end;
	long v;

	if (fd_read_file_at(AT_FDCWD, path, 64, &s, NULL, err) < 0)
		return err_prefix(err, "criu pid file");
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || (*end && *end != '\n') || v <= 0 || v > 4194304)
		return err_set(err, 0, "criu pid file `%s`: invalid pid `%s`", path, s);
	*ret = (pid_t)v;
	return 0;
}

int silo_criu_restore(const struct silo_criu_opts *o, const struct silo_criu_restore *r,
		      pid_t *ret_pid, struct error *err)
{
	struct silo_criu_args a = { 0 };
	autofree char *cg = NULL;
	autoclose int wr = -1;
	int p[2], status;
	pid_t child;

	common_args(&a, o, "restore", "restore.log");
	silo_criu_args_addf(&a, "--root=%s", r->root);
	silo_criu_args_add(&a, "--restore-detached");
	silo_criu_args_add(&a, "--restore-sibling"); /* the init becomes our child, then our subreaper's */
	silo_criu_args_addf(&a, "--pidfile=%s", r->pid_file);
	if (o->lsm_profile)
		silo_criu_args_addf(&a, "--lsm-profile=%s", o->lsm_profile);
	if (o->lsm_mount_context)
		silo_criu_args_addf(&a, "--lsm-mount-context=%s", o->lsm_mount_context);
	if (pipe2(p, O_CLOEXEC) < 0) {
		silo_criu_args_free(&a);
		return err_set(err, errno, "pipe");
	}
	wr = p[1];
	child = fork();
	if (child == 0) {
		close(wr);
		restore_child(o, r, &a, p[0]);
	}
	close(p[0]);
	silo_criu_args_free(&a);
	if (child < 0)
		return err_set(err, errno, "fork");
	if (r->enter && r->enter(r->enter_data, child, &cg, err) < 0) {
		killp(&child);
		return -1;
	}
	/* the go message: the cgroup root with its NUL, so "" still says go */
	if (fd_write_all(wr, cg ? cg : "", cg ? strlen(cg) + 1 : 1, err) < 0) {
		killp(&child);
		return err_prefix(err, "start criu");
	}
	closep(&wr);
	status = wait_child(child);
	if (status != 0)
		return criu_failed(o, "restore", "restore.log", status, err);
	return read_restored_pid(r->pid_file, ret_pid, err);
}
