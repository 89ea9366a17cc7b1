/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The init's individual setup steps: UTS names, sysctls through a verified procfs,
 * oom score, session, limits, cwd, environment, credentials, seccomp loading. */
#include "init_steps.h"

#include "pathres.h"
#include "process.h"
#include "seccomp.h"
#include "spec.h"
#include "state.h"
#include "terminal.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/fdutil.h"
#include "util/log.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/keyctl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

int silo_init_uts(const struct silo_init_config *c, struct error *err)
{
	const struct silo_spec *s = c->spec;

	if ((s->hostname || s->domainname) && !s->linux.namespaces[SILO_NS_UTS].present)
		return err_set(err, 0, "hostname/domainname need a private uts namespace");
	if (s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0)
		return err_set(err, errno, "set hostname `%s`", s->hostname);
	if (s->domainname && setdomainname(s->domainname, strlen(s->domainname)) < 0)
		return err_set(err, errno, "set domainname `%s`", s->domainname);
	return 0;
}

static bool sysctl_allowed(const struct silo_spec *s, const char *key, const char **why)
{
	static const char *const ipc_exact[] = { "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",
						 "kernel.sem", "kernel.shmall", "kernel.shmmax",
						 "kernel.shmmni", "kernel.shm_rmid_forced" };
	const struct silo_namespace *ns = s->linux.namespaces;

	for (size_t i = 0; i < sizeof(ipc_exact) / sizeof(ipc_exact[0]); i++) {
		if (!strcmp(key, ipc_exact[i])) {
			*why = "a private ipc namespace";
			return ns[SILO_NS_IPC].present && !ns[SILO_NS_IPC].path;
		}
	}
	if (!strncmp(key, "fs.mqueue.", 10)) {
		*why = "a private ipc namespace";
		return ns[SILO_NS_IPC].present && !ns[SILO_NS_IPC].path;
	}
	if (!strncmp(key, "net.", 4)) {
		*why = "a private network namespace";
		return ns[SILO_NS_NET].present;
	}
	if (!strcmp(key, "kernel.hostname") || !strcmp(key, "kernel.domainname")) {
		*why = "a private uts namespace";
		return ns[SILO_NS_UTS].present;
	}
	*why = "a namespaced key";
	return false;
}

int silo_init_check_sysctl(const struct silo_spec *s, struct error *err)
{
	for (size_t i = 0; i < s->linux.sysctl.n; i++) {
		const char *key = s->linux.sysctl.v[i].key, *why;
		if (strstr(key, "..") || strchr(key, '/') == key || !*key)
			return err_set(err, 0, "linux.sysctl: invalid key `%s`", key);
		if (!sysctl_allowed(s, key, &why))
			return err_set(err, 0, "linux.sysctl: `%s` is not allowed: it needs %s", key,
				       why);
	}
	return 0;
}

/* The container's /proc/sys, checked to be procfs (not something mounted over it). */
static int open_proc_sys(int rootfd, struct error *err)
{
	autoclose int fd = silo_pathres_open(rootfd, "/proc/sys", O_DIRECTORY | O_RDONLY, 0, err);
	struct statfs sf;

	if (fd < 0)
		return -1;
	if (fstatfs(fd, &sf) < 0)
		return err_set(err, errno, "statfs `/proc/sys`");
	if (sf.f_type != PROC_SUPER_MAGIC)
		return err_set(err, 0, "`/proc/sys` is not on procfs");
	return take_fd(&fd);
}

int silo_init_sysctl(const struct silo_init_config *c, int rootfd, struct error *err)
{
	const struct silo_kvv *kv = &c->spec->linux.sysctl;
	autoclose int dir = -1;

	if (!kv->n)
		return 0;
	dir = open_proc_sys(rootfd, err);
	if (dir < 0)
		return err_prefix(err, "sysctl");
	for (size_t i = 0; i < kv->n; i++) {
		autofree char *rel = xstrdup(kv->v[i].key);
		autoclose int fd = -1;
		for (char *p = rel; *p; p++)
			if (*p == '.')
				*p = '/';
		fd = openat(dir, rel, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			return err_set(err, errno, "sysctl: open `/proc/sys/%s`", rel);
		if (fd_write_all(fd, kv->v[i].value, strlen(kv->v[i].value), err) < 0)
			return err_prefix(err, "sysctl `%s`", kv->v[i].key);
	}
	return 0;
}

int silo_init_oom_score(const struct silo_init_config *c, struct error *err)
{
	const struct silo_process *p = c->spec->process;
	char buf[32];
	int n;
	autoclose int fd = -1;

	if (!p || !p->oom_score_adj.set)
		return 0;
	/* /proc is still the host's view of us here only if the container mounted none;
	 * the write goes to our own task either way. */
	fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, errno, "open `/proc/self/oom_score_adj`");
	n = snprintf(buf, sizeof(buf), "%lld", (long long)p->oom_score_adj.v);
	if (write(fd, buf, (size_t)n) != n)
		return err_set(err, errno, "write `/proc/self/oom_score_adj`");
	return 0;
}

int silo_init_session(const struct silo_init_config *c, int slave, struct error *err)
{
	if (setsid() < 0)
		return err_set(err, errno, "setsid");
	if (slave >= 0 && silo_terminal_become_stdio(slave, err) < 0)
		return -1;
	if (!c->no_new_keyring) {
		char name[128];
		snprintf(name, sizeof(name), "_ses.%.100s", c->id);
		/* A private session keyring; kernels or user namespaces that refuse it (quota,
		 * ENOSYS) are not fatal, as for the other runtimes. */
		if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name) < 0)
			log_debug("join session keyring: %s", strerror(errno));
	}
	return 0;
}

static const char *const rlimit_names[] = {
	[RLIMIT_CPU] = "RLIMIT_CPU",         [RLIMIT_FSIZE] = "RLIMIT_FSIZE",
	[RLIMIT_DATA] = "RLIMIT_DATA",       [RLIMIT_STACK] = "RLIMIT_STACK",
	[RLIMIT_CORE] = "RLIMIT_CORE",       [RLIMIT_RSS] = "RLIMIT_RSS",
	[RLIMIT_NPROC] = "RLIMIT_NPROC",     [RLIMIT_NOFILE] = "RLIMIT_NOFILE",
	[RLIMIT_MEMLOCK] = "RLIMIT_MEMLOCK", [RLIMIT_AS] = "RLIMIT_AS",
	[RLIMIT_LOCKS] = "RLIMIT_LOCKS",     [RLIMIT_SIGPENDING] = "RLIMIT_SIGPENDING",
	[RLIMIT_MSGQUEUE] = "RLIMIT_MSGQUEUE", [RLIMIT_NICE] = "RLIMIT_NICE",
	[RLIMIT_RTPRIO] = "RLIMIT_RTPRIO",   [RLIMIT_RTTIME] = "RLIMIT_RTTIME",
};

struct sched_attr_compat {
	uint32_t size, sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime, sched_deadline, sched_period;
};

static int apply_sched(const struct silo_scheduler *s, struct error *err)
{
	struct sched_attr_compat a = { .size = sizeof(a), .sched_policy = (uint32_t)s->policy,
				       .sched_flags = s->flags, .sched_nice = s->nice,
				       .sched_priority = (uint32_t)s->priority,
				       .sched_runtime = s->runtime, .sched_deadline = s->deadline,
				       .sched_period = s->period };

	if (syscall(SYS_sched_setattr, 0, &a, 0) < 0)
		return err_set(err, errno, "sched_setattr (policy %d)", s->policy);
	return 0;
}

int silo_init_limits(const struct silo_init_config *c, struct error *err)
{
	const struct silo_process *p = c->spec->process;
	const struct silo_linux *l = &c->spec->linux;

	for (size_t i = 0; i < p->n_rlimits; i++) {
		const struct silo_rlimit *r = &p->rlimits[i];
		struct rlimit rl = { .rlim_cur = r->soft, .rlim_max = r->hard };
		if (setrlimit((__rlimit_resource_t)r->resource, &rl) < 0)
			return err_set(err, errno, "setrlimit `%s`", rlimit_names[r->resource]);
	}
	if (l->personality.present && personality(l->personality.domain) < 0)
		return err_set(err, errno, "personality");
	if (p->scheduler.present && apply_sched(&p->scheduler, err) < 0)
		return -1;
	if (p->io_priority.present) {
		int prio = (p->io_priority.class << 13) | p->io_priority.priority;
		if (syscall(SYS_ioprio_set, 1 /* IOPRIO_WHO_PROCESS */, 0, prio) < 0)
			return err_set(err, errno, "ioprio_set");
	}
	return 0;
}

int silo_init_cwd(const struct silo_init_config *c, struct error *err)
{
	const char *cwd = c->spec->process->cwd;
	char buf[4096];

	if (chdir(cwd) < 0)
		return err_set(err, errno, "chdir to cwd `%s`", cwd);
#ifdef SILO_WEAKEN_CWD /* test-only: see runtime/tests/weaken */
	return 0;
#endif
	/* A leaked host fd behind /proc/self/fd/N would put us outside the root: getcwd
	 * then says "(unreachable)" or fails (CVE-2024-21626). */
	if (!getcwd(buf, sizeof(buf)))
		return err_set(err, errno, "cwd `%s` is outside the container", cwd);
	if (buf[0] != '/')
		return err_set(err, 0, "cwd `%s` is outside the container", cwd);
	return 0;
}

/* HOME from the container's own /etc/passwd (parsed here: no NSS inside the rootfs). */
static char *passwd_home(uid_t uid)
{
	autoclose int fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	autofree char *buf = NULL;
	struct error ignored;
	struct stat sb;
	char *save = NULL;

	if (fd < 0 || fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode))
		return NULL;
	if (fd_read_fd(fd, 1 << 20, &buf, NULL, &ignored) < 0)
		return NULL;
	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[7] = { 0 };
		int n = 0;
		for (char *t = strsep(&line, ":"); t && n < 7; t = strsep(&line, ":"))
			f[n++] = t;
		if (n == 7 && strtoul(f[2], NULL, 10) == uid && *f[5])
			return xstrdup(f[5]);
	}
	return NULL;
}

char **silo_init_env(const struct silo_init_config *c, struct error *err)
{
	const struct silo_process *p = c->spec->process;
	size_t n = 0, cap = p->env.n + 4;
	char **env = xcalloc(cap + 1, sizeof(char *));
	bool has_home = false, has_listen_pid = false;

	for (size_t i = 0; i < p->env.n; i++) {
		const char *e = p->env.v[i];
		size_t klen = (size_t)(strchr(e, '=') - e);
		size_t j;
		/* duplicate keys: the last one wins, in the first one's place */
		for (j = 0; j < n; j++)
			if (!strncmp(env[j], e, klen + 1))
				break;
		env[j] = (char *)e;
		if (j == n)
			n++;
		if (!strncmp(e, "HOME=", 5) && e[5])
			has_home = true;
		if (!strncmp(e, "LISTEN_PID=", 11))
			has_listen_pid = true;
	}
	if (c->listen_fds > 0) {
		env[n++] = xasprintf("LISTEN_FDS=%d", c->listen_fds);
		if (!has_listen_pid)
			env[n++] = xstrdup("LISTEN_PID=1");
	}
	if (!has_home) {
		autofree char *home = passwd_home(p->user.uid);
		env[n++] = xasprintf("HOME=%s", home ? home : "/");
	}
	env[n] = NULL;
	(void)err;
	return env;
}

/* In a user namespace whose setgroups is "deny" (single-id rootless mappings) the
 * supplementary groups cannot be changed at all. */
static bool setgroups_denied(void)
{
	char buf[16] = "";
	int fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	if (fd >= 0)
		close(fd);
	return n > 0 && !strncmp(buf, "deny", 4);
}

int silo_init_set_ids(const struct silo_init_config *c, struct error *err)
{
	const struct silo_process *p = c->spec->process;

	if (setgroups_denied()) {
		if (p->user.n_additional_gids)
			log_debug("setgroups is denied here: additionalGids ignored");
	} else if (setgroups(p->user.n_additional_gids, p->user.additional_gids) < 0) {
		return err_set(err, errno, "setgroups");
	}
	if (setresgid(p->user.gid, p->user.gid, p->user.gid) < 0)
		return err_set(err, errno, "setresgid %u", p->user.gid);
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return err_set(err, errno, "prctl(PR_SET_KEEPCAPS)");
	if (setresuid(p->user.uid, p->user.uid, p->user.uid) < 0)
		return err_set(err, errno, "setresuid %u", p->user.uid);
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return err_set(err, errno, "prctl(PR_SET_KEEPCAPS)");
	return 0;
}

int silo_init_load_seccomp(const struct silo_init_config *c, int listener_sock, int host_pid,
			   struct error *err)
{
	int listener = silo_seccomp_load(c->seccomp_fd, c->seccomp_flags, err);

	if (listener < 0)
		return -1;
	if (listener > 0) {
		autofree char *state = silo_process_state_json(c, SILO_STATUS_CREATING, host_pid);
		int r = silo_seccomp_send_listener_on(listener_sock, &c->spec->linux.seccomp, listener,
						      state, err);
		close(listener);
		return r;
	}
	return 0;
}
