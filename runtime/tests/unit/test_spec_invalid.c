/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for spec*.c, invalid side: each document must be rejected with the exact
 * JSON path and reason, errnum 0. JSON is written with ' for " to stay readable. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "spec.h"
#include "unit.h"
#include "util/error.h"

static char *dq(const char *s)
{
	char *r = strdup(s);

	for (char *p = r; *p; p++)
		if (*p == '\'')
			*p = '"';
	return r;
}

static struct silo_spec *parse_ok(int line, const char *doc)
{
	struct error err = { 0 };
	char *j = dq(doc);
	struct silo_spec *s = silo_spec_parse(j, strlen(j), "config.json", "/b", &err);

	CHECK_MSG(s != NULL, "line %d: %s", line, err.msg);
	free(j);
	return s;
}

static void parse_bad(int line, const char *doc, const char *expect)
{
	struct error err = { 0 };
	char *j = dq(doc);
	struct silo_spec *s = silo_spec_parse(j, strlen(j), "config.json", "/b", &err);

	CHECK_MSG(s == NULL, "line %d: accepted", line);
	CHECK_MSG(strstr(err.msg, expect) != NULL, "line %d: got `%s`, want `%s`", line, err.msg,
		  expect);
	CHECK_MSG(err.errnum == 0, "line %d: errnum %d", line, err.errnum);
	silo_spec_free(s);
	free(j);
}

#define OK(doc) parse_ok(__LINE__, doc)
#define BAD(doc, expect) parse_bad(__LINE__, doc, expect)

#define HDR "{'ociVersion':'1.2.0','root':{'path':'rootfs'}"
#define PROC(x) HDR ",'process':{'cwd':'/','args':['sh']" x "}}"
#define LINUX(x) HDR ",'linux':{" x "}}"

static void test_invalid_syntax(void)
{
	struct error err = { 0 };
	static const char nul[] = "{\"ociVersion\":\"1.0.0\"\0}";
	char *deep = malloc(20001);

	BAD("", "config.json: parse error: premature EOF");
	BAD("{'ociVersion':'1.0.0',", "config.json: parse error: premature EOF");
	BAD("{'a':[1,2,}", "config.json: parse error: unallowed token at this point in JSON text");
	BAD("{} x", "config.json: parse error: trailing garbage");
	BAD("[]", "config.json: .: expected an object, got array");
	BAD("{'ociVersion':'1.0.0','root':{'path':'/r'},'hostname':'a\\u0000b'}",
	    "config.json: parse error: line 1: \\u0000 in a string is not allowed");
	CHECK(silo_spec_parse(nul, sizeof(nul) - 1, "config.json", NULL, &err) == NULL);
	CHECK(strstr(err.msg, "config.json: parse error: document contains a NUL byte") != NULL);
	memset(deep, '[', 20000);
	deep[20000] = '\0';
	CHECK(silo_spec_parse(deep, 20000, "config.json", NULL, &err) == NULL);
	CHECK_MSG(strstr(err.msg, "nested deeper than 128 levels") != NULL, "%s", err.msg);
	free(deep);
	/* Escaped backslash before u0000 is not a NUL; neither is \u0000 in a comment. */
	{
		struct silo_spec *s = OK("{'ociVersion':'1.0.0','root':{'path':'/r'},'hostname':'a\\\\u0000'}"
					 "/* \\u0000 ' */");
		if (s)
			CHECK(strcmp(s->hostname, "a\\u0000") == 0);
		silo_spec_free(s);
	}
}

static void test_invalid_top(void)
{
	BAD("{'root':{'path':'/r'}}", "config.json: .ociVersion: missing required field");
	BAD("{'ociVersion':2,'root':{'path':'/r'}}", ".ociVersion: expected a string, got number");
	BAD("{'ociVersion':'2.0.0','root':{'path':'/r'}}",
	    ".ociVersion: unsupported version \"2.0.0\" (expected 1.x)");
	BAD("{'ociVersion':'0.9','root':{'path':'/r'}}", ".ociVersion: unsupported version \"0.9\"");
	BAD("{'ociVersion':'','root':{'path':'/r'}}", ".ociVersion: unsupported version \"\"");
	BAD("{'ociVersion':'1','root':{'path':'/r'}}", ".ociVersion: unsupported version \"1\"");
	BAD("{'ociVersion':'1.x','root':{'path':'/r'}}", ".ociVersion: unsupported version");
	BAD("{'ociVersion':'1.0.0'}", "config.json: .root: missing required field");
	BAD("{'ociVersion':'1.0.0','root':{}}", "config.json: .root.path: missing required field");
	BAD("{'ociVersion':'1.0.0','root':{'path':''}}", ".root.path: must not be empty");
	BAD("{'ociVersion':'1.0.0','root':[]}", ".root: expected an object, got array");
	BAD("{'ociVersion':'1.0.0','root':{'path':'/r','readonly':'yes'}}",
	    ".root.readonly: expected a boolean, got string");
	BAD(HDR ",'hostname':7}", ".hostname: expected a string, got number");
	BAD(HDR ",'annotations':{'':'x'}}", ".annotations: keys must not be empty");
	BAD(HDR ",'annotations':{'a':1}}", ".annotations.a: expected a string, got number");
	BAD(HDR ",'annotations':{'io.x':true}}", ".annotations[\"io.x\"]: expected a string, got boolean");
	BAD(HDR ",'annotations':[]}", ".annotations: expected an object of strings, got array");
	BAD(HDR ",'mounts':{}}", ".mounts: expected an array, got object");
	BAD(HDR ",'mounts':[{'type':'tmpfs'}]}", ".mounts[0].destination: missing required field");
	BAD(HDR ",'mounts':[{'destination':'/a'},{'destination':''}]}",
	    ".mounts[1].destination: must not be empty");
	BAD(HDR ",'mounts':[{'destination':'/a','options':'ro'}]}",
	    ".mounts[0].options: expected an array of strings, got string");
	BAD(HDR ",'mounts':[{'destination':'/a','options':['ro',1]}]}",
	    ".mounts[0].options[1]: expected a string, got number");
	BAD(HDR ",'mounts':[{'destination':'/a','options':['idmap=uids=0-1-1']}]}",
	    ".mounts[0].options: option \"idmap=uids=0-1-1\"");
	BAD(HDR ",'mounts':[{'destination':'/a','uidMappings':[{'containerID':0,'hostID':1,'size':1}]}]}",
	    ".mounts[0]: uidMappings and gidMappings must be given together");
	BAD(HDR ",'hooks':{'prestart':[{'args':[]}]}}", ".hooks.prestart[0].path: missing required field");
	BAD(HDR ",'hooks':{'poststop':[{'path':'hook'}]}}",
	    ".hooks.poststop[0].path: must be an absolute path, got \"hook\"");
	BAD(HDR ",'hooks':{'createContainer':[{'path':'/h','timeout':0}]}}",
	    ".hooks.createContainer[0].timeout: must be greater than 0");
	BAD(HDR ",'hooks':{'startContainer':[{'path':'/h','timeout':-3}]}}",
	    ".hooks.startContainer[0].timeout: must be greater than 0");
	BAD(HDR ",'hooks':{'poststart':{}}}", ".hooks.poststart: expected an array, got object");
	BAD(HDR ",'hooks':{'prestart':[{'path':'/h','env':['X']}]}}",
	    ".hooks.prestart[0].env[0]: \"X\" is not NAME=VALUE");
	BAD(HDR ",'hooks':[]}", ".hooks: expected an object, got array");
	BAD(HDR ",'mounts':[{'destination':'/a','uidMappings':[{'containerID':0,'hostID':1,'size':1}],"
	    "'gidMappings':{}}]}", ".mounts[0].gidMappings: expected an array, got object");
	BAD(HDR ",'mounts':[{'destination':'/a','source':false}]}",
	    ".mounts[0].source: expected a string, got boolean");
	BAD(HDR ",'domainname':[]}", ".domainname: expected a string, got array");
	BAD(HDR ",'hostname':'0123456789012345678901234567890123456789012345678901234567890123456789'}",
	    ".hostname: longer than 64 bytes");
	BAD(HDR ",'mounts':[{'destination':'/a'},{'destination':'/v','source':'/s','options':['bind','idmap']}]}",
	    ".mounts[1].options: idmap needs uidMappings/gidMappings or a user namespace");
}

static void test_invalid_process(void)
{
	BAD(HDR ",'process':[]}", "config.json: .process: expected an object, got array");
	BAD(HDR ",'process':{'cwd':'/'}}", "config.json: .process.args: missing required field");
	BAD(HDR ",'process':{'cwd':'/','args':[]}}", "config.json: .process.args: must not be empty");
	BAD(HDR ",'process':{'cwd':'/','args':5}}",
	    "config.json: .process.args: expected an array of strings, got number");
	BAD(HDR ",'process':{'cwd':'/','args':['a',null]}}", ".process.args[1]: expected a string, got null");
	BAD(HDR ",'process':{'args':['sh']}}", ".process.cwd: missing required field");
	BAD(HDR ",'process':{'args':['sh'],'cwd':'tmp'}}", ".process.cwd: must be an absolute path");
	BAD(PROC(",'env':['A=1','NOEQUALS']"), ".process.env[1]: \"NOEQUALS\" is not NAME=VALUE");
	BAD(PROC(",'env':['=x']"), ".process.env[0]: \"=x\" is not NAME=VALUE");
	BAD(PROC(",'terminal':1"), ".process.terminal: expected a boolean, got number");
	BAD(PROC(",'consoleSize':{'height':1}"), ".process.consoleSize.width: missing required field");
	BAD(PROC(",'user':{'gid':0}"), ".process.user.uid: missing required field");
	BAD(PROC(",'user':{'uid':0}"), ".process.user.gid: missing required field");
	BAD(PROC(",'user':{'uid':-1,'gid':0}"), ".process.user.uid: must not be negative, got -1");
	BAD(PROC(",'user':{'uid':4294967296,'gid':0}"),
	    ".process.user.uid: 4294967296 out of range (maximum 4294967295)");
	BAD(PROC(",'user':{'uid':1.5,'gid':0}"), ".process.user.uid: expected an integer, got 1.5");
	BAD(PROC(",'user':{'uid':1e3,'gid':0}"), ".process.user.uid: expected an integer, got 1e3");
	BAD(PROC(",'user':{'uid':'0','gid':0}"), ".process.user.uid: expected an integer, got string");
	BAD(PROC(",'user':{'uid':0,'gid':0,'umask':512}"), ".process.user.umask: 512 out of range");
	BAD(PROC(",'user':{'uid':0,'gid':0,'additionalGids':[1,'x']}"),
	    ".process.user.additionalGids[1]: expected an integer, got string");
	BAD(PROC(",'rlimits':[{'type':'RLIMIT_FOO','soft':1,'hard':1}]"),
	    ".process.rlimits[0].type: unknown rlimit \"RLIMIT_FOO\"");
	BAD(PROC(",'rlimits':[{'type':'RLIMIT_NOFILE','soft':1,'hard':1},{'type':'RLIMIT_NOFILE','soft':1,'hard':1}]"),
	    ".process.rlimits[1].type: duplicate rlimit \"RLIMIT_NOFILE\"");
	BAD(PROC(",'rlimits':[{'type':'RLIMIT_NOFILE','soft':2,'hard':1}]"),
	    ".process.rlimits[0].soft: greater than hard (2 > 1)");
	BAD(PROC(",'rlimits':[{'type':'RLIMIT_NOFILE','hard':1}]"),
	    ".process.rlimits[0].soft: missing required field");
	BAD(PROC(",'rlimits':[{'type':'RLIMIT_CPU','soft':18446744073709551616,'hard':1}]"),
	    ".process.rlimits[0].soft: number 18446744073709551616 out of range");
	BAD(PROC(",'rlimits':[{'type':'RLIMIT_CPU','soft':-1,'hard':1}]"),
	    ".process.rlimits[0].soft: must not be negative");
	BAD(PROC(",'capabilities':{'bounding':['CAP_CHOWN','CAP_KILL','CAP_SETUID','CAP_FOO']}"),
	    "config.json: .process.capabilities.bounding[3]: unknown capability \"CAP_FOO\"");
	BAD(PROC(",'capabilities':{'ambient':'CAP_KILL'}"),
	    ".process.capabilities.ambient: expected an array of strings, got string");
	BAD(PROC(",'capabilities':[]"), ".process.capabilities: expected an object, got array");
	BAD(PROC(",'oomScoreAdj':1001"), ".process.oomScoreAdj: 1001 out of range [-1000, 1000]");
	BAD(PROC(",'noNewPrivileges':'true'"), ".process.noNewPrivileges: expected a boolean, got string");
	BAD(PROC(",'scheduler':{'nice':1}"), ".process.scheduler.policy: missing required field");
	BAD(PROC(",'scheduler':{'policy':'SCHED_FOO'}"),
	    ".process.scheduler.policy: unknown scheduler policy \"SCHED_FOO\"");
	BAD(PROC(",'scheduler':{'policy':'SCHED_RR','flags':['SCHED_FLAG_NOPE']}"),
	    ".process.scheduler.flags[0]: unknown scheduler flag \"SCHED_FLAG_NOPE\"");
	BAD(PROC(",'scheduler':{'policy':'SCHED_OTHER','nice':20}"),
	    ".process.scheduler.nice: 20 out of range [-20, 19]");
	BAD(PROC(",'ioPriority':{'class':'IOPRIO_CLASS_NONE'}"),
	    ".process.ioPriority.class: unknown I/O priority class \"IOPRIO_CLASS_NONE\"");
	BAD(PROC(",'ioPriority':{'class':'IOPRIO_CLASS_BE','priority':8}"),
	    ".process.ioPriority.priority: 8 out of range [0, 7]");
	BAD(PROC(",'execCPUAffinity':{'initial':'3-1'}"),
	    ".process.execCPUAffinity.initial: invalid CPU list \"3-1\"");
	BAD(PROC(",'execCPUAffinity':{'final':'1,'}"),
	    ".process.execCPUAffinity.final: invalid CPU list \"1,\"");
	/* Found by fuzz_process: passed validation, then failed in the init. */
	BAD(PROC(",'execCPUAffinity':{'initial':''}"),
	    ".process.execCPUAffinity.initial: invalid CPU list \"\"");
	BAD(PROC(",'execCPUAffinity':{'final':'0-1024'}"),
	    ".process.execCPUAffinity.final: invalid CPU list \"0-1024\"");
}

static void test_invalid_linux(void)
{
	BAD(LINUX("'namespaces':[{'type':'pid'},{'type':'ipc'},{'type':'pidd'}]"),
	    "config.json: .linux.namespaces[2].type: unknown namespace \"pidd\"");
	BAD(LINUX("'namespaces':[{'type':'pid'},{'type':'pid'}]"),
	    ".linux.namespaces[1].type: duplicate namespace \"pid\"");
	BAD(LINUX("'namespaces':[{'path':'/x'}]"), ".linux.namespaces[0].type: missing required field");
	BAD(LINUX("'namespaces':[{'type':'network','path':'run/netns/x'}]"),
	    ".linux.namespaces[0].path: must be an absolute path");
	BAD(LINUX("'uidMappings':[{'containerID':0,'hostID':1000,'size':0}]"),
	    ".linux.uidMappings[0].size: must be greater than 0");
	BAD(LINUX("'gidMappings':[{'containerID':0,'size':1}]"),
	    ".linux.gidMappings[0].hostID: missing required field");
	BAD(LINUX("'timeOffsets':{'realtime':{'secs':1}}"),
	    ".linux.timeOffsets.realtime: unknown clock");
	BAD(LINUX("'timeOffsets':{'boottime':{'nanosecs':1000000000}}"),
	    ".linux.timeOffsets.boottime.nanosecs: 1000000000 out of range (maximum 999999999)");
	BAD(LINUX("'devices':[{'type':'x','path':'/dev/x'}]"),
	    ".linux.devices[0].type: unknown device type \"x\"");
	BAD(LINUX("'devices':[{'type':'c','path':'dev/x','major':1,'minor':1}]"),
	    ".linux.devices[0].path: must be an absolute path");
	BAD(LINUX("'devices':[{'type':'b','path':'/dev/sda','minor':1}]"),
	    ".linux.devices[0].major: missing required field");
	BAD(LINUX("'devices':[{'type':'c','path':'/dev/x','major':1,'minor':1,'fileMode':'0666'}]"),
	    ".linux.devices[0].fileMode: expected an integer, got string");
	BAD(LINUX("'rootfsPropagation':'sideways'"),
	    ".linux.rootfsPropagation: unknown propagation \"sideways\"");
	BAD(LINUX("'personality':{'domain':'LINUX64'}"),
	    ".linux.personality.domain: unknown personality domain \"LINUX64\"");
	BAD(LINUX("'maskedPaths':[1]"), ".linux.maskedPaths[0]: expected a string, got number");
	BAD(LINUX("'sysctl':{'net.ipv4.ip_forward':1}"),
	    ".linux.sysctl[\"net.ipv4.ip_forward\"]: expected a string, got number");
	BAD(LINUX("'intelRdt':{'closID':'../x'}"), ".linux.intelRdt.closID: invalid CLOS id");
	BAD(LINUX("'netDevices':{'eth0':{'name':'a/b'}}"),
	    ".linux.netDevices.eth0.name: invalid network device name \"a/b\"");
	BAD(LINUX("'netDevices':{'averyveryverylongname':{}}"),
	    ".linux.netDevices.averyveryverylongname: invalid network device name");
	BAD(LINUX("'memoryPolicy':{'mode':'MPOL_NOPE'}"),
	    ".linux.memoryPolicy.mode: unknown memory policy mode \"MPOL_NOPE\"");
	BAD(LINUX("'memoryPolicy':{'mode':'MPOL_BIND','flags':['MPOL_F_X']}"),
	    ".linux.memoryPolicy.flags[0]: unknown memory policy flag");
}

static void test_invalid_resources(void)
{
	BAD(LINUX("'resources':{'devices':[{'access':'rwm'}]}"),
	    ".linux.resources.devices[0].allow: missing required field");
	BAD(LINUX("'resources':{'devices':[{'allow':true,'type':'u'}]}"),
	    ".linux.resources.devices[0].type: unknown device type \"u\" (expected a, c or b)");
	BAD(LINUX("'resources':{'devices':[{'allow':true,'access':'rwx'}]}"),
	    ".linux.resources.devices[0].access: invalid access \"rwx\"");
	BAD(LINUX("'resources':{'devices':[{'allow':true,'access':'rr'}]}"),
	    ".linux.resources.devices[0].access: invalid access \"rr\"");
	BAD(LINUX("'resources':{'devices':[{'allow':true,'major':-2}]}"),
	    ".linux.resources.devices[0].major: -2 out of range");
	BAD(LINUX("'resources':{'memory':{'limit':-2}}"),
	    ".linux.resources.memory.limit: -2 out of range [-1, 9223372036854775807]");
	BAD(LINUX("'resources':{'memory':{'swap':9223372036854775808}}"),
	    ".linux.resources.memory.swap: 9223372036854775808 out of range");
	BAD(LINUX("'resources':{'memory':{'disableOOMKiller':0}}"),
	    ".linux.resources.memory.disableOOMKiller: expected a boolean, got number");
	BAD(LINUX("'resources':{'cpu':{'shares':-1}}"), ".linux.resources.cpu.shares: must not be negative");
	BAD(LINUX("'resources':{'cpu':{'cpus':0}}"), ".linux.resources.cpu.cpus: expected a string");
	BAD(LINUX("'resources':{'blockIO':{'weight':65536}}"), ".linux.resources.blockIO.weight: 65536 out of range");
	BAD(LINUX("'resources':{'blockIO':{'throttleReadBpsDevice':[{'major':8,'minor':0}]}}"),
	    ".linux.resources.blockIO.throttleReadBpsDevice[0].rate: missing required field");
	BAD(LINUX("'resources':{'hugepageLimits':[{'limit':1}]}"),
	    ".linux.resources.hugepageLimits[0].pageSize: missing required field");
	BAD(LINUX("'resources':{'hugepageLimits':[{'pageSize':'../2MB','limit':1}]}"),
	    ".linux.resources.hugepageLimits[0].pageSize: invalid page size");
	BAD(LINUX("'resources':{'network':{'priorities':[{'name':'eth0'}]}}"),
	    ".linux.resources.network.priorities[0].priority: missing required field");
	BAD(LINUX("'resources':{'rdma':{'mlx':{}}}"), ".linux.resources.rdma.mlx: needs hcaHandles or hcaObjects");
	BAD(LINUX("'resources':{'unified':{'../../cgroup.procs':'1'}}"),
	    ".linux.resources.unified[\"../../cgroup.procs\"]: invalid cgroup file name");
	BAD(LINUX("'resources':{'pids':{'limit':'max'}}"), ".linux.resources.pids.limit: expected an integer, got string");
}

static void test_invalid_seccomp(void)
{
	BAD(LINUX("'seccomp':{'syscalls':[]}"), ".linux.seccomp.defaultAction: missing required field");
	BAD(LINUX("'seccomp':{'defaultAction':'SCMP_ACT_BOOM'}"),
	    ".linux.seccomp.defaultAction: unknown seccomp action \"SCMP_ACT_BOOM\"");
	BAD(LINUX("'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','defaultErrnoRet':1}"),
	    ".linux.seccomp.defaultErrnoRet: only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE");
	BAD(LINUX("'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','architectures':['SCMP_ARCH_X86_64','SCMP_ARCH_VAX']}"),
	    ".linux.seccomp.architectures[1]: unknown architecture \"SCMP_ARCH_VAX\"");
	BAD(LINUX("'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','flags':['SECCOMP_FILTER_FLAG_NEW_LISTENER']}"),
	    ".linux.seccomp.flags[0]: unknown seccomp flag \"SECCOMP_FILTER_FLAG_NEW_LISTENER\"");
	BAD(LINUX("'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':[],'action':'SCMP_ACT_ERRNO'}]}"),
	    ".linux.seccomp.syscalls[0].names: must not be empty");
	BAD(LINUX("'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'action':'SCMP_ACT_ERRNO'}]}"),
	    ".linux.seccomp.syscalls[0].names: missing required field");
	BAD(LINUX("'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['read']}]}"),
	    ".linux.seccomp.syscalls[0].action: missing required field");
	BAD(LINUX("'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['read'],'action':'SCMP_ACT_LOG','errnoRet':1}]}"),
	    ".linux.seccomp.syscalls[0].errnoRet: only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE");
	BAD(LINUX("'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['read'],'action':'SCMP_ACT_ERRNO','args':[{'index':6,'value':1,'op':'SCMP_CMP_EQ'}]}]}"),
	    ".linux.seccomp.syscalls[0].args[0].index: 6 out of range (maximum 5)");
	BAD(LINUX("'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['read'],'action':'SCMP_ACT_ERRNO','args':[{'index':0,'value':1,'op':'SCMP_CMP_XOR'}]}]}"),
	    ".linux.seccomp.syscalls[0].args[0].op: unknown seccomp operator \"SCMP_CMP_XOR\"");
	BAD(LINUX("'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['read'],'action':'SCMP_ACT_ERRNO','args':[{'index':0,'op':'SCMP_CMP_EQ'}]}]}"),
	    ".linux.seccomp.syscalls[0].args[0].value: missing required field");
	BAD(LINUX("'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['mkdir'],'action':'SCMP_ACT_NOTIFY'}]}"),
	    ".linux.seccomp.listenerPath: required when SCMP_ACT_NOTIFY is used");
	BAD(LINUX("'seccomp':{'defaultAction':'SCMP_ACT_NOTIFY'}"),
	    ".linux.seccomp.listenerPath: required when SCMP_ACT_NOTIFY is used");
}

int main(void)
{
	test_invalid_syntax();
	test_invalid_top();
	test_invalid_process();
	test_invalid_linux();
	test_invalid_resources();
	test_invalid_seccomp();
	return unit_done();
}
