/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Driving the `criu` binary (CLI, not RPC): finding it, checking that it can run on
 * this kernel, and one dump or restore run with its log read back for errors. Takes
 * plain arguments, never the container. */
#ifndef SILO_CRIU_H
#define SILO_CRIU_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct error;

enum silo_criu_flags {
	SILO_CRIU_LEAVE_RUNNING = 1 << 0,
	SILO_CRIU_TCP_ESTABLISHED = 1 << 1,
	SILO_CRIU_EXT_UNIX_SK = 1 << 2,
	SILO_CRIU_SHELL_JOB = 1 << 3,
	SILO_CRIU_FILE_LOCKS = 1 << 4,
	SILO_CRIU_PRE_DUMP = 1 << 5,
	SILO_CRIU_AUTO_DEDUP = 1 << 6,
};

/* A growable NULL-terminated argument vector. */
struct silo_criu_args {
	char **v;
	size_t n, cap;
};
void silo_criu_args_add(struct silo_criu_args *a, const char *s);
void silo_criu_args_addf(struct silo_criu_args *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void silo_criu_args_free(struct silo_criu_args *a);

/* What both dump and restore take. */
struct silo_criu_opts {
	const char *criu;          /* path from silo_criu_find() */
	const char *image_path;    /* images dir (exists) */
	const char *work_path;     /* logs and stats (exists) */
	const char *parent_path;   /* dump: previous (pre-dump) images, relative to image_path */
	const char *manage_cgroups_mode; /* soft, full, strict or ignore; NULL = soft */
	const char *lsm_profile;   /* restore: TYPE:NAME */
	const char *lsm_mount_context;
	unsigned flags;            /* enum silo_criu_flags */
	struct silo_criu_args extra; /* --ext-mount-map, --external, --inherit-fd, ... */
};

/* The criu binary: `arg` (--criu) if given, else `criu` on $PATH, else /usr/sbin/criu.
 * Fails with "criu is not installed" and the places looked at. */
int silo_criu_find(const char *arg, char **ret_path, struct error *err);
/* Run `criu check`: fails, naming the reason criu gives (first error line), when criu
 * cannot work on this kernel, e.g. CRIU < 4.1 on x86 Linux >= 6.13 (vvar_vclock). */
int silo_criu_check(const char *criu, struct error *err);
/* The first line of criu's output or log that reports an error, without criu's
 * "(hh.mmmmmm) Error (file:line): " prefix (malloc'd); NULL if none. */
char *silo_criu_first_error(const char *text);
/* Whether `mode` is a --manage-cgroups-mode criu knows. */
bool silo_criu_cgroups_mode_valid(const char *mode);

/* criu dump (or pre-dump) of the process tree rooted at `pid`. */
int silo_criu_dump(const struct silo_criu_opts *o, pid_t pid, struct error *err);

/* criu restore --restore-detached in a private mount namespace where `root` (the rootfs)
 * is a mount point, as criu requires. Before exec, the parent calls `enter(enter_data,
 * criu pid)`, which puts the criu process in the container cgroup (so the restored tree
 * starts there) and returns the path to pass as --cgroup-root ("" for none). `keep_fds`
 * stay open in criu (for --inherit-fd). *ret_pid: the restored init. */
struct silo_criu_restore {
	const char *root;
	int (*enter)(void *data, pid_t pid, char **ret_cgroup_root, struct error *err);
	void *enter_data;
	const char *pid_file;      /* where criu writes the restored init's pid (absolute) */
	const int *keep_fds;
	size_t n_keep_fds;
};
int silo_criu_restore(const struct silo_criu_opts *o, const struct silo_criu_restore *r,
		      pid_t *ret_pid, struct error *err);

#endif
