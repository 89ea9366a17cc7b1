/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Namespace helpers: open-and-verify namespace paths, uid/gid maps, time offsets. */
#ifndef SILO_NS_H
#define SILO_NS_H

#include <stddef.h>
#include <sys/types.h>

struct error;
struct silo_id_maps;
struct silo_time_offset;

/* Open a namespace file and check it is of `clone_flag` type (CLONE_NEWNET, ...). */
int silo_ns_open(const char *path, int clone_flag, const char *type_name, struct error *err);
/* The text of a /proc/<pid>/{uid,gid}_map write: one "inside outside count\n" line per
 * entry, in order. Returns it malloc'ed (NUL-terminated), its length in *ret_len. */
char *silo_ns_format_map(const struct silo_id_maps *m, size_t *ret_len);
/* Write /proc/<pid>/{uid,gid}_map (and setgroups=deny when unprivileged). */
int silo_ns_write_maps(pid_t pid, const struct silo_id_maps *uids, const struct silo_id_maps *gids,
		       struct error *err);
/* After unshare(CLONE_NEWTIME), before any process enters it. */
int silo_ns_set_time_offsets(const struct silo_time_offset *monotonic,
			     const struct silo_time_offset *boottime, struct error *err);

#endif
