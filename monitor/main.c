/* SPDX-License-Identifier: GPL-2.0-or-later */
/* silomon entry point: conmon-compatible command line, validation, start fd, daemonizing, and
 * the run/finish sequence around the glib main loop. Only main() ends the process. */
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <glib-unix.h>

#include "attach.h"
#include "ctl.h"
#include "exit.h"
#include "log.h"
#include "mon_stdio.h"
#include "notify.h"
#include "oom.h"
#include "reap.h"
#include "spawn.h"
#include "state.h"

#ifndef SILO_VERSION
#define SILO_VERSION "0.1.0"
#endif
#ifndef SILO_COMMIT
#define SILO_COMMIT "unknown"
#endif
/* The conmon feature level we implement; engines gate features on it (spec 1.1). */
#define CONMON_COMPAT_VERSION "2.1.12"

static struct mon_opts arg_opts = { .log_size_max = -1, .log_global_size_max = -1, .log_max_files = 1 };

#define S(l, s, v, d) { l, s, 0, G_OPTION_ARG_STRING, &arg_opts.v, d, NULL }
#define SA(l, s, v, d) { l, s, 0, G_OPTION_ARG_STRING_ARRAY, &arg_opts.v, d, NULL }
#define B(l, s, v, d) { l, s, 0, G_OPTION_ARG_NONE, &arg_opts.v, d, NULL }
#define BH(l, v) { l, 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &arg_opts.v, NULL, NULL }
static GOptionEntry arg_entries[] = {
	B("api-version", 0, api_version, "Use the modern sync protocol (key `data`)"),
	S("bundle", 'b', bundle, "OCI bundle directory"),
	S("cid", 'c', cid, "Container ID"),
	S("conmon-pidfile", 'P', conmon_pidfile, "PID file for the monitor"),
	S("container-pidfile", 'p', container_pidfile, "PID file for the container (runtime --pid-file)"),
	{ "pidfile", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &arg_opts.container_pidfile, NULL, NULL },
	S("cuuid", 'u', cuuid, "Container UUID"),
	B("exec", 'e', exec, "Exec a process in a running container"),
	B("exec-attach", 0, exec_attach, "Attach handshake over _OCI_ATTACHPIPE (exec)"),
	S("exec-process-spec", 0, exec_process_spec, "Path to the process spec for exec"),
	S("exit-command", 0, exit_command, "Command to run when the monitor finishes"),
	SA("exit-command-arg", 0, exit_command_args, "Argument for the exit command (repeatable)"),
	{ "exit-delay", 0, 0, G_OPTION_ARG_INT, &arg_opts.exit_delay, "Seconds before the exit command", NULL },
	S("exit-dir", 0, exit_dir, "Directory for the exit file"),
	B("leave-stdin-open", 0, leave_stdin_open, "Keep stdin open when an attach client ends its input"),
	S("log-level", 0, log_level, "error, warn, info, debug or trace"),
	SA("log-path", 'l', log_paths, "Log driver: k8s-file:PATH, journald, passthrough, none"),
	{ "log-size-max", 0, 0, G_OPTION_ARG_INT64, &arg_opts.log_size_max, "Max k8s-file log size", NULL },
	{ "log-global-size-max", 0, 0, G_OPTION_ARG_INT64, &arg_opts.log_global_size_max,
	  "Stop logging after this many bytes", NULL },
	S("log-tag", 0, log_tag, "journald CONTAINER_TAG"),
	SA("log-label", 0, log_labels, "journald field KEY=VALUE (repeatable)"),
	SA("log-allowlist-dir", 0, log_allowlist_dirs, "Refuse k8s-file paths outside these directories"),
	B("log-rotate", 0, log_rotate, "Keep --log-max-files backups instead of truncating"),
	{ "log-max-files", 0, 0, G_OPTION_ARG_INT, &arg_opts.log_max_files, "Backups kept by --log-rotate", NULL },
	B("no-container-partial-message", 0, no_container_partial_message, "journald: no partial field"),
	S("name", 'n', name, "Container name"),
	B("no-new-keyring", 0, no_new_keyring, "Pass --no-new-keyring to the runtime"),
	B("no-pivot", 0, no_pivot, "Pass --no-pivot to the runtime"),
	B("no-sync-log", 0, no_sync_log, "Do not fsync the log at exit"),
	S("persist-dir", '0', persist_dir, "Directory for the exit and oom files"),
	B("replace-listen-pid", 0, replace_listen_pid, "Rewrite LISTEN_PID for the runtime"),
	S("restore", 0, restore, "Restore from this checkpoint directory"),
	SA("restore-arg", 0, restore_args, NULL),
	S("runtime", 'r', runtime, "Path to the OCI runtime"),
	SA("runtime-arg", 0, runtime_args, "Global runtime argument (repeatable)"),
	SA("runtime-opt", 0, runtime_opts, "Subcommand runtime option (repeatable)"),
	S("sdnotify-socket", 0, sdnotify_socket, "Relay sd-notify messages to this socket"),
	S("socket-dir-path", 0, socket_dir_path, "Directory for the attach symlink"),
	B("stdin", 'i', stdin, "Open a stdin pipe for the container"),
	B("sync", 0, sync, "Do not daemonize"),
	B("syslog", 0, syslog, "Also log diagnostics to syslog"),
	B("systemd-cgroup", 's', systemd_cgroup, "Pass --systemd-cgroup to the runtime"),
	B("terminal", 't', terminal, "Allocate a pseudo-TTY"),
	{ "timeout", 'T', 0, G_OPTION_ARG_INT, &arg_opts.timeout, "Kill the container after N seconds", NULL },
	B("version", 0, version, "Print the version and exit"),
	B("full-attach", 0, full_attach, "Put the attach socket at <bundle>/attach"),
	S("seccomp-notify-socket", 0, seccomp_notify_socket, "Not supported; accepted and ignored"),
	S("seccomp-notify-plugins", 0, seccomp_notify_plugins, "Not supported; accepted and ignored"),
	{ NULL, 0, 0, 0, NULL, NULL, NULL },
};

static int usage_error(const char *msg)
{
	fprintf(stderr, "[conmon:e]: %s\n", msg);
	return 1;
}

/* 1.1/1.2 validation; returns an error text or NULL. */
static const char *validate(struct mon_opts *o)
{
	if (!o->cid)
		return "Container ID not provided. Use --cid";
	if (!o->exec && !o->cuuid)
		return "Container UUID not provided. Use --cuuid";
	if (o->exec && o->api_version && !o->cuuid)
		return "Container UUID not provided. Use --cuuid";
	if (!o->runtime)
		return "Runtime path not provided. Use --runtime";
	if (access(o->runtime, X_OK) < 0)
		return NULL; /* reported with the path by the caller */
	if (o->exec && !o->exec_process_spec)
		return "Exec process spec path not provided. Use --exec-process-spec";
	if (o->exec && o->restore)
		return "Cannot use 'exec' and 'restore' at the same time";
	if (o->exec_attach && !o->exec)
		return "Attach can only be specified with exec";
	if (o->exec_attach && !o->api_version)
		return "Attach can only be specified for a non-legacy exec session";
	if (o->exit_delay < 0)
		return "Delay before invoking exit command must be greater than or equal to 0";
	if (!o->log_paths || !o->log_paths[0])
		return "Log driver not provided. Use --log-path";
	if (o->timeout < 0)
		return "Timeout must be greater than or equal to 0";
	return NULL;
}

static int parse_args(int argc, char **argv)
{
	g_autoptr(GOptionContext) ctx = g_option_context_new("- conmon-compatible container monitor");
	g_autoptr(GError) gerr = NULL;
	enum mon_level level = MON_LOG_WARN;
	const char *msg;

	g_option_context_add_main_entries(ctx, arg_entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &gerr)) {
		fprintf(stderr, "conmon: option parsing failed: %s\n", gerr->message);
		return 1;
	}
	if (arg_opts.version) {
		printf("conmon version " CONMON_COMPAT_VERSION "\ncommit: " SILO_COMMIT
		       "\nsilomon version " SILO_VERSION "\n");
		exit(0);
	}
	if (arg_opts.log_level && mon_log_parse_level(arg_opts.log_level, &level) < 0) {
		fprintf(stderr, "[conmon:e]: No such log level %s\n", arg_opts.log_level);
		return 1;
	}
	mon_log_setup(level, arg_opts.syslog, arg_opts.cid, arg_opts.log_tag);
	if (arg_opts.seccomp_notify_socket)
		mon_warn("--seccomp-notify-socket is not supported by silomon, ignoring");
	if (arg_opts.restore_args && !arg_opts.runtime_opts) /* deprecated alias */
		arg_opts.runtime_opts = g_strdupv(arg_opts.restore_args);
	msg = validate(&arg_opts);
	if (msg)
		return usage_error(msg);
	if (access(arg_opts.runtime, X_OK) < 0) {
		fprintf(stderr, "[conmon:e]: Runtime path %s is not valid: %s\n", arg_opts.runtime,
			strerror(errno));
		return 1;
	}
	return 0;
}

static int env_fd(const char *name, int *ret)
{
	const char *v = getenv(name);
	int64_t n;

	*ret = -1;
	if (!v)
		return 0;
	if (parse_int64(v, &n) < 0 || n < 0 || n > INT32_MAX) {
		fprintf(stderr, "[conmon:e]: unable to parse %s=%s\n", name, v);
		return -1;
	}
	*ret = (int)n;
	if (fd_set_cloexec(*ret, true) < 0) {
		fprintf(stderr, "[conmon:e]: %s=%d: %s\n", name, *ret, strerror(errno));
		return -1;
	}
	return 0;
}

/* Remember the fds open at start-up except 0-2 and the protocol fds (spec 2.1). */
static GArray *record_inherited_fds(const struct monitor *m)
{
	GArray *fds = g_array_new(FALSE, FALSE, sizeof(int));
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;

	if (!d)
		return fds;
	while ((de = readdir(d))) {
		int64_t n;
		if (parse_int64(de->d_name, &n) < 0 || n < 3 || n == dirfd(d))
			continue;
		if (n == m->sync_fd || n == m->start_fd || n == m->attach_pipe_fd)
			continue;
		int fd = (int)n;
		g_array_append_val(fds, fd);
	}
	closedir(d);
	return fds;
}

static int read_oom_score_adj(void)
{
	g_autofree char *s = NULL;
	struct error err;
	int64_t v;

	s = file_read_small("/proc/self/oom_score_adj", 32, &err);
	if (!s)
		return 0;
	g_strchomp(s);
	return parse_int64(s, &v) < 0 ? 0 : (int)v;
}

static void write_oom_score_adj(const char *val)
{
	if (mon_set_oom_score_adj(val) < 0)
		mon_debug("set oom_score_adj %s: %s, ignoring", val, strerror(errno));
}

/* 2.2: block until the engine says go (any data or EOF). */
static int wait_start(int fd)
{
	char buf[8192];
	ssize_t n;

	if (fd < 0)
		return 0;
	do
		n = read(fd, buf, sizeof(buf));
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		mon_err("read start fd %d: %s", fd, strerror(errno));
		return -1;
	}
	return 0;
}

/* Until the runtime child exists there is nothing to forward to: SIGTERM just ends us with
 * status 1 (spec 3.6). _exit is async-signal-safe; g_unix_signal_add replaces this later. */
static void early_term(int sig)
{
	_exit(1);
}

static gboolean on_term_signal(gpointer data)
{
	mon_reap_forward_signal(data, SIGTERM);
	return G_SOURCE_CONTINUE;
}

static gboolean on_int_signal(gpointer data)
{
	mon_reap_forward_signal(data, SIGINT);
	return G_SOURCE_CONTINUE;
}

static gboolean on_hup_signal(gpointer data)
{
	mon_reap_forward_signal(data, SIGHUP);
	return G_SOURCE_CONTINUE;
}

static void redirect_stdio(int devnull)
{
	for (int fd = 0; fd < 3; fd++)
		if (dup2(devnull, fd) < 0)
			mon_warn("redirect fd %d to /dev/null: %s", fd, strerror(errno));
}

/* Steps 11-15 of spec 3.1: plumbing, attach socket + FIFOs, runtime child. */
static int setup_and_spawn(struct monitor *m, struct error *err)
{
	const struct mon_opts *o = m->opts;
	bool passthrough = mon_log_is_passthrough(m->log);

	if (mon_reap_setup(m, err) < 0 || mon_spawn_prepare_stdio(m, err) < 0)
		return -1;
	if (o->bundle && !passthrough) {
		if (mon_attach_setup(m, err) < 0 || mon_ctl_setup(m, err) < 0)
			return -1;
	}
	mon_notify_setup(m);
	if (o->exec_attach)
		mon_sync_send(m, &m->attach_pipe_fd, 0, NULL);
	if (mon_spawn_runtime(m, err) < 0)
		return -1;
	m->exit_command_armed = true;
	mon_timeout_arm(m); /* a runtime hanging in create is killed after -T seconds too */
	if (passthrough)
		redirect_stdio(m->devnull);
	fd_clear(&m->start_fd);
	m->signal_sources[0] = g_unix_signal_add(SIGTERM, on_term_signal, m);
	m->signal_sources[1] = g_unix_signal_add(SIGINT, on_int_signal, m);
	m->signal_sources[2] = g_unix_signal_add(SIGHUP, on_hup_signal, m);
	return 0;
}

static void close_inherited_fds(struct monitor *m)
{
	for (guint i = 0; i < m->inherited_fds->len; i++)
		close(g_array_index(m->inherited_fds, int, i));
	g_array_set_size(m->inherited_fds, 0);
}

/* Spec 3.4, in order. Returns the process exit status. */
static int finish(struct monitor *m)
{
	char buf[1200];

	if (m->failed) {
		mon_err("%s", err_str(&m->fatal, buf, sizeof(buf)));
		if (m->runtime_err && m->runtime_err->len)
			mon_sync_send(m, &m->sync_fd, -1, m->runtime_err->str);
		else
			mon_sync_send(m, &m->sync_fd, -1, err_str(&m->fatal, buf, sizeof(buf)));
		mon_reap_cleanup(m);
		mon_attach_close(m);
		mon_attach_unlink(m);
		close_inherited_fds(m);
		return 1;
	}
	mon_oom_final_check(m);
	mon_attach_accept_pending(m); /* connected before the last output, not yet accepted */
	if (!m->timed_out)
		mon_stdio_drain(m);
	mon_log_finish(m->log);
	mon_transition(m, EV_DRAINED);
	mon_reap_cleanup(m);
	close_inherited_fds(m);
	mon_attach_close(m);
	mon_exit_write_files(m);
	if (m->opts->exec)
		mon_sync_send(m, &m->sync_fd, m->exit_status, m->timed_out ? "command timed out" : NULL);
	mon_attach_unlink(m);
	return m->exit_status;
}

static int run(struct monitor *m)
{
	struct error err = { 0 };
	int status;

	m->loop = g_main_loop_new(NULL, FALSE);
	if (setup_and_spawn(m, &err) < 0) {
		mon_fail(m, &err);
	} else {
		g_main_loop_run(m->loop);
	}
	status = finish(m);
	fd_clear(&m->attach_pipe_fd);
	mon_ctl_free(m);
	mon_notify_free(m);
	mon_stdio_close(m);
	mon_oom_free(m);
	mon_spawn_cleanup(m);
	if (m->exit_command_armed && m->opts->exit_command)
		mon_exit_run_command(m);
	else
		mon_exit_reap_strays();
	/* the engine sees EOF only once everything, exit command included, is done */
	fd_clear(&m->sync_fd);
	return status;
}

static void monitor_init(struct monitor *m, const struct mon_opts *o)
{
	memset(m, 0, sizeof(*m));
	m->opts = o;
	m->sync_fd = m->start_fd = m->attach_pipe_fd = m->devnull = -1;
	m->init_pidfd = m->sigchld_fd = m->stdin_fd = m->console_listen_fd = m->pty_fd = -1;
	m->notify_fd = -1;
	m->child_fds[0] = m->child_fds[1] = m->child_fds[2] = -1;
	m->out[0] = (struct mon_output){ .fd = -1, .stream = STREAM_STDOUT };
	m->out[1] = (struct mon_output){ .fd = -1, .stream = STREAM_STDERR };
	m->exit_status = -1;
	m->runtime_status = -1;
	m->early_exits = g_hash_table_new(g_direct_hash, g_direct_equal);
	m->stdin_buf = g_byte_array_new();
	m->runtime_err = g_string_new(NULL);
	if (o->container_pidfile) {
		m->pidfile = g_strdup(o->container_pidfile);
	} else {
		g_autofree char *cwd = g_get_current_dir();
		m->pidfile = g_strdup_printf("%s/pidfile-%s", cwd, o->cid);
	}
}

static void monitor_free(struct monitor *m)
{
	mon_log_free(m->log);
	g_clear_pointer(&m->loop, g_main_loop_unref);
	g_clear_pointer(&m->inherited_fds, g_array_unref);
	g_clear_pointer(&m->early_exits, g_hash_table_unref);
	g_byte_array_unref(m->stdin_buf);
	g_string_free(m->runtime_err, TRUE);
	g_free(m->pidfile);
	fd_clear(&m->devnull);
}

static int check_env(struct monitor *m)
{
	const char *lp = getenv("LISTEN_PID");
	int64_t v;

	if (env_fd("_OCI_SYNCPIPE", &m->sync_fd) < 0 || env_fd("_OCI_STARTPIPE", &m->start_fd) < 0)
		return -1;
	if (m->opts->exec_attach) {
		if (env_fd("_OCI_ATTACHPIPE", &m->attach_pipe_fd) < 0)
			return -1;
		if (m->attach_pipe_fd < 0)
			return usage_error("--attach specified but _OCI_ATTACHPIPE was not");
	}
	if (lp && (parse_int64(lp, &v) < 0 || v <= 0 || v > INT32_MAX)) {
		fprintf(stderr, "[conmon:e]: Invalid LISTEN_PID %s\n", lp);
		return -1;
	}
	return 0;
}

/* Step 6: the first process writes the monitor's PID file and leaves. */
static void daemonize(const struct mon_opts *o)
{
	struct error err;
	char pid[32];
	pid_t child;

	if (o->sync) {
		if (o->conmon_pidfile) {
			int n = snprintf(pid, sizeof(pid), "%d", getpid());
			if (file_write_atomic(o->conmon_pidfile, pid, (size_t)n, &err) < 0)
				mon_warn("%s", err.msg);
		}
		return;
	}
	child = fork();
	if (child < 0) {
		fprintf(stderr, "[conmon:e]: fork: %s\n", strerror(errno));
		_exit(1);
	}
	if (child > 0) {
		int n = snprintf(pid, sizeof(pid), "%d", child);
		int rc = 0;
		if (o->conmon_pidfile && file_write_atomic(o->conmon_pidfile, pid, (size_t)n, &err) < 0) {
			fprintf(stderr, "[conmon:e]: %s: %s\n", err.msg, strerror(err.errnum));
			kill(child, SIGKILL);
			rc = 1;
		}
		_exit(rc);
	}
}

int main(int argc, char **argv)
{
	struct monitor m;
	sigset_t set;
	int rc;

	umask(022);
	/* Blocked before any glib call so glib's helper threads inherit the mask (style 1). */
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGQUIT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, early_term);
	/* glib's signal thread would get a malloc arena of its own: one arena is plenty for a
	 * process that mostly sleeps, and keeps an idle monitor's private memory small. */
	mallopt(M_ARENA_MAX, 1);

	rc = parse_args(argc, argv);
	if (rc)
		return rc;
	monitor_init(&m, &arg_opts);
	rc = 1;
	if (check_env(&m) < 0)
		goto out;
	m.inherited_fds = record_inherited_fds(&m);
	{
		struct error err = { 0 };
		char buf[1200];
		m.log = mon_log_new(&arg_opts, &err);
		if (!m.log) {
			fprintf(stderr, "[conmon:e]: %s\n", err_str(&err, buf, sizeof(buf)));
			goto out;
		}
	}
	m.orig_oom_score_adj = read_oom_score_adj();
	write_oom_score_adj("-1000");
	if (wait_start(m.start_fd) < 0)
		goto out;
	if (!arg_opts.exec_attach)
		fd_clear(&m.start_fd);
	m.devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (m.devnull < 0) {
		fprintf(stderr, "[conmon:e]: open /dev/null: %s\n", strerror(errno));
		goto out;
	}
	daemonize(&arg_opts);
	if (!mon_log_is_passthrough(m.log))
		redirect_stdio(m.devnull);
	if (setsid() < 0 && !arg_opts.sync)
		mon_warn("setsid: %s", strerror(errno));
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		mon_err("prctl(PR_SET_CHILD_SUBREAPER): %s", strerror(errno));
		mon_sync_send(&m, &m.sync_fd, -1, "failed to become a child subreaper");
		goto out;
	}
	rc = run(&m);
out:
	monitor_free(&m);
	mon_log_close();
	return rc & 0xff;
}
