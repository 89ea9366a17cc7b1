#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# config-linux.md "Seccomp": filters are installed and enforced as configured.  Profiles
# allow by default and act on mkdirat/sync, which the runtime does not need once the
# filter is loaded.

load helpers

# seccomp DEFAULT-ACTION [RULE-JSON...]: set linux.seccomp.
seccomp() {
	local rules
	rules=$(printf '%s\n' "${@:2}" | jq -sc .)
	update_config '.linux.seccomp = {"defaultAction": $d, "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"], "syscalls": $r}' \
		--arg d "$1" --argjson r "$rules"
}

@test "config-linux.md#seccomp: no seccomp configured leaves the process unfiltered" {
	init_ok status Seccomp
	expect_output "Seccomp 0"
}

@test "config-linux.md#seccomp: a filter is installed (seccomp mode 2)" {
	seccomp SCMP_ACT_ALLOW
	init_ok status Seccomp
	expect_output "Seccomp 2"
}

@test "config-linux.md#seccomp: SCMP_ACT_ERRNO denies with EPERM by default" {
	seccomp SCMP_ACT_ALLOW '{"names": ["mkdirat", "mkdir"], "action": "SCMP_ACT_ERRNO"}'
	init_ok syscall mkdir :: syscall getcwd
	expect_output "$(printf 'mkdir EPERM\ngetcwd ok')"
}

@test "config-linux.md#seccomp: errnoRet sets the returned errno" {
	seccomp SCMP_ACT_ALLOW '{"names": ["mkdirat", "mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 5}'
	init_ok syscall mkdir
	expect_output "mkdir EIO"
}

@test "config-linux.md#seccomp: SCMP_ACT_KILL kills the process" {
	seccomp SCMP_ACT_ALLOW '{"names": ["sync"], "action": "SCMP_ACT_KILL"}'
	run_init syscall sync
	expect_status $((128 + 31))
}

@test "config-linux.md#seccomp: argument condition that matches applies the action" {
	seccomp SCMP_ACT_ALLOW '{"names": ["mkdirat"], "action": "SCMP_ACT_ERRNO",
		"args": [{"index": 2, "value": 448, "op": "SCMP_CMP_EQ"}]}'
	init_ok syscall mkdir
	expect_output "mkdir EPERM"
}

@test "config-linux.md#seccomp: argument condition that does not match allows the call" {
	seccomp SCMP_ACT_ALLOW '{"names": ["mkdirat"], "action": "SCMP_ACT_ERRNO",
		"args": [{"index": 2, "value": 511, "op": "SCMP_CMP_EQ"}]}'
	init_ok syscall mkdir
	expect_output "mkdir ok"
}

@test "config-linux.md#seccomp: SCMP_CMP_MASKED_EQ compares the masked argument" {
	seccomp SCMP_ACT_ALLOW '{"names": ["mkdirat"], "action": "SCMP_ACT_ERRNO",
		"args": [{"index": 2, "value": 448, "valueTwo": 448, "op": "SCMP_CMP_MASKED_EQ"}]}'
	init_ok syscall mkdir
	expect_output "mkdir EPERM"
}

@test "config-linux.md#seccomp: unknown syscall names are skipped" {
	seccomp SCMP_ACT_ALLOW '{"names": ["oci_tests_no_such_syscall", "mkdirat"], "action": "SCMP_ACT_ERRNO"}'
	init_ok syscall mkdir
	expect_output "mkdir EPERM"
}

@test "config-linux.md#seccomp: SCMP_ACT_LOG allows the call" {
	seccomp SCMP_ACT_ALLOW '{"names": ["mkdirat"], "action": "SCMP_ACT_LOG"}'
	init_ok syscall mkdir
	expect_output "mkdir ok"
}

@test "config-linux.md#seccomp: flags SECCOMP_FILTER_FLAG_LOG are accepted" {
	seccomp SCMP_ACT_ALLOW
	update_config '.linux.seccomp.flags = ["SECCOMP_FILTER_FLAG_LOG"]'
	init_ok status Seccomp
	expect_output "Seccomp 2"
}

@test "config-linux.md#seccomp: the filter also applies to the user and no_new_privs is kept" {
	seccomp SCMP_ACT_ALLOW '{"names": ["mkdirat"], "action": "SCMP_ACT_ERRNO"}'
	update_config '.process.user = {"uid": 1000, "gid": 1000}'
	init_ok syscall mkdir :: status NoNewPrivs
	expect_output "$(printf 'mkdir EPERM\nNoNewPrivs 1')"
}

@test "config-linux.md#seccomp: filter without noNewPrivileges is installed" {
	seccomp SCMP_ACT_ALLOW '{"names": ["mkdirat"], "action": "SCMP_ACT_ERRNO"}'
	update_config '.process.noNewPrivileges = false'
	init_ok syscall mkdir :: status NoNewPrivs
	expect_output "$(printf 'mkdir EPERM\nNoNewPrivs 0')"
}

@test "config-linux.md#seccomp: an unknown action is an error" {
	seccomp SCMP_ACT_ALLOW '{"names": ["mkdirat"], "action": "SCMP_ACT_OCI_TESTS_BOGUS"}'
	expect_create_fails
}

@test "config-linux.md#seccomp: an unknown defaultAction is an error" {
	seccomp SCMP_ACT_OCI_TESTS_BOGUS
	expect_create_fails
}

@test "config-linux.md#seccomp: defaultErrnoRet with an action that has no errno is an error" {
	seccomp SCMP_ACT_ALLOW
	update_config '.linux.seccomp.defaultErrnoRet = 5'
	expect_create_fails
}
