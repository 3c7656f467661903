/*
 * Entry from the loader (QEMU -kernel with an ELF): EL2, MMU off, x0 = the
 * host DTB. The boot CPU sets up BSS, its stack and the EL2 vectors and
 * calls target_main(dtb). Any other CPU that arrives parks on its mailbox.
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
	msr	daifset, #0xf
	isb

	mrs	x1, mpidr_el1
	ldr	x2, =0xff00ffffff		/* Aff3..Aff0 */
	ands	x1, x1, x2
	b.ne	secondary_park

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
	msr	tpidr_el2, xzr			/* no current vCPU */
	isb

	mov	x0, x19
	mov	x29, xzr
	mov	x30, xzr
	bl	target_main
	b	hal_halt

/*
 * A secondary CPU waits for its mailbox word (indexed by Aff0) to hold an
 * entry address, written by the boot CPU and signalled with SEV. Nothing
 * writes it yet: guest vCPUs all run on the boot CPU for now.
 */
secondary_park:
	ubfx	x2, x1, #0, #8
	cmp	x1, x2				/* Aff1..Aff3 must be 0 */
	b.ne	park_forever
	cmp	x2, #HV_MAX_CPUS
	b.hs	park_forever
	adrp	x3, secondary_mailbox
	add	x3, x3, :lo12:secondary_mailbox
	add	x3, x3, x2, lsl #3
	/* Stack for when it is released: the top of hv_stacks[Aff0]. */
	adrp	x4, hv_stacks
	add	x4, x4, :lo12:hv_stacks
	add	x5, x2, #1
	mov	x6, #HV_STACK_SLOT
	madd	x4, x5, x6, x4
	mov	sp, x4
3:	wfe
	dc	ivac, x3			/* caches are off on this CPU */
	dsb	sy
	ldr	x4, [x3]
	cbz	x4, 3b
	mov	x0, x2
	br	x4

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

	.data
	.balign	8
	.global secondary_mailbox
secondary_mailbox:
	.fill	HV_MAX_CPUS, 8, 0

	.bss
	.balign	4096
	.global hv_stacks
hv_stacks:
	.skip	HV_STACK_SLOT * HV_MAX_CPUS
