/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of caps.c, each in a forked child (needs root): apply sets, then compare
 * the masks in /proc/self/status; root -> non-root the way the init does it
 * (PR_SET_KEEPCAPS + setresuid, then apply); inheritable is never kept (CVE-2022-29162). */
#include "unit.h"

#include "caps.h"
#include "spec.h"
#include "util/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define BIT(c) (UINT64_C(1) << (c))
/* podman's default set [OBS CapEff 0x800405fb] */
#define PODMAN_CAPS                                                                          \
	(BIT(CAP_CHOWN) | BIT(CAP_DAC_OVERRIDE) | BIT(CAP_FOWNER) | BIT(CAP_FSETID) |        \
	 BIT(CAP_KILL) | BIT(CAP_SETGID) | BIT(CAP_SETUID) | BIT(CAP_SETPCAP) |              \
	 BIT(CAP_NET_BIND_SERVICE) | BIT(CAP_SYS_CHROOT) | BIT(CAP_SETFCAP))

struct masks {
	uint64_t inh, prm, eff, bnd, amb;
};

static int read_masks(struct masks *m)
{
	static const struct { const char *key; size_t off; } keys[] = {
		{ "CapInh:", offsetof(struct masks, inh) }, { "CapPrm:", offsetof(struct masks, prm) },
		{ "CapEff:", offsetof(struct masks, eff) }, { "CapBnd:", offsetof(struct masks, bnd) },
		{ "CapAmb:", offsetof(struct masks, amb) },
	};
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	int found = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			if (strncmp(line, keys[i].key, strlen(keys[i].key)))
				continue;
			*(uint64_t *)((char *)m + keys[i].off) =
				strtoull(line + strlen(keys[i].key), NULL, 16);
			found++;
		}
	}
	fclose(f);
	return found == 5 ? 0 : -1;
}

static int in_child(int (*fn)(void))
{
	pid_t pid = fork();
	int status = -1;

	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(fn());
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 200 + (status & 0x7f);
}

static int apply_all(const struct silo_caps *c)
{
	struct error err = { 0 };

	if (silo_caps_drop_bounding(c, &err) < 0 || silo_caps_apply(c, &err) < 0) {
		fprintf(stderr, "caps: %s (%s)\n", err.msg, strerror(err.errnum));
		return -1;
	}
	return 0;
}

static int child_podman_default(void)
{
	struct silo_caps c = { .present = true };
	struct masks m;

	c.sets[SILO_CAP_BOUNDING] = c.sets[SILO_CAP_EFFECTIVE] = PODMAN_CAPS;
	c.sets[SILO_CAP_PERMITTED] = PODMAN_CAPS;
	c.sets[SILO_CAP_BOUNDING] |= BIT(50); /* unknown to the kernel: skipped */
	if (apply_all(&c) < 0 || read_masks(&m) < 0)
		return 1;
	if (m.bnd != PODMAN_CAPS || m.eff != PODMAN_CAPS || m.prm != PODMAN_CAPS)
		return 2;
	if (m.inh != 0 || m.amb != 0)
		return 3;
	return 0;
}

static int child_inheritable_ambient(void)
{
	struct silo_caps c = { .present = true };
	struct masks m;
	uint64_t ia = BIT(CAP_NET_BIND_SERVICE) | BIT(CAP_KILL);

	c.sets[SILO_CAP_BOUNDING] = c.sets[SILO_CAP_PERMITTED] = PODMAN_CAPS;
	c.sets[SILO_CAP_EFFECTIVE] = BIT(CAP_KILL);
	c.sets[SILO_CAP_INHERITABLE] = ia;
	c.sets[SILO_CAP_AMBIENT] = BIT(CAP_NET_BIND_SERVICE);
	if (apply_all(&c) < 0 || read_masks(&m) < 0)
		return 1;
	if (m.inh != ia || m.amb != BIT(CAP_NET_BIND_SERVICE) || m.eff != BIT(CAP_KILL))
		return 2;
	return 0;
}

/* CVE-2022-29162: whatever the caller had as inheritable, only the listed set stays. */
static int child_inheritable_reset(void)
{
	struct silo_caps c = { .present = true };
	cap_value_t v[] = { CAP_CHOWN, CAP_KILL, CAP_SYS_ADMIN, CAP_NET_ADMIN };
	cap_t cur = cap_get_proc();
	struct masks m;

	if (!cur || cap_set_flag(cur, CAP_INHERITABLE, 4, v, CAP_SET) < 0 || cap_set_proc(cur) < 0)
		return 1;
	cap_free(cur);
	if (read_masks(&m) < 0 || m.inh == 0)
		return 2;
	c.sets[SILO_CAP_BOUNDING] = c.sets[SILO_CAP_EFFECTIVE] = PODMAN_CAPS;
	c.sets[SILO_CAP_PERMITTED] = PODMAN_CAPS;
	if (apply_all(&c) < 0 || read_masks(&m) < 0)
		return 3;
	return m.inh == 0 && m.amb == 0 ? 0 : 4;
}

/* The init's order: bounding, KEEPCAPS + setresgid/setresuid (the caller's job), apply. */
static int child_non_root(void)
{
	struct silo_caps c = { .present = true };
	struct error err = { 0 };
	struct masks m;
	uint64_t want = BIT(CAP_CHOWN) | BIT(CAP_KILL);

	c.sets[SILO_CAP_BOUNDING] = PODMAN_CAPS;
	c.sets[SILO_CAP_EFFECTIVE] = c.sets[SILO_CAP_PERMITTED] = want;
	if (silo_caps_drop_bounding(&c, &err) < 0)
		return 1;
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0 || setresgid(1000, 1000, 1000) < 0 ||
	    setresuid(1000, 1000, 1000) < 0 || prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return 2;
	if (silo_caps_apply(&c, &err) < 0 || read_masks(&m) < 0)
		return 3;
	if (m.eff != want || m.prm != want || m.inh != 0 || m.bnd != PODMAN_CAPS || getuid() != 1000)
		return 4;
	return 0;
}

/* Without KEEPCAPS the permitted set is gone: the requested caps cannot be granted
 * (warning, no error) and nothing is gained. */
static int child_ungrantable(void)
{
	struct silo_caps c = { .present = true };
	struct error err = { 0 };
	struct masks m;

	int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);

	c.sets[SILO_CAP_EFFECTIVE] = c.sets[SILO_CAP_PERMITTED] = BIT(CAP_KILL);
	if (devnull < 0 || dup2(devnull, STDERR_FILENO) < 0) /* the expected warnings */
		return 4;
	if (setresuid(1000, 1000, 1000) < 0)
		return 1;
	if (silo_caps_apply(&c, &err) < 0 || read_masks(&m) < 0)
		return 2;
	return m.eff == 0 && m.prm == 0 ? 0 : 3;
}

/* Ambient is what lets a non-root program keep caps across execve(). */
static int child_ambient_exec(void)
{
	struct silo_caps c = { .present = true };
	struct error err = { 0 };
	uint64_t nbs = BIT(CAP_NET_BIND_SERVICE);

	c.sets[SILO_CAP_BOUNDING] = PODMAN_CAPS;
	c.sets[SILO_CAP_EFFECTIVE] = c.sets[SILO_CAP_PERMITTED] = nbs;
	c.sets[SILO_CAP_INHERITABLE] = c.sets[SILO_CAP_AMBIENT] = nbs;
	if (silo_caps_drop_bounding(&c, &err) < 0)
		return 1;
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0 || setresgid(1000, 1000, 1000) < 0 ||
	    setresuid(1000, 1000, 1000) < 0 || prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return 2;
	if (silo_caps_apply(&c, &err) < 0)
		return 3;
	execl("/bin/sh", "sh", "-c",
	      "grep -q '^CapEff:.*0000000000000400$' /proc/self/status && "
	      "grep -q '^CapAmb:.*0000000000000400$' /proc/self/status", (char *)NULL);
	return 4;
}

static int child_ambient_not_permitted(void)
{
	struct silo_caps c = { .present = true };
	struct error err = { 0 };

	c.sets[SILO_CAP_PERMITTED] = BIT(CAP_KILL);
	c.sets[SILO_CAP_AMBIENT] = BIT(CAP_KILL); /* not inheritable */
	if (silo_caps_apply(&c, &err) == 0)
		return 1;
	return err.errnum == EPERM && strstr(err.msg, "CAP_KILL") ? 0 : 2;
}

int main(void)
{
	int r;

	if (geteuid() != 0) {
		printf("ok - # SKIP capability tests need root\n");
		return unit_done();
	}
	r = in_child(child_podman_default);
	CHECK_MSG(r == 0, "podman default: step %d", r);
	r = in_child(child_inheritable_ambient);
	CHECK_MSG(r == 0, "inheritable + ambient: step %d", r);
	r = in_child(child_inheritable_reset);
	CHECK_MSG(r == 0, "inheritable reset: step %d", r);
	r = in_child(child_non_root);
	CHECK_MSG(r == 0, "non-root: step %d", r);
	r = in_child(child_ungrantable);
	CHECK_MSG(r == 0, "ungrantable: step %d", r);
	r = in_child(child_ambient_exec);
	CHECK_MSG(r == 0, "ambient across execve: step %d", r);
	r = in_child(child_ambient_not_permitted);
	CHECK_MSG(r == 0, "ambient check: step %d", r);
	return unit_done();
}
