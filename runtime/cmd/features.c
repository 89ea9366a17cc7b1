/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `silo features`: what this build recognises (runtime-spec features.md), truthfully:
 * nothing is listed that the code does not implement. */
#include "cmd.h"

#include "captab.h"
#include "mountopt.h"
#include "spec.h"

#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <yajl/yajl_gen.h>

static void str(yajl_gen g, const char *s)
{
	yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

static void strs(yajl_gen g, const char *key, const char *const *v)
{
	str(g, key);
	yajl_gen_array_open(g);
	for (; *v; v++)
		str(g, *v);
	yajl_gen_array_close(g);
}

static void boolean(yajl_gen g, const char *key, int v)
{
	str(g, key);
	yajl_gen_bool(g, v);
}

static void enabled(yajl_gen g, const char *key, int v)
{
	str(g, key);
	yajl_gen_map_open(g);
	boolean(g, "enabled", v);
	yajl_gen_map_close(g);
}

static void gen_seccomp(yajl_gen g)
{
	static const char *const actions[] = { "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL",
		"SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY",
		"SCMP_ACT_TRACE", "SCMP_ACT_TRAP", NULL };
	static const char *const ops[] = { "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT",
		"SCMP_CMP_LE", "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE", NULL };
	static const char *const archs[] = { "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", "SCMP_ARCH_MIPS",
		"SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64",
		"SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE",
		"SCMP_ARCH_RISCV64", "SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_X32",
		"SCMP_ARCH_X86", "SCMP_ARCH_X86_64", NULL };
	static const char *const flags[] = { "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
		"SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", NULL };

	str(g, "seccomp");
	yajl_gen_map_open(g);
	boolean(g, "enabled", 1);
	strs(g, "actions", actions);
	strs(g, "operators", ops);
	strs(g, "archs", archs);
	strs(g, "knownFlags", flags);
	strs(g, "supportedFlags", flags);
	yajl_gen_map_close(g);
}

static void gen_linux(yajl_gen g)
{
	static const char *const ns[] = { "cgroup", "ipc", "mount", "network", "pid", "time", "user",
					  "uts", NULL };
	const char *caps[SILO_CAP_MAX + 2];

	for (int i = 0; i <= SILO_CAP_MAX; i++)
		caps[i] = silo_cap_name(i);
	caps[SILO_CAP_MAX + 1] = NULL;
	str(g, "linux");
	yajl_gen_map_open(g);
	strs(g, "namespaces", ns);
	strs(g, "capabilities", caps);
	str(g, "cgroup");
	yajl_gen_map_open(g);
	boolean(g, "v1", 1);
	boolean(g, "v2", 1);
	boolean(g, "systemd", 0);
	boolean(g, "systemdUser", 0);
	boolean(g, "rdma", 1);
	yajl_gen_map_close(g);
	gen_seccomp(g);
	enabled(g, "apparmor", 1);
	enabled(g, "selinux", 1);
	enabled(g, "intelRdt", 0);
	str(g, "mountExtensions");
	yajl_gen_map_open(g);
	enabled(g, "idmap", 0);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
}

int cmd_features(const struct gopts *gopts, int argc, char **argv)
{
	static const char *const hooks[] = { "prestart", "createRuntime", "createContainer",
					     "startContainer", "poststart", "poststop", NULL };
	yajl_gen g = yajl_gen_alloc(NULL);
	const struct scmp_version *v = seccomp_version();
	const unsigned char *out;
	char ver[64];
	size_t len;

	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_map_open(g);
	str(g, "ociVersionMin");
	str(g, "1.0.0");
	str(g, "ociVersionMax");
	str(g, "1.2.1");
	strs(g, "hooks", hooks);
	strs(g, "mountOptions", silo_mountopt_known());
	gen_linux(g);
	str(g, "annotations");
	yajl_gen_map_open(g);
	snprintf(ver, sizeof(ver), "%u.%u.%u", v->major, v->minor, v->micro);
	str(g, "io.github.seccomp.libseccomp.version");
	str(g, ver);
	/* implemented through criu; whether criu runs on this kernel is checked per call */
	str(g, "org.opencontainers.runc.checkpoint.enabled");
	str(g, "true");
	str(g, "io.github.silo.version");
	str(g, SILO_VERSION);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	yajl_gen_get_buf(g, &out, &len);
	fwrite(out, 1, len, stdout);
	yajl_gen_free(g);
	return 0;
}
