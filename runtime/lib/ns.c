/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Namespace mechanics that need no knowledge of the container: type-checked opening
 * of namespace paths, id maps, time namespace offsets. */
#include "ns.h"

#include "spec.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/fdutil.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int silo_ns_open(const char *path, int clone_flag, const char *type_name, struct error *err)
{
	autoclose int fd = open(path, O_RDONLY | O_CLOEXEC);
	int type;

	if (fd < 0)
		return err_set(err, errno, "open %s namespace `%s`", type_name, path);
	type = ioctl(fd, NS_GET_NSTYPE);
	if (type < 0)
		return err_set(err, errno, "namespace path `%s`: not a namespace file", path);
	if (type != clone_flag)
		return err_set(err, 0, "namespace path `%s`: not a %s namespace", path, type_name);
	return take_fd(&fd);
}

char *silo_ns_format_map(const struct silo_id_maps *m, size_t *ret_len)
{
	/* "4294967295 4294967295 4294967295\n" is 33 bytes; one more for snprintf's NUL. */
	char *buf = xcalloc(m->n + 1, 34);
	size_t len = 0;

	for (size_t i = 0; i < m->n; i++)
		len += (size_t)snprintf(buf + len, 34, "%u %u %u\n", m->v[i].container_id,
					m->v[i].host_id, m->v[i].size);
	*ret_len = len;
	return buf;
}

static int write_map(pid_t pid, const char *file, const struct silo_id_maps *m, struct error *err)
{
	char path[64];
	autofree char *buf = NULL;
	size_t len = 0;
	autoclose int fd = -1;

	if (!m->n)
		return 0;
	buf = silo_ns_format_map(m, &len);
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, errno, "open `%s`", path);
	/* The kernel wants the whole map in one write. */
	if (write(fd, buf, len) != (ssize_t)len)
		return err_set(err, errno, "write `%s`", path);
	return 0;
}

int silo_ns_write_maps(pid_t pid, const struct silo_id_maps *uids, const struct silo_id_maps *gids,
		       struct error *err)
{
	if (geteuid() != 0) {
		/* Without CAP_SETGID in the parent ns, gid_map needs setgroups denied first. */
		char path[64];
		autoclose int fd = -1;
		snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)pid);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd >= 0 && write(fd, "deny", 4) < 0)
			return err_set(err, errno, "write `%s`", path);
	}
	if (write_map(pid, "uid_map", uids, err) < 0)
		return -1;
	return write_map(pid, "gid_map", gids, err);
}

int silo_ns_set_time_offsets(const struct silo_time_offset *mono,
			     const struct silo_time_offset *boot, struct error *err)
{
	char buf[128];
	int n = 0;
	autoclose int fd = -1;

	if (mono->set)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "monotonic %lld %u\n",
			      (long long)mono->secs, mono->nanosecs);
	if (boot->set)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "boottime %lld %u\n",
			      (long long)boot->secs, boot->nanosecs);
	if (!n)
		return 0;
	fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, errno, "open `/proc/self/timens_offsets`");
	if (write(fd, buf, (size_t)n) != n)
		return err_set(err, errno, "write `/proc/self/timens_offsets`");
	return 0;
}
