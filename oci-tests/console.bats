#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# config.md "Process" terminal/consoleSize, config-linux.md "/dev/console", and the
# --console-socket protocol of the runc CLI (one SCM_RIGHTS fd: the pty master).

load helpers

setup() {
	oci_setup
	update_config '.process.terminal = true'
}

# start_recvtty: listen on $SOCK in the background ($RECEIVER is its pid).
start_recvtty() {
	local i
	SOCK=$BATS_TEST_TMPDIR/console.sock
	"$RECVTTY" "$SOCK" "$BATS_TEST_TMPDIR/tty.info" >"$BATS_TEST_TMPDIR/tty.out" \
		2>"$BATS_TEST_TMPDIR/tty.err" </dev/null 3>&- &
	RECEIVER=$!
	for i in $(seq 50); do [ -S "$SOCK" ] && break; sleep 0.1; done
}

# collect_recvtty: wait for recvtty; $info is its report, $output what reached the terminal.
collect_recvtty() {
	wait "$RECEIVER" || fail "recvtty failed: $(cat "$BATS_TEST_TMPDIR/tty.err")"
	info=$(cat "$BATS_TEST_TMPDIR/tty.info")
	output=$(tr -d '\r' <"$BATS_TEST_TMPDIR/tty.out")
	echo "recvtty: $info"
	echo "terminal: $output"
}

# run_with_console CMD [ARGS...]: run `/init CMD ARGS...` with its pty handed to recvtty.
run_with_console() {
	start_recvtty
	set_args /init "$@"
	create "$CID" --console-socket "$SOCK"
	rt_ok start "$CID"
	collect_recvtty
}

@test "runc-cli#console-socket: exactly one fd, the pty master, is sent" {
	run_with_console true
	grep -qx 'nfds=1' <<<"$info"
	grep -qxE 'master=/dev/(pts/)?ptmx' <<<"$info"
}

@test "runc-cli#console-socket: terminal true without --console-socket fails create" {
	expect_create_fails
}

@test "config.md#process: terminal true makes stdio the terminal" {
	run_with_console isatty 0 1 2
	expect_output "$(printf '0 yes\n1 yes\n2 yes')"
}

@test "config.md#process: the terminal comes from the container's devpts" {
	run_with_console readlink /proc/self/fd/0
	expect_match '^/proc/self/fd/0 -> /dev/pts/[0-9]+$'
}

@test "config.md#process: consoleSize sets the terminal size" {
	update_config '.process.consoleSize = {"height": 33, "width": 111}'
	run_with_console winsize
	expect_output 33x111
}

@test "config.md#process: terminal output reaches the console socket receiver" {
	run_with_console echo through the pty
	expect_output "through the pty"
}

@test "config-linux.md#default-devices: /dev/console is the pty when terminal is true" {
	run_with_console stat /dev/console
	expect_match '^/dev/console c 136:[0-9]+ '
}

@test "runc-cli#exec: --tty with --console-socket gives the process a terminal" {
	update_config '.process.terminal = false'
	start_detached pause
	start_recvtty
	rt_ok exec --detach --tty --console-socket "$SOCK" "$CID" /init isatty 0 1 2
	collect_recvtty
	expect_output "$(printf '0 yes\n1 yes\n2 yes')"
}
