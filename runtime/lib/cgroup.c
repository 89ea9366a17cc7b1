/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The cgroup API of cgroup.h: layout detection, hierarchies from mountinfo, path
 * resolution, the opaque state string, creation/removal of directories and the
 * backend-independent operations. Limits and freezing live in cgroup_v1.c/cgroup_v2.c. */
#include "cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "cgroup_internal.h"
#include "spec.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/fdutil.h"
#include "util/log.h"
#include "util/parse.h"
#include "util/xalloc.h"

static void ctx_free(struct cgroup_ctx *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->h[i].mnt);
		free(c->h[i].root);
		free(c->h[i].ctrls);
		free(c->h[i].path);
		if (c->h[i].has_fd)
			closep(&c->h[i].fd);
	}
	free(c->path);
	c->n = 0;
	c->path = NULL;
	if (c->has_root)
		closep(&c->rootfd);
	c->has_root = false;
}
#define autoctx __attribute__((cleanup(ctx_free)))

static const struct cgroup_ops *ops_of(const struct cgroup_ctx *c)
{
	return c->layout == SILO_CGROUP_V2 ? &cgroup_v2_ops : &cgroup_v1_ops;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* ------------------------------------------------------------ layout, mountinfo */
/* CGROUP_ROOT, walked once: everything below is reached relative to it (cgroup_at). */
static int open_root(struct cgroup_ctx *c, struct error *err)
{
	c->rootfd = open(CGROUP_ROOT, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (c->rootfd < 0)
		return err_set(err, errno, "open `%s`", CGROUP_ROOT);
	c->has_root = true;
	return 0;
}

static int layout_at(int rootfd, enum silo_cgroup_layout *ret, struct error *err)
{
	struct statfs st;
	autoclose int u = -1;
	if (fstatfs(rootfd, &st) < 0)
		return err_set(err, errno, "statfs `%s`", CGROUP_ROOT);
	if (st.f_type == CGROUP2_SUPER_MAGIC) {
		*ret = SILO_CGROUP_V2;
		return 0;
	}
	if (st.f_type != TMPFS_MAGIC)
		return err_set(err, EINVAL, "`%s` is neither tmpfs nor cgroup2", CGROUP_ROOT);
	u = openat(rootfd, "unified", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (u >= 0 && fstatfs(u, &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC)
		*ret = SILO_CGROUP_HYBRID;
	else
		*ret = SILO_CGROUP_V1;
	return 0;
}

int silo_cgroup_layout(enum silo_cgroup_layout *ret, struct error *err)
{
	autoctx struct cgroup_ctx c = { 0 };
	if (open_root(&c, err) < 0)
		return -1;
	return layout_at(c.rootfd, ret, err);
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape(char *s)
{
	char *o = s;
	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

/* Super options minus the ones that are not controllers. */
static char *v1_ctrls(const char *superopts)
{
	static const char *const skip[] = { "rw", "ro", "clone_children", "noprefix", "xattr",
					    "cpuset_v2_mode", "favordynmods", NULL };
	autofree char *dup = xstrdup(superopts);
	char *out = xzalloc(strlen(superopts) + 1), *save = NULL;
	for (char *t = strtok_r(dup, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		bool drop = strncmp(t, "release_agent=", 14) == 0;
		for (size_t i = 0; skip[i] && !drop; i++)
			drop = strcmp(t, skip[i]) == 0;
		if (!drop) {
			if (*out)
				strcat(out, ",");
			strcat(out, t);
		}
	}
	return out;
}

static bool hier_known(const struct cgroup_ctx *c, const char *mnt, const char *ctrls, bool v2)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->h[i].v2 == v2 && (v2 ? strcmp(c->h[i].mnt, mnt) == 0 :
					       strcmp(c->h[i].ctrls, ctrls) == 0))
			return true;
	return false;
}

/* One mountinfo line: keep it when it is a hierarchy the layout uses. */
static void mountinfo_line(struct cgroup_ctx *c, char *line)
{
	char *f[6] = { 0 }, *save = NULL, *sep = strstr(line, " - ");
	if (!sep)
		return;
	*sep = '\0';
	strtok_r(line, " ", &save);
	for (int i = 1; i < 6 && (f[i] = strtok_r(NULL, " ", &save)); i++)
		;
	char *fstype = strtok_r(sep + 3, " ", &save), *src = strtok_r(NULL, " ", &save);
	char *super = strtok_r(NULL, " \n", &save);
	if (!f[4] || !fstype || !src || !super || c->n == CGROUP_MAX_HIER)
		return;
	unescape(f[3]);
	unescape(f[4]);
	bool v2 = strcmp(fstype, "cgroup2") == 0;
	if (!v2 && strcmp(fstype, "cgroup") != 0)
		return;
	if (strpbrk(f[4], "|:\n") || strncmp(f[4], CGROUP_ROOT, strlen(CGROUP_ROOT)) != 0)
		return; /* unusable in the state string, or not ours to manage */
	/* Pure v1 (e.g. a tmpfs over a hybrid layout): a hidden unified mount is not ours. */
	if (v2 ? c->layout == SILO_CGROUP_V1 ||
			 strcmp(f[4], c->layout == SILO_CGROUP_V2 ? CGROUP_ROOT : CGROUP_ROOT "/unified")
	       : c->layout == SILO_CGROUP_V2)
		return;
	autofree char *ctrls = v2 ? xstrdup("") : v1_ctrls(super);
	if (hier_known(c, f[4], ctrls, v2))
		return;
	struct cgroup_hier *h = &c->h[c->n++];
	*h = (struct cgroup_hier){ .mnt = xstrdup(f[4]), .root = xstrdup(f[3]),
				   .ctrls = steal_ptr(&ctrls), .v2 = v2, .rootfd = c->rootfd,
				   .has_root = c->has_root, .fd = -1 };
}

static int load_hierarchies(struct cgroup_ctx *c, struct error *err)
{
	autofclose FILE *f = fopen("/proc/self/mountinfo", "re");
	autofree char *line = NULL;
	size_t cap = 0;
	if (!f)
		return err_set(err, errno, "open `/proc/self/mountinfo`");
	/* stdio would read /proc's st_blksize (1 KiB) at a time: a host with many mounts
	 * (every running container has a few) costs a read each */
	setvbuf(f, NULL, _IOFBF, 64 * 1024);
	while (getline(&line, &cap, f) > 0)
		mountinfo_line(c, line);
	if (c->n == 0)
		return err_set(err, ENOENT, "no cgroup hierarchy mounted under `%s`", CGROUP_ROOT);
	return 0;
}

/* Our own cgroup in hierarchy h, relative to what is visible at its mount point. */
static int own_cgroup(const struct cgroup_hier *h, char **ret, struct error *err)
{
	autofclose FILE *f = fopen("/proc/self/cgroup", "re");
	autofree char *line = NULL;
	size_t cap = 0;
	if (!f)
		return err_set(err, errno, "open `/proc/self/cgroup`");
	while (getline(&line, &cap, f) > 0) {
		line[strcspn(line, "\n")] = '\0';
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		bool match = h->v2 ? strcmp(c1 + 1, "") == 0 : strcmp(c1 + 1, h->ctrls) == 0;
		if (!match)
			continue;
		const char *p = c2 + 1;
		size_t rl = strlen(h->root);
		if (strcmp(h->root, "/") != 0 && strncmp(p, h->root, rl) == 0)
			p += rl;
		*ret = xstrdup(*p ? p : "/");
		return 0;
	}
	return err_set(err, ENOENT, "no `%s` line in `/proc/self/cgroup`", h->v2 ? "0::" : h->ctrls);
}

static int resolve_paths(struct cgroup_ctx *c, const struct silo_cgroup_opts *o, struct error *err)
{
	autofree char *abs = NULL;
	const char *p = o->cgroups_path;
	if (o->flags & SILO_CGROUP_SYSTEMD) {
		if (cgroup_systemd_path(p, o->id, &abs, err) < 0)
			return -1;
		log_debug("no systemd to ask: using cgroupfs path `%s` for `%s`", abs, p ? p : "");
	} else if (!p || !*p) {
		/* crun's observed default: /<id> at the root of every hierarchy. */
		if (cgroup_path_join("/", o->id, &abs, err) < 0)
			return -1;
	} else if (p[0] == '/') {
		if (cgroup_path_join("/", p, &abs, err) < 0)
			return -1;
	}
	for (size_t i = 0; i < c->n; i++) {
		autofree char *own = NULL;
		if (abs) {
			c->h[i].path = xstrdup(abs);
			continue;
		}
		if (own_cgroup(&c->h[i], &own, err) < 0 ||
		    cgroup_path_join(own, p, &c->h[i].path, err) < 0)
			return -1;
	}
	c->path = xstrdup(c->h[0].path);
	return 0;
}

/* ------------------------------------------------------------ directories */
static bool rootless_ok(const struct cgroup_ctx *c, int e)
{
	return (c->flags & SILO_CGROUP_ROOTLESS) && (e == EACCES || e == EPERM || e == EROFS);
}

/* mkdir -p of h->path; h->created counts the trailing components made here. */
static int mkdir_hier(struct cgroup_hier *h, struct error *err)
{
	autofree char *full = cgroup_file(h, NULL);
	size_t base = strlen(h->mnt);
	h->created = 0;
	const char *rel;
	int at = cgroup_at(h->has_root, h->rootfd, full, &rel);
	for (char *s = full + base + 1;; s++) {
		char *slash = strchr(s, '/');
		if (slash)
			*slash = '\0';
		if (mkdirat(at, rel, 0755) == 0) {
			h->created++;
		} else if (errno != EEXIST) {
			return err_set(err, errno, "mkdir `%s`", full);
		} else if (h->created > 0) {
			return err_set(err, EEXIST, "mkdir `%s`: appeared concurrently", full);
		}
		if (!slash)
			return 0;
		*slash = '/';
		s = slash;
	}
}

/* rmdir with EBUSY retries when tasks were just killed (they may still be leaving);
 * ENOENT is success. */
static int rmdir_at(const struct cgroup_hier *h, const char *dir)
{
	const char *rel;
	int at = cgroup_at(h->has_root, h->rootfd, dir, &rel);
	return unlinkat(at, rel, AT_REMOVEDIR);
}

static int rmdir_retry(const struct cgroup_hier *h, const char *dir, int retries, struct error *err)
{
	for (int i = 0;; i++) {
		if (rmdir_at(h, dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY || i >= retries)
			return err_set(err, errno, "rmdir `%s`", dir);
		sleep_ms(5 + i * 5);
	}
}

static DIR *opendir_at(const struct cgroup_hier *h, const char *dir)
{
	const char *rel;
	int at = cgroup_at(h->has_root, h->rootfd, dir, &rel);
	int fd = openat(at, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (fd >= 0 && !d)
		closep(&fd);
	return d;
}

/* Sub-cgroups the container made itself, deepest first. */
static int rmdir_children(const struct cgroup_hier *h, const char *dir, int depth, int retries,
			  struct error *err)
{
	autoclosedir DIR *d = opendir_at(h, dir);
	struct dirent *de;
	if (!d)
		return errno == ENOENT ? 0 : err_set(err, errno, "open `%s`", dir);
	if (depth > 64)
		return err_set(err, ELOOP, "`%s`: cgroup tree too deep", dir);
	while ((de = readdir(d))) {
		if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		autofree char *sub = xasprintf("%s/%s", dir, de->d_name);
		if (rmdir_children(h, sub, depth + 1, retries, err) < 0 ||
		    rmdir_retry(h, sub, retries, err) < 0)
			return -1;
	}
	return 0;
}

static int remove_hier(struct cgroup_hier *h, int retries, struct error *err)
{
	autofree char *full = cgroup_file(h, NULL);
	if (h->created <= 0)
		return 0;
	/* Usually empty and without sub-cgroups: one rmdir. Else walk what the container made. */
	if (rmdir_at(h, full) < 0 && errno != ENOENT &&
	    (rmdir_children(h, full, 0, retries, err) < 0 || rmdir_retry(h, full, retries, err) < 0))
		return -1;
	for (int i = 0; i < h->created; i++) {
		/* An ancestor silo created (/libpod_parent) may hold other containers by now. */
		if (i > 0 && rmdir_at(h, full) < 0 && errno != ENOENT) {
			log_debug("rmdir `%s`: %m, leaving it", full);
			break;
		}
		char *slash = strrchr(full, '/');
		if (!slash || (size_t)(slash - full) <= strlen(h->mnt))
			break;
		*slash = '\0';
	}
	return 0;
}

static int remove_all(struct cgroup_ctx *c, int retries, struct error *err)
{
	int r = 0;
	for (size_t i = 0; i < c->n; i++) {
		struct error e2;
		if (remove_hier(&c->h[i], retries, r < 0 ? &e2 : err) < 0)
			r = -1;
	}
	return r;
}

/* ------------------------------------------------------------ state string */
/* "<layout>|<path>|<created>:<mnt>:<hier path>|..." (see cgroup.h). */
static char *state_encode(const struct cgroup_ctx *c)
{
	static const char *const names[] = { "v1", "hybrid", "v2" };
	char *s = xasprintf("%s|%s", names[c->layout], c->path);
	for (size_t i = 0; i < c->n; i++)
		if (c->h[i].created >= 0)
			cgroup_json_add(&s, "|%d:%s:%s", c->h[i].created, c->h[i].mnt, c->h[i].path);
	return s;
}

static int state_entry(struct cgroup_ctx *c, struct cgroup_ctx *live, char *ent,
		       struct error *err)
{
	char *c1 = strchr(ent, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	int created;
	if (!c2 || c2[1] != '/')
		return err_set(err, EINVAL, "invalid cgroup state entry `%s`", ent);
	*c1 = *c2 = '\0';
	if (parse_int(ent, &created) < 0 || created < 0 || created > 64)
		return err_set(err, EINVAL, "invalid cgroup state count `%s`", ent);
	for (size_t i = 0; i < live->n; i++) {
		if (!live->h[i].mnt || strcmp(live->h[i].mnt, c1 + 1) != 0)
			continue;
		struct cgroup_hier *h = &c->h[c->n++];
		*h = live->h[i];
		live->h[i] = (struct cgroup_hier){ 0 };
		h->created = created;
		if (cgroup_path_join("/", c2 + 1, &h->path, err) < 0)
			return -1;
		return 0;
	}
	log_debug("cgroup hierarchy `%s` no longer mounted, ignoring", c1 + 1);
	return 0;
}

static int state_decode(const char *state, struct cgroup_ctx *c, struct error *err)
{
	autoctx struct cgroup_ctx live = { 0 };
	autofree char *s = xstrdup(state);
	char *save = NULL, *lay = strtok_r(s, "|", &save), *path = strtok_r(NULL, "|", &save);
	if (!lay || !path)
		return err_set(err, EINVAL, "invalid cgroup state `%s`", state);
	if (strcmp(lay, "v1") == 0)
		c->layout = SILO_CGROUP_V1;
	else if (strcmp(lay, "hybrid") == 0)
		c->layout = SILO_CGROUP_HYBRID;
	else if (strcmp(lay, "v2") == 0)
		c->layout = SILO_CGROUP_V2;
	else
		return err_set(err, EINVAL, "invalid cgroup state layout `%s`", lay);
	live.layout = c->layout;
	if (open_root(c, err) < 0)
		return -1;
	live.rootfd = c->rootfd; /* borrowed: the entries moved to c keep using it */
	live.has_root = true;
	int r = load_hierarchies(&live, err);
	live.has_root = false;
	if (r < 0)
		return -1;
	c->path = xstrdup(path);
	for (char *e = strtok_r(NULL, "|", &save); e; e = strtok_r(NULL, "|", &save))
		if (c->n < CGROUP_MAX_HIER && state_entry(c, &live, e, err) < 0)
			return -1;
	return 0;
}

/* ------------------------------------------------------------ enter, join */
static int write_pid(struct cgroup_ctx *c, pid_t pid, bool limits, struct error *err)
{
	char val[16];
	snprintf(val, sizeof(val), "%d", (int)pid);
	for (size_t i = 0; i < c->n; i++) {
		if (c->h[i].created < 0 || cgroup_hwrite(&c->h[i], "cgroup.procs", val, err) == 0)
			continue;
		if (rootless_ok(c, err->errnum) && !limits) {
			autofree char *f = cgroup_file(&c->h[i], "cgroup.procs");
			log_debug("rootless: cannot join `%s`, ignoring", f);
			continue;
		}
		/* Step back out of what was joined so the failed create can rmdir it all. */
		for (size_t j = 0; j < i; j++) {
			autofree char *root = xasprintf("%s/cgroup.procs", c->h[j].mnt);
			struct error ignored;
			if (c->h[j].created >= 0)
				cgroup_writef(root, &ignored, "%d", (int)pid);
		}
		return -1;
	}
	return 0;
}

static int create_dirs(struct cgroup_ctx *c, bool limits, struct error *err)
{
	for (size_t i = 0; i < c->n; i++) {
		if (mkdir_hier(&c->h[i], err) == 0)
			continue;
		if (!rootless_ok(c, err->errnum))
			return -1;
		if (limits)
			return err_prefix(err, "rootless: resource limits need a writable cgroup");
		log_debug("rootless: %s, ignoring", err->msg);
		c->h[i].created = -1;
	}
	return 0;
}

/* Everything of enter but moving a process in. */
static int setup_ctx(struct cgroup_ctx *c, const struct silo_cgroup_opts *o, struct error *err)
{
	static const struct silo_resources none;
	const struct silo_resources *r = o->resources ? o->resources : &none;
	if (load_hierarchies(c, err) < 0 || resolve_paths(c, o, err) < 0)
		return -1;
	for (size_t i = 0; i < c->n; i++)
		c->h[i].created = -1; /* nothing to remove yet */
	if (create_dirs(c, cgroup_resources_any(r), err) < 0)
		return -1;
	if (ops_of(c)->prepare(c, err) < 0 || ops_of(c)->apply(c, r, false, err) < 0)
		return -1;
	return 0;
}

static int enter_ctx(struct cgroup_ctx *c, const struct silo_cgroup_opts *o, pid_t pid,
		     struct error *err)
{
	if (setup_ctx(c, o, err) < 0)
		return -1;
	return write_pid(c, pid, o->resources && cgroup_resources_any(o->resources), err);
}

static void undo_setup(struct cgroup_ctx *c)
{
	struct error ignored;
	if (remove_all(c, 0, &ignored) < 0)
		log_debug("cgroup cleanup after failure: %s", ignored.msg);
}

void silo_cgroup_entry_close_join(struct silo_cgroup_entry *e)
{
	if (e->into_fd >= 0)
		close(e->into_fd);
	e->into_fd = -1;
	for (size_t i = 0; i < e->n_task_fds; i++)
		close(e->task_fds[i]);
	e->n_task_fds = 0;
}

void silo_cgroup_entry_close(struct silo_cgroup_entry *e)
{
	silo_cgroup_entry_close_join(e);
	for (size_t i = 0; i < e->n_dirs; i++) {
		free(e->dir_mnts[i]);
		free(e->dir_paths[i]);
	}
	e->n_dirs = 0;
}

static int open_entry(struct cgroup_ctx *c, struct silo_cgroup_entry *e, struct error *err)
{
	for (size_t i = 0; i < c->n; i++) {
		struct cgroup_hier *h = &c->h[i];
		int fd;
		if (h->created < 0)
			continue;
		if (h->v2 ? e->into_fd >= 0 : e->n_task_fds >= SILO_CGROUP_MAX_TASK_FDS)
			return err_set(err, E2BIG, "too many cgroup hierarchies");
		fd = cgroup_open(h, h->v2 ? NULL : "tasks", h->v2 ? O_RDONLY | O_DIRECTORY : O_WRONLY);
		if (fd < 0) {
			autofree char *f = cgroup_file(h, h->v2 ? NULL : "tasks");
			return err_set(err, errno, "open `%s`", f);
		}
		if (h->v2)
			e->into_fd = fd;
		else
			e->task_fds[e->n_task_fds++] = fd;
		if (e->n_dirs < SILO_CGROUP_MAX_TASK_FDS) {
			e->dir_mnts[e->n_dirs] = xstrdup(h->mnt);
			e->dir_paths[e->n_dirs++] = xstrdup(h->path);
		}
	}
	return 0;
}

int silo_cgroup_precreate(const struct silo_cgroup_opts *o, struct silo_cgroup_entry *ret_entry,
			  char **ret_state, struct error *err)
{
	autoctx struct cgroup_ctx c = { .flags = o->flags };
	*ret_entry = (struct silo_cgroup_entry){ .into_fd = -1 };
	*ret_state = NULL;
	if (o->flags & (SILO_CGROUP_DISABLED | SILO_CGROUP_SYSTEMD | SILO_CGROUP_ROOTLESS))
		return 0;
	if (open_root(&c, err) < 0 || layout_at(c.rootfd, &c.layout, err) < 0)
		return -1;
	if (setup_ctx(&c, o, err) < 0 || open_entry(&c, ret_entry, err) < 0) {
		silo_cgroup_entry_close(ret_entry);
		undo_setup(&c);
		return err_prefix(err, "cgroup `%s`", c.path ? c.path : "");
	}
	*ret_state = state_encode(&c);
	return 0;
}

int silo_cgroup_enter(const struct silo_cgroup_opts *o, pid_t pid, char **ret_state,
		      struct error *err)
{
	autoctx struct cgroup_ctx c = { .flags = o->flags };
	if (o->flags & SILO_CGROUP_DISABLED) {
		*ret_state = xstrdup("");
		return 0;
	}
	if (open_root(&c, err) < 0 || layout_at(c.rootfd, &c.layout, err) < 0)
		return -1;
	if (enter_ctx(&c, o, pid, err) < 0) {
		undo_setup(&c);
		return err_prefix(err, "cgroup `%s`", c.path ? c.path : "");
	}
	*ret_state = state_encode(&c);
	return 0;
}

static int load_state(const char *state, struct cgroup_ctx *c, struct error *err)
{
	if (!state || !*state)
		return err_set(err, ENOENT, "container has no cgroup (cgroups disabled)");
	return state_decode(state, c, err);
}

int silo_cgroup_join(const char *state, pid_t pid, const char *sub, struct error *err)
{
	autoctx struct cgroup_ctx c = { 0 };
	if (!state || !*state)
		return 0;
	if (state_decode(state, &c, err) < 0)
		return -1;
	char val[16];
	snprintf(val, sizeof(val), "%d", (int)pid);
	for (size_t i = 0; i < c.n; i++) {
		struct cgroup_hier *h = &c.h[i];
		autofree char *dir = NULL, *f = NULL;
		const char *rel;
		if (sub && *sub) {
			if (cgroup_path_join(h->path, sub, &dir, err) < 0)
				return err_prefix(err, "exec --cgroup");
			f = xasprintf("%s%s", h->mnt, dir);
			if (faccessat(cgroup_at(h->has_root, h->rootfd, f, &rel), rel, F_OK, 0) < 0 &&
			    c.layout != SILO_CGROUP_V2 && !h->v2) {
				log_debug("sub-cgroup `%s` missing in `%s`, using the container's", sub, h->mnt);
				free(f);
				f = NULL;
			} else {
				free(f);
				f = xasprintf("%s%s/cgroup.procs", h->mnt, dir);
			}
		}
		if ((f ? cgroup_write_at(h, f, val, err) : cgroup_hwrite(h, "cgroup.procs", val, err)) < 0)
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ pids, signals */
/* The hierarchy whose membership we trust for listing: v2 tree, else freezer. */
static struct cgroup_hier *primary(struct cgroup_ctx *c)
{
	struct cgroup_hier *h = c->layout == SILO_CGROUP_V2 ? cgroup_find_v2(c) : NULL;
	if (!h)
		h = cgroup_find_v1(c, "freezer");
	if (!h)
		h = cgroup_find_v1(c, "pids");
	for (size_t i = 0; !h && i < c->n; i++)
		h = c->h[i].created >= 0 ? &c->h[i] : NULL;
	return h;
}

/* `dfd`: the cgroup directory `dir` (named in messages), opened by the caller. */
static int collect_pids(int dfd, const char *dir, int depth, pid_t **v, size_t *n,
			struct error *err)
{
	autofree char *s = NULL;
	autoclosedir DIR *d = NULL;
	autoclose int procs = openat(dfd, "cgroup.procs", O_RDONLY | O_CLOEXEC | O_NOCTTY), dd = -1;
	struct dirent *de;
	if (procs < 0) {
		err_set(err, errno, "open `%s/cgroup.procs`", dir);
		return err->errnum == ENOENT && depth == 0 ? 0 : -1;
	}
	if (fd_read_fd(procs, 4u << 20, &s, NULL, err) < 0)
		return err_prefix(err, "`%s/cgroup.procs`", dir);
	for (char *save = NULL, *t = strtok_r(s, "\n", &save); t; t = strtok_r(NULL, "\n", &save)) {
		int pid;
		if (parse_int(t, &pid) == 0 && pid > 0) {
			*v = xreallocarray(*v, *n + 1, sizeof(**v));
			(*v)[(*n)++] = pid;
		}
	}
	if (depth > 64 || (dd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    !(d = fdopendir(dd)))
		return 0;
	dd = -1; /* the DIR owns it now */
	while ((de = readdir(d)))
		if (de->d_type == DT_DIR && strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			autofree char *sub = xasprintf("%s/%s", dir, de->d_name);
			autoclose int sfd = openat(dirfd(d), de->d_name,
						   O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sfd < 0)
				return err_set(err, errno, "open `%s/cgroup.procs`", sub);
			if (collect_pids(sfd, sub, depth + 1, v, n, err) < 0)
				return -1;
		}
	return 0;
}

static int ctx_pids(struct cgroup_ctx *c, pid_t **ret, size_t *ret_n, struct error *err)
{
	struct cgroup_hier *h = primary(c);
	*ret = NULL;
	*ret_n = 0;
	if (!h)
		return 0;
	autofree char *dir = cgroup_file(h, NULL);
	autoclose int dfd = cgroup_open(h, NULL, O_PATH | O_DIRECTORY);
	if (dfd < 0)
		return errno == ENOENT ? 0 : err_set(err, errno, "open `%s`", dir);
	if (collect_pids(dfd, dir, 0, ret, ret_n, err) < 0) {
		free(steal_ptr(ret));
		return -1;
	}
	return 0;
}

static int ctx_count(struct cgroup_ctx *c, size_t *ret_n, struct error *err)
{
	autofree pid_t *pids = NULL;
	return ctx_pids(c, &pids, ret_n, err);
}

int silo_cgroup_pids(const char *state, pid_t **ret, size_t *ret_n, struct error *err)
{
	autoctx struct cgroup_ctx c = { 0 };
	if (load_state(state, &c, err) < 0)
		return -1;
	return ctx_pids(&c, ret, ret_n, err);
}

static bool can_freeze(struct cgroup_ctx *c)
{
	return c->layout == SILO_CGROUP_V2 ? cgroup_find_v2(c) != NULL
					   : cgroup_find_v1(c, "freezer") != NULL;
}

static int signal_each(struct cgroup_ctx *c, int sig, struct error *err)
{
	autofree pid_t *pids = NULL;
	size_t n = 0;
	if (ctx_pids(c, &pids, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (kill(pids[i], sig) < 0 && errno != ESRCH)
			return err_set(err, errno, "kill %d", (int)pids[i]);
	return 0;
}

static int ctx_signal_all(struct cgroup_ctx *c, int sig, struct error *err)
{
	struct cgroup_hier *v2 = c->layout == SILO_CGROUP_V2 ? cgroup_find_v2(c) : NULL;
	struct cgroup_hier *p = primary(c);
	bool was_frozen = false;
	if (!p || !cgroup_hexists(p, NULL))
		return 0; /* already gone: nothing to signal */
	if (v2 && sig == SIGKILL && cgroup_hexists(v2, "cgroup.kill"))
		return cgroup_hwrite(v2, "cgroup.kill", "1", err) < 0 && err->errnum != ENOENT ? -1 : 0;
	if (!can_freeze(c))
		return signal_each(c, sig, err);
	/* Nothing left (the usual case once a pid namespace's init is gone): no freeze needed. */
	size_t n;
	if (ctx_count(c, &n, err) < 0)
		return -1;
	if (n == 0)
		return 0;
	if (ops_of(c)->is_frozen(c, &was_frozen, err) < 0 ||
	    (!was_frozen && ops_of(c)->freeze(c, true, err) < 0))
		return -1;
	struct error e2;
	int r = signal_each(c, sig, err);
	/* v1 frozen tasks cannot die: always thaw after SIGKILL; else keep a pause. */
	if ((sig == SIGKILL || !was_frozen) && ops_of(c)->freeze(c, false, r < 0 ? &e2 : err) < 0)
		r = -1;
	return r;
}

int silo_cgroup_signal_all(const char *state, int sig, struct error *err)
{
	autoctx struct cgroup_ctx c = { 0 };
	if (load_state(state, &c, err) < 0)
		return -1;
	return ctx_signal_all(&c, sig, err);
}

static int wait_empty(struct cgroup_ctx *c, struct error *err)
{
	for (int waited = 0;; waited += 10) {
		size_t n;
		if (ctx_count(c, &n, err) < 0)
			return -1;
		if (n == 0)
			return 0;
		if (waited >= CGROUP_WAIT_MS)
			return err_set(err, EBUSY, "cgroup `%s` still has %zu processes after SIGKILL",
				       c->path, n);
		sleep_ms(10);
	}
}

int silo_cgroup_destroy(const char *state, bool kill, struct error *err)
{
	autoctx struct cgroup_ctx c = { 0 };
	if (!state || !*state)
		return 0;
	if (state_decode(state, &c, err) < 0)
		return -1;
	if (kill && (ctx_signal_all(&c, SIGKILL, err) < 0 || wait_empty(&c, err) < 0))
		return err_prefix(err, "destroy cgroup `%s`", c.path);
	if (remove_all(&c, kill ? 10 : 0, err) < 0)
		return err_prefix(err, "destroy cgroup `%s`", c.path);
	return 0;
}

/* ------------------------------------------------------------ backend calls */
int silo_cgroup_freeze(const char *state, bool freeze, struct error *err)
{
	autoctx struct cgroup_ctx c = { 0 };
	if (load_state(state, &c, err) < 0)
		return -1;
	if (!can_freeze(&c))
		return err_set(err, ENOTSUP, "cgroup `%s`: no freezer available", c.path);
	return ops_of(&c)->freeze(&c, freeze, err);
}

int silo_cgroup_is_frozen(const char *state, bool *ret, struct error *err)
{
	autoctx struct cgroup_ctx c = { 0 };
	*ret = false;
	if (load_state(state, &c, err) < 0)
		return -1;
	if (!can_freeze(&c))
		return 0;
	return ops_of(&c)->is_frozen(&c, ret, err);
}

int silo_cgroup_update(const char *state, const struct silo_resources *r, struct error *err)
{
	autoctx struct cgroup_ctx c = { 0 };
	if (load_state(state, &c, err) < 0)
		return -1;
	if (ops_of(&c)->apply(&c, r, true, err) < 0)
		return err_prefix(err, "update cgroup `%s`", c.path);
	return 0;
}

int silo_cgroup_stats_json(const char *state, char **ret, struct error *err)
{
	autoctx struct cgroup_ctx c = { 0 };
	autofree char *buf = xstrdup("{");
	if (load_state(state, &c, err) < 0 || ops_of(&c)->stats(&c, &buf, err) < 0)
		return -1;
	cgroup_json_add(&buf, "}");
	*ret = steal_ptr(&buf);
	return 0;
}

int silo_cgroup_oom_kills(const char *state, uint64_t *ret, struct error *err)
{
	autoctx struct cgroup_ctx c = { 0 };
	struct cgroup_hier *h;

	if (load_state(state, &c, err) < 0)
		return -1;
	/* v1: memory.oom_control has "oom_kill N" (4.13+); v2: memory.events. */
	h = c.layout == SILO_CGROUP_V2 ? cgroup_find_v2(&c) : cgroup_find_v1(&c, "memory");
	*ret = 0;
	if (!h)
		return 0;
	*ret = cgroup_hkeyed(h, c.layout == SILO_CGROUP_V2 ? "memory.events" : "memory.oom_control",
			     "oom_kill");
	return 0;
}
