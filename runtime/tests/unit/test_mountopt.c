/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for mountopt.c: every option of the table, data joining, bind/rbind,
 * propagation, recursive attributes and the crun extensions. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "mountopt.h"
#include "spec.h"
#include "unit.h"
#include "util/error.h"
#include "util/syscall.h"

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

/* Parse a NULL-terminated option list into a fresh mount (type may be NULL). */
static int parse(struct silo_mount *m, const char *type, const char *const *opts)
{
	struct error err = { 0 };
	size_t n = 0;

	memset(m, 0, sizeof(*m));
	while (opts[n])
		n++;
	m->type = (char *)type;
	m->options.v = (char **)opts;
	m->options.n = n;
	return silo_mountopt_parse(m, &err);
}

static void done(struct silo_mount *m)
{
	free(m->data);
	m->data = NULL;
}

#define OPTS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void test_flags(void)
{
	static const struct {
		const char *opt;
		unsigned long set, clr;
	} t[] = {
		{ "ro", MS_RDONLY, 0 },           { "rw", 0, MS_RDONLY },
		{ "nosuid", MS_NOSUID, 0 },       { "suid", 0, MS_NOSUID },
		{ "nodev", MS_NODEV, 0 },         { "dev", 0, MS_NODEV },
		{ "noexec", MS_NOEXEC, 0 },       { "exec", 0, MS_NOEXEC },
		{ "sync", MS_SYNCHRONOUS, 0 },    { "async", 0, MS_SYNCHRONOUS },
		{ "dirsync", MS_DIRSYNC, 0 },     { "remount", MS_REMOUNT, 0 },
		{ "mand", MS_MANDLOCK, 0 },       { "nomand", 0, MS_MANDLOCK },
		{ "noatime", MS_NOATIME, 0 },     { "atime", 0, MS_NOATIME },
		{ "nodiratime", MS_NODIRATIME, 0 }, { "diratime", 0, MS_NODIRATIME },
		{ "relatime", MS_RELATIME, 0 },   { "norelatime", 0, MS_RELATIME },
		{ "strictatime", MS_STRICTATIME, 0 }, { "nostrictatime", 0, MS_STRICTATIME },
		{ "lazytime", MS_LAZYTIME, 0 },   { "nolazytime", 0, MS_LAZYTIME },
		{ "iversion", MS_I_VERSION, 0 },  { "noiversion", 0, MS_I_VERSION },
		{ "silent", MS_SILENT, 0 },       { "loud", 0, MS_SILENT },
		{ "nosymfollow", MS_NOSYMFOLLOW, 0 }, { "symfollow", 0, MS_NOSYMFOLLOW },
		{ "defaults", 0, 0 },
	};
	struct silo_mount m;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *opts[] = { t[i].opt, NULL };
		CHECK(parse(&m, "tmpfs", opts) == 0);
		CHECK_MSG(m.flags == t[i].set && m.clear_flags == t[i].clr, "%s: %lx/%lx", t[i].opt,
			  m.flags, m.clear_flags);
		CHECK(m.data == NULL && m.ext == 0 && m.propagation == 0);
		CHECK(m.rec_attr_set == 0 && m.rec_attr_clr == 0);
		done(&m);
	}
	/* Later options override earlier ones. */
	CHECK(parse(&m, "tmpfs", OPTS("ro", "rw")) == 0);
	CHECK(m.flags == 0 && m.clear_flags == MS_RDONLY);
	CHECK(parse(&m, "tmpfs", OPTS("rw", "ro", "nosuid", "nodev")) == 0);
	CHECK(m.flags == (MS_RDONLY | MS_NOSUID | MS_NODEV) && m.clear_flags == 0);
}

static void test_data(void)
{
	struct silo_mount m;

	CHECK(parse(&m, "tmpfs", OPTS("nosuid", "strictatime", "mode=755", "size=65536k")) == 0);
	CHECK(m.flags == (MS_NOSUID | MS_STRICTATIME));
	CHECK(m.data && strcmp(m.data, "mode=755,size=65536k") == 0);
	done(&m);
	CHECK(parse(&m, "devpts",
		    OPTS("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")) == 0);
	CHECK(m.data && strcmp(m.data, "newinstance,ptmxmode=0666,mode=0620,gid=5") == 0);
	done(&m);
	CHECK(parse(&m, "tmpfs", OPTS("", "context=\"system_u:object_r:x:s0\"", "")) == 0);
	CHECK(m.data && strcmp(m.data, "context=\"system_u:object_r:x:s0\"") == 0);
	done(&m);
	/* Case matters: the kernel's options are lower case. */
	CHECK(parse(&m, "tmpfs", OPTS("RO")) == 0);
	CHECK(m.flags == 0 && m.data && strcmp(m.data, "RO") == 0);
	done(&m);
	CHECK(parse(&m, NULL, OPTS("defaults")) == 0 && m.data == NULL && m.flags == 0);
}

static void test_bind(void)
{
	struct silo_mount m;

	CHECK(parse(&m, NULL, OPTS("bind")) == 0);
	CHECK(m.ext == SILO_MNT_BIND && m.flags == MS_BIND);
	CHECK(parse(&m, "none", OPTS("rbind", "ro")) == 0);
	CHECK(m.ext == (SILO_MNT_BIND | SILO_MNT_RECURSIVE));
	CHECK(m.flags == (MS_BIND | MS_REC | MS_RDONLY));
	/* podman: type "bind" without a bind option is still a bind. */
	CHECK(parse(&m, "bind", OPTS("rprivate", "nosuid")) == 0);
	CHECK(m.ext == SILO_MNT_BIND && m.flags == (MS_BIND | MS_NOSUID));
	CHECK(m.propagation == (MS_PRIVATE | MS_REC));
	CHECK(parse(&m, "bind", OPTS("rbind")) == 0);
	CHECK(m.ext == (SILO_MNT_BIND | SILO_MNT_RECURSIVE));
	CHECK(parse(&m, "tmpfs", OPTS("mode=1777")) == 0 && !(m.ext & SILO_MNT_BIND));
	done(&m);
}

static void test_propagation(void)
{
	struct silo_mount m;

	CHECK(silo_mountopt_propagation("shared") == MS_SHARED);
	CHECK(silo_mountopt_propagation("rshared") == (MS_SHARED | MS_REC));
	CHECK(silo_mountopt_propagation("slave") == MS_SLAVE);
	CHECK(silo_mountopt_propagation("rslave") == (MS_SLAVE | MS_REC));
	CHECK(silo_mountopt_propagation("private") == MS_PRIVATE);
	CHECK(silo_mountopt_propagation("rprivate") == (MS_PRIVATE | MS_REC));
	CHECK(silo_mountopt_propagation("unbindable") == MS_UNBINDABLE);
	CHECK(silo_mountopt_propagation("runbindable") == (MS_UNBINDABLE | MS_REC));
	CHECK(silo_mountopt_propagation("ro") == -1);
	CHECK(silo_mountopt_propagation("bogus") == -1);
	CHECK(silo_mountopt_propagation("") == -1);
	CHECK(parse(&m, NULL, OPTS("bind", "shared", "rslave")) == 0);
	CHECK(m.propagation == (MS_SLAVE | MS_REC));
	CHECK(!(m.flags & (MS_SHARED | MS_SLAVE | MS_PRIVATE | MS_UNBINDABLE)));
}

static void test_recursive(void)
{
	static const struct {
		const char *opt;
		uint64_t set, clr;
	} t[] = {
		{ "rro", MOUNT_ATTR_RDONLY, 0 },
		{ "rrw", 0, MOUNT_ATTR_RDONLY },
		{ "rnosuid", MOUNT_ATTR_NOSUID, 0 },
		{ "rsuid", 0, MOUNT_ATTR_NOSUID },
		{ "rnodev", MOUNT_ATTR_NODEV, 0 },
		{ "rdev", 0, MOUNT_ATTR_NODEV },
		{ "rnoexec", MOUNT_ATTR_NOEXEC, 0 },
		{ "rexec", 0, MOUNT_ATTR_NOEXEC },
		{ "rnodiratime", MOUNT_ATTR_NODIRATIME, 0 },
		{ "rdiratime", 0, MOUNT_ATTR_NODIRATIME },
		{ "rnosymfollow", MOUNT_ATTR_NOSYMFOLLOW, 0 },
		{ "rsymfollow", 0, MOUNT_ATTR_NOSYMFOLLOW },
		{ "rnoatime", MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME },
		{ "ratime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME },
		{ "rrelatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME },
		{ "rnorelatime", MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME },
		{ "rstrictatime", MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME },
		{ "rnostrictatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME },
	};
	struct silo_mount m;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *opts[] = { t[i].opt, NULL };
		CHECK(parse(&m, NULL, opts) == 0);
		CHECK_MSG(m.rec_attr_set == t[i].set && m.rec_attr_clr == t[i].clr, "%s", t[i].opt);
		CHECK(m.flags == 0 && m.clear_flags == 0 && m.data == NULL);
	}
	CHECK(parse(&m, NULL, OPTS("rro", "rrw")) == 0);
	CHECK(m.rec_attr_set == 0 && m.rec_attr_clr == MOUNT_ATTR_RDONLY);
	CHECK(parse(&m, NULL, OPTS("rbind", "rro", "rnosuid", "rnoatime", "rstrictatime")) == 0);
	CHECK(m.rec_attr_set == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_STRICTATIME));
	CHECK(m.rec_attr_clr == MOUNT_ATTR__ATIME);
}

static void test_ext(void)
{
	struct silo_mount m;
	struct error err = { 0 };

	CHECK(parse(&m, "tmpfs", OPTS("tmpcopyup")) == 0 && m.ext == SILO_MNT_TMPCOPYUP);
	CHECK(parse(&m, NULL, OPTS("bind", "idmap")) == 0);
	CHECK(m.ext == (SILO_MNT_BIND | SILO_MNT_IDMAP) && m.data == NULL);
	CHECK(parse(&m, NULL, OPTS("rbind", "ridmap")) == 0);
	CHECK(m.ext & SILO_MNT_RIDMAP && m.ext & SILO_MNT_IDMAP && m.data == NULL);
	CHECK(parse(&m, NULL, OPTS("bind", "src-nofollow", "dest-nofollow", "copy-symlink")) == 0);
	CHECK(m.ext == (SILO_MNT_BIND | SILO_MNT_SRC_NOFOLLOW | SILO_MNT_DEST_NOFOLLOW |
			SILO_MNT_COPY_SYMLINK));
	CHECK(m.flags == MS_BIND && m.data == NULL);
	/* idmap=... must never be passed to mount(2) as data. */
	memset(&m, 0, sizeof(m));
	m.options.v = (char **)OPTS("bind", "idmap=uids=0-1-10;gids=0-1-10");
	m.options.n = 2;
	CHECK(silo_mountopt_parse(&m, &err) == -1);
	CHECK_MSG(strstr(err.msg, "idmap=uids=0-1-10") != NULL, "%s", err.msg);
	CHECK(m.data == NULL);
}

static void test_reparse_and_known(void)
{
	struct silo_mount m;
	const char *const *known = silo_mountopt_known();
	size_t n = 0;
	static const char *const must[] = {
		"async", "atime", "bind", "defaults", "dev", "diratime", "dirsync", "exec",
		"iversion", "lazytime", "loud", "noatime", "nodev", "nodiratime", "noexec",
		"noiversion", "nolazytime", "norelatime", "nostrictatime", "nosuid", "private",
		"rbind", "relatime", "remount", "ro", "rprivate", "rshared", "rslave",
		"runbindable", "rw", "shared", "silent", "slave", "strictatime", "suid", "sync",
		"unbindable", "mand", "nomand", "tmpcopyup", "nosymfollow", "symfollow", "rro",
		"rrw", "rnosuid", "rsuid", "rnodev", "rdev", "rnoexec", "rexec", "rnoatime",
		"ratime", "rrelatime", "rnorelatime", "rstrictatime", "rnostrictatime",
		"rnodiratime", "rdiratime", "rnosymfollow", "rsymfollow", "idmap", "ridmap",
		"src-nofollow", "dest-nofollow", "copy-symlink", NULL
	};

	/* Parsing twice resets the previous result (and frees old data). */
	CHECK(parse(&m, "tmpfs", OPTS("ro", "size=1k")) == 0);
	m.options.v = (char **)OPTS("nosuid");
	m.options.n = 1;
	{
		struct error err = { 0 };
		CHECK(silo_mountopt_parse(&m, &err) == 0);
	}
	CHECK(m.flags == MS_NOSUID && m.data == NULL);
	while (known[n])
		n++;
	CHECK(n == 65);
	for (size_t i = 0; must[i]; i++) {
		bool found = false;
		for (size_t j = 0; known[j]; j++)
			found |= strcmp(known[j], must[i]) == 0;
		CHECK_MSG(found, "%s not in silo_mountopt_known()", must[i]);
	}
}

int main(void)
{
	test_flags();
	test_data();
	test_bind();
	test_propagation();
	test_recursive();
	test_ext();
	test_reparse_and_known();
	return unit_done();
}
