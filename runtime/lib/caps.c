/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The five capability sets of the container process: bounding via PR_CAPBSET_DROP,
 * effective/permitted/inheritable via libcap, ambient via PR_CAP_AMBIENT. Works on the
 * bitmasks of struct silo_caps only; uid changes (and PR_SET_KEEPCAPS) belong to the
 * caller. Caps the running kernel does not know are skipped with a debug message. */
#include "caps.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "captab.h"
#include "spec.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/fdutil.h"
#include "util/log.h"
#include "util/parse.h"

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_RAISE 2
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

#define BIT(c) (UINT64_C(1) << (c))

/* The highest capability the running kernel knows: /proc/sys/kernel/cap_last_cap, else
 * probe the bounding set (PR_CAPBSET_READ fails with EINVAL past the last one). */
static int cap_last(void)
{
	static int cached = -1; /* the kernel's, so fixed for the life of the process */
	struct error ignored = { 0 };
	autofree char *buf = NULL;
	int last = -1;

	if (cached >= 0)
		return cached;
	if (fd_read_file_at(AT_FDCWD, "/proc/sys/kernel/cap_last_cap", 32, &buf, NULL, &ignored) == 0) {
		buf[strcspn(buf, "\n")] = '\0';
		if (parse_int(buf, &last) == 0 && last >= 0 && last < 64)
			return (cached = last);
	}
	for (last = 0; last < 63 && prctl(PR_CAPBSET_READ, last + 1, 0, 0, 0) >= 0; last++)
		;
	return (cached = last);
}

static const char *cap_label(int cap, char *buf, size_t len)
{
	const char *name = silo_cap_name(cap);

	if (name)
		return name;
	snprintf(buf, len, "capability %d", cap);
	return buf;
}

/* Requested caps the kernel does not know: debug message, then masked away. */
static uint64_t known_only(uint64_t set, int last, const char *what)
{
	char buf[32];

	for (int cap = last + 1; cap < 64; cap++) {
		if (set & BIT(cap))
			log_debug("%s capability `%s` unknown to the kernel (cap_last_cap %d), ignoring",
				  what, cap_label(cap, buf, sizeof(buf)), last);
	}
	return last >= 63 ? set : set & (BIT(last + 1) - 1);
}

int silo_caps_drop_bounding(const struct silo_caps *caps, struct error *err)
{
	int last = cap_last();
	uint64_t keep = known_only(caps->sets[SILO_CAP_BOUNDING], last, "bounding");
	char buf[32];

	/* Dropping a cap that is not in the set succeeds too: no need to read it first. */
	for (int cap = 0; cap <= last; cap++) {
		if (keep & BIT(cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0)
			continue;
		if (errno == EINVAL)
			break; /* past the kernel's last cap after all */
		if (errno == EPERM && prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 0)
			continue; /* no CAP_SETPCAP, but nothing to drop */
		return err_set(err, errno, "drop `%s` from the bounding set", cap_label(cap, buf, sizeof(buf)));
	}
	return 0;
}

struct cap_state {
	uint64_t eff, prm, inh, bnd;
};

/* The bounding bit is read only for the caps in bnd_of (one prctl each): grantable() needs it
 * for requested inheritable caps alone. */
static int read_state(int last, uint64_t bnd_of, struct cap_state *st, struct error *err)
{
	cap_t cur = cap_get_proc();

	if (!cur)
		return err_set(err, errno, "read the process capabilities");
	memset(st, 0, sizeof(*st));
	for (int cap = 0; cap <= last; cap++) {
		cap_flag_value_t v;

		if (cap_get_flag(cur, cap, CAP_EFFECTIVE, &v) == 0 && v == CAP_SET)
			st->eff |= BIT(cap);
		if (cap_get_flag(cur, cap, CAP_PERMITTED, &v) == 0 && v == CAP_SET)
			st->prm |= BIT(cap);
		if (cap_get_flag(cur, cap, CAP_INHERITABLE, &v) == 0 && v == CAP_SET)
			st->inh |= BIT(cap);
		if ((bnd_of & BIT(cap)) && prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1)
			st->bnd |= BIT(cap);
	}
	cap_free(cur);
	return 0;
}

static void warn_dropped(uint64_t wanted, uint64_t granted, const char *what)
{
	char buf[32];

	for (int cap = 0; cap < 64; cap++) {
		if ((wanted & BIT(cap)) && !(granted & BIT(cap)))
			log_warn("%s capability `%s` cannot be granted, ignoring", what,
				 cap_label(cap, buf, sizeof(buf)));
	}
}

/* capset(2)'s rules: P' within P, E' within P', I' within I | bounding and, without
 * CAP_SETPCAP in effect, within I | P. Ungrantable caps are a warning, not an error
 * (runtime-spec: SHOULD NOT fail). Inheritable is never widened (CVE-2022-29162). */
static void grantable(const struct cap_state *cur, struct cap_state *want)
{
	uint64_t prm = want->prm & cur->prm;
	uint64_t inh = want->inh & (cur->inh | cur->bnd);
	uint64_t lost = want->prm & ~prm; /* warned about once, as permitted */

	if (!(cur->eff & BIT(CAP_SETPCAP)))
		inh &= cur->inh | cur->prm;
	warn_dropped(want->prm, prm, "permitted");
	warn_dropped(want->eff & ~lost, want->eff & prm, "effective");
	warn_dropped(want->inh, inh, "inheritable");
	want->prm = prm;
	want->eff &= prm;
	want->inh = inh;
}

static int set_flag(cap_t c, cap_flag_t flag, uint64_t set, int last)
{
	for (int cap = 0; cap <= last; cap++) {
		cap_value_t v = cap;

		if ((set & BIT(cap)) && cap_set_flag(c, flag, 1, &v, CAP_SET) < 0)
			return -1;
	}
	return 0;
}

static int set_proc(const struct cap_state *want, int last, struct error *err)
{
	cap_t c = cap_init();
	int r;

	if (!c)
		return err_set(err, errno, "cap_init");
	if (set_flag(c, CAP_EFFECTIVE, want->eff, last) < 0 ||
	    set_flag(c, CAP_PERMITTED, want->prm, last) < 0 ||
	    set_flag(c, CAP_INHERITABLE, want->inh, last) < 0) {
		err_set(err, errno, "cap_set_flag");
		cap_free(c);
		return -1;
	}
	r = cap_set_proc(c);
	if (r < 0)
		err_set(err, errno, "set capabilities (effective %#llx, permitted %#llx, inheritable %#llx)",
			(unsigned long long)want->eff, (unsigned long long)want->prm,
			(unsigned long long)want->inh);
	cap_free(c);
	return r < 0 ? -1 : 0;
}

static int set_ambient(uint64_t amb, const struct cap_state *req, const struct cap_state *got,
		       struct error *err)
{
	char buf[32];

	/* Clearing fails with EINVAL before Linux 4.3; nothing can be ambient there anyway. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && (amb || errno != EINVAL))
		return err_set(err, errno, "clear the ambient capabilities");
	for (int cap = 0; cap < 64; cap++) {
		const char *name = cap_label(cap, buf, sizeof(buf));

		if (!(amb & BIT(cap)))
			continue;
		if (!(req->prm & req->inh & BIT(cap)))
			return err_set(err, EPERM, "ambient capability `%s` is not both permitted and inheritable",
				       name);
		if (!(got->prm & got->inh & BIT(cap))) {
			log_warn("ambient capability `%s` cannot be granted, ignoring", name);
			continue;
		}
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
			return err_set(err, errno, "raise ambient capability `%s`", name);
	}
	return 0;
}

int silo_caps_apply(const struct silo_caps *caps, struct error *err)
{
	int last = cap_last();
	struct cap_state cur = { 0 }, req = { 0 }, want;
	uint64_t amb = known_only(caps->sets[SILO_CAP_AMBIENT], last, "ambient");

	req.eff = known_only(caps->sets[SILO_CAP_EFFECTIVE], last, "effective");
	req.prm = known_only(caps->sets[SILO_CAP_PERMITTED], last, "permitted");
	req.inh = known_only(caps->sets[SILO_CAP_INHERITABLE], last, "inheritable");
#ifdef SILO_WEAKEN_INHERITABLE /* test-only: see runtime/tests/weaken */
	req.inh |= known_only(caps->sets[SILO_CAP_BOUNDING], last, "bounding");
#endif
	if (read_state(last, req.inh, &cur, err) < 0)
		return -1;
	want = req;
	grantable(&cur, &want);
	if (set_proc(&want, last, err) < 0)
		return -1;
	return set_ambient(amb, &req, &want, err);
}
