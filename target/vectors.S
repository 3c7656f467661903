/*
 * EL2 exception vectors and the guest world switch.
 *
 * vcpu_run(v) saves the hypervisor's callee-saved registers on its stack,
 * loads the guest frame from v and erets. A lower-EL exception stores the
 * guest frame back into this CPU's current vCPU (TPIDR_EL2 points at the
 * CPU's struct tgt_cpu, whose first word that is), unwinds that stack
 * frame and returns from vcpu_run with the GUEST_EXC_* kind, so to C the
 * guest is an ordinary function call that returns on every exit.
 *
 * An exception taken from EL2 itself is a hypervisor bug: el2_fatal moves to
 * a stack of its own (the old one may be what broke) and reports.
 */
#include "asm_defs.h"

#if HV_MAX_CPUS & (HV_MAX_CPUS - 1)
#error "el2_fatal picks a stack by Aff0 modulo HV_MAX_CPUS: a power of two"
#endif

	.macro	fatal_entry kind
	.balign	0x80
	msr	sp_el0, x0			/* scratch: we never resume */
	msr	tpidrro_el0, x1
	mov	x0, #\kind
	b	el2_fatal
	.endm

	.macro	guest_entry kind
	.balign	0x80
	str	x0, [sp, #-16]!
	mrs	x0, tpidr_el2
	ldr	x0, [x0, #TGT_CPU_CURRENT]
	stp	x1, x2, [x0, #8]
	mov	x1, #\kind
	b	guest_exit
	.endm

	.section .text.vectors, "ax"
	.balign	0x800
	.global	el2_vectors
el2_vectors:
	fatal_entry	EL2_EXC_SP0_SYNC
	fatal_entry	EL2_EXC_SP0_IRQ
	fatal_entry	EL2_EXC_SP0_FIQ
	fatal_entry	EL2_EXC_SP0_SERROR
	fatal_entry	EL2_EXC_SYNC
	fatal_entry	EL2_EXC_IRQ
	fatal_entry	EL2_EXC_FIQ
	fatal_entry	EL2_EXC_SERROR
	/* Lower EL, AArch64 */
	guest_entry	GUEST_EXC_SYNC
	guest_entry	GUEST_EXC_IRQ
	guest_entry	GUEST_EXC_FIQ
	guest_entry	GUEST_EXC_SERROR
	/* Lower EL, AArch32 (a guest's 32-bit EL0): the same frame. */
	guest_entry	GUEST_EXC_SYNC
	guest_entry	GUEST_EXC_IRQ
	guest_entry	GUEST_EXC_FIQ
	guest_entry	GUEST_EXC_SERROR

	.text
/* x0 = vcpu, x1 = kind, guest x0 on the stack, guest x1/x2 stored. */
guest_exit:
	stp	x3, x4, [x0, #8 * 3]
	stp	x5, x6, [x0, #8 * 5]
	stp	x7, x8, [x0, #8 * 7]
	stp	x9, x10, [x0, #8 * 9]
	stp	x11, x12, [x0, #8 * 11]
	stp	x13, x14, [x0, #8 * 13]
	stp	x15, x16, [x0, #8 * 15]
	stp	x17, x18, [x0, #8 * 17]
	stp	x19, x20, [x0, #8 * 19]
	stp	x21, x22, [x0, #8 * 21]
	stp	x23, x24, [x0, #8 * 23]
	stp	x25, x26, [x0, #8 * 25]
	stp	x27, x28, [x0, #8 * 27]
	stp	x29, x30, [x0, #8 * 29]
	ldr	x2, [sp], #16
	str	x2, [x0]
	mrs	x2, sp_el0
	str	x2, [x0, #TGT_VCPU_REGS_SP_EL0]
	mrs	x2, elr_el2
	mrs	x3, spsr_el2
	stp	x2, x3, [x0, #TGT_VCPU_REGS_PC]

	/* The syndrome means something only for sync exits and SErrors;
	 * IRQ and FIQ exits record zeros. Sync exits, the hot ones, take
	 * the straight path. */
	cmp	x1, #GUEST_EXC_IRQ
	b.eq	2f
	cmp	x1, #GUEST_EXC_FIQ
	b.eq	2f
	mrs	x2, esr_el2
	mrs	x3, far_el2
	mrs	x4, hpfar_el2
1:	stp	x2, x3, [x0, #TGT_VCPU_EXIT_ESR]
	str	x4, [x0, #TGT_VCPU_EXIT_HPFAR]

	mov	x0, x1
	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x27, x28, [sp, #80]
	ldp	x29, x30, [sp], #96
	ret
2:	mov	x2, xzr
	mov	x3, xzr
	mov	x4, xzr
	b	1b

/* int vcpu_run(struct vcpu *v) */
	.global	vcpu_run
	.type	vcpu_run, %function
vcpu_run:
	stp	x29, x30, [sp, #-96]!
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]

	/* v is this CPU's current vCPU already (the HAL's contract, kept by
	 * vcpu_load): the exit path stores the guest frame there. */
	ldr	x1, [x0, #TGT_VCPU_REGS_SP_EL0]
	msr	sp_el0, x1
	ldp	x1, x2, [x0, #TGT_VCPU_REGS_PC]
	msr	elr_el2, x1
	msr	spsr_el2, x2

	ldp	x2, x3, [x0, #8 * 2]
	ldp	x4, x5, [x0, #8 * 4]
	ldp	x6, x7, [x0, #8 * 6]
	ldp	x8, x9, [x0, #8 * 8]
	ldp	x10, x11, [x0, #8 * 10]
	ldp	x12, x13, [x0, #8 * 12]
	ldp	x14, x15, [x0, #8 * 14]
	ldp	x16, x17, [x0, #8 * 16]
	ldp	x18, x19, [x0, #8 * 18]
	ldp	x20, x21, [x0, #8 * 20]
	ldp	x22, x23, [x0, #8 * 22]
	ldp	x24, x25, [x0, #8 * 24]
	ldp	x26, x27, [x0, #8 * 26]
	ldp	x28, x29, [x0, #8 * 28]
	ldr	x30, [x0, #8 * 30]
	ldp	x0, x1, [x0]
	eret
	dsb	nsh				/* no speculation past eret */
	isb
	.size	vcpu_run, . - vcpu_run

/*
 * x0 = kind; the interrupted x0/x1 are in SP_EL0/TPIDRRO_EL0. Build the
 * frame on this CPU's fatal stack and hand it to C, which does not return.
 */
el2_fatal:
	msr	tpidr_el0, x2
	/* One stack per CPU (by Aff0, which needs no memory access), so two
	 * CPUs failing at once do not write the same frame. */
	mrs	x2, mpidr_el1
	and	x2, x2, #(HV_MAX_CPUS - 1)
	add	x2, x2, #1
	lsl	x2, x2, #EL2_FATAL_STACK_SHIFT
	adrp	x1, el2_fatal_stacks
	add	x1, x1, :lo12:el2_fatal_stacks
	add	x2, x1, x2
	mov	x1, sp
	mov	sp, x2
	sub	sp, sp, #EL2_FRAME_SIZE
	str	x1, [sp, #EL2_FRAME_SP]
	str	x0, [sp, #EL2_FRAME_KIND]
	mrs	x0, sp_el0
	mrs	x1, tpidrro_el0
	stp	x0, x1, [sp, #8 * 0]
	mrs	x2, tpidr_el0
	stp	x2, x3, [sp, #8 * 2]
	stp	x4, x5, [sp, #8 * 4]
	stp	x6, x7, [sp, #8 * 6]
	stp	x8, x9, [sp, #8 * 8]
	stp	x10, x11, [sp, #8 * 10]
	stp	x12, x13, [sp, #8 * 12]
	stp	x14, x15, [sp, #8 * 14]
	stp	x16, x17, [sp, #8 * 16]
	stp	x18, x19, [sp, #8 * 18]
	stp	x20, x21, [sp, #8 * 20]
	stp	x22, x23, [sp, #8 * 22]
	stp	x24, x25, [sp, #8 * 24]
	stp	x26, x27, [sp, #8 * 26]
	stp	x28, x29, [sp, #8 * 28]
	str	x30, [sp, #8 * 30]
	mrs	x0, elr_el2
	mrs	x1, spsr_el2
	stp	x0, x1, [sp, #EL2_FRAME_ELR]
	mrs	x0, esr_el2
	mrs	x1, far_el2
	stp	x0, x1, [sp, #EL2_FRAME_ESR]
	mov	x0, sp
	mov	x29, xzr
	bl	el2_fatal_report
1:	wfe
	b	1b

	.bss
	.balign	16
el2_fatal_stacks:
	.skip	(1 << EL2_FATAL_STACK_SHIFT) * HV_MAX_CPUS
