/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Mount option strings -> MS_* flags, propagation, recursive attributes, extension
 * flags and leftover data (runtime-spec "Linux mount options"). Pure; no syscalls. */
#ifndef SILO_MOUNTOPT_H
#define SILO_MOUNTOPT_H

struct silo_mount;
struct error;

/* Fill m->flags, clear_flags, propagation, rec_attr_set/clr, ext and data from
 * m->options (and treat type "bind" as a bind). Errors name the offending option. */
int silo_mountopt_parse(struct silo_mount *m, struct error *err);
/* Every option string recognised, NULL-terminated (for `features`). */
const char *const *silo_mountopt_known(void);
/* "shared"/"rslave"/... -> MS_* (| MS_REC); -1 if unknown. */
long silo_mountopt_propagation(const char *name);

#endif
