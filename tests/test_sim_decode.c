/*
 * The sim's A64 decoder: the data-abort syndrome it synthesises for each
 * load/store form (values written from the Arm ARM ISS encoding, not from
 * the decoder), effective addresses, and which registers an instruction
 * may write. Instruction words come from aarch64-linux-gnu-as.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "a64_decode.h"

#define ISV (1u << 24)
#define SAS(n) ((uint32_t)(n) << 22)
#define SSE (1u << 21)
#define SRT(n) ((uint32_t)(n) << 16)
#define SF (1u << 15)
#define AR (1u << 14)
#define WNR (1u << 6)

enum kind { LOAD, STORE, NOT_LDST };

struct ldst_case {
	uint32_t insn;
	const char *text;
	enum kind kind;
	uint32_t iss;
	unsigned bytes;
};

static const struct ldst_case cases[] = {
    {0xf9400062, "ldr x2, [x3]", LOAD, ISV | SAS(3) | SRT(2) | SF, 8},
    {0xb9400461, "ldr w1, [x3, #4]", LOAD, ISV | SAS(2) | SRT(1), 4},
    {0xb9000461, "str w1, [x3, #4]", STORE, ISV | SAS(2) | SRT(1) | WNR, 4},
    {0x39000405, "strb w5, [x0, #1]", STORE, ISV | SAS(0) | SRT(5) | WNR, 1},
    {0x79000406, "strh w6, [x0, #2]", STORE, ISV | SAS(1) | SRT(6) | WNR, 2},
    {0xf9000407, "str x7, [x0, #8]", STORE, ISV | SAS(3) | SRT(7) | SF | WNR,
     8},
    {0x39400028, "ldrb w8, [x1]", LOAD, ISV | SAS(0) | SRT(8), 1},
    {0x79400029, "ldrh w9, [x1]", LOAD, ISV | SAS(1) | SRT(9), 2},
    {0x3980002a, "ldrsb x10, [x1]", LOAD, ISV | SAS(0) | SSE | SRT(10) | SF, 1},
    {0x39c0002b, "ldrsb w11, [x1]", LOAD, ISV | SAS(0) | SSE | SRT(11), 1},
    {0x7980002c, "ldrsh x12, [x1]", LOAD, ISV | SAS(1) | SSE | SRT(12) | SF, 2},
    {0x79c0002d, "ldrsh w13, [x1]", LOAD, ISV | SAS(1) | SSE | SRT(13), 2},
    {0xb980002e, "ldrsw x14, [x1]", LOAD, ISV | SAS(2) | SSE | SRT(14) | SF, 4},
    {0xb85fc02f, "ldur w15, [x1, #-4]", LOAD, ISV | SAS(2) | SRT(15), 4},
    {0xf8003030, "stur x16, [x1, #3]", STORE, ISV | SAS(3) | SRT(16) | SF | WNR,
     8},
    {0xf8626831, "ldr x17, [x1, x2]", LOAD, ISV | SAS(3) | SRT(17) | SF, 8},
    {0xb8625832, "ldr w18, [x1, w2, uxtw #2]", LOAD, ISV | SAS(2) | SRT(18), 4},
    {0xb8227833, "str w19, [x1, x2, lsl #2]", STORE,
     ISV | SAS(2) | SRT(19) | WNR, 4},
    {0xc8dffc34, "ldar x20, [x1]", LOAD, ISV | SAS(3) | SRT(20) | SF | AR, 8},
    {0x889ffc35, "stlr w21, [x1]", STORE, ISV | SAS(2) | SRT(21) | AR | WNR, 4},
    {0x08dffc36, "ldarb w22, [x1]", LOAD, ISV | SAS(0) | SRT(22) | AR, 1},
    {0x489ffc37, "stlrh w23, [x1]", STORE, ISV | SAS(1) | SRT(23) | AR | WNR,
     2},
    {0xb8404822, "ldtr w2, [x1, #4]", LOAD, ISV | SAS(2) | SRT(2), 4},
    {0x38000823, "sttrb w3, [x1]", STORE, ISV | SAS(0) | SRT(3) | WNR, 1},
    {0x18000044, "ldr w4, <literal>", LOAD, ISV | SAS(2) | SRT(4), 4},
    {0x98000045, "ldrsw x5, <literal>", LOAD, ISV | SAS(2) | SSE | SRT(5) | SF,
     4},
    {0xb940003f, "ldr wzr, [x1]", LOAD, ISV | SAS(2) | SRT(31), 4},
    {0xf900003f, "str xzr, [x1]", STORE, ISV | SAS(3) | SRT(31) | SF | WNR, 8},
    {0xf9400be1, "ldr x1, [sp, #16]", LOAD, ISV | SAS(3) | SRT(1) | SF, 8},
    {0xb862c821, "ldr w1, [x1, w2, sxtw]", LOAD, ISV | SAS(2) | SRT(1), 4},
    {0xf94003de, "ldr x30, [x30]", LOAD, ISV | SAS(3) | SRT(30) | SF, 8},
    /* No valid syndrome: writeback, pairs, exclusives, FP/SIMD. */
    {0xf8408438, "ldr x24, [x1], #8", LOAD, 0, 8},
    {0xf81f0c39, "str x25, [x1, #-16]!", STORE, WNR, 8},
    {0xa9400440, "ldp x0, x1, [x2]", LOAD, 0, 16},
    {0x29011043, "stp w3, w4, [x2, #8]", STORE, WNR, 8},
    {0x69400861, "ldpsw x1, x2, [x3]", LOAD, 0, 8},
    {0xa8400861, "ldnp x1, x2, [x3]", LOAD, 0, 16},
    {0xc85f7c45, "ldxr x5, [x2]", LOAD, 0, 8},
    {0xc8067c47, "stxr w6, x7, [x2]", STORE, WNR, 8},
    {0x885ffc41, "ldaxr w1, [x2]", LOAD, 0, 4},
    {0xc87f0861, "ldxp x1, x2, [x3]", LOAD, 0, 16},
    {0x3dc00020, "ldr q0, [x1]", LOAD, 0, 16},
    {0xfd000421, "str d1, [x1, #8]", STORE, WNR, 8},
    {0x4c407020, "ld1 {v0.16b}, [x1]", LOAD, 0, 64},
    /* Not memory accesses that can abort. */
    {0xf9800020, "prfm pldl1keep, [x1]", NOT_LDST, 0, 0},
    {0x8b020020, "add x0, x1, x2", NOT_LDST, 0, 0},
    {0xd4024682, "hvc #0x1234", NOT_LDST, 0, 0},
    {0x1e622820, "fadd d0, d1, d2", NOT_LDST, 0, 0},
};

static void test_ldst_syndromes(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct ldst_case *t = &cases[i];
		struct a64_ldst d;
		bool ok = a64_decode_ldst(t->insn, &d);

		print_message("%s\n", t->text);
		if (t->kind == NOT_LDST) {
			assert_false(ok);
			continue;
		}
		assert_true(ok);
		assert_int_equal(d.is_load, t->kind == LOAD);
		assert_int_equal(d.is_store, t->kind == STORE);
		assert_int_equal(a64_ldst_iss(&d), t->iss);
		assert_int_equal(d.bytes, t->bytes);
	}
}

struct ea_case {
	uint32_t insn;
	const char *text;
	uint64_t x2;
	uint64_t ea;
};

static void test_effective_addresses(void **state)
{
	static const struct ea_case eas[] = {
	    {0xf8626831, "ldr x17, [x1, x2]", 0x10, 0x1010},
	    {0xf8626831, "ldr x17, [x1, x2] (64-bit index)",
	     0xffffffff00000010ull, 0xffffffff00001010ull},
	    /* UXTW keeps only the low word of the index. */
	    {0xb8625832, "ldr w18, [x1, w2, uxtw #2]", 0xffffffff00000010ull,
	     0x1040},
	    {0xb862c821, "ldr w1, [x1, w2, sxtw]", 0xfffffff0, 0xff0},
	    {0xb85fc02f, "ldur w15, [x1, #-4]", 0, 0xffc},
	    {0xf8408438, "ldr x24, [x1], #8 (post: base)", 0, 0x1000},
	    {0xf81f0c39, "str x25, [x1, #-16]! (pre)", 0, 0xff0},
	    {0xa9410440, "ldp x0, x1, [x2, #16]", 0x10, 0x20},
	    {0xf9400be1, "ldr x1, [sp, #16]", 0, 0x8010},
	    {0x18000044, "ldr w4, .+8", 0, 0x40080008},
	    {0xb9400461, "ldr w1, [x3, #4]", 0, 0x5004},
	    {0xc8dffc34, "ldar x20, [x1]", 0, 0x1000},
	};
	uint64_t x[32] = {0};
	struct a64_ldst d;

	(void)state;
	x[1] = 0x1000;
	x[3] = 0x5000;
	x[31] = 0x8000; /* SP */
	for (size_t i = 0; i < sizeof(eas) / sizeof(eas[0]); i++) {
		print_message("%s\n", eas[i].text);
		assert_true(a64_decode_ldst(eas[i].insn, &d));
		x[2] = eas[i].x2;
		assert_int_equal(a64_ldst_ea(&d, x, 0x40080000), eas[i].ea);
	}
}

static void test_register_writes(void **state)
{
	(void)state;
	assert_int_equal(a64_gpr_writes(0x8b050083), 1u << 3); /* add x3 */
	assert_int_equal(a64_gpr_writes(0xf8408438),
			 1u << 24 | 1u << 1); /* ldr x24, [x1], #8 */
	assert_int_equal(a64_gpr_writes(0xf81f0c39), 1u << 1);	/* str ...! */
	assert_int_equal(a64_gpr_writes(0xc8067c47), 1u << 6);	/* stxr w6 */
	assert_int_equal(a64_gpr_writes(0xa9400440), 3u);	/* ldp x0,x1 */
	assert_int_equal(a64_gpr_writes(0x94000002), 1u << 30); /* bl */
	assert_int_equal(a64_gpr_writes(0xd63f0060), 1u << 30); /* blr x3 */
	assert_int_equal(a64_gpr_writes(0xd5380009), 1u << 9);	/* mrs x9 */
	assert_int_equal(a64_gpr_writes(0x14000002), 0);	/* b */
	assert_int_equal(a64_gpr_writes(0xf9000041), 0);	/* str x1 */
	assert_int_equal(a64_gpr_writes(0xf9800020), 0);	/* prfm */
	assert_int_equal(a64_gpr_writes(0xb940003f), 0);	/* ldr wzr */
	assert_int_equal(a64_gpr_writes(0xf94003de), 1u << 30); /* ldr x30 */
	/* Register 31 as a destination: XZR (no write) or SP. */
	assert_int_equal(a64_gpr_writes(0xeb02003f), 0); /* cmp x1, x2 */
	assert_int_equal(a64_gpr_writes(0xf100043f), 0); /* cmp x1, #1 */
	assert_int_equal(a64_gpr_writes(0xf240003f), 0); /* tst x1, #1 */
	assert_int_equal(a64_gpr_writes(0xaa0203ff), 0); /* orr xzr, xzr, x2 */
	assert_int_equal(a64_gpr_writes(0x910043ff),
			 1u << 31); /* add sp, sp, #16 */
	assert_int_equal(a64_gpr_writes(0xd10043ff),
			 1u << 31); /* sub sp, sp, #16 */
	assert_int_equal(a64_gpr_writes(0x9100001f), 1u << 31); /* mov sp, x0 */
	assert_int_equal(a64_gpr_writes(0xcb2163ff),
			 1u << 31); /* sub sp, sp, x1 */
	assert_int_equal(a64_gpr_writes(0xb27c001f),
			 1u << 31); /* orr sp, x0, #0x10 */
	assert_int_equal(a64_gpr_writes(0xa9bf7bfd),
			 1u << 31); /* stp x29, x30, [sp, #-16]! */
	assert_int_equal(a64_gpr_writes(0xd5184101),
			 1u << 31); /* msr sp_el0, x1 */
	assert_int_equal(a64_gpr_writes(0xd50041bf),
			 1u << 31); /* msr spsel, #1 */
	assert_int_equal(a64_gpr_writes(0xd69f03e0), 1u << 31); /* eret */
}

static void test_exception_generating(void **state)
{
	uint16_t imm = 0;

	(void)state;
	assert_true(a64_is_hvc(0xd4024682, &imm));
	assert_int_equal(imm, 0x1234);
	assert_true(a64_is_smc(0xd4000ee3, &imm));
	assert_int_equal(imm, 0x77);
	assert_true(a64_is_svc(0xd4000841, &imm));
	assert_int_equal(imm, 0x42);
	assert_true(a64_is_brk(0xd4200060, &imm));
	assert_int_equal(imm, 3);
	assert_false(a64_is_hvc(0xd4000ee3, NULL));
	assert_false(a64_is_smc(0xd4024682, NULL));
	assert_false(a64_is_hvc(0x8b020020, NULL));
	assert_int_equal(A64_WFI, 0xd503207f);
	assert_int_equal(A64_WFE, 0xd503205f);
}

static void test_fpsimd_class(void **state)
{
	(void)state;
	assert_true(a64_is_fpsimd(0x1e622820));	 /* fadd d0, d1, d2 */
	assert_true(a64_is_fpsimd(0x3dc00020));	 /* ldr q0, [x1] */
	assert_true(a64_is_fpsimd(0x4c407020));	 /* ld1 */
	assert_false(a64_is_fpsimd(0xf9400062)); /* ldr x2, [x3] */
	assert_false(a64_is_fpsimd(0x8b020020)); /* add */
	assert_false(a64_is_fpsimd(0xd2800020)); /* mov x0, #1 */
}

static void test_unallocated_forms_rejected(void **state)
{
	struct a64_ldst d;

	(void)state;
	/* LDRSW with pre-index is fine, but size 3 opc 2 pre-index (the
	 * would-be "PRFM pre-index") is unallocated. */
	assert_false(a64_decode_ldst(0xf8800c20, &d));
	/* Register offset with option 000 is unallocated. */
	assert_false(a64_decode_ldst(0xf8620831, &d));
	/* LDRSW (size 2, opc 3) does not exist. */
	assert_false(a64_decode_ldst(0xb9c00020, &d));
	/* CAS (ARMv8.1) is not an A57 instruction. */
	assert_false(a64_decode_ldst(0xc8a07c41, &d));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ldst_syndromes),
	    cmocka_unit_test(test_effective_addresses),
	    cmocka_unit_test(test_register_writes),
	    cmocka_unit_test(test_exception_generating),
	    cmocka_unit_test(test_fpsimd_class),
	    cmocka_unit_test(test_unallocated_forms_rejected),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
