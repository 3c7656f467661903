/*
 * Entry from the loader (QEMU -kernel with an ELF): EL2, MMU off, x0 = the
 * host DTB. The boot CPU sets up BSS, its stack and the EL2 vectors and
 * calls target_main(dtb). The other CPUs are started later with PSCI CPU_ON
 * at secondary_entry; one that a loader lets run from _start parks.
 */
#include "asm_defs.h"

	.section .text.boot, "ax"
	.global _start
_start:
	mov	x19, x0				/* host DTB, kept for C */

	mrs	x1, CurrentEL
	ubfx	x1, x1, #2, #2
	cmp	x1, #2
	b.ne	wrong_el

	/* Known state before anything else: MMU/caches off, FP usable. */
	ldr	x1, =SCTLR_EL2_RES1
	msr	sctlr_el2, x1
	ldr	x1, =CPTR_EL2_RES1
	msr	cptr_el2, x1
	msr	hcr_el2, xzr			/* no guest state yet */
	msr	daifset, #0xf
	isb

	mrs	x1, mpidr_el1
	ldr	x2, =0xff00ffffff		/* Aff3..Aff0 */
	ands	x1, x1, x2
	b.ne	park_forever

	/* BSS: bounds are 16-byte aligned by the linker script. */
	adrp	x1, __bss_start
	add	x1, x1, :lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, :lo12:__bss_end
1:	cmp	x1, x2
	b.hs	2f
	stp	xzr, xzr, [x1], #16
	b	1b
2:
	adrp	x1, hv_stacks
	add	x1, x1, :lo12:hv_stacks
	add	x1, x1, #HV_STACK_SLOT
	mov	sp, x1

	adrp	x1, el2_vectors
	add	x1, x1, :lo12:el2_vectors
	msr	vbar_el2, x1
	adrp	x1, tgt_cpus			/* CPU 0, no current vCPU */
	add	x1, x1, :lo12:tgt_cpus
	msr	tpidr_el2, x1
	isb

	mov	x0, x19
	mov	x29, xzr
	mov	x30, xzr
	bl	target_main
	b	hal_halt

/*
 * A CPU started by smp.c with PSCI CPU_ON: EL2, MMU off, x0 = its struct
 * smp_boot (asm_defs.h), which the boot CPU cleaned to memory. Same state
 * as the boot CPU, the same EL2 page tables, then C on its own stack.
 */
	.global	secondary_entry
	.type	secondary_entry, %function
secondary_entry:
	ldr	x1, =SCTLR_EL2_RES1
	msr	sctlr_el2, x1
	ldr	x1, =CPTR_EL2_RES1
	msr	cptr_el2, x1
	msr	hcr_el2, xzr
	msr	daifset, #0xf
	isb

	ldp	x1, x2, [x0, #SMP_BOOT_MAIR]
	msr	mair_el2, x1
	msr	tcr_el2, x2
	ldp	x1, x2, [x0, #SMP_BOOT_TTBR0]
	msr	ttbr0_el2, x1
	isb
	tlbi	alle2
	dsb	nsh
	ic	iallu
	dsb	nsh
	isb
	msr	sctlr_el2, x2			/* MMU and caches on */
	isb

	ldp	x1, x2, [x0, #SMP_BOOT_SP]
	mov	sp, x1
	msr	tpidr_el2, x2			/* its struct tgt_cpu */
	adrp	x1, el2_vectors
	add	x1, x1, :lo12:el2_vectors
	msr	vbar_el2, x1
	isb
	mov	x29, xzr
	mov	x30, xzr
	bl	secondary_main
	b	hal_halt
	.size	secondary_entry, . - secondary_entry

park_forever:
	wfe
	b	park_forever

/*
 * Not at EL2: without EL2 there is nothing a hypervisor can do. Say so on
 * the UART (the DTB is not parsed yet, so at QEMU virt's PL011) and stop.
 */
wrong_el:
	ldr	x2, =EARLY_UART_PA
	adr	x3, wrong_el_msg
4:	ldrb	w4, [x3], #1
	cbz	w4, wrong_el_off
5:	ldr	w5, [x2, #0x18]			/* UARTFR */
	tbnz	w5, #5, 5b			/* TXFF */
	strb	w4, [x2]
	b	4b

/* At EL1 (QEMU without virtualization=on) PSCI is reached with HVC. */
wrong_el_off:
	cmp	x1, #1
	b.ne	park_forever
	ldr	x0, =0x84000008			/* PSCI SYSTEM_OFF */
	hvc	#0
	b	park_forever

wrong_el_msg:
	.asciz	"hv: fatal: not entered at EL2 (QEMU needs -M virt,virtualization=on); stopping\r\n"
	.balign	4

	.bss
	.balign	4096
	.global hv_stacks
hv_stacks:
	.skip	HV_STACK_SLOT * HV_MAX_CPUS
