/* SPDX-License-Identifier: GPL-2.0-or-later */
/* OOM detection for the container's memory cgroup (spec 8): v1 via memory.oom_control +
 * cgroup.event_control eventfd, v2 via inotify on memory.events. Best effort: a failure to watch
 * is a warning. Detection writes <bundle>/oom and <persist-dir>/oom, never into the cwd. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/statfs.h>
#include <sys/stat.h>

#include <glib-unix.h>

#include "exit.h"
#include "oom.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

struct mon_oom {
	bool v2, reported;
	char *dir;   /* the container's memory cgroup directory */
	char *file;  /* memory.oom_control (v1) or memory.events (v2) */
	int evfd;    /* eventfd (v1) or inotify fd (v2) */
	int ctl_fd;  /* v1: memory.oom_control, kept open while registered */
	guint source;
	int64_t base_kill, base_oom; /* counters when watching started */
};

/* Value of "key N" in a flat-keyed cgroup file, or -1. */
static int64_t read_counter(const char *path, const char *key)
{
	struct error err;
	g_autofree char *s = file_read_small(path, 4096, &err);
	g_auto(GStrv) lines = s ? g_strsplit(s, "\n", -1) : NULL;
	size_t klen = strlen(key);
	int64_t v;

	for (char **l = lines; l && *l; l++)
		if (strncmp(*l, key, klen) == 0 && (*l)[klen] == ' ' && parse_int64(*l + klen + 1, &v) == 0)
			return v;
	return -1;
}

static void report(struct monitor *m)
{
	if (m->oom->reported)
		return;
	m->oom->reported = true;
	mon_info("container %d was OOM-killed", m->init_pid);
	mon_exit_write_oom(m);
}

/* Counters moved since we started watching (oom_kill preferred: a real kill). */
static bool counters_moved(struct mon_oom *o)
{
	int64_t k = read_counter(o->file, "oom_kill");
	if (k >= 0 && o->base_kill >= 0)
		return k > o->base_kill;
	if (o->v2) {
		int64_t n = read_counter(o->file, "oom");
		return n > 0 && n > o->base_oom;
	}
	return false;
}

/* v1: one eventfd wake-up per OOM; a wake-up with the cgroup gone and count 1 is its removal. */
static void check_v1_event(struct monitor *m)
{
	uint64_t count;

	if (read(m->oom->evfd, &count, sizeof(count)) != (ssize_t)sizeof(count))
		return;
	if (count == 1 && access(m->oom->dir, F_OK) < 0)
		return;
	report(m);
}

static gboolean on_oom_event(int fd, GIOCondition cond, gpointer data)
{
	struct monitor *m = data;
	char buf[4096];

	if (m->oom->v2) {
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		if (counters_moved(m->oom))
			report(m);
	} else {
		check_v1_event(m);
	}
	return G_SOURCE_CONTINUE;
}

/* The memory cgroup path of pid, from /proc/<pid>/cgroup. */
static char *cgroup_path(pid_t pid, bool v2)
{
	g_autofree char *p = g_strdup_printf("/proc/%d/cgroup", pid);
	struct error err;
	g_autofree char *s = file_read_small(p, 16384, &err);
	g_auto(GStrv) lines = s ? g_strsplit(s, "\n", -1) : NULL;

	for (char **l = lines; l && *l; l++) {
		g_auto(GStrv) f = g_strsplit(*l, ":", 3);
		if (g_strv_length(f) != 3)
			continue;
		if (v2 && strcmp(f[0], "0") == 0 && f[1][0] == '\0')
			return g_strdup(f[2]);
		if (!v2) {
			g_auto(GStrv) ctrls = g_strsplit(f[1], ",", -1);
			if (g_strv_contains((const char *const *)ctrls, "memory"))
				return g_strdup(f[2]);
		}
	}
	return NULL;
}

static int watch_v1(struct mon_oom *o, struct error *err)
{
	g_autofree char *ec = g_build_filename(o->dir, "cgroup.event_control", NULL);
	char line[64];
	autoclose int ecfd = -1;

	o->ctl_fd = open(o->file, O_RDONLY | O_CLOEXEC);
	if (o->ctl_fd < 0)
		return err_set(err, errno, "open `%s`", o->file);
	o->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (o->evfd < 0)
		return err_set(err, errno, "eventfd");
	ecfd = open(ec, O_WRONLY | O_CLOEXEC);
	if (ecfd < 0)
		return err_set(err, errno, "open `%s`", ec);
	int n = snprintf(line, sizeof(line), "%d %d", o->evfd, o->ctl_fd);
	if (write_all(ecfd, line, (size_t)n) < 0)
		return err_set(err, errno, "write `%s`", ec);
	return 0;
}

static int watch_v2(struct mon_oom *o, struct error *err)
{
	o->evfd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (o->evfd < 0)
		return err_set(err, errno, "inotify_init1");
	if (inotify_add_watch(o->evfd, o->file, IN_MODIFY) < 0)
		return err_set(err, errno, "watch `%s`", o->file);
	return 0;
}

void mon_oom_watch(struct monitor *m)
{
	struct mon_oom *o = g_new0(struct mon_oom, 1);
	struct statfs sfs;
	struct error err = { 0 };
	g_autofree char *path = NULL;
	int r;

	m->oom = o;
	o->evfd = o->ctl_fd = -1;
	o->v2 = statfs("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC;
	path = cgroup_path(m->init_pid, o->v2);
	if (!path) {
		mon_warn("no memory cgroup found for %d; OOM detection disabled", m->init_pid);
		return;
	}
	o->dir = o->v2 ? g_build_filename("/sys/fs/cgroup", path, NULL)
		       : g_build_filename("/sys/fs/cgroup/memory", path, NULL);
	o->file = g_build_filename(o->dir, o->v2 ? "memory.events" : "memory.oom_control", NULL);
	o->base_kill = read_counter(o->file, "oom_kill");
	o->base_oom = read_counter(o->file, "oom");
	r = o->v2 ? watch_v2(o, &err) : watch_v1(o, &err);
	if (r < 0) {
		mon_warn("OOM detection disabled: %s: %s", err.msg, strerror(err.errnum));
		fd_clear(&o->evfd);
		fd_clear(&o->ctl_fd);
		return;
	}
	o->source = mon_fd_add(o->evfd, G_IO_IN, on_oom_event, m);
}

void mon_oom_final_check(struct monitor *m)
{
	struct mon_oom *o = m->oom;

	if (!o || !o->file || o->reported)
		return;
	if (!o->v2 && o->evfd >= 0)
		check_v1_event(m);
	if (!o->reported && counters_moved(o))
		report(m);
}

void mon_oom_free(struct monitor *m)
{
	struct mon_oom *o = m->oom;

	if (!o)
		return;
	if (o->source)
		g_source_remove(o->source);
	fd_clear(&o->evfd);
	fd_clear(&o->ctl_fd);
	g_free(o->dir);
	g_free(o->file);
	g_clear_pointer(&m->oom, g_free);
}
