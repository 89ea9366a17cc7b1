#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# podman pods: an infra container (the local image's /pause) whose network, IPC and UTS
# namespaces the pod's containers join. Run via ./run.

bats_require_minimum_version 1.5.0
load helpers

IMG=$ENGINE_IMAGE

setup_file() {
	[ -n "${ENGINE_WORK:-}" ] || { echo "run these tests with oci-tests/engines/run" >&2; return 1; }
}

teardown_file() {
	pm pod rm -af -t 0 >/dev/null 2>&1 || true
}

@test "pods: info names the runtime under test" {
	assert_podman_uses_runtime
}

@test "pods: info names the monitor under test" {
	assert_podman_uses_monitor
}

# A pod (hostname silo-pod) with its infra container and two containers: A, which
# creates a file in the shared /dev/shm, and B, which looks at what A did.
pod_setup() {
	POD=$(uname_for pod)
	pm pod create --name "$POD" --hostname silo-pod --share net,ipc,uts --network none >/dev/null
	pm run -d --pod "$POD" --name "$POD-a" "$IMG" sh -c 'echo from-a >/dev/shm/a; hostname; sleep 1000' >/dev/null
	pm run -d --pod "$POD" --name "$POD-b" "$IMG" sleep 1000 >/dev/null
}

# The namespace link (e.g. "ipc:[4026532..]") of the container's pid 1.
ns_of() { readlink "/proc/$(pm inspect --format '{{.State.Pid}}' "$1")/ns/$2"; }

@test "pods: the infra container and its containers run with the monitor and runtime" {
	pod_setup
	local infra
	infra=$(pm pod inspect --format '{{.InfraContainerID}}' "$POD")
	assert_container_binaries "$infra"
	assert_container_binaries "$POD-a"
	assert_container_binaries "$POD-b"
	run pm pod ps --filter "name=$POD" --format '{{.Name}} {{.Status}} {{.NumberOfContainers}}'
	assert_eq "$output" "$POD Running 3"
	pm pod rm -f -t 0 "$POD" >/dev/null
}

@test "pods: containers share the infra container's net, IPC and UTS namespaces" {
	pod_setup
	local infra ns
	infra=$(pm pod inspect --format '{{.InfraContainerID}}' "$POD")
	for ns in net ipc uts; do
		assert_eq "$(ns_of "$POD-a" $ns)" "$(ns_of "$infra" $ns)"
		assert_eq "$(ns_of "$POD-b" $ns)" "$(ns_of "$infra" $ns)"
	done
	# ... but not the pid and mount namespaces.
	[ "$(ns_of "$POD-a" pid)" != "$(ns_of "$POD-b" pid)" ]
	[ "$(ns_of "$POD-a" mnt)" != "$(ns_of "$POD-b" mnt)" ]
	pm pod rm -f -t 0 "$POD" >/dev/null
}

@test "pods: one container sees the other's hostname and IPC" {
	pod_setup
	run pm exec "$POD-b" sh -c 'hostname; cat /dev/shm/a; readlink /proc/self/ns/ipc'
	assert_status 0
	assert_eq "${lines[0]}" silo-pod
	assert_eq "${lines[1]}" from-a
	assert_eq "${lines[2]}" "$(ns_of "$POD-a" ipc)"
	pm pod rm -f -t 0 "$POD" >/dev/null
}

@test "pods: hostname and IPC without exec (via container logs)" {
	# The same check as above without podman exec (a runtime without exec still shows
	# the namespaces work): B runs after A wrote the file.
	local pod
	pod=$(uname_for podl)
	pm pod create --name "$pod" --hostname silo-pod --share net,ipc,uts --network none >/dev/null
	pm run -d --pod "$pod" --name "$pod-a" "$IMG" sh -c 'echo from-a >/dev/shm/a; sleep 1000' >/dev/null
	wait_until 10 test -e "$(pm inspect --format '{{.GraphDriver.Data.MergedDir}}' "$pod-a")/dev/shm/a" || true
	sleep 0.5
	run pm run --rm --pod "$pod" "$IMG" sh -c \
		'hostname; cat /dev/shm/a; for n in ipc uts net; do readlink /proc/self/ns/$n; done'
	assert_status 0
	assert_eq "${lines[0]}" silo-pod
	assert_eq "${lines[1]}" from-a
	assert_eq "${lines[2]}" "$(ns_of "$pod-a" ipc)"
	assert_eq "${lines[3]}" "$(ns_of "$pod-a" uts)"
	assert_eq "${lines[4]}" "$(ns_of "$pod-a" net)"
	pm pod rm -f -t 0 "$pod" >/dev/null
}

@test "pods: pod stop and start, then rm leaves nothing behind" {
	local pod id ids left=
	pod=$(uname_for podss)
	pm pod create --name "$pod" --network none >/dev/null
	pm run -d --pod "$pod" --name "$pod-a" "$IMG" sleep 1000 >/dev/null
	run pm pod stop -t 2 "$pod"
	assert_status 0
	run pm pod start "$pod"
	assert_status 0
	run pm inspect --format '{{.State.Status}}' "$pod-a"
	assert_eq "$output" running
	ids=$(pm ps -a --pod --filter "pod=$pod" --no-trunc --format '{{.ID}}')
	run pm pod rm -f -t 0 "$pod"
	assert_status 0
	# (podman 4.3 itself leaves the pod's cgroup in name=systemd and the unified hierarchy,
	# with runc and conmon too; ./run's clean-up sweeps podman's own cgroups)
	for id in $ids; do
		left+=$(leftovers_of "$id")
	done
	[ -z "$left" ] || { echo "# left behind:"; echo "$left" | sed 's/^/#   /'; } >&3
	[ -z "$left" ]
}
