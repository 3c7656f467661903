/*
 * Exception entry and return on the simulated CPU, checked against the
 * Arm ARM (D1.10 "Exception entry", D1.11 "Exception return", "Illegal
 * exception returns from AArch64 state"): small raw guests whose
 * instruction words come from aarch64-linux-gnu-as (source in the
 * comments).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "uc/uc_guest.h"

/*
 * At EL1t the stack pointer is SP_EL0. An exception taken from there
 * enters EL1h on SP_EL1 and leaves SP_EL0 alone; ERET to EL1t selects
 * SP_EL0 again. Both kinds of entry: one the simulated CPU performs (SVC)
 * and one the hypervisor injects (a load from an IPA nobody claims).
 */
static const uint32_t el1t_code[] = {
    0x10004000, /* adr x0, vbar (image + 0x800) */
    0xd518c000, /* msr vbar_el1, x0 */
    0xd2a800e1, /* mov x1, #0x40070000 */
    0xd5184101, /* msr sp_el0, x1 */
    0xd2a800c2, /* mov x2, #0x40060000 */
    0x9100005f, /* mov sp, x2 */
    0xd50040bf, /* msr spsel, #0          (EL1t: SP is SP_EL0) */
    0xd4000021, /* svc #1                 (handler reports twice) */
    0x910003e0, /* mov x0, sp */
    0xd4000002, /* hvc #0                 report 3: SP_EL0 */
    0xd2a18009, /* mov x9, #0xc000000     (no device there) */
    0xb9400127, /* ldr w7, [x9]           (the core injects an abort) */
    0x910003e0, /* mov x0, sp */
    0xd4000002, /* hvc #0                 report 6: SP_EL0 */
    0xd50041bf, /* msr spsel, #1 */
    0x910003e0, /* mov x0, sp */
    0xd4000002, /* hvc #0                 report 7: SP_EL1 */
    0xd2b08000, /* mov x0, #0x84000000 */
    0xf2800100, /* movk x0, #0x8 */
    0xd4000002, /* hvc #0                 SYSTEM_OFF */
};

/* At VBAR + 0x000 (current EL with SP_EL0): report SP_EL0 and SP, skip
 * the instruction unless it was the SVC, return. */
static const uint32_t el1t_vector[] = {
    0xd5384100, /* mrs x0, sp_el0 */
    0xd4000002, /* hvc #0 */
    0x910003e0, /* mov x0, sp */
    0xd4000002, /* hvc #0 */
    0xd538520a, /* mrs x10, esr_el1 */
    0xd35afd4d, /* lsr x13, x10, #26 */
    0xf10055bf, /* cmp x13, #0x15 */
    0x54000080, /* b.eq 1f */
    0xd538402b, /* mrs x11, elr_el1 */
    0x9100116b, /* add x11, x11, #4 */
    0xd518402b, /* msr elr_el1, x11 */
    0xd69f03e0, /* 1: eret */
};

static void test_sp_el0_survives_exception_from_el1t(void **state)
{
	static const struct chunk img[] = {CHUNK(0, el1t_code),
					   CHUNK(0x800, el1t_vector)};
	static const uint64_t want[] = {
	    0x40070000, 0x40060000, /* in the handler: SP_EL0, SP = SP_EL1 */
	    0x40070000,		    /* back at EL1t */
	    0x40070000, 0x40060000, /* the injected abort, likewise */
	    0x40070000, 0x40060000,
	};
	struct run *run;

	(void)state;
	run = run_both(img, 2);
	assert_reports(run, want, 7);
	/* The hypervisor injected the abort for the load (EC 0x24 to EL2);
	 * the guest took it at the vector for the current EL with SP_EL0,
	 * whose first report's HVC returns to VBAR + 0x008. */
	assert_int_equal(run->rec[3].ec, 0x24);
	assert_int_equal(run->rec[3].pc, GUEST_PC(0x2c));
	assert_int_equal(run->rec[4].pc, GUEST_PC(0x808));
	free(run);
}

/*
 * ERET from EL1 with SPSR_EL1.M = EL2h (0b1001) is an illegal exception
 * return: PSTATE.IL is set, the mode stays EL1h, the PC becomes ELR_EL1,
 * and the instruction there takes an Illegal Execution state exception
 * to EL1 instead of executing.
 */
static const uint32_t illegal_eret_code[] = {
    0x10004000, /* adr x0, vbar (image + 0x800) */
    0xd518c000, /* msr vbar_el1, x0 */
    0xd2807921, /* mov x1, #0x3c9          (DAIF, M = EL2h) */
    0xd5184001, /* msr spsr_el1, x1 */
    0x10000062, /* adr x2, 1f */
    0xd5184022, /* msr elr_el1, x2 */
    0xd69f03e0, /* eret */
    0xd2800660, /* 1: mov x0, #0x33        (never executes) */
    0xd2800ee0, /* mov x0, #0x77 */
    0xd4000002, /* hvc #0                  report 4 */
    0xd2b08000, /* mov x0, #0x84000000 */
    0xf2800100, /* movk x0, #0x8 */
    0xd4000002, /* hvc #0                  SYSTEM_OFF */
};

/* At VBAR + 0x200 (current EL with SP_ELx): report ESR, ELR and SPSR,
 * then return past the instruction with IL clear. */
static const uint32_t illegal_vector[] = {
    0xd5385200, /* mrs x0, esr_el1 */
    0xd4000002, /* hvc #0 */
    0xd5384020, /* mrs x0, elr_el1 */
    0xd4000002, /* hvc #0 */
    0xd5384000, /* mrs x0, spsr_el1 */
    0xd4000002, /* hvc #0 */
    0xd538402b, /* mrs x11, elr_el1 */
    0x9100116b, /* add x11, x11, #4 */
    0xd518402b, /* msr elr_el1, x11 */
    0xd28078ac, /* mov x12, #0x3c5 */
    0xd518400c, /* msr spsr_el1, x12 */
    0xd69f03e0, /* eret */
};

static void test_illegal_eret_takes_illegal_state_exception(void **state)
{
	/* SPSR_EL1.M values an ERET from EL1 cannot return to: EL2h, EL3h
	 * (above the current EL), M[1] = 1 (reserved), EL0 with SPSel = 1. */
	static const uint32_t modes[] = {0x9, 0xd, 0x6, 0x1};
	static const uint64_t want[] = {
	    0x3a000000, /* ESR_EL1: EC 0x0E (Illegal Execution state), IL */
	    0x4008001c, /* ELR_EL1: the instruction at the return address */
	    0x001003c5, /* SPSR_EL1: IL (bit 20), DAIF, M = EL1h (unchanged) */
	    0x77,
	};
	uint32_t code[sizeof(illegal_eret_code) / 4];
	const struct chunk img[] = {CHUNK(0, code),
				    CHUNK(0xa00, illegal_vector)};

	(void)state;
	for (unsigned i = 0; i < 4; i++) {
		struct run *run;

		memcpy(code, illegal_eret_code, sizeof(code));
		/* mov x1, #(0x3c0 | M): MOVZ X1 with imm16 in [20:5] */
		code[2] = 0xd2800001u | (0x3c0u | modes[i]) << 5;
		run = run_both(img, 2);
		assert_reports(run, want, 4);
		assert_int_equal(run->st.guest_exceptions, 1);
		free(run);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sp_el0_survives_exception_from_el1t),
	    cmocka_unit_test(test_illegal_eret_takes_illegal_state_exception),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
