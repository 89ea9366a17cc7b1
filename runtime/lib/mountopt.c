/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Mount option strings (runtime-spec "Linux mount options" + crun extensions) -> MS_*
 * flags, propagation, mount_setattr(2) attributes, extension bits and leftover data.
 * One table drives parsing and `features`; pure: no syscalls, no logging. */
#include "mountopt.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "spec.h"
#include "util/error.h"
#include "util/syscall.h"
#include "util/xalloc.h"

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

enum mopt_kind {
	MO_NONE,   /* accepted, no effect ("defaults") */
	MO_SET,    /* flags |= f */
	MO_CLEAR,  /* clear_flags |= f */
	MO_PROP,   /* propagation = f (last one wins) */
	MO_RSET,   /* rec_attr_set |= a */
	MO_RCLR,   /* rec_attr_clr |= a */
	MO_RATIME, /* atime mode: clr __ATIME, set a (the kernel wants both) */
	MO_EXT,    /* ext |= e, flags |= f */
};

struct mopt {
	const char *name;
	enum mopt_kind kind;
	unsigned long flag;
	uint64_t attr;
	unsigned ext;
};

static const struct mopt mopts[] = {
	{ "defaults", MO_NONE, 0, 0, 0 },
	{ "ro", MO_SET, MS_RDONLY, 0, 0 },
	{ "rw", MO_CLEAR, MS_RDONLY, 0, 0 },
	{ "nosuid", MO_SET, MS_NOSUID, 0, 0 },
	{ "suid", MO_CLEAR, MS_NOSUID, 0, 0 },
	{ "nodev", MO_SET, MS_NODEV, 0, 0 },
	{ "dev", MO_CLEAR, MS_NODEV, 0, 0 },
	{ "noexec", MO_SET, MS_NOEXEC, 0, 0 },
	{ "exec", MO_CLEAR, MS_NOEXEC, 0, 0 },
	{ "sync", MO_SET, MS_SYNCHRONOUS, 0, 0 },
	{ "async", MO_CLEAR, MS_SYNCHRONOUS, 0, 0 },
	{ "dirsync", MO_SET, MS_DIRSYNC, 0, 0 },
	{ "remount", MO_SET, MS_REMOUNT, 0, 0 },
	{ "mand", MO_SET, MS_MANDLOCK, 0, 0 },
	{ "nomand", MO_CLEAR, MS_MANDLOCK, 0, 0 },
	{ "noatime", MO_SET, MS_NOATIME, 0, 0 },
	{ "atime", MO_CLEAR, MS_NOATIME, 0, 0 },
	{ "nodiratime", MO_SET, MS_NODIRATIME, 0, 0 },
	{ "diratime", MO_CLEAR, MS_NODIRATIME, 0, 0 },
	{ "relatime", MO_SET, MS_RELATIME, 0, 0 },
	{ "norelatime", MO_CLEAR, MS_RELATIME, 0, 0 },
	{ "strictatime", MO_SET, MS_STRICTATIME, 0, 0 },
	{ "nostrictatime", MO_CLEAR, MS_STRICTATIME, 0, 0 },
	{ "lazytime", MO_SET, MS_LAZYTIME, 0, 0 },
	{ "nolazytime", MO_CLEAR, MS_LAZYTIME, 0, 0 },
	{ "iversion", MO_SET, MS_I_VERSION, 0, 0 },
	{ "noiversion", MO_CLEAR, MS_I_VERSION, 0, 0 },
	{ "silent", MO_SET, MS_SILENT, 0, 0 },
	{ "loud", MO_CLEAR, MS_SILENT, 0, 0 },
	{ "nosymfollow", MO_SET, MS_NOSYMFOLLOW, 0, 0 },
	{ "symfollow", MO_CLEAR, MS_NOSYMFOLLOW, 0, 0 },
	{ "private", MO_PROP, MS_PRIVATE, 0, 0 },
	{ "rprivate", MO_PROP, MS_PRIVATE | MS_REC, 0, 0 },
	{ "shared", MO_PROP, MS_SHARED, 0, 0 },
	{ "rshared", MO_PROP, MS_SHARED | MS_REC, 0, 0 },
	{ "slave", MO_PROP, MS_SLAVE, 0, 0 },
	{ "rslave", MO_PROP, MS_SLAVE | MS_REC, 0, 0 },
	{ "unbindable", MO_PROP, MS_UNBINDABLE, 0, 0 },
	{ "runbindable", MO_PROP, MS_UNBINDABLE | MS_REC, 0, 0 },
	{ "bind", MO_EXT, MS_BIND, 0, SILO_MNT_BIND },
	{ "rbind", MO_EXT, MS_BIND | MS_REC, 0, SILO_MNT_BIND | SILO_MNT_RECURSIVE },
	{ "tmpcopyup", MO_EXT, 0, 0, SILO_MNT_TMPCOPYUP },
	{ "idmap", MO_EXT, 0, 0, SILO_MNT_IDMAP },
	{ "ridmap", MO_EXT, 0, 0, SILO_MNT_IDMAP | SILO_MNT_RIDMAP },
	{ "src-nofollow", MO_EXT, 0, 0, SILO_MNT_SRC_NOFOLLOW },
	{ "dest-nofollow", MO_EXT, 0, 0, SILO_MNT_DEST_NOFOLLOW },
	{ "copy-symlink", MO_EXT, 0, 0, SILO_MNT_COPY_SYMLINK },
	{ "rro", MO_RSET, 0, MOUNT_ATTR_RDONLY, 0 },
	{ "rrw", MO_RCLR, 0, MOUNT_ATTR_RDONLY, 0 },
	{ "rnosuid", MO_RSET, 0, MOUNT_ATTR_NOSUID, 0 },
	{ "rsuid", MO_RCLR, 0, MOUNT_ATTR_NOSUID, 0 },
	{ "rnodev", MO_RSET, 0, MOUNT_ATTR_NODEV, 0 },
	{ "rdev", MO_RCLR, 0, MOUNT_ATTR_NODEV, 0 },
	{ "rnoexec", MO_RSET, 0, MOUNT_ATTR_NOEXEC, 0 },
	{ "rexec", MO_RCLR, 0, MOUNT_ATTR_NOEXEC, 0 },
	{ "rnodiratime", MO_RSET, 0, MOUNT_ATTR_NODIRATIME, 0 },
	{ "rdiratime", MO_RCLR, 0, MOUNT_ATTR_NODIRATIME, 0 },
	{ "rnosymfollow", MO_RSET, 0, MOUNT_ATTR_NOSYMFOLLOW, 0 },
	{ "rsymfollow", MO_RCLR, 0, MOUNT_ATTR_NOSYMFOLLOW, 0 },
	/* atime is one 3-valued field for mount_setattr(2): "not noatime" and "not
	 * strictatime" mean the default, relatime; "not relatime" means strictatime. */
	{ "rnoatime", MO_RATIME, 0, MOUNT_ATTR_NOATIME, 0 },
	{ "ratime", MO_RATIME, 0, MOUNT_ATTR_RELATIME, 0 },
	{ "rrelatime", MO_RATIME, 0, MOUNT_ATTR_RELATIME, 0 },
	{ "rnorelatime", MO_RATIME, 0, MOUNT_ATTR_STRICTATIME, 0 },
	{ "rstrictatime", MO_RATIME, 0, MOUNT_ATTR_STRICTATIME, 0 },
	{ "rnostrictatime", MO_RATIME, 0, MOUNT_ATTR_RELATIME, 0 },
};

#define N_MOPTS (sizeof(mopts) / sizeof(mopts[0]))

static const struct mopt *mopt_find(const char *name)
{
	for (size_t i = 0; i < N_MOPTS; i++)
		if (strcmp(mopts[i].name, name) == 0)
			return &mopts[i];
	return NULL;
}

const char *const *silo_mountopt_known(void)
{
	static const char *names[N_MOPTS + 1];

	/* Filled once from the table; the contents never change afterwards. */
	if (!names[0])
		for (size_t i = 0; i < N_MOPTS; i++)
			names[i] = mopts[i].name;
	return names;
}

long silo_mountopt_propagation(const char *name)
{
	const struct mopt *o = mopt_find(name);

	if (!o || o->kind != MO_PROP)
		return -1;
	return (long)o->flag;
}

static void apply(struct silo_mount *m, const struct mopt *o)
{
	switch (o->kind) {
	case MO_NONE:
		break;
	case MO_SET:
		m->flags |= o->flag;
		m->clear_flags &= ~o->flag;
		break;
	case MO_CLEAR:
		m->clear_flags |= o->flag;
		m->flags &= ~o->flag;
		break;
	case MO_PROP:
		m->propagation = o->flag;
		break;
	case MO_RSET:
		m->rec_attr_set |= o->attr;
		m->rec_attr_clr &= ~o->attr;
		break;
	case MO_RCLR:
		m->rec_attr_clr |= o->attr;
		m->rec_attr_set &= ~o->attr;
		break;
	case MO_RATIME:
		m->rec_attr_clr |= MOUNT_ATTR__ATIME;
		m->rec_attr_set = (m->rec_attr_set & ~(uint64_t)MOUNT_ATTR__ATIME) | o->attr;
		break;
	case MO_EXT:
		m->ext |= o->ext;
		m->flags |= o->flag;
		break;
	}
}

static void data_append(char **data, const char *opt)
{
	char *d;

	if (!*data) {
		*data = xstrdup(opt);
		return;
	}
	d = xasprintf("%s,%s", *data, opt);
	free(*data);
	*data = d;
}

int silo_mountopt_parse(struct silo_mount *m, struct error *err)
{
	m->flags = m->clear_flags = m->propagation = 0;
	m->rec_attr_set = m->rec_attr_clr = 0;
	m->ext = 0;
	free(m->data);
	m->data = NULL;
	if (m->type && strcmp(m->type, "bind") == 0) {
		m->ext |= SILO_MNT_BIND;
		m->flags |= MS_BIND;
	}
	for (size_t i = 0; i < m->options.n; i++) {
		const char *opt = m->options.v[i];
		const struct mopt *o;

		if (!*opt)
			continue;
		o = mopt_find(opt);
		if (o) {
			apply(m, o);
			continue;
		}
		/* crun's "idmap=uids=...;gids=..." must never reach mount(2) as data. */
		if (strncmp(opt, "idmap=", 6) == 0 || strncmp(opt, "ridmap=", 7) == 0) {
			free(m->data);
			m->data = NULL;
			return err_set(err, 0, "option \"%s\": idmap mappings in options are not supported (use uidMappings/gidMappings)",
				       opt);
		}
		data_append(&m->data, opt);
	}
	return 0;
}
