/*
 * SMC conduit to EL3 with the SMCCC v1.2 register set: x0-x17 in, x0-x17
 * out. x18 and the callee-saved registers are not touched by a compliant
 * EL3, but x19 holds the array pointer across the call to be safe.
 *
 * void hal_smc_forward(uint64_t a[18])
 */
	.text
	.global	hal_smc_forward
	.type	hal_smc_forward, %function
hal_smc_forward:
	stp	x29, x30, [sp, #-32]!
	str	x19, [sp, #16]
	mov	x19, x0
	ldp	x0, x1, [x19, #8 * 0]
	ldp	x2, x3, [x19, #8 * 2]
	ldp	x4, x5, [x19, #8 * 4]
	ldp	x6, x7, [x19, #8 * 6]
	ldp	x8, x9, [x19, #8 * 8]
	ldp	x10, x11, [x19, #8 * 10]
	ldp	x12, x13, [x19, #8 * 12]
	ldp	x14, x15, [x19, #8 * 14]
	ldp	x16, x17, [x19, #8 * 16]
	smc	#0
	stp	x0, x1, [x19, #8 * 0]
	stp	x2, x3, [x19, #8 * 2]
	stp	x4, x5, [x19, #8 * 4]
	stp	x6, x7, [x19, #8 * 6]
	stp	x8, x9, [x19, #8 * 8]
	stp	x10, x11, [x19, #8 * 10]
	stp	x12, x13, [x19, #8 * 12]
	stp	x14, x15, [x19, #8 * 14]
	stp	x16, x17, [x19, #8 * 16]
	ldr	x19, [sp, #16]
	ldp	x29, x30, [sp], #32
	ret
	.size	hal_smc_forward, . - hal_smc_forward
