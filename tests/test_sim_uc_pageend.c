/*
 * A system register access the simulated CPU completes itself (an
 * emulated MPIDR_EL1, a trapped ID register read) as the last instruction
 * before one of Unicorn's 1 KiB pages: translated blocks end there, and
 * Unicorn chains the block to the one after it. Virtual time counts each
 * instruction executed once (one unit per instruction, as QEMU's icount):
 * the per-block accounting must agree with the per-instruction one on
 * every trap and on the total, on every pass of the loops (the chaining
 * comes from the second). Instruction words from aarch64-linux-gnu-as
 * (source in the comments).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "uc/uc_guest.h"

static const uint32_t start_code[] = {
    0xd2800063, /* 000 mov x3, #3 */
    0x140000fb, /* 004 b loop1 */
};

static const uint32_t loop1_code[] = {
    0xd1000463, /* 3f0 loop1: sub x3, x3, #1 */
    0xd53800a1, /* 3f4 mrs x1, mpidr_el1      (emulated, mid-block) */
    0xd503201f, /* 3f8 nop */
    0xd5380402, /* 3fc mrs x2, id_aa64pfr0_el1 (trapped: TID3) */
    0xb5ffff83, /* 400 cbnz x3, loop1         (next 1 KiB page) */
    0xd2800063, /* 404 mov x3, #3 */
    0x140000fb, /* 408 b loop2 */
};

static const uint32_t loop2_code[] = {
    0xd1000463, /* 7f4 loop2: sub x3, x3, #1 */
    0xd503201f, /* 7f8 nop */
    0xd53800a1, /* 7fc mrs x1, mpidr_el1      (emulated, at the page end) */
    0xb5ffffa3, /* 800 cbnz x3, loop2 */
    0xd2b08000, /* 804 mov x0, #0x84000000 */
    0xf2800100, /* 808 movk x0, #0x8 */
    0xd4000002, /* 80c hvc #0                 SYSTEM_OFF */
};

static void test_access_at_page_end_counts_once(void **state)
{
	static const struct chunk img[] = {
	    CHUNK(0, start_code),
	    CHUNK(0x3f0, loop1_code),
	    CHUNK(0x7f4, loop2_code),
	};
	/* The ID register reads are instructions 6, 11 and 16 (2 before
	 * the loop, 5 a pass); SYSTEM_OFF is the 34th: 2 + 3 * 5 + 2 +
	 * 3 * 4 + 3. */
	static const uint64_t trap_t[] = {6, 11, 16, 34};
	struct run *run;

	(void)state;
	run = run_both(img, 3); /* asserts both modes agree line for line */
	assert_int_equal(run->result, SIM_VM_OFF);
	assert_int_equal(run->n, 4);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(run->rec[i].ec, 0x18); /* SYSREG */
		assert_int_equal(run->rec[i].pc, GUEST_PC(0x3fc));
	}
	assert_int_equal(run->rec[3].ec, 0x16); /* HVC64 */
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(run->rec[i].vtime, trap_t[i]);
	assert_int_equal(run->st.vtime - run->st.idle, 34);
	free(run);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_access_at_page_end_counts_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
