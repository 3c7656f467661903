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

/*
 * Each of X0..X30 as the destination of a trapped MRS: the hypervisor
 * writes the value into its copy of the register, and the simulated CPU
 * must hand every one of them back to Unicorn at the return. The guest
 * ANDs all 31 together and reports the result next to the value one MRS
 * gave: a register left behind would still hold 0.
 */
static const uint32_t all_regs_code[] = {
    0xd5380400, /* mrs x0, id_aa64pfr0_el1 (trapped) */
    0xd4000002, /* hvc #0                 report the value, V */
    0xd5380400, /* mrs x0, id_aa64pfr0_el1 */
    0xd5380401, /* mrs x1, id_aa64pfr0_el1 */
    0xd5380402, /* mrs x2, id_aa64pfr0_el1 */
    0xd5380403, /* mrs x3, id_aa64pfr0_el1 */
    0xd5380404, /* mrs x4, id_aa64pfr0_el1 */
    0xd5380405, /* mrs x5, id_aa64pfr0_el1 */
    0xd5380406, /* mrs x6, id_aa64pfr0_el1 */
    0xd5380407, /* mrs x7, id_aa64pfr0_el1 */
    0xd5380408, /* mrs x8, id_aa64pfr0_el1 */
    0xd5380409, /* mrs x9, id_aa64pfr0_el1 */
    0xd538040a, /* mrs x10, id_aa64pfr0_el1 */
    0xd538040b, /* mrs x11, id_aa64pfr0_el1 */
    0xd538040c, /* mrs x12, id_aa64pfr0_el1 */
    0xd538040d, /* mrs x13, id_aa64pfr0_el1 */
    0xd538040e, /* mrs x14, id_aa64pfr0_el1 */
    0xd538040f, /* mrs x15, id_aa64pfr0_el1 */
    0xd5380410, /* mrs x16, id_aa64pfr0_el1 */
    0xd5380411, /* mrs x17, id_aa64pfr0_el1 */
    0xd5380412, /* mrs x18, id_aa64pfr0_el1 */
    0xd5380413, /* mrs x19, id_aa64pfr0_el1 */
    0xd5380414, /* mrs x20, id_aa64pfr0_el1 */
    0xd5380415, /* mrs x21, id_aa64pfr0_el1 */
    0xd5380416, /* mrs x22, id_aa64pfr0_el1 */
    0xd5380417, /* mrs x23, id_aa64pfr0_el1 */
    0xd5380418, /* mrs x24, id_aa64pfr0_el1 */
    0xd5380419, /* mrs x25, id_aa64pfr0_el1 */
    0xd538041a, /* mrs x26, id_aa64pfr0_el1 */
    0xd538041b, /* mrs x27, id_aa64pfr0_el1 */
    0xd538041c, /* mrs x28, id_aa64pfr0_el1 */
    0xd538041d, /* mrs x29, id_aa64pfr0_el1 */
    0xd538041e, /* mrs x30, id_aa64pfr0_el1 */
    0x8a010000, /* and x0, x0, x1 */
    0x8a020000, /* and x0, x0, x2 */
    0x8a030000, /* and x0, x0, x3 */
    0x8a040000, /* and x0, x0, x4 */
    0x8a050000, /* and x0, x0, x5 */
    0x8a060000, /* and x0, x0, x6 */
    0x8a070000, /* and x0, x0, x7 */
    0x8a080000, /* and x0, x0, x8 */
    0x8a090000, /* and x0, x0, x9 */
    0x8a0a0000, /* and x0, x0, x10 */
    0x8a0b0000, /* and x0, x0, x11 */
    0x8a0c0000, /* and x0, x0, x12 */
    0x8a0d0000, /* and x0, x0, x13 */
    0x8a0e0000, /* and x0, x0, x14 */
    0x8a0f0000, /* and x0, x0, x15 */
    0x8a100000, /* and x0, x0, x16 */
    0x8a110000, /* and x0, x0, x17 */
    0x8a120000, /* and x0, x0, x18 */
    0x8a130000, /* and x0, x0, x19 */
    0x8a140000, /* and x0, x0, x20 */
    0x8a150000, /* and x0, x0, x21 */
    0x8a160000, /* and x0, x0, x22 */
    0x8a170000, /* and x0, x0, x23 */
    0x8a180000, /* and x0, x0, x24 */
    0x8a190000, /* and x0, x0, x25 */
    0x8a1a0000, /* and x0, x0, x26 */
    0x8a1b0000, /* and x0, x0, x27 */
    0x8a1c0000, /* and x0, x0, x28 */
    0x8a1d0000, /* and x0, x0, x29 */
    0x8a1e0000, /* and x0, x0, x30 */
    0xd4000002, /* hvc #0                 report V if all were V */
    0xd2b08000, /* mov x0, #0x84000000 */
    0xf2800100, /* movk x0, #0x8 */
    0xd4000002, /* hvc #0                 SYSTEM_OFF */
};

static void
test_every_register_the_hypervisor_writes_reaches_the_guest(void **state)
{
	static const struct chunk img[] = {CHUNK(0, all_regs_code)};
	uint64_t got[2];
	unsigned n = 0;
	struct run *run;

	(void)state;
	run = run_both(img, 1);
	for (unsigned i = 0; i < run->n && n < 2; i++)
		if (run->rec[i].ec == 0x16) /* HVC64 */
			got[n++] = run->rec[i].a;
	assert_int_equal(n, 2);
	/* ID_AA64PFR0_EL1.EL0 and .EL1 (bits [7:0]): AArch64, so nonzero. */
	assert_true((got[0] & 0xff) != 0);
	assert_int_equal(got[1], got[0]);
	free(run);
}

/*
 * The stack pointer as a base register: the guest moves SP onto the
 * scratch device after an exit (so the hypervisor saw the old SP) and
 * stores through it (SMCCC lets the HVC clobber x1, so it is set after). The
 * simulated CPU reads SP again only when a block may have changed it; the
 * store's address, hence what the device got, must be the new SP's. The guest
 * reads the value back through x1.
 */
static const uint32_t sp_base_code[] = {
    0xd4000002, /* 00 hvc #0                (SP read here) */
    0xd2a16001, /* 04 mov x1, #0xb000000    (scratch device) */
    0x9100003f, /* 08 mov sp, x1 */
    0xd2800ee2, /* 0c mov x2, #0x77 */
    0xf90007e2, /* 10 str x2, [sp, #8] */
    0xf9400423, /* 14 ldr x3, [x1, #8] */
    0xaa0303e0, /* 18 mov x0, x3 */
    0xd4000002, /* 1c hvc #0                report 0x77 */
    0xd2b08000, /* 20 mov x0, #0x84000000 */
    0xf2800100, /* 24 movk x0, #0x8 */
    0xd4000002, /* 28 hvc #0                SYSTEM_OFF */
};

static void test_a_new_stack_pointer_reaches_the_exit(void **state)
{
	static const struct chunk img[] = {CHUNK(0, sp_base_code)};
	static const uint64_t want[] = {0x43e00000, 0x77}; /* x0: the DTB */
	struct run *run;

	(void)state;
	run = run_both(img, 1);
	assert_reports(run, want, 2);
	/* The store's exit: IPA 0x0b000008, the one the SP-based address
	 * names. */
	for (unsigned i = 0; i < run->n; i++)
		if (run->rec[i].ec == 0x24) {
			assert_int_equal(run->rec[i].a, 0xb000008);
			break;
		}
	free(run);
}

/*
 * The same through SP_EL0: the guest, at EL1 with SP_EL1 in use, points
 * SP_EL0 at the device (MSR SP_EL0), selects it (MSR SPSel) and stores
 * through SP. Neither instruction names SP as a destination; both change
 * what the store's base register holds.
 */
static const uint32_t sp_el0_base_code[] = {
    0xd4000002, /* 00 hvc #0                (SP read here) */
    0xd2a16001, /* 04 mov x1, #0xb000000    (scratch device) */
    0xd5184101, /* 08 msr sp_el0, x1 */
    0xd50040bf, /* 0c msr spsel, #0 */
    0xd2800aa2, /* 10 mov x2, #0x55 */
    0xf9000be2, /* 14 str x2, [sp, #16] */
    0xf9400823, /* 18 ldr x3, [x1, #16] */
    0xaa0303e0, /* 1c mov x0, x3 */
    0xd4000002, /* 20 hvc #0                report 0x55 */
    0xd2b08000, /* 24 mov x0, #0x84000000 */
    0xf2800100, /* 28 movk x0, #0x8 */
    0xd4000002, /* 2c hvc #0                SYSTEM_OFF */
};

static void test_a_new_sp_el0_reaches_the_exit(void **state)
{
	static const struct chunk img[] = {CHUNK(0, sp_el0_base_code)};
	static const uint64_t want[] = {0x43e00000, 0x55};
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
	    cmocka_unit_test(test_a_new_stack_pointer_reaches_the_exit),
	    cmocka_unit_test(test_a_new_sp_el0_reaches_the_exit),
	    cmocka_unit_test(
		test_every_register_the_hypervisor_writes_reaches_the_guest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
