/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the state module: id validation, state file round trip with hostile
 * strings, status derivation, the OCI state JSON, the sync protocol. */
#include "unit.h"

#include "spec.h"
#include "state.h"
#include "sync.h"
#include "util/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_ids(void)
{
	struct error e;
	char long_id[2000];

	CHECK(silo_state_check_id("abc-1_2+3.4", &e) == 0);
	CHECK(silo_state_check_id("", &e) < 0);
	CHECK(silo_state_check_id(".x", &e) < 0);
	CHECK(silo_state_check_id("..", &e) < 0);
	CHECK(silo_state_check_id("a/b", &e) < 0);
	CHECK(silo_state_check_id("a b", &e) < 0);
	CHECK(silo_state_check_id("a\nb", &e) < 0);
	memset(long_id, 'a', sizeof(long_id) - 1);
	long_id[sizeof(long_id) - 1] = 0;
	CHECK(silo_state_check_id(long_id, &e) < 0);
}

static void test_roundtrip(void)
{
	char root[] = "/tmp/silo-unit-state-XXXXXX";
	struct silo_kv ann[2] = { { "k 1", "v\n%1" }, { "org.x", "" } };
	struct silo_state st = { .id = "c1", .pid = getpid(), .bundle = "/b with space/%x",
				 .rootfs = "/r\tx", .created = "2026-11-23T00:00:00Z",
				 .oci_version = "1.0.2-dev", .cgroup = "v1:/x", .private_pidns = true,
				 .has_poststop = true, .annotations = ann, .n_annotations = 2 };
	struct silo_state back;
	struct error e = { 0 };
	char *json;
	int fd, fd2;

	CHECK(mkdtemp(root) != NULL);
	CHECK(silo_proc_start_time(getpid(), &st.start_time) == 0);
	fd = silo_state_dir_create(root, "c1", &e);
	CHECK_MSG(fd >= 0, "%s", e.msg);
	CHECK(silo_state_dir_create(root, "c1", &e) < 0 && strstr(e.msg, "already exists"));
	CHECK(silo_state_read(fd, "c1", &back, &e) < 0 && e.errnum == ENOENT);
	CHECK(silo_state_write(fd, &st, &e) == 0);
	CHECK(silo_state_read(fd, "c1", &back, &e) == 0);
	CHECK(back.pid == st.pid && back.start_time == st.start_time);
	CHECK(!strcmp(back.bundle, st.bundle) && !strcmp(back.rootfs, st.rootfs));
	CHECK(back.private_pidns && back.has_poststop && !back.has_poststart);
	CHECK(back.n_annotations == 2 && !strcmp(back.annotations[0].key, "k 1") &&
	      !strcmp(back.annotations[0].value, "v\n%1") && !strcmp(back.annotations[1].value, ""));
	/* alive + no fifo = running; a fifo = created; a wrong start time = stopped */
	CHECK(silo_state_status(fd, &back) == SILO_STATUS_RUNNING);
	CHECK(mkfifoat(fd, "exec.fifo", 0600) == 0);
	CHECK(silo_state_status(fd, &back) == SILO_STATUS_CREATED);
	back.start_time++;
	CHECK(silo_state_status(fd, &back) == SILO_STATUS_STOPPED);
	json = silo_state_json(&back, SILO_STATUS_STOPPED, false);
	CHECK(strstr(json, "\"pid\":0") && strstr(json, "\"status\":\"stopped\"") &&
	      strstr(json, "\"ociVersion\":\"1.0.2-dev\"") && strstr(json, "\"k 1\":\"v\\n%1\""));
	free(json);
	silo_state_clear(&back);
	fd2 = silo_state_dir_open(root, "nope", false, &e);
	CHECK(fd2 < 0 && strstr(e.msg, "does not exist"));
	close(fd);
	CHECK(silo_state_dir_remove(root, "c1", &e) == 0);
	CHECK(silo_state_dir_remove(root, "c1", &e) == 0);
	rmdir(root);
}

static void test_sync(void)
{
	struct silo_sync_msg m;
	struct error e = { 0 }, sent = { .errnum = EPERM };
	int sv[2];
	int64_t v;

	CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0);
	CHECK(silo_sync_send(sv[0], SILO_SYNC_INIT_PID, 4242, &e) == 0);
	CHECK(silo_sync_expect(sv[1], SILO_SYNC_INIT_PID, &v, &e) == 0 && v == 4242);
	CHECK(silo_sync_send(sv[0], SILO_SYNC_READY, 0, &e) == 0);
	CHECK(silo_sync_expect(sv[1], SILO_SYNC_GO, &v, &e) < 0 && e.errnum == EPROTO);
	strcpy(sent.msg, "mount `/proc`");
	CHECK(silo_sync_send_error(sv[0], &sent) == 0);
	CHECK(silo_sync_recv(sv[1], &m, &e) < 0 && e.errnum == EPERM &&
	      !strcmp(e.msg, "mount `/proc`"));
	close(sv[0]);
	CHECK(silo_sync_recv(sv[1], &m, &e) < 0 && strstr(e.msg, "exited"));
	close(sv[1]);
}

int main(void)
{
	test_ids();
	test_roundtrip();
	test_sync();
	return unit_done();
}
