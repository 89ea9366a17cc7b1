/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for spec*.c, valid side: a podman-like config, `runc spec` output, a config
 * using every field, exec's process.json, load errors, the corpus. Invalid documents are
 * in test_spec_invalid.c. JSON is written with ' for " to stay readable. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "captab.h"
#include "spec.h"
#include "unit.h"
#include "util/error.h"
#include "util/syscall.h"

static char *dq(const char *s)
{
	char *r = strdup(s);

	for (char *p = r; *p; p++)
		if (*p == '\'')
			*p = '"';
	return r;
}

static struct silo_spec *parse_ok(int line, const char *doc, const char *bundle)
{
	struct error err = { 0 };
	char *j = dq(doc);
	struct silo_spec *s = silo_spec_parse(j, strlen(j), "config.json", bundle, &err);

	CHECK_MSG(s != NULL, "line %d: %s", line, err.msg);
	free(j);
	return s;
}

#define OK(doc) parse_ok(__LINE__, doc, "/b")

#define HDR "{'ociVersion':'1.2.0','root':{'path':'rootfs'}"

static bool has_cap(const struct silo_caps *c, int set, const char *name)
{
	return c->sets[set] & (UINT64_C(1) << silo_cap_from_name(name));
}

static const char podman[] =
	"{'ociVersion':'1.0.2-dev','process':{'user':{'uid':0,'gid':0,'umask':18},"
	"'args':['/bin/echo','hi'],'env':['TERM=xterm','container=podman','PATH=/usr/bin:/bin',"
	"'HOME=/root','HOSTNAME=0123456789ab'],'cwd':'/','capabilities':{"
	"'bounding':['CAP_CHOWN','CAP_DAC_OVERRIDE','CAP_FOWNER','CAP_FSETID','CAP_KILL',"
	"'CAP_NET_BIND_SERVICE','CAP_SETFCAP','CAP_SETGID','CAP_SETPCAP','CAP_SETUID','CAP_SYS_CHROOT'],"
	"'effective':['CAP_CHOWN','CAP_DAC_OVERRIDE','CAP_FOWNER','CAP_FSETID','CAP_KILL',"
	"'CAP_NET_BIND_SERVICE','CAP_SETFCAP','CAP_SETGID','CAP_SETPCAP','CAP_SETUID','CAP_SYS_CHROOT'],"
	"'permitted':['CAP_CHOWN','CAP_DAC_OVERRIDE','CAP_FOWNER','CAP_FSETID','CAP_KILL',"
	"'CAP_NET_BIND_SERVICE','CAP_SETFCAP','CAP_SETGID','CAP_SETPCAP','CAP_SETUID','CAP_SYS_CHROOT']},"
	"'rlimits':[{'type':'RLIMIT_NOFILE','hard':1048576,'soft':1048576},"
	"{'type':'RLIMIT_NPROC','hard':32768,'soft':32768}],'oomScoreAdj':0},"
	"'root':{'path':'/var/lib/containers/storage/overlay/abc/merged'},'hostname':'0123456789ab',"
	"'mounts':[{'destination':'/proc','type':'proc','source':'proc','options':['nosuid','noexec','nodev']},"
	"{'destination':'/dev','type':'tmpfs','source':'tmpfs','options':['nosuid','strictatime','mode=755','size=65536k']},"
	"{'destination':'/sys','type':'sysfs','source':'sysfs','options':['nosuid','noexec','nodev','ro']},"
	"{'destination':'/dev/pts','type':'devpts','source':'devpts','options':['nosuid','noexec','newinstance','ptmxmode=0666','mode=0620','gid=5']},"
	"{'destination':'/dev/mqueue','type':'mqueue','source':'mqueue','options':['nosuid','noexec','nodev']},"
	"{'destination':'/etc/hosts','type':'bind','source':'/run/x/userdata/hosts','options':['bind','rprivate']},"
	"{'destination':'/dev/shm','type':'bind','source':'/run/x/userdata/shm','options':['bind','rprivate','nosuid','noexec','nodev']},"
	"{'destination':'/sys/fs/cgroup','type':'cgroup','source':'cgroup','options':['rprivate','nosuid','noexec','nodev','relatime','ro']}],"
	"'annotations':{'io.container.manager':'libpod','org.opencontainers.image.stopSignal':'15'},"
	"'linux':{'sysctl':{'net.ipv4.ping_group_range':'0 0'},"
	"'resources':{'devices':[{'allow':false,'access':'rwm'}],'pids':{'limit':2048}},"
	"'cgroupsPath':'/libpod_parent/libpod-abc','namespaces':[{'type':'pid'},"
	"{'type':'network','path':'/run/netns/netns-1'},{'type':'ipc'},{'type':'uts'},{'type':'mount'}],"
	"'seccomp':{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':38,"
	"'architectures':['SCMP_ARCH_X86_64','SCMP_ARCH_X86','SCMP_ARCH_X32'],'syscalls':["
	"{'names':['bdflush','kexec_load'],'action':'SCMP_ACT_ERRNO','errnoRet':1},"
	"{'names':['accept','read','write'],'action':'SCMP_ACT_ALLOW'},"
	"{'names':['personality'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':0,'valueTwo':0,'op':'SCMP_CMP_EQ'}]},"
	"{'names':['socket'],'action':'SCMP_ACT_ERRNO','errnoRet':22,'args':[{'index':0,'value':16,'op':'SCMP_CMP_EQ'},"
	"{'index':2,'value':9,'op':'SCMP_CMP_EQ'}]},"
	"{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':[{'index':2,'value':9,'op':'SCMP_CMP_NE'}]}]},"
	"'maskedPaths':['/proc/acpi','/proc/kcore','/sys/firmware'],"
	"'readonlyPaths':['/proc/bus','/proc/sys','/proc/sysrq-trigger']}}";

static void test_podman(void)
{
	struct silo_spec *s = OK(podman);
	const struct silo_process *p;
	const struct silo_linux *l;

	if (!s)
		return;
	p = s->process;
	l = &s->linux;
	CHECK(strcmp(s->oci_version, "1.0.2-dev") == 0);
	CHECK(strcmp(s->root.path, "/var/lib/containers/storage/overlay/abc/merged") == 0);
	CHECK(!s->root.readonly && strcmp(s->hostname, "0123456789ab") == 0 && !s->domainname);
	CHECK(p && p->user.uid == 0 && p->user.gid == 0 && p->user.umask.set && p->user.umask.v == 18);
	CHECK(!p->user.has_additional_gids && !p->terminal && !p->no_new_privileges);
	CHECK(p->args.n == 2 && strcmp(p->args.v[1], "hi") == 0 && p->args.v[2] == NULL);
	CHECK(p->env.n == 5 && strcmp(p->env.v[0], "TERM=xterm") == 0);
	CHECK(strcmp(p->cwd, "/") == 0);
	CHECK(p->caps.present && p->caps.sets[SILO_CAP_BOUNDING] == 0x800405fbULL);
	CHECK(p->caps.sets[SILO_CAP_EFFECTIVE] == 0x800405fbULL);
	CHECK(p->caps.sets[SILO_CAP_INHERITABLE] == 0 && p->caps.sets[SILO_CAP_AMBIENT] == 0);
	CHECK(p->n_rlimits == 2 && p->rlimits[0].resource == RLIMIT_NOFILE);
	CHECK(p->rlimits[0].soft == 1048576 && p->rlimits[1].resource == RLIMIT_NPROC);
	CHECK(p->oom_score_adj.set && p->oom_score_adj.v == 0);
	CHECK(!p->scheduler.present && !p->io_priority.present);
	CHECK(s->n_mounts == 8);
	if (s->n_mounts == 8) {
		const struct silo_mount *m = s->mounts;
		CHECK(strcmp(m[0].destination, "/proc") == 0 && strcmp(m[0].type, "proc") == 0);
		CHECK(m[0].flags == (MS_NOSUID | MS_NOEXEC | MS_NODEV) && !m[0].data);
		CHECK(m[1].data && strcmp(m[1].data, "mode=755,size=65536k") == 0);
		CHECK(m[1].flags == (MS_NOSUID | MS_STRICTATIME));
		CHECK(m[2].flags & MS_RDONLY);
		CHECK(strcmp(m[3].data, "newinstance,ptmxmode=0666,mode=0620,gid=5") == 0);
		CHECK(m[5].ext == SILO_MNT_BIND && m[5].propagation == (MS_PRIVATE | MS_REC));
		CHECK(strcmp(m[5].source, "/run/x/userdata/hosts") == 0);
		CHECK(m[6].flags == (MS_BIND | MS_NOSUID | MS_NOEXEC | MS_NODEV));
		CHECK(m[7].flags == (MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RELATIME | MS_RDONLY));
		CHECK(m[7].propagation == (MS_PRIVATE | MS_REC) && !(m[7].ext & SILO_MNT_BIND));
	}
	CHECK(s->annotations.n == 2 && strcmp(s->annotations.v[1].value, "15") == 0);
	CHECK(s->has_linux && l->sysctl.n == 1 && strcmp(l->sysctl.v[0].value, "0 0") == 0);
	CHECK(l->resources.present && l->resources.n_devices == 1);
	CHECK(!l->resources.devices[0].allow && l->resources.devices[0].type == 'a');
	CHECK(l->resources.devices[0].major == -1 && l->resources.devices[0].minor == -1);
	CHECK(strcmp(l->resources.devices[0].access, "rwm") == 0);
	CHECK(l->resources.pids_limit.set && l->resources.pids_limit.v == 2048);
	CHECK(!l->resources.memory.limit.set && !l->resources.cpu.shares.set);
	CHECK(strcmp(l->cgroups_path, "/libpod_parent/libpod-abc") == 0);
	CHECK(l->namespaces[SILO_NS_PID].present && !l->namespaces[SILO_NS_PID].path);
	CHECK(strcmp(l->namespaces[SILO_NS_NET].path, "/run/netns/netns-1") == 0);
	CHECK(!l->namespaces[SILO_NS_USER].present && !l->namespaces[SILO_NS_CGROUP].present);
	CHECK(l->seccomp.present && l->seccomp.default_action == SILO_SCMP_ERRNO);
	CHECK(l->seccomp.default_errno_ret.set && l->seccomp.default_errno_ret.v == 38);
	CHECK(l->seccomp.architectures.n == 3 && l->seccomp.n_syscalls == 5);
	if (l->seccomp.n_syscalls == 5) {
		const struct silo_seccomp_rule *r = l->seccomp.syscalls;
		CHECK(r[0].action == SILO_SCMP_ERRNO && r[0].errno_ret.v == 1 && r[0].names.n == 2);
		CHECK(r[1].action == SILO_SCMP_ALLOW && !r[1].errno_ret.set && r[1].n_args == 0);
		CHECK(r[3].n_args == 2 && r[3].args[1].index == 2 && r[3].args[1].value == 9);
		CHECK(r[3].args[1].op == SILO_SCMP_CMP_EQ && r[4].args[0].op == SILO_SCMP_CMP_NE);
	}
	CHECK(l->masked_paths.n == 3 && l->readonly_paths.n == 3);
	CHECK(l->rootfs_propagation == 0 && !l->personality.present && !l->intel_rdt.present);
	silo_spec_free(s);
}

/* `runc spec` output, verbatim (runc 1.1). */
static const char runc_spec[] =
	"{'ociVersion':'1.0.2-dev','process':{'terminal':true,'user':{'uid':0,'gid':0},"
	"'args':['sh'],'env':['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin','TERM=xterm'],"
	"'cwd':'/','capabilities':{'bounding':['CAP_AUDIT_WRITE','CAP_KILL','CAP_NET_BIND_SERVICE'],"
	"'effective':['CAP_AUDIT_WRITE','CAP_KILL','CAP_NET_BIND_SERVICE'],"
	"'permitted':['CAP_AUDIT_WRITE','CAP_KILL','CAP_NET_BIND_SERVICE'],"
	"'ambient':['CAP_AUDIT_WRITE','CAP_KILL','CAP_NET_BIND_SERVICE']},"
	"'rlimits':[{'type':'RLIMIT_NOFILE','hard':1024,'soft':1024}],'noNewPrivileges':true},"
	"'root':{'path':'rootfs','readonly':true},'hostname':'runc','mounts':["
	"{'destination':'/proc','type':'proc','source':'proc'},"
	"{'destination':'/dev','type':'tmpfs','source':'tmpfs','options':['nosuid','strictatime','mode=755','size=65536k']},"
	"{'destination':'/dev/pts','type':'devpts','source':'devpts','options':['nosuid','noexec','newinstance','ptmxmode=0666','mode=0620','gid=5']},"
	"{'destination':'/dev/shm','type':'tmpfs','source':'shm','options':['nosuid','noexec','nodev','mode=1777','size=65536k']},"
	"{'destination':'/dev/mqueue','type':'mqueue','source':'mqueue','options':['nosuid','noexec','nodev']},"
	"{'destination':'/sys','type':'sysfs','source':'sysfs','options':['nosuid','noexec','nodev','ro']},"
	"{'destination':'/sys/fs/cgroup','type':'cgroup','source':'cgroup','options':['nosuid','noexec','nodev','relatime','ro']}],"
	"'linux':{'resources':{'devices':[{'allow':false,'access':'rwm'}]},'namespaces':[{'type':'pid'},"
	"{'type':'network'},{'type':'ipc'},{'type':'uts'},{'type':'mount'}],"
	"'maskedPaths':['/proc/acpi','/proc/asound','/proc/kcore','/proc/keys','/proc/latency_stats',"
	"'/proc/timer_list','/proc/timer_stats','/proc/sched_debug','/sys/firmware','/proc/scsi'],"
	"'readonlyPaths':['/proc/bus','/proc/fs','/proc/irq','/proc/sys','/proc/sysrq-trigger']}}";

static void check_runc_spec(const struct silo_spec *s, const char *root)
{
	const struct silo_process *p = s->process;

	CHECK(strcmp(s->root.path, root) == 0 && s->root.readonly);
	CHECK(p && p->terminal && p->no_new_privileges && p->args.n == 1);
	CHECK(has_cap(&p->caps, SILO_CAP_AMBIENT, "CAP_KILL") &&
	      !has_cap(&p->caps, SILO_CAP_INHERITABLE, "CAP_KILL"));
	CHECK(p->n_rlimits == 1 && p->rlimits[0].hard == 1024);
	CHECK(s->n_mounts == 7 && s->mounts[0].options.v == NULL && s->mounts[0].flags == 0);
	CHECK(s->linux.masked_paths.n == 10 && s->linux.readonly_paths.n == 5);
	CHECK(s->linux.namespaces[SILO_NS_MNT].present && !s->linux.namespaces[SILO_NS_TIME].present);
}

static void test_runc_spec(void)
{
	struct silo_spec *s = parse_ok(__LINE__, runc_spec, "/bundle");
	struct error err = { 0 };
	char dir[] = "/tmp/silo-test-spec-XXXXXX", path[PATH_MAX];
	int status;
	pid_t pid;

	if (s)
		check_runc_spec(s, "/bundle/rootfs");
	silo_spec_free(s);
	s = parse_ok(__LINE__, runc_spec, NULL);
	if (s)
		CHECK(strcmp(s->root.path, "rootfs") == 0);
	silo_spec_free(s);

	/* The real thing, when runc is installed: also exercises silo_spec_load. */
	if (access("/usr/sbin/runc", X_OK) != 0 || !mkdtemp(dir))
		return;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
		dup2(null, 1);
		dup2(null, 2);
		execl("/usr/sbin/runc", "runc", "spec", "--bundle", dir, (char *)NULL);
		_exit(127);
	}
	if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0) {
		char root[PATH_MAX];
		snprintf(path, sizeof(path), "%s/config.json", dir);
		snprintf(root, sizeof(root), "%s/rootfs", dir);
		s = silo_spec_load(path, dir, &err);
		CHECK_MSG(s != NULL, "%s", err.msg);
		if (s)
			check_runc_spec(s, root);
		silo_spec_free(s);
		unlink(path);
	}
	rmdir(dir);
}

static const char full[] =
	"{'ociVersion':'1.2.1-rc.1','root':{'path':'/r','readonly':false},'domainname':'example.org',"
	"'unknownTop':{'x':[1,2,{'y':null}]},"
	"'process':{'terminal':true,'consoleSize':{'height':25,'width':80},"
	"'user':{'uid':1000,'gid':1001,'additionalGids':[5,4294967295],'username':'ignored'},"
	"'args':['/bin/true'],'env':[],'cwd':'/home/u','rlimits':[{'type':'RLIMIT_CORE','soft':0,"
	"'hard':18446744073709551615},{'type':'RLIMIT_RTTIME','soft':1,'hard':2}],"
	"'capabilities':{'inheritable':[],'ambient':['CAP_NET_RAW'],'permitted':['cap_net_raw'],"
	"'bounding':['CAP_CHECKPOINT_RESTORE']},'noNewPrivileges':false,'oomScoreAdj':-1000,"
	"'apparmorProfile':'p','selinuxLabel':'system_u:system_r:container_t:s0',"
	"'scheduler':{'policy':'SCHED_DEADLINE','nice':-20,'priority':0,"
	"'flags':['SCHED_FLAG_RESET_ON_FORK','SCHED_FLAG_UTIL_CLAMP_MAX'],'runtime':10,'deadline':20,'period':30},"
	"'ioPriority':{'class':'IOPRIO_CLASS_IDLE','priority':7},"
	"'execCPUAffinity':{'initial':'0-3,7','final':'1'}},"
	"'mounts':[{'destination':'data','type':'none','source':'vol','options':['rbind','rro'],"
	"'uidMappings':[{'containerID':0,'hostID':100000,'size':65536}],"
	"'gidMappings':[{'containerID':0,'hostID':100000,'size':65536}]},"
	"{'destination':'/t','type':'tmpfs','source':'rel','options':null}],"
	"'hooks':{'prestart':[{'path':'/bin/hook','args':['hook','a'],'env':['A=1'],'timeout':5}],"
	"'poststop':[{'path':'/bin/post'}],'createRuntime':[],'futureHook':[{'bad':1}]},"
	"'linux':{'namespaces':[{'type':'user'},{'type':'cgroup'},{'type':'time'},{'type':'mount','path':null}],"
	"'uidMappings':[{'containerID':0,'hostID':1000,'size':1},{'containerID':1,'hostID':100000,'size':65536}],"
	"'gidMappings':[{'containerID':0,'hostID':1000,'size':1}],"
	"'timeOffsets':{'monotonic':{'secs':-86400,'nanosecs':999999999},'boottime':{'secs':5}},"
	"'devices':[{'type':'c','path':'/dev/fuse','major':10,'minor':229,'fileMode':438,'uid':0,'gid':0},"
	"{'type':'p','path':'/dev/fifo'}],'rootfsPropagation':'rslave','mountLabel':'lbl',"
	"'personality':{'domain':'LINUX32','flags':[]},"
	"'resources':{'devices':[{'allow':true,'type':'c','major':1,'minor':3,'access':'rw'},"
	"{'allow':true,'type':'b','major':8}],"
	"'memory':{'limit':1073741824,'reservation':-1,'swap':-1,'kernel':0,'kernelTCP':0,'swappiness':60,"
	"'disableOOMKiller':true,'useHierarchy':false,'checkBeforeUpdate':true},"
	"'cpu':{'shares':1024,'quota':-1,'burst':0,'period':100000,'realtimeRuntime':950000,"
	"'realtimePeriod':1000000,'cpus':'0-1','mems':'0','idle':1},'pids':{'limit':-1},"
	"'blockIO':{'weight':500,'leafWeight':300,'weightDevice':[{'major':8,'minor':0,'weight':100}],"
	"'throttleReadBpsDevice':[{'major':8,'minor':0,'rate':1048576}],"
	"'throttleWriteIOPSDevice':[{'major':8,'minor':16,'rate':100}]},"
	"'hugepageLimits':[{'pageSize':'2MB','limit':209715200}],"
	"'network':{'classID':1048577,'priorities':[{'name':'eth0','priority':500}]},"
	"'rdma':{'mlx5_1':{'hcaHandles':3,'hcaObjects':10000},'mlx4_0':{'hcaObjects':1}},"
	"'unified':{'memory.high':'max','io.weight':'default 100'}},"
	"'sysctl':{'kernel.shm_rmid_forced':'1'},"
	"'seccomp':{'defaultAction':'SCMP_ACT_KILL_PROCESS','flags':['SECCOMP_FILTER_FLAG_LOG',"
	"'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV'],'listenerPath':'/run/l.sock','listenerMetadata':'m',"
	"'syscalls':[{'names':['mkdir'],'action':'SCMP_ACT_NOTIFY'},"
	"{'names':['ptrace'],'action':'SCMP_ACT_TRACE','errnoRet':0},"
	"{'names':['mmap'],'action':'SCMP_ACT_LOG','args':[{'index':5,'value':18446744073709551615,"
	"'valueTwo':1,'op':'SCMP_CMP_MASKED_EQ'}]}]},"
	"'intelRdt':{'closID':'guaranteed','l3CacheSchema':'L3:0=7f','memBwSchema':'MB:0=20','enableCMT':true},"
	"'netDevices':{'eth1':{'name':'ctr0'},'eth2':{}},"
	"'memoryPolicy':{'mode':'MPOL_INTERLEAVE','nodes':'0-3','flags':['MPOL_F_STATIC_NODES']}}}";

static void check_full_process(const struct silo_process *p)
{
	CHECK(p->terminal && p->has_console_size && p->console_height == 25 && p->console_width == 80);
	CHECK(p->user.uid == 1000 && p->user.gid == 1001 && !p->user.umask.set);
	CHECK(p->user.has_additional_gids && p->user.n_additional_gids == 2);
	CHECK(p->user.additional_gids[1] == 4294967295u);
	CHECK(p->env.v != NULL && p->env.n == 0 && strcmp(p->cwd, "/home/u") == 0);
	CHECK(p->n_rlimits == 2 && p->rlimits[0].resource == RLIMIT_CORE);
	CHECK(p->rlimits[0].hard == UINT64_MAX && p->rlimits[1].resource == RLIMIT_RTTIME);
	CHECK(p->caps.present && p->caps.sets[SILO_CAP_INHERITABLE] == 0);
	CHECK(has_cap(&p->caps, SILO_CAP_AMBIENT, "CAP_NET_RAW"));
	CHECK(has_cap(&p->caps, SILO_CAP_PERMITTED, "CAP_NET_RAW"));
	CHECK(p->caps.sets[SILO_CAP_BOUNDING] == UINT64_C(1) << 40);
	CHECK(p->caps.sets[SILO_CAP_EFFECTIVE] == 0);
	CHECK(p->oom_score_adj.set && p->oom_score_adj.v == -1000);
	CHECK(strcmp(p->apparmor_profile, "p") == 0 && strcmp(p->selinux_label, "system_u:system_r:container_t:s0") == 0);
	CHECK(p->scheduler.present && p->scheduler.policy == 6 && p->scheduler.nice == -20);
	CHECK(p->scheduler.flags == (0x01 | 0x40) && p->scheduler.runtime == 10);
	CHECK(p->scheduler.deadline == 20 && p->scheduler.period == 30);
	CHECK(p->io_priority.present && p->io_priority.class == 3 && p->io_priority.priority == 7);
	CHECK(strcmp(p->exec_cpu_affinity_initial, "0-3,7") == 0);
	CHECK(strcmp(p->exec_cpu_affinity_final, "1") == 0);
}

static void check_full_resources(const struct silo_resources *r)
{
	CHECK(r->present && r->n_devices == 2 && r->devices[0].allow && r->devices[0].type == 'c');
	CHECK(r->devices[0].major == 1 && r->devices[0].minor == 3);
	CHECK(strcmp(r->devices[0].access, "rw") == 0);
	CHECK(r->devices[1].type == 'b' && r->devices[1].minor == -1);
	CHECK(strcmp(r->devices[1].access, "rwm") == 0);
	CHECK(r->memory.limit.set && r->memory.limit.v == 1073741824);
	CHECK(r->memory.reservation.v == -1 && r->memory.swap.v == -1 && r->memory.kernel.set);
	CHECK(r->memory.swappiness.v == 60 && r->memory.disable_oom_killer);
	CHECK(r->memory.has_disable_oom_killer && r->memory.has_use_hierarchy);
	CHECK(!r->memory.use_hierarchy && r->memory.check_before_update);
	CHECK(r->cpu.shares.v == 1024 && r->cpu.quota.v == -1 && r->cpu.burst.set);
	CHECK(r->cpu.period.v == 100000 && r->cpu.realtime_runtime.v == 950000);
	CHECK(r->cpu.realtime_period.v == 1000000 && strcmp(r->cpu.cpus, "0-1") == 0);
	CHECK(strcmp(r->cpu.mems, "0") == 0 && r->cpu.idle.v == 1);
	CHECK(r->pids_limit.set && r->pids_limit.v == -1);
	CHECK(r->block_io.weight.v == 500 && r->block_io.leaf_weight.v == 300);
	CHECK(r->block_io.n_weight_device == 1 && r->block_io.weight_device[0].weight.v == 100);
	CHECK(!r->block_io.weight_device[0].leaf_weight.set);
	CHECK(r->block_io.read_bps.n == 1 && r->block_io.read_bps.v[0].rate == 1048576);
	CHECK(r->block_io.write_iops.n == 1 && r->block_io.write_iops.v[0].minor == 16);
	CHECK(r->block_io.write_bps.n == 0 && r->block_io.read_iops.n == 0);
	CHECK(r->n_hugepage_limits == 1 && strcmp(r->hugepage_limits[0].page_size, "2MB") == 0);
	CHECK(r->hugepage_limits[0].limit == 209715200);
	CHECK(r->network.class_id.v == 1048577 && r->network.n_priorities == 1);
	CHECK(strcmp(r->network.priorities[0].key, "eth0") == 0);
	CHECK(strcmp(r->network.priorities[0].value, "500") == 0);
	CHECK(r->n_rdma == 2 && strcmp(r->rdma[0].device, "mlx5_1") == 0);
	CHECK(r->rdma[0].hca_handles.v == 3 && !r->rdma[1].hca_handles.set);
	CHECK(r->unified.n == 2 && strcmp(r->unified.v[1].value, "default 100") == 0);
}

static void check_full_linux(const struct silo_linux *l)
{
	const struct silo_seccomp *sc = &l->seccomp;

	CHECK(l->namespaces[SILO_NS_USER].present && l->namespaces[SILO_NS_TIME].present);
	CHECK(l->namespaces[SILO_NS_MNT].present && !l->namespaces[SILO_NS_MNT].path);
	CHECK(!l->namespaces[SILO_NS_PID].present);
	CHECK(l->uid_mappings.n == 2 && l->uid_mappings.v[1].host_id == 100000);
	CHECK(l->uid_mappings.v[1].size == 65536 && l->gid_mappings.n == 1);
	CHECK(l->time_monotonic.set && l->time_monotonic.secs == -86400);
	CHECK(l->time_monotonic.nanosecs == 999999999 && l->time_boottime.set);
	CHECK(l->time_boottime.secs == 5 && l->time_boottime.nanosecs == 0);
	CHECK(l->n_devices == 2 && l->devices[0].type == 'c' && l->devices[0].major == 10);
	CHECK(l->devices[0].file_mode.set && l->devices[0].file_mode.v == 0666);
	CHECK(l->devices[1].type == 'p' && !l->devices[1].file_mode.set);
	CHECK(l->rootfs_propagation == (MS_SLAVE | MS_REC) && strcmp(l->mount_label, "lbl") == 0);
	CHECK(l->personality.present && l->personality.domain == PER_LINUX32);
	CHECK(l->sysctl.n == 1);
	CHECK(sc->present && sc->default_action == SILO_SCMP_KILL_PROCESS && !sc->default_errno_ret.set);
	CHECK(sc->flags.n == 2 && strcmp(sc->listener_path, "/run/l.sock") == 0);
	CHECK(strcmp(sc->listener_metadata, "m") == 0 && sc->architectures.v == NULL);
	CHECK(sc->n_syscalls == 3 && sc->syscalls[0].action == SILO_SCMP_NOTIFY);
	CHECK(sc->syscalls[1].action == SILO_SCMP_TRACE && sc->syscalls[1].errno_ret.set);
	CHECK(sc->syscalls[2].args[0].value == UINT64_MAX && sc->syscalls[2].args[0].index == 5);
	CHECK(sc->syscalls[2].args[0].op == SILO_SCMP_CMP_MASKED_EQ);
	CHECK(l->intel_rdt.present && strcmp(l->intel_rdt.clos_id, "guaranteed") == 0);
	CHECK(l->intel_rdt.enable_cmt && !l->intel_rdt.enable_mbm);
	CHECK(strcmp(l->intel_rdt.mem_bw_schema, "MB:0=20") == 0);
	CHECK(l->net_devices.n == 2 && strcmp(l->net_devices.v[0].value, "ctr0") == 0);
	CHECK(strcmp(l->net_devices.v[1].value, "eth2") == 0);
	CHECK(l->memory_policy.present && strcmp(l->memory_policy.mode, "MPOL_INTERLEAVE") == 0);
	CHECK(strcmp(l->memory_policy.nodes, "0-3") == 0 && l->memory_policy.flags.n == 1);
}

static void test_full(void)
{
	struct silo_spec *s = parse_ok(__LINE__, full, "/bundle");

	if (!s)
		return;
	CHECK(strcmp(s->domainname, "example.org") == 0 && !s->hostname);
	check_full_process(s->process);
	CHECK(s->n_mounts == 2);
	CHECK(strcmp(s->mounts[0].destination, "/data") == 0);
	CHECK(strcmp(s->mounts[0].source, "/bundle/vol") == 0);
	CHECK(s->mounts[0].ext == (SILO_MNT_BIND | SILO_MNT_RECURSIVE));
	CHECK(s->mounts[0].rec_attr_set == MOUNT_ATTR_RDONLY && s->mounts[0].uid_mappings.n == 1);
	CHECK(strcmp(s->mounts[1].source, "rel") == 0 && s->mounts[1].options.v == NULL);
	CHECK(s->hooks[SILO_HOOK_PRESTART].n == 1 && s->hooks[SILO_HOOK_PRESTART].v[0].timeout == 5);
	CHECK(s->hooks[SILO_HOOK_PRESTART].v[0].args.n == 2);
	CHECK(s->hooks[SILO_HOOK_POSTSTOP].n == 1 && s->hooks[SILO_HOOK_POSTSTOP].v[0].timeout == 0);
	CHECK(s->hooks[SILO_HOOK_CREATE_RUNTIME].n == 0 && s->hooks[SILO_HOOK_POSTSTART].n == 0);
	check_full_resources(&s->linux.resources);
	check_full_linux(&s->linux);
	silo_spec_free(s);
}

static void test_minimal(void)
{
	struct silo_spec *s = OK("{'ociVersion':'1.0.0','root':{'path':'/r'}}");

	if (s) {
		CHECK(!s->process && !s->has_linux && s->n_mounts == 0 && !s->mounts);
		CHECK(s->annotations.n == 0 && !s->linux.resources.present && !s->linux.seccomp.present);
	}
	silo_spec_free(s);
	/* null for optional keys = absent; user absent = root. */
	s = OK("{'ociVersion':'1.1.0','root':{'path':'/r','readonly':null},'process':{'cwd':'/',"
	       "'args':['x'],'env':null,'capabilities':null},'linux':null,'mounts':null,'hostname':null}");
	if (s) {
		CHECK(s->process && s->process->user.uid == 0 && !s->process->caps.present);
		CHECK(!s->process->env.v && !s->has_linux && !s->hostname);
	}
	silo_spec_free(s);
	/* Duplicate keys: the last one wins. */
	s = OK("{'ociVersion':'1.0.0','root':{'path':'/a'},'root':{'path':'/r'},'hostname':'x'}");
	if (s)
		CHECK(strcmp(s->root.path, "/r") == 0);
	silo_spec_free(s);
	/* Versions. */
	s = OK("{'ociVersion':'1.0.2-dev','root':{'path':'/r'}}");
	silo_spec_free(s);
	s = OK("{'ociVersion':'1.3.0+build.5','root':{'path':'/r'}}");
	silo_spec_free(s);
}

static void test_process_parse(void)
{
	struct error err = { 0 };
	char *j = dq("{'terminal':true,'user':{'uid':0,'gid':0},'args':['/bin/sh','-c','id'],"
		     "'env':['PATH=/bin'],'cwd':'/','capabilities':{'bounding':['CAP_KILL']},"
		     "'rlimits':[{'type':'RLIMIT_NOFILE','hard':1024,'soft':1024}]}");
	struct silo_process *p = silo_process_parse(j, strlen(j), "process.json", &err);

	CHECK_MSG(p != NULL, "%s", err.msg);
	if (p) {
		CHECK(p->terminal && p->args.n == 3 && p->n_rlimits == 1);
		CHECK(has_cap(&p->caps, SILO_CAP_BOUNDING, "CAP_KILL"));
	}
	silo_process_free(p);
	free(j);
	j = dq("{'cwd':'/','args':[]}");
	CHECK(silo_process_parse(j, strlen(j), "process.json", &err) == NULL);
	CHECK_MSG(strcmp(err.msg, "process.json: .args: must not be empty") == 0, "%s", err.msg);
	free(j);
	CHECK(silo_process_parse("{", 1, "p.json", &err) == NULL);
	CHECK(strncmp(err.msg, "p.json: parse error: ", 21) == 0);
}

static void test_tables(void)
{
	CHECK(strcmp(silo_ns_name(SILO_NS_NET), "network") == 0);
	CHECK(strcmp(silo_ns_name(SILO_NS_TIME), "time") == 0 && silo_ns_name(SILO_NS_COUNT) == NULL);
	CHECK(silo_ns_clone_flag(SILO_NS_PID) == CLONE_NEWPID);
	CHECK(silo_ns_clone_flag(SILO_NS_MNT) == CLONE_NEWNS);
	CHECK(silo_ns_clone_flag(SILO_NS_USER) == CLONE_NEWUSER);
	CHECK(silo_ns_clone_flag(SILO_NS_CGROUP) == CLONE_NEWCGROUP);
	CHECK(silo_ns_clone_flag(SILO_NS_TIME) == 0x80);
	CHECK(strcmp(silo_hook_name(SILO_HOOK_CREATE_RUNTIME), "createRuntime") == 0);
	CHECK(strcmp(silo_hook_name(SILO_HOOK_POSTSTOP), "poststop") == 0);
	CHECK(silo_hook_name(SILO_HOOK_NKINDS) == NULL);
}

static void test_load_errors(void)
{
	struct error err = { 0 };
	char path[] = "/tmp/silo-test-spec-XXXXXX";
	int fd;

	CHECK(silo_spec_load("/nonexistent/config.json", NULL, &err) == NULL);
	CHECK(err.errnum == ENOENT);
	fd = mkstemp(path);
	if (fd < 0)
		return;
	CHECK(write(fd, "{\"ociVersion\": 3}", 17) == 17);
	close(fd);
	CHECK(silo_spec_load(path, NULL, &err) == NULL);
	CHECK_MSG(strstr(err.msg, ": .ociVersion: expected a string, got number") != NULL &&
		  strncmp(err.msg, path, strlen(path)) == 0, "%s", err.msg);
	unlink(path);
}

/* Corpus files: ok-* must parse, bad-* must not (run from the repository root). */
static void test_corpus(void)
{
	const char *dir = "runtime/tests/fuzz/corpus/config";
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char path[PATH_MAX];
		struct error err = { 0 };
		struct silo_spec *s;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		s = silo_spec_load(path, "/bundle", &err);
		if (strncmp(e->d_name, "ok-", 3) == 0)
			CHECK_MSG(s != NULL, "%s: %s", e->d_name, err.msg);
		else if (strncmp(e->d_name, "bad-", 4) == 0)
			CHECK_MSG(s == NULL, "%s accepted", e->d_name);
		silo_spec_free(s);
	}
	closedir(d);
}

int main(void)
{
	test_podman();
	test_runc_spec();
	test_full();
	test_minimal();
	test_process_parse();
	test_tables();
	test_load_errors();
	test_corpus();
	return unit_done();
}
