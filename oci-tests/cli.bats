#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The runc-compatible command line as engines use it (podman, containerd, CRI-O): idempotent
# clean-up calls, error texts that engines match, JSON logs (contract sections 4-7).

load helpers

@test "runc-cli#state: unknown container error says 'does not exist'" {
	runtime state "$CID"
	expect_failure
	grep -qi 'does not exist' <<<"$stderr" || fail "stderr: $stderr"
}

@test "runc-cli#create: missing args[0] error says 'no such file or directory'" {
	set_args /oci-tests-nonexistent
	runtime create --bundle "$BUNDLE" "$CID"
	expect_failure
	grep -qi 'no such file or directory' <<<"$stderr" || fail "stderr: $stderr"
}

@test "runc-cli#create: an existing id error says 'already exists'" {
	create
	runtime create --bundle "$BUNDLE" "$CID"
	expect_failure
	grep -qi 'already exists' <<<"$stderr" || fail "stderr: $stderr"
}

@test "runc-cli#log: --log-format json writes one JSON object per line with level, msg, time" {
	set_args /oci-tests-nonexistent
	runtime --log "$BUNDLE/log.json" --log-format json create --bundle "$BUNDLE" "$CID"
	expect_failure
	[ -s "$BUNDLE/log.json" ] || fail "empty log"
	while read -r line; do
		jq -e '(.level | type == "string") and (.msg | type == "string") and
			(.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9:]+)$"))' <<<"$line" >/dev/null ||
			fail "bad log line: $line"
	done <"$BUNDLE/log.json"
	[ "$(jq -rs 'map(select(.level == "error")) | last | .msg' "$BUNDLE/log.json")" != null ] ||
		fail "no error line"
}

@test "runc-cli#log: with --log the final error is also written to stderr" {
	set_args /oci-tests-nonexistent
	runtime --log "$BUNDLE/log.json" --log-format json create --bundle "$BUNDLE" "$CID"
	expect_failure
	[ -n "$stderr" ] || fail "nothing on stderr"
}

@test "runc-cli#kill: --all on a stopped container exits 0" {
	start_detached true
	wait_status "$CID" stopped
	runtime kill --all "$CID" KILL
	expect_status 0
}

@test "runc-cli#delete: --force removes a paused container" {
	start_detached pause
	rt_ok pause "$CID"
	rt_ok delete --force "$CID"
	runtime state "$CID"
	expect_failure
}

@test "runc-cli#ps: json of a stopped container is an empty list" {
	start_detached true
	wait_status "$CID" stopped
	runtime ps --format json "$CID"
	expect_status 0
	jq -e '. == null or . == []' <<<"$output"
}

@test "runc-cli#list: -q prints the ids" {
	create
	runtime list -q
	expect_status 0
	expect_line "$CID"
}

@test "runc-cli#global-options: --opt=value syntax is accepted" {
	create
	timeout -k 5 "$RT_TIMEOUT" "$RUNTIME" --root="$RT_ROOT" --log-format=text state "$CID" \
		</dev/null >"$BUNDLE/state.json" 3>&-
	[ "$(jq -r .id "$BUNDLE/state.json")" = "$CID" ]
}

@test "runc-cli#kill: -a is --all" {
	start_detached pause
	rt_ok kill -a "$CID" KILL
	wait_status "$CID" stopped
}

@test "runc-cli#delete: -f is --force" {
	start_detached pause
	rt_ok delete -f "$CID"
	runtime state "$CID"
	expect_failure
}

@test "runc-cli#list: json with no containers is an empty list" {
	runtime list --format json
	expect_status 0
	jq -e '. == null or . == []' <<<"$output"
}

@test "runc-cli#create: --no-new-keyring is accepted" {
	create "$CID" --no-new-keyring
	[ "$(state_field status)" = created ]
}

@test "runc-cli#exec: --tty together with --process is accepted (conmon passes both)" {
	start_detached pause
	jq -n '{"args": ["/init", "echo", "via-process"], "env": ["PATH=/"], "cwd": "/", "user": {"uid": 0, "gid": 0}}' \
		>"$BUNDLE/process.json"
	runtime exec --process "$BUNDLE/process.json" --tty "$CID"
	expect_status 0
	expect_output via-process
}

@test "runc-cli#exec: a process killed by a signal gives 128+signal" {
	start_detached pause
	runtime exec "$CID" /init raise 9
	expect_status 137
}
