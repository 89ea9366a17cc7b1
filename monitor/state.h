/* SPDX-License-Identifier: GPL-2.0-or-later */
/* silomon state: the options, struct monitor (user_data of every glib source), the lifecycle
 * states and events, and mon_transition(), the only writer of m->state. */
#ifndef SILOMON_STATE_H
#define SILOMON_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <glib.h>

#include "util.h"

#define MON_STDIO_BUF 8192	 /* max bytes of a log record's content = attach payload */
#define MON_STDIO_BURST (1024 * 1024) /* max bytes per read while output streams (stdio.c) */
#define MON_STDIN_MAX (64 * 1024) /* input buffered for the container before back-pressure */

enum mon_state {
	MON_SPAWNING, /* runtime child running */
	MON_RUNNING,  /* container/exec PID known and reported */
	MON_DRAINING, /* container reaped; collecting the remaining output */
	MON_DONE,     /* main loop quit; main() writes exit files */
};

enum mon_event {
	EV_RUNTIME_EXITED, /* m->runtime_status holds the wait status */
	EV_CONTAINER_EXITED,
	EV_TIMEOUT,
	EV_FATAL,   /* m->fatal is set */
	EV_DRAINED, /* main() collected the remaining output */
};

enum mon_stream { STREAM_STDOUT = 2, STREAM_STDERR = 3 };

/* Command-line options, exactly as parsed (main.c fills them in). */
struct mon_opts {
	char *cid, *cuuid, *bundle, *runtime, *conmon_pidfile, *container_pidfile, *name;
	char *exit_dir, *persist_dir, *restore, *exec_process_spec, *exit_command, *log_tag;
	char *log_level, *socket_dir_path, *sdnotify_socket, *seccomp_notify_socket;
	char *seccomp_notify_plugins;
	char **runtime_args, **runtime_opts, **restore_args, **exit_command_args, **log_paths;
	char **log_labels, **log_allowlist_dirs;
	gboolean api_version, exec, exec_attach, leave_stdin_open, no_new_keyring, no_pivot;
	gboolean no_sync_log, replace_listen_pid, stdin, sync, syslog, systemd_cgroup, terminal;
	gboolean full_attach, version, no_container_partial_message, log_rotate;
	gint exit_delay, timeout, log_max_files;
	gint64 log_size_max, log_global_size_max;
};

struct mon_log;	   /* log.c */
struct mon_attach; /* attach.c */
struct mon_oom;	   /* oom.c */
struct mon_ctl;	   /* ctl.c */

struct mon_output {
	int fd; /* read end (pipe) or pty master; -1 once closed */
	guint source; /* fd watch, or the tick timer while streaming */
	enum mon_stream stream;
	bool streaming;	    /* read on a timer tick, not on every wake-up (stdio.c) */
	int pipe_size;	    /* the pipe's size before streaming enlarged it, else 0 */
	gint64 rate_start;  /* start of the current rate window (monotonic us) */
	size_t rate_bytes;  /* bytes read in it */
	unsigned rate_reads; /* reads in it */
	guint64 reads, bytes; /* totals, reported at debug level when the fd closes */
};

struct monitor {
	GMainLoop *loop;
	enum mon_state state;
	const struct mon_opts *opts;
	char *pidfile; /* --container-pidfile or its default */

	int sync_fd, start_fd, attach_pipe_fd; /* engine protocol fds, -1 when absent/gone */
	int devnull;
	GArray *inherited_fds; /* fds open at start-up, closed before the exit files */
	int orig_oom_score_adj;

	pid_t runtime_pid, init_pid; /* init_pid: container or exec process */
	int init_pidfd, sigchld_fd;
	guint sigchld_source, pidfd_source, timeout_source, signal_sources[3];
	int runtime_status;	/* wait status of the runtime child */
	int exit_status;	/* -1 until known */
	bool init_reaped, timed_out, runtime_reaped;
	GHashTable *early_exits; /* pid -> wait status of children reaped before init_pid was known */
	GString *runtime_err;	 /* runtime stderr text collected on failure */

	/* stdio */
	int child_fds[3]; /* runtime child's stdin/stdout/stderr until it is forked */
	struct mon_output out[2]; /* [0] stdout or pty, [1] stderr */
	int stdin_fd;		  /* pipe write end or pty master dup; -1 if none */
	guint stdin_source;
	GByteArray *stdin_buf; /* pending input for the container */
	bool stdin_close_pending;
	bool output_paused; /* an attach client is behind: container output not read */
	char *burst;	    /* MON_STDIO_BURST bytes while output streams, else NULL (stdio.c) */
	bool burst_used;    /* read into since the last idle check */
	guint burst_timer;
	int console_listen_fd;
	char *console_path;
	guint console_source;
	int pty_fd; /* pty master (same as out[0].fd) or -1 */
	unsigned short pending_rows, pending_cols;

	struct mon_log *log;
	struct mon_attach *attach;
	struct mon_oom *oom;
	struct mon_ctl *ctl;
	char *attach_symlink; /* <socket-dir-path>/<cuuid>, removed at exit */
	char *attach_path;
	int notify_fd; /* sd-notify proxy socket or -1 */
	guint notify_source;

	struct error fatal; /* set => quit; main() reports it */
	bool failed;
	bool exit_command_armed; /* set once the runtime child exists (3.8) */
};

void mon_transition(struct monitor *m, enum mon_event ev);
/* Record a fatal error (first one wins) and move towards DONE. */
void mon_fail(struct monitor *m, const struct error *err);
const char *mon_state_name(enum mon_state s);

#endif
