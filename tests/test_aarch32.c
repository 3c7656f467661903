/*
 * AArch32 guests: how the core skips a trapped T32/A32 instruction. Every
 * SPSR and ESR here is written out from the Arm ARM, not from the core's
 * macros: SPSR_EL2 from AArch32 has M[4]=1 (nRW), T in bit 5, NZCV in bits
 * 31:28 and ITSTATE as IT[1:0] in bits 26:25 and IT[7:2] in bits 15:10.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include "exit.h"
#include "test_vm.h"

#define PC0 0x40003000ull /* guest RAM (IPA 0x40000000) + 0x3000 */
#define SCR 0x0b000000ull /* scratch device */

/* STR r7, [rX] to the scratch device from T32: EC=0x24 DABT_LOW, ISV,
 * SAS=word, SRT=7, WnR, DFSC=0x07 (L3 translation). IL says 16 or 32 bit. */
#define ESR_STR_T16 0x91870047ull /* IL=0 */
#define ESR_STR_T32 0x93870047ull /* IL=1 */

static enum exit_action t32_store(struct vcpu *v, uint64_t esr, uint64_t spsr)
{
	v->regs.pc = PC0;
	v->regs.pstate = spsr;
	v->regs.x[7] = 0x5a;
	return test_trap(v, esr, SCR, (SCR >> 12) << 4);
}

/* ITE MI: IT=0b0100_1100 on the first instruction, 0b0101_1000 (PL) on
 * the second, then the block ends. */
static void it_block_advances_through_emulated_store(void **state)
{
	struct test_vm *t = *state;

	/* usr mode (0x10), T, IT[7:2]=0b010011 */
	assert_int_equal(t32_store(t->v, ESR_STR_T16, 0x4c30), EXIT_RESUME);
	assert_string_equal(t->v->note.what, "mmio.write");
	assert_int_equal(t->v->regs.pc, PC0 + 2);
	assert_int_equal(t->v->regs.pstate, 0x5830); /* IT[7:2]=0b010110 */

	assert_int_equal(t32_store(t->v, ESR_STR_T16, 0x5830), EXIT_RESUME);
	assert_int_equal(t->v->regs.pc, PC0 + 2);
	assert_int_equal(t->v->regs.pstate, 0x0030); /* IT[2:0]=0: ended */
}

/* ITTTT EQ (IT=0b0000_0001): IT[1:0] lives in bits 26:25 and carries into
 * bits 15:10; the flags, mode, T and mask bits are untouched. */
static void it_state_crosses_both_fields(void **state)
{
	struct test_vm *t = *state;
	/* Z (bit 30), A I F (8:6), svc mode 0x13, T */
	static const uint64_t base = 0x400001f3;
	static const uint64_t seq[] = {
	    base | 0x02000000, /* IT=0x01: bit 25 */
	    base | 0x04000000, /* IT=0x02: bit 26 */
	    base | 0x00000400, /* IT=0x04: bit 10 */
	    base | 0x00000800, /* IT=0x08: bit 11 */
	    base,	       /* last instruction: block over */
	};

	for (unsigned i = 0; i + 1 < sizeof(seq) / sizeof(seq[0]); i++) {
		t32_store(t->v, ESR_STR_T32, seq[i]);
		assert_string_equal(t->v->note.what, "mmio.write");
		assert_int_equal(t->v->regs.pc, PC0 + 4); /* 32-bit T32 */
		assert_int_equal(t->v->regs.pstate, seq[i + 1]);
	}
}

/* Outside an IT block, and in A32 or AArch64 state, the bits stay as they
 * are: in AArch64 bits 25, 12:10 are TCO, SSBS and BTYPE. */
static void no_it_state_outside_t32(void **state)
{
	struct test_vm *t = *state;

	t32_store(t->v, ESR_STR_T16, 0x30); /* T32, IT=0 */
	assert_int_equal(t->v->regs.pc, PC0 + 2);
	assert_int_equal(t->v->regs.pstate, 0x30);

	t32_store(t->v, ESR_STR_T32, 0x800001d0); /* A32 usr, N, A I F */
	assert_int_equal(t->v->regs.pc, PC0 + 4);
	assert_int_equal(t->v->regs.pstate, 0x800001d0);

	/* AArch64 EL0t with TCO, SSBS, BTYPE=0b11 */
	t32_store(t->v, ESR_STR_T32, 0x02001c00);
	assert_int_equal(t->v->regs.pc, PC0 + 4);
	assert_int_equal(t->v->regs.pstate, 0x02001c00);
}

/* WFI from AArch32: EC=0x01, CV (bit 24), COND in 23:20, TI=0 (WFI). */
static void failed_condition_is_skipped(void **state)
{
	struct test_vm *t = *state;

	/* WFIEQ (A32, IL) with Z clear: fails, so it is a NOP. */
	t->v->regs.pc = PC0;
	t->v->regs.pstate = 0x10; /* A32 usr, NZCV=0 */
	assert_int_equal(test_trap(t->v, 0x07000000, 0, 0), EXIT_RESUME);
	assert_int_equal(t->v->regs.pc, PC0 + 4);
	assert_string_equal(t->v->note.what, "aa32.cond_fail");
	/* Same with Z set: it passes and idles. */
	t->v->regs.pc = PC0;
	t->v->regs.pstate = 0x40000010;
	assert_int_equal(test_trap(t->v, 0x07000000, 0, 0), EXIT_WFI);
	assert_int_equal(t->v->regs.pc, PC0 + 4);

	/* WFIGT (COND=0xc) with N!=V: fails. */
	t->v->regs.pc = PC0;
	t->v->regs.pstate = 0x80000010;
	assert_int_equal(test_trap(t->v, 0x07c00000, 0, 0), EXIT_RESUME);
	/* COND=0xe (AL) and 0xf never fail, whatever the flags. */
	t->v->regs.pstate = 0x00000010;
	assert_int_equal(test_trap(t->v, 0x07e00000, 0, 0), EXIT_WFI);
	assert_int_equal(test_trap(t->v, 0x07f00000, 0, 0), EXIT_WFI);
}

/* T32 may report CV=0: the condition is then the IT block's, IT[7:4]. */
static void t32_condition_from_it_state(void **state)
{
	struct test_vm *t = *state;

	/* 16-bit WFI, second of ITTE NE (IT=0b0001_0100), Z set: fails, and
	 * the block moves on to its EQ slot (IT=0b0000_1000). */
	t->v->regs.pc = PC0;
	t->v->regs.pstate = 0x40001430;
	assert_int_equal(test_trap(t->v, 0x04000000, 0, 0), EXIT_RESUME);
	assert_int_equal(t->v->regs.pc, PC0 + 2);
	assert_int_equal(t->v->regs.pstate, 0x40000830);
	/* The third, WFI in the EQ slot with Z set, passes and idles. */
	t->v->regs.pc = PC0 + 2;
	assert_int_equal(test_trap(t->v, 0x04000000, 0, 0), EXIT_WFI);
	assert_int_equal(t->v->regs.pc, PC0 + 4);
	assert_int_equal(t->v->regs.pstate, 0x40000030);
	/* CV=0 outside any IT block: unconditional. */
	t->v->regs.pstate = 0x30;
	assert_int_equal(test_trap(t->v, 0x04000000, 0, 0), EXIT_WFI);
}

/* A trapped coprocessor access nobody emulates (EC=0x03 MCR/MRC) UNDEFs
 * only if it would have executed. ECs from 0x10 up (but SMC32) have no
 * COND field. */
static void condition_applies_only_to_conditional_ecs(void **state)
{
	struct test_vm *t = *state;

	t->v->regs.pc = PC0;
	t->v->regs.pstate = 0x10; /* A32 usr, Z clear */
	/* MCREQ: CV=1, COND=0 (EQ) fails, so it is skipped, not UNDEFed. */
	assert_int_equal(test_trap(t->v, 0x0f000000, 0, 0), EXIT_RESUME);
	assert_int_equal(t->v->regs.pc, PC0 + 4);
	assert_string_equal(t->v->note.what, "aa32.cond_fail");
	/* MCR (AL): passes, and UNDEF at the A32 lower-EL vector. */
	t->v->regs.pc = PC0;
	assert_int_equal(test_trap(t->v, 0x0fe00000, 0, 0), EXIT_RESUME);
	assert_string_equal(t->v->note.what, "undef.ec");
	assert_int_equal(t->v->regs.pc, 0x40010000 + 0x600);
	/* A data abort (EC=0x24) with ISS bits 24:20 set is not a COND. */
	t->v->regs.pc = PC0;
	t->v->regs.pstate = 0x10;
	assert_int_equal(test_trap(t->v, ESR_STR_T32, SCR, (SCR >> 12) << 4),
			 EXIT_RESUME);
	assert_string_equal(t->v->note.what, "mmio.write");
}

int main(void)
{
#define T(f)                                                                   \
	cmocka_unit_test_setup_teardown(f, test_vm_setup_up,                   \
					test_vm_teardown_state)
	const struct CMUnitTest tests[] = {
	    T(it_block_advances_through_emulated_store),
	    T(it_state_crosses_both_fields),
	    T(no_it_state_outside_t32),
	    T(failed_condition_is_skipped),
	    T(t32_condition_from_it_state),
	    T(condition_applies_only_to_conditional_ecs),
	};
	return cmocka_run_group_tests_name("aarch32", tests, NULL, NULL);
}
