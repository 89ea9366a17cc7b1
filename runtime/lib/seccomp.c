/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.seccomp: compiled in the parent with libseccomp into a sealed memfd holding the
 * raw BPF program; the child only maps it and calls seccomp(2) (no libseccomp parsing or
 * allocation there). Also owns the SCMP_ACT_NOTIFY listener hand-off to listenerPath.
 * Never loads a filter into the calling process except in silo_seccomp_load(). */
#include "seccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "seccomp_internal.h"
#include "spec.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/fdutil.h"
#include "util/log.h"
#include "util/syscall.h"

/* The runtime-spec version of the container-process-state we send (state.c's default). */
#define STATE_OCI_VERSION "1.2.1"

static void releasep(scmp_filter_ctx *ctx)
{
	int saved = errno;

	if (*ctx)
		seccomp_release(*ctx);
	errno = saved;
}

/* ERRNO and TRACE default to EPERM when errnoRet is absent (runc, crun). */
static uint32_t scmp_action(int kind, const struct silo_opt_u64 *errno_ret)
{
	uint32_t e = errno_ret->set ? (uint32_t)errno_ret->v : EPERM;

	switch (kind) {
	case SILO_SCMP_KILL_PROCESS: return SCMP_ACT_KILL_PROCESS;
	case SILO_SCMP_TRAP: return SCMP_ACT_TRAP;
	case SILO_SCMP_ERRNO: return SCMP_ACT_ERRNO(e);
	case SILO_SCMP_TRACE: return SCMP_ACT_TRACE(e);
	case SILO_SCMP_ALLOW: return SCMP_ACT_ALLOW;
	case SILO_SCMP_LOG: return SCMP_ACT_LOG;
	case SILO_SCMP_NOTIFY: return SCMP_ACT_NOTIFY;
	case SILO_SCMP_KILL: /* SCMP_ACT_KILL is "kill thread" */
	case SILO_SCMP_KILL_THREAD:
	default: return SCMP_ACT_KILL_THREAD;
	}
}

static enum scmp_compare scmp_op(int op)
{
	switch (op) {
	case SILO_SCMP_CMP_NE: return SCMP_CMP_NE;
	case SILO_SCMP_CMP_LT: return SCMP_CMP_LT;
	case SILO_SCMP_CMP_LE: return SCMP_CMP_LE;
	case SILO_SCMP_CMP_EQ: return SCMP_CMP_EQ;
	case SILO_SCMP_CMP_GE: return SCMP_CMP_GE;
	case SILO_SCMP_CMP_GT: return SCMP_CMP_GT;
	case SILO_SCMP_CMP_MASKED_EQ: return SCMP_CMP_MASKED_EQ;
	default: return _SCMP_CMP_MIN; /* rejected by libseccomp */
	}
}

/* "SCMP_ARCH_X86_64" -> libseccomp's token; 0 when this libseccomp does not know it. */
static uint32_t arch_token(const char *name)
{
	char buf[32];
	size_t i;

	if (!strncmp(name, "SCMP_ARCH_", 10))
		name += 10;
	for (i = 0; name[i] && i + 1 < sizeof(buf); i++)
		buf[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] - 'A' + 'a' : name[i]);
	buf[i] = '\0';
	return seccomp_arch_resolve_name(buf);
}

static int add_arches(scmp_filter_ctx ctx, const struct silo_strv *archs, struct error *err)
{
	for (size_t i = 0; i < archs->n; i++) {
		uint32_t token = arch_token(archs->v[i]);
		int r;

		if (!token) {
			log_debug("seccomp: architecture `%s` unknown to libseccomp %u.%u, ignoring",
				  archs->v[i], seccomp_version()->major, seccomp_version()->minor);
			continue;
		}
		r = seccomp_arch_add(ctx, token);
		if (r < 0 && r != -EEXIST)
			return err_set(err, -r, "seccomp: add architecture `%s`", archs->v[i]);
	}
	return 0;
}

static bool same_arg_twice(const struct silo_seccomp_rule *rule)
{
	for (size_t i = 0; i < rule->n_args; i++)
		for (size_t j = i + 1; j < rule->n_args; j++)
			if (rule->args[i].index == rule->args[j].index)
				return true;
	return false;
}

static struct scmp_arg_cmp make_cmp(const struct silo_seccomp_arg *a)
{
	/* MASKED_EQ: (arg & value) == valueTwo; libseccomp takes the mask first. */
	struct scmp_arg_cmp c = { .arg = a->index, .op = scmp_op(a->op), .datum_a = a->value,
				  .datum_b = a->value_two };
	return c;
}

/* libseccomp rejects two conditions on the same argument in one rule: then every
 * condition becomes a rule of its own (OR instead of AND), as runc does. */
static int add_syscall(scmp_filter_ctx ctx, uint32_t action, const char *name,
		       const struct silo_seccomp_rule *rule, struct error *err)
{
	struct scmp_arg_cmp cmps[6];
	int nr = seccomp_syscall_resolve_name(name);
	int r;

	if (nr == __NR_SCMP_ERROR) {
		log_debug("seccomp: syscall `%s` unknown to libseccomp, ignoring", name);
		return 0;
	}
	if (rule->n_args > 6 && !same_arg_twice(rule))
		return err_set(err, EINVAL, "seccomp: too many conditions for `%s`", name);
	if (same_arg_twice(rule)) {
		for (size_t i = 0; i < rule->n_args; i++) {
			cmps[0] = make_cmp(&rule->args[i]);
			r = seccomp_rule_add_array(ctx, action, nr, 1, cmps);
			if (r < 0)
				return err_set(err, -r, "seccomp: add rule for `%s`", name);
		}
		return 0;
	}
	for (size_t i = 0; i < rule->n_args; i++)
		cmps[i] = make_cmp(&rule->args[i]);
	r = seccomp_rule_add_array(ctx, action, nr, (unsigned)rule->n_args, cmps);
	if (r < 0)
		return err_set(err, -r, "seccomp: add rule for `%s`", name);
	return 0;
}

static int add_rules(scmp_filter_ctx ctx, const struct silo_seccomp *s, uint32_t def,
		     struct error *err)
{
	for (size_t i = 0; i < s->n_syscalls; i++) {
		const struct silo_seccomp_rule *rule = &s->syscalls[i];
		uint32_t action = scmp_action(rule->action, &rule->errno_ret);

		if (action == def) {
			/* libseccomp refuses rules that repeat the default action: a no-op. */
			log_debug("seccomp: `.linux.seccomp.syscalls[%zu]` repeats the default action, ignoring", i);
			continue;
		}
		for (size_t j = 0; j < rule->names.n; j++) {
			if (add_syscall(ctx, action, rule->names.v[j], rule, err) < 0)
				return err_prefix(err, "`.linux.seccomp.syscalls[%zu]`", i);
		}
	}
	return 0;
}

/* libseccomp 2.5.4 (Debian 12) never returns from seccomp_rule_add_array() once two rules
 * for one syscall share a first condition other than EQ or MASKED_EQ and differ after it
 * (found by fuzz_seccomp). So a child builds the program and is killed past this deadline:
 * such a profile fails create/exec with a message instead of hanging them. Real profiles
 * build in milliseconds. */
#define BUILD_TIMEOUT_MS 5000

/* libseccomp's program, after the ENOSYS stub, appended to fd. */
static int build_program(const struct silo_seccomp *s, int fd, struct error *err)
{
	__attribute__((cleanup(releasep))) scmp_filter_ctx ctx = NULL;
	struct sock_filter stub[SILO_SECCOMP_STUB_MAX];
	uint32_t def = scmp_action(s->default_action, &s->default_errno_ret);
	size_t n_stub;
	int r;

	ctx = seccomp_init(def);
	if (!ctx)
		return err_set(err, EINVAL, "seccomp: initialise the filter (default action %#x)", def);
	/* The init sets no_new_privs itself when the spec asks; the filter flags (LOG,
	 * SPEC_ALLOW, ...) are passed to seccomp(2) at load time, not through libseccomp. */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (r < 0)
		return err_set(err, -r, "seccomp: clear the NNP attribute");
	if (add_arches(ctx, &s->architectures, err) < 0 || add_rules(ctx, s, def, err) < 0)
		return -1;
	n_stub = silo_seccomp_enosys_stub(s, ctx, stub);
	if (n_stub && fd_write_all(fd, stub, n_stub * sizeof(stub[0]), err) < 0)
		return err_prefix(err, "seccomp: write the ENOSYS stub");
	r = seccomp_export_bpf(ctx, fd); /* appends at the file offset */
	if (r < 0)
		return err_set(err, -r, "seccomp: export the BPF program");
	return 0;
}

/* The child's report: nothing on success, its struct error (< PIPE_BUF) on failure. */
static int await_build(pid_t *pid, int rd, struct error *err)
{
	struct pollfd p = { .fd = rd, .events = POLLIN };
	struct error child = { 0 };
	ssize_t n;
	int r, status = 0;

	do
		r = poll(&p, 1, BUILD_TIMEOUT_MS);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		return err_set(err, ETIMEDOUT, "seccomp: libseccomp did not finish building the "
			       "filter in %d ms (libseccomp 2.5.4 hangs on some rules sharing a "
			       "non-EQ first condition)", BUILD_TIMEOUT_MS);
	do
		n = read(rd, &child, sizeof(child));
	while (n < 0 && errno == EINTR);
	while ((r = waitpid(*pid, &status, 0)) < 0 && errno == EINTR)
		;
	if (r == *pid)
		*pid = -1;
	if (n == (ssize_t)sizeof(child))
		return err_set(err, child.errnum, "%s", child.msg);
	if (r < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return err_set(err, EIO, "seccomp: the filter builder failed (wait status %#x)", status);
	return 0;
}

/* The program goes into a sealed memfd: the child maps exactly what we compiled. */
static int export_memfd(const struct silo_seccomp *s, struct error *err)
{
	autoclose int fd = memfd_create("silo-seccomp-bpf", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	autoclose int rd = -1, wr = -1;
	autokill pid_t pid = -1;
	int pipefd[2];

	if (fd < 0)
		return err_set(err, errno, "seccomp: memfd_create");
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return err_set(err, errno, "seccomp: pipe");
	rd = pipefd[0], wr = pipefd[1];
	pid = fork();
	if (pid < 0)
		return err_set(err, errno, "seccomp: fork the filter builder");
	if (pid == 0) {
		struct error e = { 0 };
		if (build_program(s, fd, &e) < 0) {
			if (write(wr, &e, sizeof(e)) != (ssize_t)sizeof(e))
				_exit(2);
			_exit(1);
		}
		_exit(0);
	}
	closep(&wr);
	if (await_build(&pid, rd, err) < 0)
		return -1;
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0)
		return err_set(err, errno, "seccomp: seal the BPF memfd");
	return take_fd(&fd);
}

int silo_seccomp_compile(const struct silo_seccomp *s, struct error *err)
{
	if (!s->present)
		return -2;
	return export_memfd(s, err);
}

static bool uses_notify(const struct silo_seccomp *s)
{
	if (s->default_action == SILO_SCMP_NOTIFY)
		return true;
	for (size_t i = 0; i < s->n_syscalls; i++)
		if (s->syscalls[i].action == SILO_SCMP_NOTIFY)
			return true;
	return false;
}

unsigned silo_seccomp_load_flags(const struct silo_seccomp *s)
{
	static const struct { const char *name; unsigned flag; } names[] = {
		{ "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC },
		{ "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },
		{ "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },
		{ "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV },
	};
	unsigned flags = 0;

	if (!s->present)
		return 0;
	for (size_t i = 0; i < s->flags.n; i++)
		for (size_t j = 0; j < sizeof(names) / sizeof(names[0]); j++)
			if (!strcmp(s->flags.v[i], names[j].name))
				flags |= names[j].flag;
	if (uses_notify(s)) {
		flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
		/* TSYNC and NEW_LISTENER together need TSYNC_ESRCH (Linux 5.7). */
		if (flags & SECCOMP_FILTER_FLAG_TSYNC)
			flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
	} else if (flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV) {
		/* The kernel accepts it only with a listener (EINVAL otherwise). */
		log_debug("seccomp: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV without SCMP_ACT_NOTIFY, ignoring");
		flags &= ~(unsigned)SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
	}
	return flags;
}

int silo_seccomp_load(int bpf_fd, unsigned flags, struct error *err)
{
	struct sock_fprog prog;
	struct stat st;
	void *p;
	int r, saved;

	if (fstat(bpf_fd, &st) < 0)
		return err_set(err, errno, "seccomp: stat the BPF memfd");
	if (st.st_size <= 0 || st.st_size % sizeof(struct sock_filter) ||
	    st.st_size > (off_t)(BPF_MAXINSNS * sizeof(struct sock_filter)))
		return err_set(err, EINVAL, "seccomp: BPF program of %lld bytes", (long long)st.st_size);
	/* Map, do not copy: the child allocates nothing here. */
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, bpf_fd, 0);
	if (p == MAP_FAILED)
		return err_set(err, errno, "seccomp: map the BPF program");
	prog.len = (unsigned short)(st.st_size / sizeof(struct sock_filter));
	prog.filter = p;
	r = sys_seccomp(SECCOMP_SET_MODE_FILTER, flags, &prog);
	if (r < 0) {
		saved = errno;
		munmap(p, (size_t)st.st_size);
		return err_set(err, saved, "seccomp: load the filter (flags %#x)", flags);
	}
	/* The mapping stays until execve() replaces the address space: once the filter is
	 * in force, munmap() itself may be denied or even kill us. */
	if (!(flags & SECCOMP_FILTER_FLAG_NEW_LISTENER))
		return 0;
	if (r < 3) {
		/* 0 means "no listener" to our callers; keep stdio free too. */
		int fd = fcntl(r, F_DUPFD_CLOEXEC, 3);
		saved = errno;
		close(r);
		if (fd < 0)
			return err_set(err, saved, "seccomp: move the listener fd");
		r = fd;
	}
	return r;
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

/* The state's top-level "pid" (state.c writes it before any annotation; escaped
 * strings cannot contain `"pid":`). Falls back to our own pid. */
static long state_pid(const char *state_json)
{
	const char *p = strstr(state_json, "\"pid\":");
	long pid;

	if (!p)
		return (long)getpid();
	pid = strtol(p + 6, NULL, 10);
	return pid > 0 ? pid : (long)getpid();
}

static char *listener_message(const struct silo_seccomp *s, const char *state_json, size_t *ret_len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, ret_len);

	if (!f)
		return NULL;
	fputs("{\"ociVersion\":", f);
	json_str(f, STATE_OCI_VERSION);
	fprintf(f, ",\"fds\":[\"seccompFd\"],\"pid\":%ld,\"metadata\":", state_pid(state_json));
	json_str(f, s->listener_metadata);
	fprintf(f, ",\"state\":%s}", state_json);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* One sendmsg() carrying the fd and as much as fits; the rest as plain stream data. */
static int send_with_fd(int sock, int fd, const char *buf, size_t len, struct error *err)
{
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b,
			      .msg_controllen = sizeof(u.b) };
	struct cmsghdr *c;
	ssize_t n;

	memset(&u, 0, sizeof(u));
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	do
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return err_set(err, errno, "send the seccomp listener fd");
	return fd_write_all(sock, buf + n, len - (size_t)n, err);
}

int silo_seccomp_listener_connect(const struct silo_seccomp *s, struct error *err)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	autoclose int sock = -1;
	int r;

	if (!s->listener_path || !*s->listener_path)
		return err_set(err, EINVAL, "seccomp: SCMP_ACT_NOTIFY used without `listenerPath`");
	if (strlen(s->listener_path) >= sizeof(addr.sun_path))
		return err_set(err, ENAMETOOLONG, "seccomp listener `%s`", s->listener_path);
	strcpy(addr.sun_path, s->listener_path);
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return err_set(err, errno, "seccomp: socket");
	do
		r = connect(sock, (struct sockaddr *)&addr, sizeof(addr));
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return err_set(err, errno, "connect to seccomp listener `%s`", s->listener_path);
	return take_fd(&sock);
}

int silo_seccomp_send_listener_on(int sock, const struct silo_seccomp *s, int listener_fd,
				  const char *state_json, struct error *err)
{
	autofree char *msg = NULL;
	size_t len = 0;

	msg = listener_message(s, state_json ? state_json : "{}", &len);
	if (!msg)
		return err_set(err, errno, "seccomp: build the listener message");
	if (send_with_fd(sock, listener_fd, msg, len, err) < 0)
		return err_prefix(err, "seccomp listener `%s`",
				  s->listener_path ? s->listener_path : "");
	return 0;
}

int silo_seccomp_send_listener(const struct silo_seccomp *s, int listener_fd,
			       const char *state_json, struct error *err)
{
	autoclose int sock = silo_seccomp_listener_connect(s, err);

	if (sock < 0)
		return -1;
	return silo_seccomp_send_listener_on(sock, s, listener_fd, state_json, err);
}
