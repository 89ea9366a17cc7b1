#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# config.md "Process" / "POSIX process" / "User" and config-linux.md process extensions,
# checked from inside the container by /init.

load helpers

# Bit mask (hex, 16 digits as in /proc/self/status) of capability numbers.
capmask() {
	local m=0 c
	for c in "$@"; do m=$((m | (1 << c))); done
	printf '%016x' "$m"
}
CAP_KILL=5 CAP_NET_BIND_SERVICE=10 CAP_SYS_ADMIN=21 CAP_AUDIT_WRITE=29

@test "config.md#process: args are passed to the program unchanged" {
	init_ok echo a "b c" "" 'd"e'
	expect_output 'a b c  d"e'
}

@test "config.md#process: args[0] without a slash is looked up in the PATH of process.env" {
	update_config '.process.env = ["PATH=/bin:/"]'
	set_args init echo found
	run_bundle
	expect_status 0
	expect_output found
}

@test "config.md#process: missing args[0] makes create fail" {
	set_args /nonexistent
	expect_create_fails
}

@test "config.md#process: env is exactly process.env (nothing inherited from the runtime)" {
	update_config '.process.env = ["PATH=/bin", "A=1", "B=two words", "HOME=/h"]'
	OCI_TESTS_LEAK=1 init_ok env
	[ "$(sort <<<"$output")" = "$(printf 'A=1\nB=two words\nHOME=/h\nPATH=/bin')" ]
}

@test "config.md#process: cwd is the working directory" {
	update_config '.process.cwd = "/tmp"'
	init_ok cwd
	expect_output /tmp
}

@test "config.md#process: terminal false leaves stdio non-terminals" {
	init_ok isatty 0 1 2
	expect_output "$(printf '0 no\n1 no\n2 no')"
}

@test "config.md#process: consoleSize is ignored when terminal is false" {
	update_config '.process.consoleSize = {"height": 10, "width": 40}'
	init_ok true
}

@test "config.md#user: uid and gid are applied" {
	update_config '.process.user = {"uid": 1000, "gid": 1001}'
	init_ok ids
	expect_output "uid=1000,1000,1000 gid=1001,1001,1001 groups="
}

@test "config.md#user: the process has the user's file access rights" {
	update_config '.process.user = {"uid": 1000, "gid": 1000}'
	init_ok create / /home/tester
	expect_output "$(printf '/ EACCES\n/home/tester EACCES')"
	chown 1000:1000 "$ROOTFS/home/tester"
	init_ok create /home/tester
	expect_output "/home/tester ok"
}

@test "config.md#user: additionalGids are the supplementary groups" {
	update_config '.process.user = {"uid": 1000, "gid": 1000, "additionalGids": [5, 1002]}'
	init_ok ids
	expect_match '^uid=1000,1000,1000 gid=1000,1000,1000 groups=(5,1002|1002,5)$'
}

@test "config.md#user: no additionalGids means no supplementary groups" {
	init_ok ids
	expect_output "uid=0,0,0 gid=0,0,0 groups="
}

@test "config.md#user: umask is applied" {
	update_config '.process.user.umask = 63'
	init_ok umask
	expect_output 0077
}

@test "config.md#user: umask defaults to 0022" {
	init_ok umask
	expect_output 0022
}

@test "config.md#posix-process: rlimits are applied (soft and hard)" {
	update_config '.process.rlimits = [
		{"type": "RLIMIT_NOFILE", "soft": 512, "hard": 1000},
		{"type": "RLIMIT_CORE", "soft": 0, "hard": 4096},
		{"type": "RLIMIT_CPU", "soft": 100, "hard": 200}]'
	init_ok rlimit RLIMIT_NOFILE RLIMIT_CORE RLIMIT_CPU
	expect_output "$(printf 'RLIMIT_NOFILE 512 1000\nRLIMIT_CORE 0 4096\nRLIMIT_CPU 100 200')"
}

@test "config.md#posix-process: an rlimit that cannot be set makes create fail" {
	hard=$(ulimit -H -n)
	! (ulimit -H -n $((hard + 1000))) 2>/dev/null ||
		skip "root can raise RLIMIT_NOFILE here (has CAP_SYS_RESOURCE)"
	update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": $n, "hard": $n}]' \
		--argjson n "$((hard + 1000))"
	expect_create_fails
}

@test "config.md#posix-process: rlimits not listed are inherited" {
	update_config '.process.rlimits = []'
	ulimit -c 100	# in this test's shell only: 100 KiB soft and hard
	init_ok rlimit RLIMIT_CORE
	expect_output "RLIMIT_CORE 102400 102400"
}

@test "config.md#posix-process: oomScoreAdj is written" {
	update_config '.process.oomScoreAdj = 123'
	init_ok cat /proc/self/oom_score_adj
	expect_output 123
}

@test "config.md#posix-process: oom_score_adj is unchanged when oomScoreAdj is absent" {
	echo 7 >"/proc/$BASHPID/oom_score_adj"
	init_ok cat /proc/self/oom_score_adj
	expect_output 7
}

@test "config.md#linux-process: capabilities sets are exactly the configured ones" {
	init_ok status CapInh CapPrm CapEff CapBnd CapAmb
	m=$(capmask $CAP_KILL $CAP_NET_BIND_SERVICE $CAP_AUDIT_WRITE)
	expect_output "$(printf 'CapInh 0000000000000000\nCapPrm %s\nCapEff %s\nCapBnd %s\nCapAmb 0000000000000000' "$m" "$m" "$m")"
}

@test "config.md#linux-process: ambient capabilities are raised for a non-root user" {
	update_config '.process.user = {"uid": 1000, "gid": 1000} |
		.process.capabilities.inheritable = ["CAP_KILL"] |
		.process.capabilities.ambient = ["CAP_KILL"]'
	init_ok status CapInh CapEff CapAmb
	expect_line "CapInh $(capmask $CAP_KILL)"
	expect_line "CapAmb $(capmask $CAP_KILL)"
	expect_line "CapEff $(capmask $CAP_KILL)"	# execve keeps only ambient caps for uid != 0
}

@test "config.md#linux-process: a non-root user gets the configured bounding set" {
	update_config '.process.user = {"uid": 1000, "gid": 1000}'
	init_ok status CapBnd CapInh
	expect_output "$(printf 'CapBnd %s\nCapInh 0000000000000000' "$(capmask $CAP_KILL $CAP_NET_BIND_SERVICE $CAP_AUDIT_WRITE)")"
}

@test "config.md#linux-process: a capability not granted is not usable (sethostname needs CAP_SYS_ADMIN)" {
	init_ok syscall sethostname
	expect_output "sethostname EPERM"
}

@test "config.md#linux-process: a granted capability is usable (CAP_SYS_ADMIN allows sethostname)" {
	update_config '.process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN"])'
	init_ok syscall sethostname
	expect_output "sethostname ok"
}

@test "config.md#linux-process: an unknown capability name does not make the container fail" {
	update_config '.process.capabilities.bounding += ["CAP_OCI_TESTS_UNKNOWN"]'
	init_ok true
}

@test "config.md#linux-process: noNewPrivileges true sets no_new_privs" {
	init_ok status NoNewPrivs
	expect_output "NoNewPrivs 1"
}

@test "config.md#linux-process: noNewPrivileges false leaves no_new_privs unset" {
	update_config '.process.noNewPrivileges = false'
	init_ok status NoNewPrivs
	expect_output "NoNewPrivs 0"
}

@test "config.md#linux-process: scheduler policy and nice are applied" {
	update_config '.process.scheduler = {"policy": "SCHED_BATCH", "nice": 5}'
	init_ok sched
	expect_output "policy=3 priority=0 nice=5"
}

@test "config.md#linux-process: ioPriority is applied" {
	update_config '.process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 4}'
	init_ok ioprio
	expect_output "class=2 priority=4"
}

@test "config-linux.md#personality: LINUX32 domain is applied" {
	update_config '.linux.personality = {"domain": "LINUX32"}'
	init_ok personality
	expect_output 0x8
}

@test "config.md#linux-process: apparmorProfile on a host without AppArmor is an error" {
	[ ! -d /sys/kernel/security/apparmor ] || skip "AppArmor is enabled on this host"
	update_config '.process.apparmorProfile = "oci-tests-profile"'
	expect_create_fails
}
