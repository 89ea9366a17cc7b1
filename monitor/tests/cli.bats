#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Command line: --version, --help, unknown options, validation messages (spec 1).
load helpers

setup() { common_setup; }
teardown() { common_teardown; }

@test "cli: --version prints the conmon line first, commit second, silomon third" {
	run "$SILOMON" --version
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^conmon\ version\ 2\.1\.[0-9]+$ ]]
	[[ "${lines[1]}" =~ ^commit:\ .+ ]]
	[[ "${lines[2]}" =~ ^silomon\ version\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
}

@test "cli: unknown option fails with the GLib message and status 1" {
	run "$SILOMON" --bogus-flag
	[ "$status" -eq 1 ]
	[[ "$output" == *"option parsing failed: Unknown option --bogus-flag"* ]]
}

@test "cli: --help lists every conmon 2.1 flag" {
	run "$SILOMON" --help
	[ "$status" -eq 0 ]
	for f in api-version bundle cid conmon-pidfile container-pidfile cuuid exec exec-attach \
		exec-process-spec exit-command exit-command-arg exit-delay exit-dir leave-stdin-open \
		log-level log-path log-size-max log-global-size-max log-tag name no-new-keyring no-pivot \
		no-sync-log persist-dir replace-listen-pid restore runtime runtime-arg runtime-opt \
		sdnotify-socket socket-dir-path stdin sync syslog systemd-cgroup terminal timeout version \
		full-attach log-label log-rotate log-max-files; do
		[[ "$output" == *"--$f"* ]] || { echo "missing --$f"; return 1; }
	done
}

check_invalid() { # check_invalid "message" args...
	local msg=$1
	shift
	run "$SILOMON" "$@"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$msg"* ]]
}

@test "cli: validation errors exit 1 with conmon's messages" {
	check_invalid "Container ID not provided. Use --cid" -u x -r "$FAKE" -l none
	check_invalid "Container UUID not provided. Use --cuuid" -c x -r "$FAKE" -l none
	check_invalid "Runtime path not provided. Use --runtime" -c x -u x -l none
	check_invalid "Runtime path /nonexistent is not valid" -c x -u x -r /nonexistent -l none
	check_invalid "Log driver not provided. Use --log-path" -c x -u x -r "$FAKE"
	check_invalid "No such log driver bogus" -c x -u x -r "$FAKE" -l bogus:/x
	check_invalid "k8s-file requires a filename" -c x -u x -r "$FAKE" -l k8s-file
	check_invalid "Container ID must be longer than 12 characters" -c short -u x -r "$FAKE" -l journald
	check_invalid "Exec process spec path not provided" -c x -u x -r "$FAKE" -l none -e
	check_invalid "Cannot use 'exec' and 'restore' at the same time" -c x -u x -r "$FAKE" -l none \
		-e --exec-process-spec /x --restore /y
	check_invalid "Attach can only be specified with exec" -c x -u x -r "$FAKE" -l none --exec-attach
	check_invalid "Attach can only be specified for a non-legacy exec session" -c x -u x -r "$FAKE" \
		-l none -e --exec-process-spec /x --exec-attach
	check_invalid "Delay before invoking exit command must be greater than or equal to 0" \
		-c x -u x -r "$FAKE" -l none --exit-delay=-1
	check_invalid "No such log level bogus" -c x -u x -r "$FAKE" -l none --log-level bogus
	check_invalid "Invalid log label" -c xxxxxxxxxxxxxxxx -u x -r "$FAKE" -l journald --log-label lower=1
	check_invalid "k8s-file doesn't support --log-label" -c x -u x -r "$FAKE" -l /tmp/x.log --log-label A=1
}

@test "cli: log level names are case-insensitive" {
	run harness -- "${BASE[@]}" --log-level DEBUG
	[[ "$output" == *'sync(valid'*'"data": '* ]]
}

@test "cli: validation failure happens before the start fd is read" {
	skip_under_valgrind "silomon takes longer than the 0.5 s start delay to fail"
	run harness --start-delay 0.5 -- -c x -r "$FAKE" -l none
	echo "$output"
	[[ "$output" == *"start-write-error"* ]]
	[[ "$output" == *"first_rc=1"* ]]
}

@test "cli: stray positional arguments are ignored (podman's --api-version 1)" {
	run harness -- --api-version 1 extra-positional -c "$ID" -u "$ID" -r "$FAKE" -l none -p "$T/pidfile" \
		--exit-dir "$T/exits"
	echo "$output"
	[[ "$output" == *'sync(valid,'*'{"data": '[0-9]*'}'* ]]
	[ "$(cat "$T/exits/$ID")" = 0 ]
}

@test "cli: --log-tag with k8s-file only is accepted (conmon would refuse)" {
	run harness -- "${BASE[@]}" --log-tag mytag
	[ -n "$(sync_pid)" ]
	wait_for_file "$T/exits/$ID"
}

@test "cli: --log-allowlist-dir refuses log paths outside the listed directories" {
	mkdir -p "$T/ok"
	run "$SILOMON" -c x -u x -r "$FAKE" -l "k8s-file:$T/ctr.log" --log-allowlist-dir "$T/ok"
	[ "$status" -eq 1 ]
	[[ "$output" == *"is not inside an allowed directory"* ]]
	run harness -- "${BASE[@]/k8s-file:$T\/ctr.log/k8s-file:$T/ok/ctr.log}" --log-allowlist-dir "$T/ok"
	[ -n "$(sync_pid)" ]
	wait_for_file "$T/exits/$ID"
	grep -q 'stdout F hello$' "$T/ok/ctr.log"
}
