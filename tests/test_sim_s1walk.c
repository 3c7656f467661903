/*
 * The sim's Stage-1 walker (sim/s1walk.c) against the architecture:
 * descriptors and register values written out literally (VMSAv8-64,
 * Armv8.0), and the ESR FSC each fault must produce as a literal number.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "s1walk.h"

/* Guest "IPA space" the tables live in: 1 MiB at 0x80000000. */
#define MEM_BASE 0x80000000ull
#define MEM_SIZE (1u << 20)
static uint64_t mem[MEM_SIZE / 8];
/* A table page whose reads Stage-2 refuses, with this FSC. */
static uint64_t s2_block_page = ~0ull;
static unsigned s2_block_fsc;

static unsigned rd(void *ctx, uint64_t ipa, uint64_t *val)
{
	(void)ctx;
	if ((ipa & ~0xfffull) == s2_block_page)
		return S1W_RD_S2(s2_block_fsc);
	if (ipa < MEM_BASE || ipa - MEM_BASE >= MEM_SIZE)
		return S1W_RD_EXTERNAL;
	*val = mem[(ipa - MEM_BASE) / 8];
	return S1W_RD_OK;
}

static void put(uint64_t ipa, uint64_t desc)
{
	mem[(ipa - MEM_BASE) / 8] = desc;
}

static int setup(void **state)
{
	(void)state;
	memset(mem, 0, sizeof(mem));
	s2_block_page = ~0ull;
	return 0;
}

/* SCTLR_EL1.M; TCR_EL1: T0SZ = T1SZ = 25 (39-bit), TG0 4K (0b00),
 * TG1 4K (0b10), IPS 40 bits (0b010). */
#define SCTLR_ON 0x1ull
#define TCR_39 0x0000000280190019ull
#define L1 0x80000000ull
#define L2 0x80001000ull
#define L3 0x80002000ull

static struct s1w_regs regs39(void)
{
	struct s1w_regs r = {
	    .sctlr = SCTLR_ON, .tcr = TCR_39, .ttbr0 = L1, .ttbr1 = L1};
	return r;
}

/* VA 0x40201000..: L1[1] -> L2, L2[1] -> L3, L3[1] page at 0x12345000
 * (AF, AP = 00: EL1 RW). */
static void map_page(uint64_t leaf)
{
	put(L1 + 1 * 8, L2 | 3);
	put(L2 + 1 * 8, L3 | 3);
	put(L3 + 1 * 8, leaf);
}

static enum s1w_status tr(const struct s1w_regs *r, uint64_t va,
			  enum s1w_access acc, bool el0, struct s1w_result *o)
{
	return s1w_translate(r, va, acc, el0, rd, NULL, o);
}

static void test_mmu_off_is_flat(void **state)
{
	struct s1w_regs r = regs39();
	struct s1w_result o;

	(void)state;
	r.sctlr = 0;
	assert_int_equal(tr(&r, 0x40201abc, S1W_FETCH, true, &o), S1W_OK);
	assert_int_equal(o.ipa, 0x40201abc);
	assert_int_equal(o.perm_el0, S1W_R | S1W_W | S1W_X);
}

static void test_4k_page(void **state)
{
	struct s1w_regs r = regs39();
	struct s1w_result o;

	(void)state;
	map_page(0x0000000012345403ull); /* page | AF */
	assert_int_equal(tr(&r, 0x40201abc, S1W_WRITE, false, &o), S1W_OK);
	assert_int_equal(o.ipa, 0x12345abc);
	assert_int_equal(o.level, 3);
	assert_int_equal(o.page_size, 0x1000);
	/* AP = 00: EL1 read/write/execute; EL0 no data access, but UXN = 0
	 * leaves it execute permission (it does not depend on AP). */
	assert_int_equal(o.perm_el1, S1W_R | S1W_W | S1W_X);
	assert_int_equal(o.perm_el0, S1W_X);
}

static void test_blocks(void **state)
{
	struct s1w_regs r = regs39();
	struct s1w_result o;

	(void)state;
	put(L1 + 2 * 8, 0x00000000c0000401ull); /* 1 GiB block at level 1 */
	put(L1 + 1 * 8, L2 | 3);
	put(L2 + 3 * 8, 0x0000000000a00401ull); /* 2 MiB block at level 2 */
	assert_int_equal(tr(&r, 0x80123456, S1W_READ, false, &o), S1W_OK);
	assert_int_equal(o.ipa, 0xc0123456);
	assert_int_equal(o.level, 1);
	assert_int_equal(tr(&r, 0x40654321, S1W_READ, false, &o), S1W_OK);
	assert_int_equal(o.ipa, 0x00a54321);
	assert_int_equal(o.level, 2);
	assert_int_equal(o.page_size, 0x200000);
}

static void test_translation_faults(void **state)
{
	struct s1w_regs r = regs39();
	struct s1w_result o;

	(void)state;
	/* L1[1] invalid: level 1. */
	assert_int_equal(tr(&r, 0x40201000, S1W_READ, false, &o),
			 S1W_FAULT_TRANSLATION);
	assert_int_equal(s1w_fsc(&o), 0x05);
	put(L1 + 1 * 8, L2 | 3);
	assert_int_equal(tr(&r, 0x40201000, S1W_READ, false, &o),
			 S1W_FAULT_TRANSLATION);
	assert_int_equal(s1w_fsc(&o), 0x06);
	put(L2 + 1 * 8, L3 | 3);
	assert_int_equal(tr(&r, 0x40201000, S1W_READ, false, &o),
			 S1W_FAULT_TRANSLATION);
	assert_int_equal(s1w_fsc(&o), 0x07);
	/* Bits [1:0] = 01 at level 3 is reserved: still level 3. */
	put(L3 + 1 * 8, 0x0000000012345401ull);
	assert_int_equal(tr(&r, 0x40201000, S1W_READ, false, &o),
			 S1W_FAULT_TRANSLATION);
	assert_int_equal(s1w_fsc(&o), 0x07);
}

static void test_va_range_and_epd(void **state)
{
	struct s1w_regs r = regs39();
	struct s1w_result o;

	(void)state;
	map_page(0x0000000012345403ull);
	/* Bit 39 set in the lower half: outside T0SZ = 25, level 0. */
	assert_int_equal(tr(&r, 0x0000008040201000ull, S1W_READ, false, &o),
			 S1W_FAULT_TRANSLATION);
	assert_int_equal(s1w_fsc(&o), 0x04);
	/* Upper half with a zero among bits [63:39]. */
	assert_int_equal(tr(&r, 0xfffe008040201000ull, S1W_READ, false, &o),
			 S1W_FAULT_TRANSLATION);
	assert_int_equal(s1w_fsc(&o), 0x04);
	/* The same table through TTBR1. */
	assert_int_equal(tr(&r, 0xffffff8040201008ull, S1W_READ, false, &o),
			 S1W_OK);
	assert_int_equal(o.ipa, 0x12345008);
	/* EPD1 (bit 23) disables TTBR1 walks: level 0 fault. */
	r.tcr |= 1ull << 23;
	assert_int_equal(tr(&r, 0xffffff8040201008ull, S1W_READ, false, &o),
			 S1W_FAULT_TRANSLATION);
	assert_int_equal(s1w_fsc(&o), 0x04);
	/* EPD0 (bit 7) likewise for TTBR0. */
	r.tcr = TCR_39 | (1ull << 7);
	assert_int_equal(tr(&r, 0x40201000, S1W_READ, false, &o),
			 S1W_FAULT_TRANSLATION);
	assert_int_equal(s1w_fsc(&o), 0x04);
	/* TBI0 (bit 37): the top byte is ignored for TTBR0. */
	r.tcr = TCR_39;
	assert_int_equal(tr(&r, 0x5a00000040201000ull, S1W_READ, false, &o),
			 S1W_FAULT_TRANSLATION);
	r.tcr = TCR_39 | (1ull << 37);
	assert_int_equal(tr(&r, 0x5a00000040201000ull, S1W_READ, false, &o),
			 S1W_OK);
	assert_int_equal(o.ipa, 0x12345000);
}

static void test_access_flag(void **state)
{
	struct s1w_regs r = regs39();
	struct s1w_result o;

	(void)state;
	map_page(0x0000000012345003ull); /* AF = 0 */
	assert_int_equal(tr(&r, 0x40201000, S1W_READ, false, &o),
			 S1W_FAULT_ACCESS);
	assert_int_equal(s1w_fsc(&o), 0x0b);
	put(L1 + 2 * 8, 0x00000000c0000001ull); /* block, AF = 0 */
	assert_int_equal(tr(&r, 0x80000000, S1W_READ, false, &o),
			 S1W_FAULT_ACCESS);
	assert_int_equal(s1w_fsc(&o), 0x09);
}

static void test_permissions(void **state)
{
	struct s1w_regs r = regs39();
	struct s1w_result o;

	(void)state;
	/* AP = 10: read-only at EL1, nothing at EL0. */
	map_page(0x0000000012345483ull);
	assert_int_equal(tr(&r, 0x40201000, S1W_READ, false, &o), S1W_OK);
	assert_int_equal(tr(&r, 0x40201000, S1W_WRITE, false, &o),
			 S1W_FAULT_PERMISSION);
	assert_int_equal(s1w_fsc(&o), 0x0f);
	assert_int_equal(tr(&r, 0x40201000, S1W_READ, true, &o),
			 S1W_FAULT_PERMISSION);
	/* AP = 01: EL0 read/write, so EL1 may not execute it. */
	map_page(0x0000000012345443ull);
	assert_int_equal(tr(&r, 0x40201000, S1W_WRITE, true, &o), S1W_OK);
	assert_int_equal(tr(&r, 0x40201000, S1W_FETCH, true, &o), S1W_OK);
	assert_int_equal(tr(&r, 0x40201000, S1W_FETCH, false, &o),
			 S1W_FAULT_PERMISSION);
	/* AP = 11 with UXN (bit 54): EL0 read-only, no EL0 execute. */
	map_page(0x00400000123454c3ull);
	assert_int_equal(tr(&r, 0x40201000, S1W_READ, true, &o), S1W_OK);
	assert_int_equal(tr(&r, 0x40201000, S1W_WRITE, true, &o),
			 S1W_FAULT_PERMISSION);
	assert_int_equal(tr(&r, 0x40201000, S1W_FETCH, true, &o),
			 S1W_FAULT_PERMISSION);
	assert_int_equal(tr(&r, 0x40201000, S1W_FETCH, false, &o), S1W_OK);
	/* PXN (bit 53): no EL1 execute. */
	map_page(0x0020000012345403ull);
	assert_int_equal(tr(&r, 0x40201000, S1W_FETCH, false, &o),
			 S1W_FAULT_PERMISSION);
	assert_int_equal(s1w_fsc(&o), 0x0f);
	/* SCTLR_EL1.WXN (bit 19): writable is never executable. */
	map_page(0x0000000012345403ull);
	r.sctlr |= 1ull << 19;
	assert_int_equal(tr(&r, 0x40201000, S1W_FETCH, false, &o),
			 S1W_FAULT_PERMISSION);
}

static void test_table_attributes(void **state)
{
	struct s1w_regs r = regs39();
	struct s1w_result o;

	(void)state;
	map_page(0x0000000012345443ull); /* AP = 01: EL0 RW */
	/* APTable[0] (bit 61) in the level-2 table descriptor: no EL0. */
	put(L2 + 1 * 8, L3 | 3 | (1ull << 61));
	assert_int_equal(tr(&r, 0x40201000, S1W_READ, true, &o),
			 S1W_FAULT_PERMISSION);
	assert_int_equal(tr(&r, 0x40201000, S1W_WRITE, false, &o), S1W_OK);
	/* APTable[1] (bit 62) in the level-1 one: no write below. */
	put(L2 + 1 * 8, L3 | 3);
	put(L1 + 1 * 8, L2 | 3 | (1ull << 62));
	assert_int_equal(tr(&r, 0x40201000, S1W_WRITE, false, &o),
			 S1W_FAULT_PERMISSION);
	assert_int_equal(tr(&r, 0x40201000, S1W_READ, true, &o), S1W_OK);
	/* PXNTable (bit 59), with an EL1-only page. */
	map_page(0x0000000012345403ull);
	put(L1 + 1 * 8, L2 | 3 | (1ull << 59));
	assert_int_equal(tr(&r, 0x40201000, S1W_FETCH, false, &o),
			 S1W_FAULT_PERMISSION);
}

static void test_stage2_and_external_on_walk(void **state)
{
	struct s1w_regs r = regs39();
	struct s1w_result o;

	(void)state;
	map_page(0x0000000012345403ull);
	/* Stage-2 refuses the level-2 table: a Stage-2 fault on the
	 * descriptor's IPA, with Stage-2's FSC. */
	s2_block_page = L2;
	s2_block_fsc = 0x07;
	assert_int_equal(tr(&r, 0x40201000, S1W_READ, false, &o), S1W_FAULT_S2);
	assert_int_equal(o.s2_ipa, 0x80001008);
	assert_int_equal(s1w_fsc(&o), 0x07);
	assert_int_equal(o.level, 2);
	/* An address size fault of Stage-2 has FSC 0 and is still one. */
	s2_block_fsc = 0x00;
	assert_int_equal(tr(&r, 0x40201000, S1W_READ, false, &o), S1W_FAULT_S2);
	assert_int_equal(s1w_fsc(&o), 0x00);
	/* No memory behind the level-3 table: external abort, level 3. */
	s2_block_page = ~0ull;
	put(L2 + 1 * 8, 0x0000000070000003ull);
	assert_int_equal(tr(&r, 0x40201000, S1W_READ, false, &o),
			 S1W_FAULT_EXTERNAL);
	assert_int_equal(s1w_fsc(&o), 0x17);
}

static void test_address_size(void **state)
{
	struct s1w_regs r = regs39();
	struct s1w_result o;

	(void)state;
	/* IPS = 40 bits: a table at bit 40 is beyond it, at its level. */
	put(L1 + 1 * 8, 0x0000010000000003ull);
	assert_int_equal(tr(&r, 0x40201000, S1W_READ, false, &o),
			 S1W_FAULT_ADDRESS_SIZE);
	assert_int_equal(s1w_fsc(&o), 0x01);
	/* A TTBR beyond it: level 0. */
	r.ttbr0 = 0x0000010000000000ull;
	assert_int_equal(tr(&r, 0x40201000, S1W_READ, false, &o),
			 S1W_FAULT_ADDRESS_SIZE);
	assert_int_equal(s1w_fsc(&o), 0x00);
}

static void test_48bit_starts_at_level0(void **state)
{
	struct s1w_regs r = regs39();
	struct s1w_result o;

	(void)state;
	r.tcr = (TCR_39 & ~0x3full) | 16; /* T0SZ = 16 */
	/* Level 0 entry 1 (VA bit 39) -> L1 table at L2's page. */
	put(L1 + 1 * 8, L2 | 3);
	put(L2 + 0 * 8, 0x0000000040000401ull); /* 1 GiB block */
	assert_int_equal(tr(&r, 0x0000008000012345ull, S1W_READ, false, &o),
			 S1W_OK);
	assert_int_equal(o.ipa, 0x40012345);
	/* A block at level 0 is reserved with 4K: level 0 fault. */
	put(L1 + 1 * 8, 0x0000000000000401ull);
	assert_int_equal(tr(&r, 0x0000008000012345ull, S1W_READ, false, &o),
			 S1W_FAULT_TRANSLATION);
	assert_int_equal(s1w_fsc(&o), 0x04);
}

static void test_64k_and_16k_granules(void **state)
{
	struct s1w_regs r = regs39();
	struct s1w_result o;
	const uint64_t l2_64k = 0x80000000ull, l3_64k = 0x80010000ull;

	(void)state;
	/* 64K, T0SZ = 25: starts at level 2 (VA[38:29]), level 3 is
	 * VA[28:16]. TG0 = 0b01. */
	r.tcr = (TCR_39 & ~(3ull << 14)) | (1ull << 14);
	put(l2_64k + 2 * 8, l3_64k | 3);
	put(l3_64k + 5 * 8, 0x0000000012340403ull);
	assert_int_equal(tr(&r, 0x4005abcd, S1W_READ, false, &o), S1W_OK);
	assert_int_equal(o.ipa, 0x1234abcd);
	assert_int_equal(o.page_size, 0x10000);
	/* The same through TTBR1, whose TG1 encodes 64K as 0b11. */
	r.tcr |= 3ull << 30;
	assert_int_equal(tr(&r, 0xffffff804005abcdull, S1W_READ, false, &o),
			 S1W_OK);
	assert_int_equal(o.ipa, 0x1234abcd);
	/* 16K, T0SZ = 25: starts at level 1 (VA[38:36]), then 11 bits a
	 * level; a 32 MiB block at level 2. TG0 = 0b10. */
	memset(mem, 0, sizeof(mem));
	r.tcr = (TCR_39 & ~(3ull << 14)) | (2ull << 14);
	put(L1 + 0 * 8, 0x80004000ull | 3);
	put(0x80004000ull + 32 * 8, 0x0000000006000401ull);
	assert_int_equal(tr(&r, 0x40123456, S1W_READ, false, &o), S1W_OK);
	assert_int_equal(o.ipa, 0x06123456);
	assert_int_equal(o.level, 2);
	/* A level-1 block is reserved with 16K. */
	put(L1 + 0 * 8, 0x0000000000000401ull);
	assert_int_equal(tr(&r, 0x40123456, S1W_READ, false, &o),
			 S1W_FAULT_TRANSLATION);
	assert_int_equal(s1w_fsc(&o), 0x05);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_mmu_off_is_flat, setup),
	    cmocka_unit_test_setup(test_4k_page, setup),
	    cmocka_unit_test_setup(test_blocks, setup),
	    cmocka_unit_test_setup(test_translation_faults, setup),
	    cmocka_unit_test_setup(test_va_range_and_epd, setup),
	    cmocka_unit_test_setup(test_access_flag, setup),
	    cmocka_unit_test_setup(test_permissions, setup),
	    cmocka_unit_test_setup(test_table_attributes, setup),
	    cmocka_unit_test_setup(test_stage2_and_external_on_walk, setup),
	    cmocka_unit_test_setup(test_address_size, setup),
	    cmocka_unit_test_setup(test_48bit_starts_at_level0, setup),
	    cmocka_unit_test_setup(test_64k_and_16k_granules, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
