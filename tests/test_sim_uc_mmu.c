/*
 * A raw guest that turns its own MMU on, on the Unicorn engine under the
 * core: its Stage-1 faults arrive at its own vector with the syndrome the
 * Arm ARM gives, a Stage-1 walk that Stage-2 refuses exits to EL2 with
 * S1PTW, and a guest whose vector itself faults (no instruction ever
 * completes) still ends at the time limit. Instruction words from
 * aarch64-linux-gnu-as.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "uc/uc_guest.h"

static const uint32_t vbar_good[] = {
    0xd2a80109, /* mov x9, #0x40080000 */
    0xf2810009, /* movk x9, #0x800 */
    0xd518c009, /* msr vbar_el1, x9 */
};

static const uint32_t vbar_unmapped[] = {
    0xd2a80409, /* mov x9, #0x40200000 */
    0xd518c009, /* msr vbar_el1, x9 */
    0xd503201f, /* nop */
};

/* L1 at 0x40100000, L1[1] -> L2 at 0x40101000, L2[0] a 2 MiB block at
 * 0x40000000 (AF, AttrIndx 0 = Normal WB); T0SZ 25, EPD1, IPS 40 bits;
 * then a load from 0x40200018, unmapped at level 2. */
#define MMU_ON_WORDS 24
#define TTBR_MSR 13 /* index of msr ttbr0_el1, x1 */
#define LDR_INDEX 20
static const uint32_t mmu_on[MMU_ON_WORDS] = {
    0xd2a80201, /* mov x1, #0x40100000 */
    0xd2a80202, /* mov x2, #0x40100000 */
    0xf2820062, /* movk x2, #0x1003 */
    0xf9000422, /* str x2, [x1, #8] */
    0xd2a80003, /* mov x3, #0x40000000 */
    0xf2808023, /* movk x3, #0x401 */
    0xf9080023, /* str x3, [x1, #4096] */
    0xd2801fe4, /* mov x4, #0xff */
    0xd518a204, /* msr mair_el1, x4 */
    0xd2800325, /* mov x5, #0x19 */
    0xf2a01005, /* movk x5, #0x80, lsl #16 */
    0xf2c00045, /* movk x5, #0x2, lsl #32 */
    0xd5182045, /* msr tcr_el1, x5 */
    0xd5182001, /* msr ttbr0_el1, x1 */
    0xd5033fdf, /* isb */
    0xd5381006, /* mrs x6, sctlr_el1 */
    0xb24000c6, /* orr x6, x6, #0x1 */
    0xd5181006, /* msr sctlr_el1, x6 */
    0xd5033fdf, /* isb */
    0xd2a80407, /* mov x7, #0x40200000 */
    0xf9400ce8, /* ldr x8, [x7, #24] */
    0xd2b08000, /* mov x0, #0x84000000 */
    0xf2800100, /* movk x0, #0x8 */
    0xd4000002, /* hvc #0: SYSTEM_OFF */
};

/* At VBAR + 0x200: report ESR_EL1, FAR_EL1, ELR_EL1, power off. */
static const uint32_t report_vector[] = {
    0xd5385200, /* mrs x0, esr_el1 */
    0xd4000002, /* hvc #0 */
    0xd5386000, /* mrs x0, far_el1 */
    0xd4000002, /* hvc #0 */
    0xd5384020, /* mrs x0, elr_el1 */
    0xd4000002, /* hvc #0 */
    0xd2b08000, /* mov x0, #0x84000000 */
    0xf2800100, /* movk x0, #0x8 */
    0xd4000002, /* hvc #0: SYSTEM_OFF */
};

static void test_stage1_fault_reaches_the_guest(void **state)
{
	static const struct chunk img[] = {CHUNK(0, vbar_good),
					   CHUNK(0xc, mmu_on),
					   CHUNK(0xa00, report_vector)};
	/* EC 0x25 (data abort, current EL), IL, DFSC 0x06: translation
	 * fault, level 2; FAR the load's address; ELR the load. */
	const uint64_t want[] = {0x96000006, 0x40200018,
				 GUEST_PC(0xc + 4 * LDR_INDEX)};
	struct run *run = run_both(img, 3);

	(void)state;
	assert_int_equal(run[0].result, SIM_VM_OFF);
	assert_reports(&run[0], want, 3);
	assert_int_equal(run[0].st.guest_exceptions, 1);
	free(run);
}

static void test_faulting_vector_ends_at_the_limit(void **state)
{
	static const struct chunk img[] = {CHUNK(0, vbar_unmapped),
					   CHUNK(0xc, mmu_on)};
	struct hvsim_machine m;
	struct run *run = malloc(sizeof(*run));

	(void)state;
	/* The load faults, and so does every fetch from the vector: no
	 * instruction completes after it, yet the run ends. */
	guest_boot(&m, img, 2, false, run);
	guest_finish(&m, run, 3000);
	assert_int_equal(run->result, SIM_LIMIT);
	assert_true(run->st.guest_exceptions > 1000);
	assert_true(run->st.vtime < 100);
	free(run);
}

static void test_walk_stage2_fault_exits_with_s1ptw(void **state)
{
	uint32_t code[MMU_ON_WORDS];
	const struct chunk img[] = {CHUNK(0, vbar_good), CHUNK(0xc, code)};
	struct run *run = malloc(sizeof(*run));

	(void)state;
	memcpy(code, mmu_on, sizeof(code));
	code[TTBR_MSR - 1] = 0xd2a40001; /* mov x1, #0x20000000: no RAM */
	code[TTBR_MSR - 2] = 0xd503201f; /* nop */
	run_guest(img, 2, false, run);
	/* The first fetch after the SCTLR write walks from 0x20000000:
	 * the level-1 descriptor for VA 0x400800xx is at 0x20000008,
	 * which Stage-2 does not map. EC 0x20 (instruction abort from a
	 * lower EL), S1PTW (bit 7), a translation fault; ELR and FAR the
	 * instruction's VA. */
	assert_true(run->n >= 1);
	assert_int_equal(run->rec[0].ec, 0x20);
	assert_int_equal(run->rec[0].iss & 0x80, 0x80);
	assert_int_equal(run->rec[0].iss & 0x3c, 0x04);
	assert_int_equal(run->rec[0].pc, GUEST_PC(0xc + 4 * 18));
	free(run);
}

/*
 * Break-before-make without the break: a 2 MiB block at VA 0x40200000
 * moves from PA 0x40400000 to 0x40600000, then TLBI VAE1 for the block's
 * VA. A read at offset 0x800, whose translation the TLB held, must see
 * the new memory (the architecture's TLBI by VA removes every entry for
 * the translation, whatever the page size): Unicorn keeps 1 KiB entries,
 * and its own TLBI VAE1 dropped only the first of them.
 */
static const uint32_t tlbi_code[] = {
    0xd2a8080a, /* mov x10, #0x40400000 */
    0xf281000a, /* movk x10, #0x800 */
    0xd282222b, /* mov x11, #0x1111 */
    0xf900014b, /* str x11, [x10] */
    0xd2a80c0a, /* mov x10, #0x40600000 */
    0xf281000a, /* movk x10, #0x800 */
    0xd284444b, /* mov x11, #0x2222 */
    0xf900014b, /* str x11, [x10] */
    0xd2a80201, /* mov x1, #0x40100000 */
    0xd2a80202, /* mov x2, #0x40100000 */
    0xf2820062, /* movk x2, #0x1003 */
    0xf9000422, /* str x2, [x1, #8] */
    0xd2a80003, /* mov x3, #0x40000000 */
    0xf2808023, /* movk x3, #0x401 */
    0xf9080023, /* str x3, [x1, #4096] */
    0xd2a80803, /* mov x3, #0x40400000 */
    0xf2808023, /* movk x3, #0x401 */
    0xf9080423, /* str x3, [x1, #4104] */
    0xd2801fe4, /* mov x4, #0xff */
    0xd518a204, /* msr mair_el1, x4 */
    0xd2800325, /* mov x5, #0x19 */
    0xf2a01005, /* movk x5, #0x80, lsl #16 */
    0xf2c00045, /* movk x5, #0x2, lsl #32 */
    0xd5182045, /* msr tcr_el1, x5 */
    0xd5182001, /* msr ttbr0_el1, x1 */
    0xd5033fdf, /* isb */
    0xd5381006, /* mrs x6, sctlr_el1 */
    0xb24000c6, /* orr x6, x6, #0x1 */
    0xd5181006, /* msr sctlr_el1, x6 */
    0xd5033fdf, /* isb */
    0xd2a80407, /* mov x7, #0x40200000 */
    0xf94400e0, /* ldr x0, [x7, #2048] */
    0xd4000002, /* hvc #0x0 */
    0xd2a80201, /* mov x1, #0x40100000 */
    0xd2a80407, /* mov x7, #0x40200000 */
    0xd2a80c03, /* mov x3, #0x40600000 */
    0xf2808023, /* movk x3, #0x401 */
    0xf9080423, /* str x3, [x1, #4104] */
    0xd5033b9f, /* dsb ish */
    0xd2a0008c, /* mov x12, #0x40000 */
    0xf280400c, /* movk x12, #0x200 */
    0xd508872c, /* tlbi vae1, x12 */
    0xd5033b9f, /* dsb ish */
    0xd5033fdf, /* isb */
    0xf94400e0, /* ldr x0, [x7, #2048] */
    0xd4000002, /* hvc #0x0 */
    0xd2b08000, /* mov x0, #0x84000000 */
    0xf2800100, /* movk x0, #0x8 */
    0xd4000002, /* hvc #0x0 */
};

static void test_tlbi_by_va_drops_the_whole_block(void **state)
{
	static const struct chunk img[] = {CHUNK(0, tlbi_code)};
	const uint64_t want[] = {0x1111, 0x2222};
	struct run *run = run_both(img, 1);

	(void)state;
	assert_int_equal(run[0].result, SIM_VM_OFF);
	assert_reports(&run[0], want, 2);
	free(run);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_stage1_fault_reaches_the_guest),
	    cmocka_unit_test(test_faulting_vector_ends_at_the_limit),
	    cmocka_unit_test(test_walk_stage2_fault_exits_with_s1ptw),
	    cmocka_unit_test(test_tlbi_by_va_drops_the_whole_block),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
