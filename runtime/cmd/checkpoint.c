/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `silo checkpoint` and `silo restore`: runc's flags (as podman and containerd pass
 * them) onto struct silo_cr_opts; CRIU itself is driven by runtime/lib/criu.c. */
#include "cmd.h"

#include "container.h"
#include "criu.h"
#include "util/error.h"
#include "util/log.h"

#include <getopt.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>

enum { O_IMAGE = 256, O_WORK, O_PARENT, O_LEAVE, O_TCP, O_UNIX, O_SHELL, O_LOCKS, O_PRE,
       O_CGMODE, O_DEDUP, O_PIDFILE, O_CONSOLE, O_NOSUB, O_NOPIVOT, O_NOKEYRING, O_LSMP,
       O_LSMM };

static const char checkpoint_usage[] =
	"Usage: silo checkpoint [options] ID\n\n"
	"Dump the processes of a running container with CRIU; unless --leave-running or\n"
	"--pre-dump, the container is deleted afterwards.\n\n"
	"  --image-path DIR        where CRIU writes the images (default ./checkpoint)\n"
	"  --work-path DIR         where CRIU writes dump.log (default: the image path)\n"
	"  --parent-path DIR       images of a previous --pre-dump, relative to --image-path\n"
	"  --leave-running         keep the container running after the dump\n"
	"  --tcp-established       dump established TCP connections\n"
	"  --ext-unix-sk           allow unix sockets connected outside the container\n"
	"  --shell-job             allow a controlling terminal from outside\n"
	"  --file-locks            dump file locks\n"
	"  --pre-dump              dump memory only (for a later incremental dump)\n"
	"  --auto-dedup            deduplicate memory pages against the parent images\n"
	"  --manage-cgroups-mode M soft (default), full, strict or ignore\n";

static const char restore_usage[] =
	"Usage: silo restore [options] ID\n\n"
	"Create container ID from a bundle and a CRIU checkpoint; it is running afterwards.\n"
	"Without --detach, silo waits for it like run and deletes it when it exits.\n\n"
	"  -b, --bundle DIR        the bundle (default: the current directory)\n"
	"  --image-path DIR        the CRIU images (default ./checkpoint)\n"
	"  --work-path DIR         where CRIU writes restore.log (default: the image path)\n"
	"  -d, --detach            return once restored\n"
	"  --pid-file PATH         write the init's pid here\n"
	"  --console-socket PATH   accepted; terminals cannot be restored\n"
	"  --no-subreaper          do not become a subreaper (foreground)\n"
	"  --no-pivot, --no-new-keyring  accepted and ignored (CRIU restores the root)\n"
	"  --tcp-established, --ext-unix-sk, --shell-job, --file-locks, --auto-dedup,\n"
	"  --manage-cgroups-mode M as for checkpoint\n"
	"  --lsm-profile TYPE:NAME, --lsm-mount-context CTX  LSM labels for CRIU\n";

/* The flags both verbs share; false if `c` is not one of them. */
static bool shared_opt(int c, struct silo_cr_opts *o)
{
	switch (c) {
	case O_IMAGE: o->image_path = optarg; break;
	case O_WORK: o->work_path = optarg; break;
	case O_TCP: o->flags |= SILO_CRIU_TCP_ESTABLISHED; break;
	case O_UNIX: o->flags |= SILO_CRIU_EXT_UNIX_SK; break;
	case O_SHELL: o->flags |= SILO_CRIU_SHELL_JOB; break;
	case O_LOCKS: o->flags |= SILO_CRIU_FILE_LOCKS; break;
	case O_DEDUP: o->flags |= SILO_CRIU_AUTO_DEDUP; break;
	case O_CGMODE: o->manage_cgroups_mode = optarg; break;
	default: return false;
	}
	return true;
}

int cmd_checkpoint(const struct gopts *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "image-path", required_argument, NULL, O_IMAGE },
		{ "work-path", required_argument, NULL, O_WORK },
		{ "parent-path", required_argument, NULL, O_PARENT },
		{ "leave-running", no_argument, NULL, O_LEAVE },
		{ "tcp-established", no_argument, NULL, O_TCP },
		{ "ext-unix-sk", no_argument, NULL, O_UNIX },
		{ "shell-job", no_argument, NULL, O_SHELL },
		{ "file-locks", no_argument, NULL, O_LOCKS },
		{ "pre-dump", no_argument, NULL, O_PRE },
		{ "auto-dedup", no_argument, NULL, O_DEDUP },
		{ "manage-cgroups-mode", required_argument, NULL, O_CGMODE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct silo_cr_opts o = { .root = g->root, .criu = g->criu };
	struct error err = { 0 };
	int c;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (shared_opt(c, &o))
			continue;
		switch (c) {
		case O_PARENT: o.parent_path = optarg; break;
		case O_LEAVE: o.flags |= SILO_CRIU_LEAVE_RUNNING; break;
		case O_PRE: o.flags |= SILO_CRIU_PRE_DUMP; break;
		case 'h': fputs(checkpoint_usage, stdout); return 0; /* podman probes this */
		default: return 1;
		}
	}
	o.id = cmd_id_arg(argc, argv, "checkpoint");
	if (!o.id)
		return 1;
	return silo_container_checkpoint(&o, &err) < 0 ? cmd_fail(&err) : 0;
}

/* Foreground restore: like run, stay the init's parent (criu restores it as our child)
 * and subreaper, forward signals, delete the container when it exits. */
static int restore_foreground(const struct gopts *g, struct silo_cr_opts *o, bool subreaper)
{
	struct error err = { 0 };
	int sigfd, status;
	pid_t pid;

	if (subreaper)
		prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	sigfd = cmd_block_signals(&err);
	if (sigfd < 0)
		return cmd_fail(&err);
	if (silo_container_restore(o, &pid, &err) < 0) {
		close(sigfd);
		return cmd_fail(&err);
	}
	status = cmd_wait_process(sigfd, pid, -1);
	close(sigfd);
	if (silo_container_delete(g->root, o->id, true, &err) < 0)
		log_error(&err, "warning: delete after restore");
	return status;
}

int cmd_restore(const struct gopts *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "image-path", required_argument, NULL, O_IMAGE },
		{ "work-path", required_argument, NULL, O_WORK },
		{ "bundle", required_argument, NULL, 'b' },
		{ "detach", no_argument, NULL, 'd' },
		{ "pid-file", required_argument, NULL, O_PIDFILE },
		{ "console-socket", required_argument, NULL, O_CONSOLE },
		{ "no-subreaper", no_argument, NULL, O_NOSUB },
		{ "no-pivot", no_argument, NULL, O_NOPIVOT },
		{ "no-new-keyring", no_argument, NULL, O_NOKEYRING },
		{ "tcp-established", no_argument, NULL, O_TCP },
		{ "ext-unix-sk", no_argument, NULL, O_UNIX },
		{ "shell-job", no_argument, NULL, O_SHELL },
		{ "file-locks", no_argument, NULL, O_LOCKS },
		{ "auto-dedup", no_argument, NULL, O_DEDUP },
		{ "manage-cgroups-mode", required_argument, NULL, O_CGMODE },
		{ "lsm-profile", required_argument, NULL, O_LSMP },
		{ "lsm-mount-context", required_argument, NULL, O_LSMM },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct silo_cr_opts o = { .root = g->root, .criu = g->criu,
				  .cgroup_flags = g->cgroup_flags };
	struct error err = { 0 };
	bool detach = false, subreaper = true;
	int c;

	while ((c = getopt_long(argc, argv, "+b:dh", opts, NULL)) != -1) {
		if (shared_opt(c, &o))
			continue;
		switch (c) {
		case 'b': o.bundle = optarg; break;
		case 'd': detach = true; break;
		case O_PIDFILE: o.pid_file = optarg; break;
		case O_CONSOLE: break; /* terminal containers are refused with a clear error */
		case O_NOSUB: subreaper = false; break;
		case O_NOPIVOT: case O_NOKEYRING: break;
		case O_LSMP: o.lsm_profile = optarg; break;
		case O_LSMM: o.lsm_mount_context = optarg; break;
		case 'h': fputs(restore_usage, stdout); return 0;
		default: return 1;
		}
	}
	o.id = cmd_id_arg(argc, argv, "restore");
	if (!o.id)
		return 1;
	if (!detach)
		return restore_foreground(g, &o, subreaper);
	return silo_container_restore(&o, NULL, &err) < 0 ? cmd_fail(&err) : 0;
}
