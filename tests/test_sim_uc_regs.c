/*
 * The general registers the hypervisor sees at an exit are those the
 * guest's instructions left (Arm ARM D1.10: the PE state at the exception
 * is that after every instruction before it), whichever instruction form
 * wrote them and however long ago. The simulated CPU reads back from
 * Unicorn only the registers the blocks run since the last exit may have
 * written: each guest below writes X0 with one form only, in a block of
 * its own, ahead of the block with the exit, and with the previous exit
 * having left another value in X0. Instruction words from
 * aarch64-linux-gnu-as (source in the comments). The hypervisor's SMCCC
 * handler notes W0 (the function ID) as the record's a, and returns
 * NOT_SUPPORTED in X0.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "uc/uc_guest.h"

static const uint32_t forms_code[] = {
    0x10000385, /* 00 adr x5, data          (image + 0x70) */
    0xa94000a2, /* 04 ldp x2, x0, [x5]      X0 = 0x1111: second of a pair */
    0x14000001, /* 08 b 1f */
    0xd4000002, /* 0c 1: hvc #0             report 0x1111 */
    0xc85f7ca2, /* 10 ldxr x2, [x5] */
    0xc8007ca2, /* 14 stxr w0, x2, [x5]     W0 = 0: exclusive store status */
    0x14000001, /* 18 b 2f */
    0xd4000002, /* 1c 2: hvc #0             report 0 */
    0x10000280, /* 20 adr x0, data */
    0x14000001, /* 24 b 3f */
    0xd5380403, /* 28 3: mrs x3, id_aa64pfr0_el1 (trapped: X0 read here) */
    0x14000001, /* 2c b 4f */
    0xf8408402, /* 30 4: ldr x2, [x0], #8   X0 = data + 8: base writeback */
    0x14000001, /* 34 b 5f */
    0xd4000002, /* 38 5: hvc #0             report data + 8 */
    0xd518d085, /* 3c msr tpidr_el1, x5 */
    0x14000001, /* 40 b 6f */
    0xd538d080, /* 44 6: mrs x0, tpidr_el1  X0 = data: an untrapped MRS */
    0x14000001, /* 48 b 7f */
    0xd4000002, /* 4c 7: hvc #0             report data */
    0xd2b08000, /* 50 mov x0, #0x84000000 */
    0xf2800100, /* 54 movk x0, #0x8 */
    0xd4000002, /* 58 hvc #0                SYSTEM_OFF */
    0xd503201f, /* 5c nop */
    0xd503201f, /* 60 nop */
    0xd503201f, /* 64 nop */
    0xd503201f, /* 68 nop */
    0xd503201f, /* 6c nop */
    0x00002222, /* 70 data: .quad 0x2222, 0x1111 */
    0x00000000, 0x00001111, 0x00000000,
};

static void test_exit_sees_every_form_of_register_write(void **state)
{
	static const struct chunk img[] = {CHUNK(0, forms_code)};
	static const uint64_t want[] = {
	    0x1111,
	    0,
	    (uint32_t)GUEST_PC(0x78),
	    (uint32_t)GUEST_PC(0x70),
	};
	struct run *run;

	(void)state;
	run = run_both(img, 1);
	assert_reports(run, want, 4);
	free(run);
}

/*
 * A guest that rewrites its own code (and invalidates the instruction
 * cache, as the architecture asks) runs the new instructions, and the
 * registers they write reach the hypervisor even where the old code at the
 * same address, a block of the same size, wrote none.
 */
static const uint32_t smc_code[] = {
    0xd28000e0, /* 00 mov x0, #7 */
    0x10000207, /* 04 adr x7, patch */
    0x18000228, /* 08 ldr w8, insn */
    0xd2800006, /* 0c mov x6, #0 */
    0x9400000d, /* 10 loop: bl patch */
    0xd4000002, /* 14 hvc #0                 report */
    0xb5000106, /* 18 cbnz x6, done */
    0xd2800026, /* 1c mov x6, #1 */
    0xb90000e8, /* 20 str w8, [x7]           nop -> mov x0, #0x5a */
    0xd5033b9f, /* 24 dsb ish */
    0xd50b7527, /* 28 ic ivau, x7 */
    0xd5033b9f, /* 2c dsb ish */
    0xd5033fdf, /* 30 isb */
    0x17fffff7, /* 34 b loop */
    0xd2b08000, /* 38 done: mov x0, #0x84000000 */
    0xf2800100, /* 3c movk x0, #0x8 */
    0xd4000002, /* 40 hvc #0                 SYSTEM_OFF */
    0xd503201f, /* 44 patch: nop */
    0xd65f03c0, /* 48 ret */
    0xd2800b40, /* 4c insn: mov x0, #0x5a */
};

static void test_rewritten_code_writes_reach_the_exit(void **state)
{
	static const struct chunk img[] = {CHUNK(0, smc_code)};
	/* 7, then (X0 holding the first call's result, which the patched
	 * routine overwrites) 0x5a. */
	static const uint64_t want[] = {7, 0x5a};
	struct run *run;

	(void)state;
	run = run_both(img, 1);
	assert_reports(run, want, 2);
	free(run);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_exit_sees_every_form_of_register_write),
	    cmocka_unit_test(test_rewritten_code_writes_reach_the_exit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
