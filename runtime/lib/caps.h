/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Applying the five capability sets with libcap. Caps the running kernel does not know
 * are skipped (debug message). */
#ifndef SILO_CAPS_H
#define SILO_CAPS_H

struct error;
struct silo_caps;

/* Drop the bounding set to caps->sets[BOUNDING]. Needs CAP_SETPCAP, so call it before
 * changing uid. */
int silo_caps_drop_bounding(const struct silo_caps *caps, struct error *err);
/* Set effective, permitted, inheritable exactly as given, then raise ambient. Call after
 * setresuid (with PR_SET_KEEPCAPS set before it). */
int silo_caps_apply(const struct silo_caps *caps, struct error *err);

#endif
