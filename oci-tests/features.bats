#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# features.md / features-linux.md: `features` prints what the runtime recognises; and the
# --version format engines parse (runc CLI).

load helpers

# features_ok: $output holds the features JSON (the command must exist and print JSON).
features_ok() {
	rt_ok features
	jq -e 'type == "object"' <<<"$output" >/dev/null || fail "features output is not a JSON object"
}

@test "features.md: features prints a JSON object with ociVersionMin and ociVersionMax" {
	features_ok
	jq -e '(.ociVersionMin | test("^1\\.")) and (.ociVersionMax | test("^1\\."))' <<<"$output"
}

@test "features.md: hooks lists the hooks of the spec" {
	features_ok
	jq -e '[.hooks[]] | contains(["createRuntime", "createContainer", "startContainer", "poststart", "poststop"])' <<<"$output"
}

@test "features.md: mountOptions lists the basic mount options" {
	features_ok
	jq -e '.mountOptions | contains(["ro", "rw", "bind", "rbind", "nosuid", "nodev", "noexec", "rprivate"])' <<<"$output"
}

@test "features-linux.md: namespaces lists the Linux namespace types" {
	features_ok
	jq -e '.linux.namespaces | contains(["cgroup", "ipc", "mount", "network", "pid", "user", "uts"])' <<<"$output"
}

@test "features-linux.md: capabilities lists the capability names" {
	features_ok
	jq -e '.linux.capabilities | contains(["CAP_CHOWN", "CAP_SYS_ADMIN", "CAP_NET_BIND_SERVICE"])' <<<"$output"
}

@test "features-linux.md: seccomp support is described with its actions and operators" {
	features_ok
	jq -e '.linux.seccomp.enabled == false or
		((.linux.seccomp.actions | contains(["SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL"])) and
		 (.linux.seccomp.operators | contains(["SCMP_CMP_EQ", "SCMP_CMP_MASKED_EQ"])))' <<<"$output"
}

@test "runc-cli#version: first line is '<name> version X.Y.Z'" {
	rt_ok --version
	head -n 1 <<<"$output" | grep -qE '^[a-z0-9_-]+ version [0-9]+\.[0-9]+\.[0-9]+' ||
		fail "first line: $(head -n 1 <<<"$output")"
}
