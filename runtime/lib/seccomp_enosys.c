/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The ENOSYS stub (runtime.md 13.8 SHOULD, runc's patchbpf idea): a syscall newer than
 * the newest one the profile names gets ENOSYS instead of the default action, so libc
 * falls back (clone3 -> clone) instead of failing with EPERM. Pure BPF generation; the
 * program is prepended to libseccomp's output by seccomp.c. */
#include "seccomp_internal.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdint.h>

#include "spec.h"

#define X32_SYSCALL_BIT 0x40000000u
/* Jump markers fixed up once the stub's length is known (real offsets stay < 128). */
#define TO_ENOSYS 0xfe
#define TO_PROG 0xff

static bool wants_stub(const struct silo_seccomp *s)
{
	switch (s->default_action) {
	case SILO_SCMP_ALLOW:
	case SILO_SCMP_LOG:
	case SILO_SCMP_NOTIFY:
	case SILO_SCMP_TRACE:
		return false;
	case SILO_SCMP_ERRNO:
		return !(s->default_errno_ret.set && s->default_errno_ret.v == ENOSYS);
	default:
		return true;
	}
}

/* Highest syscall number the profile names on `arch`; false when it names none there. */
static bool profile_max(const struct silo_seccomp *s, uint32_t arch, uint32_t *ret)
{
	bool any = false;

	*ret = 0;
	for (size_t i = 0; i < s->n_syscalls; i++) {
		for (size_t j = 0; j < s->syscalls[i].names.n; j++) {
			int nr = seccomp_syscall_resolve_name_arch(arch, s->syscalls[i].names.v[j]);

			if (nr < 0) /* unknown, or a pseudo-syscall on this arch */
				continue;
			if (!any || (uint32_t)nr > *ret)
				*ret = (uint32_t)nr;
			any = true;
		}
	}
	return any;
}

static void emit(struct sock_filter *out, size_t *n, uint16_t code, uint8_t jt, uint8_t jf,
		 uint32_t k)
{
	out[*n] = (struct sock_filter){ .code = code, .jt = jt, .jf = jf, .k = k };
	(*n)++;
}

#define LD_ABS (BPF_LD | BPF_W | BPF_ABS)
#define JEQ (BPF_JMP | BPF_JEQ | BPF_K)
#define JGT (BPF_JMP | BPF_JGT | BPF_K)
#define JSET (BPF_JMP | BPF_JSET | BPF_K)

/* x86-64 and x32 share AUDIT_ARCH_X86_64; x32 numbers carry X32_SYSCALL_BIT. */
static void emit_x86_64(const struct silo_seccomp *s, scmp_filter_ctx ctx,
			struct sock_filter *out, size_t *n)
{
	uint32_t max64, max32;
	bool has64 = profile_max(s, SCMP_ARCH_X86_64, &max64);
	bool has32 = seccomp_arch_exist(ctx, SCMP_ARCH_X32) == 0 &&
		     profile_max(s, SCMP_ARCH_X32, &max32);

	if (!has64 && !has32)
		return;
	emit(out, n, JEQ, 0, 4, AUDIT_ARCH_X86_64);
	emit(out, n, LD_ABS, 0, 0, offsetof(struct seccomp_data, nr));
	emit(out, n, JSET, 1, 0, X32_SYSCALL_BIT);
	emit(out, n, JGT, TO_ENOSYS, TO_PROG, has64 ? max64 : UINT32_MAX);
	emit(out, n, JGT, TO_ENOSYS, TO_PROG, has32 ? max32 : UINT32_MAX);
}

size_t silo_seccomp_enosys_stub(const struct silo_seccomp *s, const scmp_filter_ctx ctx,
				struct sock_filter *out)
{
	static const uint32_t arches[] = {
		SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_ARM, SCMP_ARCH_AARCH64,
		SCMP_ARCH_MIPS, SCMP_ARCH_MIPS64, SCMP_ARCH_MIPS64N32, SCMP_ARCH_MIPSEL,
		SCMP_ARCH_MIPSEL64, SCMP_ARCH_MIPSEL64N32, SCMP_ARCH_PPC, SCMP_ARCH_PPC64,
		SCMP_ARCH_PPC64LE, SCMP_ARCH_S390, SCMP_ARCH_S390X, SCMP_ARCH_PARISC,
		SCMP_ARCH_PARISC64, SCMP_ARCH_RISCV64,
	}; /* SCMP_ARCH_X32 is handled inside the x86-64 block */
	size_t n = 0, ret;
	uint32_t max;

	if (!wants_stub(s))
		return 0;
	emit(out, &n, LD_ABS, 0, 0, offsetof(struct seccomp_data, arch));
	for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++) {
		if (seccomp_arch_exist(ctx, arches[i]) != 0)
			continue;
		if (arches[i] == SCMP_ARCH_X86_64) {
			emit_x86_64(s, ctx, out, &n);
		} else if (profile_max(s, arches[i], &max)) {
			emit(out, &n, JEQ, 0, 2, arches[i]);
			emit(out, &n, LD_ABS, 0, 0, offsetof(struct seccomp_data, nr));
			emit(out, &n, JGT, TO_ENOSYS, TO_PROG, max);
		}
	}
	if (n == 1)
		return 0;
	emit(out, &n, BPF_JMP | BPF_JA, 0, 0, 1); /* an architecture without a block */
	ret = n;
	emit(out, &n, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ERRNO | ENOSYS);
	for (size_t i = 0; i < ret; i++) {
		if (BPF_CLASS(out[i].code) != BPF_JMP || BPF_OP(out[i].code) == BPF_JA)
			continue;
		if (out[i].jt == TO_ENOSYS)
			out[i].jt = (uint8_t)(ret - i - 1);
		if (out[i].jf == TO_PROG)
			out[i].jf = (uint8_t)(ret - i);
	}
	return n;
}
