/* SPDX-License-Identifier: GPL-2.0-or-later */
/* checkpoint and restore: what CRIU must be told about a container (its bind mounts,
 * masked files, external network namespace, stdio pipes) and putting a restored tree
 * back under silo's state (state dir, cgroup, pid), with the one teardown of create on
 * failure. The criu process itself is run by criu.c. */
#include "container.h"
#include "container_internal.h"

#include "cgroup.h"
#include "criu.h"
#include "spec.h"
#include "state.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/fdutil.h"
#include "util/log.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DESCRIPTORS "descriptors.json" /* runc's name: the init's fds 0-2 at dump time */
#define RESTORE_PID "criu-restore.pid"
#define NET_NS_KEY "extRootNetNS"

static int mkdir_if_missing(const char *path, const char *what, struct error *err)
{
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return err_set(err, errno, "%s `%s`", what, path);
	return 0;
}

/* Preflight shared by both verbs: criu exists and works on this kernel. */
static int criu_ready(const struct silo_cr_opts *o, char **ret_criu, struct error *err)
{
	if (silo_criu_find(o->criu, ret_criu, err) < 0)
		return -1;
	return silo_criu_check(*ret_criu, err);
}

static void base_opts(const struct silo_cr_opts *o, const char *criu, struct silo_criu_opts *c)
{
	c->criu = criu;
	c->image_path = o->image_path ? o->image_path : "checkpoint";
	c->work_path = o->work_path ? o->work_path : c->image_path;
	c->parent_path = o->parent_path;
	c->manage_cgroups_mode = o->manage_cgroups_mode;
	c->flags = o->flags;
	c->lsm_profile = o->lsm_profile;
	c->lsm_mount_context = o->lsm_mount_context;
}

/* Files masked with a bind of /dev/null (directories get a tmpfs, which criu dumps). */
static bool masked_file(pid_t pid, const char *path)
{
	autofree char *p = xasprintf("/proc/%d/root%s", (int)pid, path);
	struct stat sb;

	return stat(p, &sb) == 0 && !S_ISDIR(sb.st_mode);
}

/* --ext-mount-map: dump names each external bind by its destination; restore maps the
 * same key to the host path to bind again. */
static void ext_mounts(const struct silo_spec *s, pid_t dump_pid, struct silo_criu_args *a)
{
	for (size_t i = 0; i < s->n_mounts; i++) {
		const struct silo_mount *m = &s->mounts[i];
		if (!(m->ext & SILO_MNT_BIND) || !m->source)
			continue;
		silo_criu_args_addf(a, "--ext-mount-map=%s:%s", m->destination,
				    dump_pid > 0 ? m->destination : m->source);
	}
	for (size_t i = 0; i < s->linux.masked_paths.n; i++) {
		const char *p = s->linux.masked_paths.v[i];
		if (dump_pid > 0 && !masked_file(dump_pid, p))
			continue;
		silo_criu_args_addf(a, "--ext-mount-map=%s:%s", p, dump_pid > 0 ? p : "/dev/null");
	}
}

static int unsupported(const struct silo_spec *s, struct error *err)
{
	static const char *const names[] = { "pid", "network", "mount", "ipc", "uts", "user",
					     "cgroup", "time" };

	if (s->process && s->process->terminal)
		return err_set(err, 0, "containers with a terminal (process.terminal) cannot be "
				       "checkpointed or restored by silo");
	for (int i = 0; i < SILO_NS_COUNT; i++) {
		if (i != SILO_NS_NET && s->linux.namespaces[i].present && s->linux.namespaces[i].path)
			return err_set(err, 0, "joining an existing %s namespace (`%s`) is not "
					       "supported by checkpoint/restore", names[i],
				       s->linux.namespaces[i].path);
	}
	return 0;
}

/* The init's stdio as /proc links ("pipe:[123]", "/dev/null"), for restore's
 * --inherit-fd: an engine hands the restored container new pipes. */
static int write_descriptors(const char *image_path, pid_t pid, struct error *err)
{
	char link[3][PATH_MAX];
	autofree char *json = NULL, *path = xasprintf("%s/%s", image_path, DESCRIPTORS);

	for (int fd = 0; fd < 3; fd++) {
		autofree char *p = xasprintf("/proc/%d/fd/%d", (int)pid, fd);
		ssize_t n = readlink(p, link[fd], sizeof(link[fd]) - 1);
		if (n < 0 || memchr(link[fd], '"', (size_t)n) || memchr(link[fd], '\\', (size_t)n))
			n = 0; /* closed, or a name JSON would need escapes for: not inherited */
		link[fd][n] = '\0';
	}
	json = xasprintf("[\"%s\",\"%s\",\"%s\"]\n", link[0], link[1], link[2]);
	return fd_write_file_atomic(path, json, strlen(json), 0600, err);
}

static int net_ns_external(const struct silo_spec *s, struct silo_criu_args *a, struct error *err)
{
	const char *path = s->linux.namespaces[SILO_NS_NET].path;
	struct stat sb;

	if (!s->linux.namespaces[SILO_NS_NET].present || !path)
		return 0;
	if (stat(path, &sb) < 0)
		return err_set(err, errno, "network namespace `%s`", path);
	silo_criu_args_addf(a, "--external=net[%lu]:" NET_NS_KEY, (unsigned long)sb.st_ino);
	return 0;
}

static int checkpoint_steps(const struct silo_cr_opts *o, struct opened *x, struct error *err)
{
	autofree char *cfg = xasprintf("%s/%s/config.json", o->root, o->id);
	autofree char *criu = NULL;
	struct silo_spec *spec = NULL;
	struct silo_criu_opts c = { 0 };
	int r = -1;

	if (x->status != SILO_STATUS_RUNNING)
		return err_set(err, 0, "container not running (status %s)",
			       silo_status_name(x->status));
	spec = silo_spec_load(cfg, x->st.bundle, err);
	if (!spec || unsupported(spec, err) < 0 || criu_ready(o, &criu, err) < 0)
		goto out;
	base_opts(o, criu, &c);
	if (mkdir_if_missing(c.image_path, "image path", err) < 0 ||
	    mkdir_if_missing(c.work_path, "work path", err) < 0 ||
	    write_descriptors(c.image_path, x->st.pid, err) < 0 ||
	    net_ns_external(spec, &c.extra, err) < 0)
		goto out;
	ext_mounts(spec, x->st.pid, &c.extra);
	r = silo_criu_dump(&c, x->st.pid, err);
out:
	silo_criu_args_free(&c.extra);
	silo_spec_free(spec);
	return r;
}

int silo_container_checkpoint(const struct silo_cr_opts *o, struct error *err)
{
	struct opened x;
	bool keep = o->flags & (SILO_CRIU_LEAVE_RUNNING | SILO_CRIU_PRE_DUMP);
	int r;

	if (o->manage_cgroups_mode && !silo_criu_cgroups_mode_valid(o->manage_cgroups_mode))
		return err_set(err, 0, "--manage-cgroups-mode: `%s` is not soft, full, strict or "
				       "ignore", o->manage_cgroups_mode);
	r = silo_open_container(o->root, o->id, true, &x, err);
	if (r == 0)
		r = checkpoint_steps(o, &x, err);
	silo_opened_close(&x);
	if (r < 0)
		return err_prefix(err, "checkpoint `%s`", o->id);
	/* The dumped processes are gone: what is left is a stopped container. */
	if (!keep && silo_container_delete(o->root, o->id, true, err) < 0)
		return err_prefix(err, "checkpoint `%s`: delete after dump", o->id);
	return 0;
}

/* ------------------------------------------------------------------------ restore */
struct restoration {
	const struct silo_cr_opts *o;
	struct silo_spec *spec;
	char *bundle;
	char *raw;       /* config.json as read, for the private copy */
	size_t raw_len;
	int dirfd;
	bool dir_created;
	char *cgroup;    /* cgroup state (cgroup.h) */
	pid_t pid;
	int net_fd;
};

static int restore_load(struct restoration *r, struct error *err)
{
	const char *b = r->o->bundle ? r->o->bundle : ".";
	autofree char *path = NULL;

	r->bundle = realpath(b, NULL);
	if (!r->bundle)
		return err_set(err, errno, "bundle `%s`", b);
	path = xasprintf("%s/config.json", r->bundle);
	if (fd_read_file_at(AT_FDCWD, path, SILO_SPEC_MAX_BYTES, &r->raw, &r->raw_len, err) < 0)
		return -1;
	r->spec = silo_spec_parse(r->raw, r->raw_len, path, r->bundle, err);
	if (!r->spec)
		return -1;
	if (!r->spec->process)
		return err_set(err, 0, "%s: `process` is required to restore a container", path);
	return unsupported(r->spec, err);
}

static int check_images(const char *image_path, struct error *err)
{
	autofree char *inv = xasprintf("%s/inventory.img", image_path);

	if (access(inv, R_OK) < 0)
		return err_set(err, errno, "image path `%s`: not a CRIU checkpoint (no inventory.img)",
			       image_path);
	return 0;
}

/* --inherit-fd for the stdio pipes recorded at dump: our fds 0-2 (the engine's new
 * pipes) stand in for them. Paths (/dev/null) are reopened by criu itself. */
static void inherit_stdio(const char *image_path, struct silo_criu_args *a)
{
	autofree char *path = xasprintf("%s/%s", image_path, DESCRIPTORS);
	autofree char *json = NULL;
	struct error ignored;
	const char *p;
	int fd = 0;

	if (fd_read_file_at(AT_FDCWD, path, 1 << 16, &json, NULL, &ignored) < 0)
		return; /* not written by silo or runc: nothing to map */
	for (p = strchr(json, '"'); p && fd < 3; fd++) {
		const char *end = strchr(p + 1, '"');
		if (!end)
			break;
		if (end > p + 1 && p[1] != '/')
			silo_criu_args_addf(a, "--inherit-fd=fd[%d]:%.*s", fd, (int)(end - p - 1), p + 1);
		p = strchr(end + 1, '"');
	}
}

static int restore_net_ns(struct restoration *r, struct silo_criu_args *a, struct error *err)
{
	const char *path = r->spec->linux.namespaces[SILO_NS_NET].path;

	if (!r->spec->linux.namespaces[SILO_NS_NET].present || !path)
		return 0;
	r->net_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->net_fd < 0)
		return err_set(err, errno, "network namespace `%s`", path);
	silo_criu_args_addf(a, "--inherit-fd=fd[%d]:" NET_NS_KEY, r->net_fd);
	return 0;
}

/* The hook criu.c calls with the criu process: container cgroup, and its path. */
static int restore_enter(void *data, pid_t pid, char **ret_root, struct error *err)
{
	struct restoration *r = data;
	const struct silo_spec *s = r->spec;
	struct silo_cgroup_opts cg = { .id = r->o->id, .cgroups_path = s->linux.cgroups_path,
				       .resources = &s->linux.resources,
				       .flags = r->o->cgroup_flags };
	const char *p, *end;

	if (silo_cgroup_enter(&cg, pid, &r->cgroup, err) < 0)
		return -1;
	if (*r->cgroup && silo_write_pending_cgroup(r->dirfd, r->cgroup, err) < 0)
		return -1;
	/* "<layout>|<path>|...": the path is the root criu restores the cgroups under */
	p = strchr(r->cgroup, '|');
	end = p ? strchr(p + 1, '|') : NULL;
	*ret_root = p && end ? xstrndup(p + 1, (size_t)(end - p - 1)) : xstrdup("");
	return 0;
}

static int restore_publish(struct restoration *r, struct error *err)
{
	struct silo_state st = { .id = (char *)r->o->id, .pid = r->pid, .bundle = r->bundle,
				 .cgroup = r->cgroup };
	char created[64];

	silo_state_fill_from_spec(&st, r->spec, r->o->cgroup_flags);
	silo_rfc3339_now(created, sizeof(created));
	st.created = created;
	if (silo_proc_start_time(r->pid, &st.start_time) < 0)
		return err_set(err, ESRCH, "the restored init (pid %d) is gone", (int)r->pid);
	if (silo_state_write(r->dirfd, &st, err) < 0)
		return -1;
	if (r->o->pid_file && silo_write_pid_file(r->o->pid_file, r->pid, err) < 0)
		return -1;
	return 0;
}

static int store_config(struct restoration *r, struct error *err)
{
	autoclose int fd = openat(r->dirfd, "config.json", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
				  0600);

	if (fd < 0 || fd_write_all(fd, r->raw, r->raw_len, err) < 0)
		return err_set(err, errno, "store config.json copy");
	return 0;
}

static int restore_steps(struct restoration *r, struct error *err)
{
	const struct silo_cr_opts *o = r->o;
	autofree char *criu = NULL, *pid_file = NULL;
	struct silo_criu_opts c = { 0 };
	struct silo_criu_restore rr = { .enter = restore_enter, .enter_data = r };
	int ret = -1;

	if (restore_load(r, err) < 0)
		return -1;
	/* the id first: "already exists" is the better answer than any CRIU trouble */
	r->dirfd = silo_state_dir_create(o->root, o->id, err);
	if (r->dirfd < 0)
		return -1;
	r->dir_created = true;
	base_opts(o, NULL, &c);
	if (criu_ready(o, &criu, err) < 0 || check_images(c.image_path, err) < 0 ||
	    mkdir_if_missing(c.work_path, "work path", err) < 0 || store_config(r, err) < 0 ||
	    restore_net_ns(r, &c.extra, err) < 0)
		goto out;
	c.criu = criu;
	ext_mounts(r->spec, 0, &c.extra);
	inherit_stdio(c.image_path, &c.extra);
	pid_file = xasprintf("%s/%s/%s", o->root, o->id, RESTORE_PID);
	rr.root = r->spec->root.path;
	rr.pid_file = pid_file;
	rr.keep_fds = &r->net_fd;
	rr.n_keep_fds = r->net_fd >= 0;
	if (silo_criu_restore(&c, &rr, &r->pid, err) < 0)
		goto out;
	unlink(pid_file);
	ret = restore_publish(r, err);
out:
	silo_criu_args_free(&c.extra);
	return ret;
}

/* A failed restore leaves nothing: restored processes, cgroup, state dir. */
static void restoration_undo(struct restoration *r)
{
	struct error e = { 0 };

	killp(&r->pid);
	if (r->cgroup && *r->cgroup && silo_cgroup_destroy(r->cgroup, true, &e) < 0)
		log_error(&e, "warning: cleanup");
	if (r->dir_created && silo_state_dir_remove(r->o->root, r->o->id, &e) < 0)
		log_error(&e, "warning: cleanup");
}

int silo_container_restore(const struct silo_cr_opts *o, pid_t *ret_pid, struct error *err)
{
	struct restoration r = { .o = o, .dirfd = -1, .pid = -1, .net_fd = -1 };
	int ret;

	if (silo_state_check_id(o->id, err) < 0)
		return -1;
	if (o->manage_cgroups_mode && !silo_criu_cgroups_mode_valid(o->manage_cgroups_mode))
		return err_set(err, 0, "--manage-cgroups-mode: `%s` is not soft, full, strict or "
				       "ignore", o->manage_cgroups_mode);
	ret = restore_steps(&r, err);
	if (ret < 0) {
		err_prefix(err, "restore `%s`", o->id);
		restoration_undo(&r);
	} else if (ret_pid) {
		*ret_pid = r.pid;
	}
	if (r.dirfd >= 0)
		close(r.dirfd);
	if (r.net_fd >= 0)
		close(r.net_fd);
	silo_spec_free(r.spec);
	free(r.bundle);
	free(r.raw);
	free(r.cgroup);
	return ret;
}
