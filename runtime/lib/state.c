/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Container state directory, lock and state file. The file is a private line format
 * ("key value", values percent-encoded) written with tmp + rename, so a concurrent
 * reader sees either nothing or a complete state. */
#include "state.h"

#include "spec.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/fdutil.h"
#include "util/parse.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#define STATE_FILE "state"
#define STATE_MAX_BYTES (1u << 20)
#define ID_MAX 1024

int silo_state_check_id(const char *id, struct error *err)
{
	size_t len = strlen(id);

	if (len == 0)
		return err_set(err, 0, "invalid container id: empty");
	if (len > ID_MAX)
		return err_set(err, 0, "invalid container id: longer than %d bytes", ID_MAX);
	if (id[0] == '.')
		return err_set(err, 0, "invalid container id `%s`: must not start with `.`", id);
	for (const char *p = id; *p; p++) {
		if (!isalnum((unsigned char)*p) && !strchr("_+.-", *p))
			return err_set(err, 0, "invalid container id `%s`: only [A-Za-z0-9_+.-] allowed",
				       id);
	}
	return 0;
}

bool silo_userns_is_initial(void)
{
	char buf[128] = "";
	unsigned long a, b, c;
	ssize_t n;
	int fd;

	fd = open("/proc/self/uid_map", O_RDONLY | O_CLOEXEC);
	n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return true; /* no user namespaces at all */
	buf[n] = '\0';
	return sscanf(buf, "%lu %lu %lu", &a, &b, &c) == 3 && a == 0 && b == 0 &&
	       c == 4294967295UL;
}

bool silo_in_initial_userns(void)
{
	static int cached = -1;

	if (cached < 0)
		cached = silo_userns_is_initial();
	return cached;
}

/* mkdir -p with 0700 for every created level (runc's MkdirAll(root, 0700)). */
static int mkdir_p(const char *path, struct error *err)
{
	autofree char *p = NULL;

	if (mkdir(path, 0700) == 0 || errno == EEXIST)
		return 0; /* the common case: one syscall */
	p = xstrdup(path);

	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s)
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST)
			return err_set(err, errno, "create state root `%s`", p);
		if (!(*s = c))
			break;
	}
	return 0;
}

int silo_state_root(const char *arg, char **ret, struct error *err)
{
	const char *xdg = secure_getenv("XDG_RUNTIME_DIR");
	bool host_root = geteuid() == 0 && silo_in_initial_userns();

	if (arg) {
		if (arg[0] != '/')
			return err_set(err, 0, "--root `%s`: must be an absolute path", arg);
		if (strspn(arg, "/") == strlen(arg))
			return err_set(err, 0, "--root `%s`: refusing to use `/`", arg);
		*ret = xstrdup(arg);
	} else if (host_root) {
		*ret = xstrdup("/run/silo");
	} else if (xdg && *xdg) {
		/* rootless, or root of a user namespace (rootless podman): the caller's runtime
		 * dir, like runc; an empty XDG_RUNTIME_DIR counts as unset. */
		*ret = xasprintf("%s/silo", xdg);
	} else if (geteuid() == 0) {
		*ret = xstrdup("/run/silo");
	} else {
		return err_set(err, 0, "no state root: pass --root or set XDG_RUNTIME_DIR");
	}
	if (mkdir_p(*ret, err) < 0) {
		free(*ret);
		*ret = NULL;
		return -1;
	}
	return 0;
}

static int lock_dir(int fd, bool exclusive, const char *id, struct error *err)
{
	while (flock(fd, exclusive ? LOCK_EX : LOCK_SH) < 0) {
		if (errno != EINTR)
			return err_set(err, errno, "lock container `%s`", id);
	}
	return 0;
}

int silo_state_dir_create(const char *root, const char *id, struct error *err)
{
	autoclose int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	autoclose int fd = -1;

	if (rootfd < 0)
		return err_set(err, errno, "open state root `%s`", root);
	if (mkdirat(rootfd, id, 0700) < 0) {
		if (errno == EEXIST)
			return err_set(err, 0, "container `%s` already exists", id);
		return err_set(err, errno, "create state dir `%s/%s`", root, id);
	}
	fd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		int saved = errno;
		unlinkat(rootfd, id, AT_REMOVEDIR);
		return err_set(err, saved, "open state dir `%s/%s`", root, id);
	}
	if (lock_dir(fd, true, id, err) < 0) {
		unlinkat(rootfd, id, AT_REMOVEDIR);
		return -1;
	}
	return take_fd(&fd);
}

int silo_state_dir_open(const char *root, const char *id, bool exclusive, struct error *err)
{
	autofree char *path = xasprintf("%s/%s", root, id);
	autoclose int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0) {
		if (errno == ENOENT)
			return err_set(err, ENOENT, "container `%s` does not exist", id);
		return err_set(err, errno, "open state dir `%s`", path);
	}
	if (lock_dir(fd, exclusive, id, err) < 0)
		return -1;
	return take_fd(&fd);
}

int silo_state_dir_remove(const char *root, const char *id, struct error *err)
{
	autofree char *path = xasprintf("%s/%s", root, id);
	autoclosedir DIR *d = NULL;
	int dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct dirent *de;

	if (dfd < 0)
		return errno == ENOENT ? 0 : err_set(err, errno, "open state dir `%s`", path);
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return err_set(err, errno, "read state dir `%s`", path);
	}
	/* The state dir is flat: files and the fifo only. */
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) < 0 && errno != ENOENT)
			return err_set(err, errno, "remove `%s/%s`", path, de->d_name);
	}
	if (rmdir(path) < 0 && errno != ENOENT)
		return err_set(err, errno, "remove state dir `%s`", path);
	return 0;
}

/* ------------------------------------------------------------- encoding */
static void put_enc(FILE *f, const char *key, const char *val)
{
	fprintf(f, "%s ", key);
	for (const unsigned char *p = (const unsigned char *)val; *p; p++) {
		if (*p <= 0x20 || *p == '%' || *p == 0x7f)
			fprintf(f, "%%%02x", *p);
		else
			fputc(*p, f);
	}
}

static char *dec(const char *s, size_t len)
{
	char *out = xmalloc(len + 1), *o = out;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '%' && i + 2 < len && isxdigit((unsigned char)s[i + 1]) &&
		    isxdigit((unsigned char)s[i + 2])) {
			char hex[3] = { s[i + 1], s[i + 2], 0 };
			*o++ = (char)strtol(hex, NULL, 16);
			i += 2;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

int silo_state_write(int dirfd, const struct silo_state *st, struct error *err)
{
	autofree char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	char tmp[64];

	if (!f)
		return err_set(err, errno, "state buffer");
	fprintf(f, "pid %d\nstart %llu\nowner %u\nsystemd %d\npidns %d\npoststop %d\npoststart %d\n", (int)st->pid,
		(unsigned long long)st->start_time, (unsigned)st->owner, st->systemd_cgroup,
		st->private_pidns, st->has_poststop, st->has_poststart);
	put_enc(f, "\nbundle", st->bundle ? st->bundle : "");
	put_enc(f, "\nrootfs", st->rootfs ? st->rootfs : "");
	put_enc(f, "\ncreated", st->created ? st->created : "");
	put_enc(f, "\noci", st->oci_version ? st->oci_version : "");
	put_enc(f, "\ncgroup", st->cgroup ? st->cgroup : "");
	for (size_t i = 0; i < st->n_annotations; i++) {
		put_enc(f, "\nannotation", st->annotations[i].key);
		put_enc(f, "", st->annotations[i].value);
	}
	fputc('\n', f);
	if (fclose(f) != 0)
		return err_set(err, errno, "state buffer");
	snprintf(tmp, sizeof(tmp), STATE_FILE ".tmp");
	{
		autoclose int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
					  0600);
		if (fd < 0)
			return err_set(err, errno, "create state file");
		if (fd_write_all(fd, buf, len, err) < 0)
			return err_prefix(err, "write state file");
	}
	if (renameat(dirfd, tmp, dirfd, STATE_FILE) < 0)
		return err_set(err, errno, "publish state file");
	return 0;
}

static void parse_line(struct silo_state *st, char *line)
{
	char *sp = strchr(line, ' ');
	const char *key = line;
	char *val;

	if (!sp)
		return;
	*sp = '\0';
	val = sp + 1;
	if (!strcmp(key, "pid"))
		st->pid = (pid_t)atoi(val);
	else if (!strcmp(key, "start"))
		st->start_time = strtoull(val, NULL, 10);
	else if (!strcmp(key, "owner"))
		st->owner = (uid_t)strtoul(val, NULL, 10);
	else if (!strcmp(key, "systemd"))
		st->systemd_cgroup = atoi(val) != 0;
	else if (!strcmp(key, "pidns"))
		st->private_pidns = atoi(val) != 0;
	else if (!strcmp(key, "poststart"))
		st->has_poststart = atoi(val) != 0;
	else if (!strcmp(key, "poststop"))
		st->has_poststop = atoi(val) != 0;
	else if (!strcmp(key, "bundle"))
		st->bundle = dec(val, strlen(val));
	else if (!strcmp(key, "rootfs"))
		st->rootfs = dec(val, strlen(val));
	else if (!strcmp(key, "created"))
		st->created = dec(val, strlen(val));
	else if (!strcmp(key, "oci"))
		st->oci_version = dec(val, strlen(val));
	else if (!strcmp(key, "cgroup"))
		st->cgroup = dec(val, strlen(val));
	else if (!strcmp(key, "annotation")) {
		char *sp2 = strchr(val, ' ');
		if (!sp2)
			return;
		st->annotations = xreallocarray(st->annotations, st->n_annotations + 1,
						sizeof(*st->annotations));
		st->annotations[st->n_annotations].key = dec(val, (size_t)(sp2 - val));
		st->annotations[st->n_annotations].value = dec(sp2 + 1, strlen(sp2 + 1));
		st->n_annotations++;
	}
}

int silo_state_read(int dirfd, const char *id, struct silo_state *st, struct error *err)
{
	autofree char *buf = NULL;
	char *save = NULL;

	memset(st, 0, sizeof(*st));
	if (fd_read_file_at(dirfd, STATE_FILE, STATE_MAX_BYTES, &buf, NULL, err) < 0) {
		if (err->errnum == ENOENT) {
			errno = ENOENT;
			return err_set(err, ENOENT, "container `%s` is being created", id);
		}
		return err_prefix(err, "container `%s`", id);
	}
	st->id = xstrdup(id);
	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		parse_line(st, line);
	if (st->pid <= 0)
		return err_set(err, 0, "container `%s`: corrupt state file", id);
	return 0;
}

void silo_state_clear(struct silo_state *st)
{
	free(st->id);
	free(st->bundle);
	free(st->rootfs);
	free(st->created);
	free(st->oci_version);
	free(st->cgroup);
	for (size_t i = 0; i < st->n_annotations; i++) {
		free(st->annotations[i].key);
		free(st->annotations[i].value);
	}
	free(st->annotations);
	memset(st, 0, sizeof(*st));
}

int silo_proc_start_time(pid_t pid, uint64_t *ret)
{
	char path[64], buf[1024];
	autoclose int fd = -1;
	ssize_t n;
	char *p, *save = NULL;
	int field = 2;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* comm may contain spaces and parentheses: fields restart after the last ')'. */
	p = strrchr(buf, ')');
	if (!p)
		return -1;
	for (char *tok = strtok_r(p + 1, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		field++;
		if (field == 3 && (tok[0] == 'Z' || tok[0] == 'X'))
			return -1;
		if (field == 22) {
			*ret = strtoull(tok, NULL, 10);
			return 0;
		}
	}
	return -1;
}

enum silo_status silo_state_status(int dirfd, const struct silo_state *st)
{
	uint64_t start;
	struct stat sb;

	if (st->pid <= 0 || silo_proc_start_time(st->pid, &start) < 0 || start != st->start_time)
		return SILO_STATUS_STOPPED;
	if (fstatat(dirfd, "exec.fifo", &sb, AT_SYMLINK_NOFOLLOW) == 0)
		return SILO_STATUS_CREATED;
	return SILO_STATUS_RUNNING;
}

const char *silo_status_name(enum silo_status s)
{
	static const char *const names[] = { "creating", "created", "running", "paused", "stopped" };
	return names[s];
}

static void gen_str(yajl_gen g, const char *s)
{
	yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

char *silo_state_json(const struct silo_state *st, enum silo_status status, bool pretty)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *out;
	size_t len;
	char *r;

	yajl_gen_config(g, yajl_gen_beautify, pretty ? 1 : 0);
	if (pretty)
		yajl_gen_config(g, yajl_gen_indent_string, "  ");
	yajl_gen_map_open(g);
	gen_str(g, "ociVersion");
	gen_str(g, st->oci_version && *st->oci_version ? st->oci_version : "1.2.1");
	gen_str(g, "id");
	gen_str(g, st->id);
	gen_str(g, "pid");
	yajl_gen_integer(g, status == SILO_STATUS_STOPPED ? 0 : st->pid);
	gen_str(g, "status");
	gen_str(g, silo_status_name(status));
	gen_str(g, "bundle");
	gen_str(g, st->bundle ? st->bundle : "");
	gen_str(g, "rootfs");
	gen_str(g, st->rootfs ? st->rootfs : "");
	gen_str(g, "created");
	gen_str(g, st->created ? st->created : "");
	if (st->n_annotations) {
		gen_str(g, "annotations");
		yajl_gen_map_open(g);
		for (size_t i = 0; i < st->n_annotations; i++) {
			gen_str(g, st->annotations[i].key);
			gen_str(g, st->annotations[i].value);
		}
		yajl_gen_map_close(g);
	}
	gen_str(g, "owner");
	gen_str(g, "");
	yajl_gen_map_close(g);
	yajl_gen_get_buf(g, &out, &len);
	r = xstrndup((const char *)out, len);
	yajl_gen_free(g);
	return r;
}
