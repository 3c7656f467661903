/*
 * The reference Stage-2 walker as the simulated MMU uses it (through
 * hal_pa_to_va): hand-built descriptors (encoded here from the
 * architecture), every fault kind and level with the range it covers, and
 * agreement with the core's own tables built through the stage2 API.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hv_err.h"
#include "mm/page_pool.h"
#include "mm/stage2.h"
#include "s2walk.h"
#include "sim_hal.h"

#define TABLES_PA 0x20000000ull
#define NTABLES 16
#define RAM_PA 0x80000000ull

/* VTCR_EL2: T0SZ = 25 (39-bit IPA), SL0 = 1 (level 1), 4K, PS = 40 bit. */
#define VTCR_39_L1 (25u | 1u << 6 | 2u << 16)
#define HCR_VM 1ull

/* Descriptor bits (VMSAv8-64 Stage-2). */
#define D_VALID 1ull
#define D_TABLE 3ull
#define D_BLOCK 1ull
#define D_PAGE 3ull
#define D_R (1ull << 6)
#define D_W (1ull << 7)
#define D_AF (1ull << 10)
#define D_XN (1ull << 54)
#define D_NORMAL (0xfull << 2)

static uint64_t *tables;
static unsigned next_table;
static struct s2w_cfg cfg;

static uint64_t *table_at(uint64_t pa)
{
	return tables + (pa - TABLES_PA) / 8;
}

static uint64_t new_table(void)
{
	return TABLES_PA + (uint64_t)(next_table++) * 4096;
}

static int setup(void **state)
{
	(void)state;
	sim_hal_reset();
	tables = aligned_alloc(4096, NTABLES * 4096);
	memset(tables, 0, NTABLES * 4096);
	next_table = 0;
	assert_int_equal(sim_phys_add(TABLES_PA, tables, NTABLES * 4096), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(tables);
	sim_hal_reset();
	return 0;
}

/* root (L1) -> L2 for [1G, 2G) -> L3 for [1G, 1G + 2M). */
static void build(void)
{
	uint64_t root = new_table(), l2 = new_table(), l3 = new_table();

	table_at(root)[1] = l2 | D_TABLE;
	/* 2 MiB block at IPA 1G + 2M, RW, executable. */
	table_at(l2)[1] =
	    (RAM_PA + 0x200000) | D_BLOCK | D_AF | D_R | D_W | D_NORMAL;
	/* Pages at IPA 1G: RWX, R-only XN, no access, AF clear, bad OA. */
	table_at(l2)[0] = l3 | D_TABLE;
	table_at(l3)[0] = RAM_PA | D_PAGE | D_AF | D_R | D_W | D_NORMAL;
	table_at(l3)[1] = (RAM_PA + 0x1000) | D_PAGE | D_AF | D_R | D_XN;
	table_at(l3)[2] = (RAM_PA + 0x2000) | D_PAGE | D_AF;
	table_at(l3)[3] = (RAM_PA + 0x3000) | D_PAGE | D_R;
	table_at(l3)[4] = (1ull << 41) | D_PAGE | D_AF | D_R;
	/* A level-3 "block" encoding is reserved: invalid. */
	table_at(l3)[5] = (RAM_PA + 0x5000) | D_BLOCK | D_AF | D_R;
	/* 1 GiB block at IPA 3G. */
	table_at(root)[3] = 0x100000000ull | D_BLOCK | D_AF | D_R | D_W;
	/* A table that is not in memory the port backs. */
	table_at(root)[4] = 0x7000000000ull | D_TABLE;
	assert_true(
	    s2w_config_from_regs(HCR_VM, root | 5ull << 48, VTCR_39_L1, &cfg));
}

static void test_leaves(void **state)
{
	struct s2w_result r;

	(void)state;
	build();
	s2w_lookup(&cfg, 0x40000123, &r);
	assert_int_equal(r.status, S2W_OK);
	assert_int_equal(r.level, 3);
	assert_int_equal(r.pa, RAM_PA + 0x123);
	assert_int_equal(r.perm, S2W_R | S2W_W | S2W_X);
	assert_int_equal(r.memattr, 0xf);
	assert_int_equal(r.leaf_ipa, 0x40000000);
	assert_int_equal(r.leaf_size, 0x1000);

	s2w_lookup(&cfg, 0x40001ff8, &r);
	assert_int_equal(r.status, S2W_OK);
	assert_int_equal(r.perm, S2W_R); /* read-only, execute-never */

	s2w_lookup(&cfg, 0x40002000, &r);
	assert_int_equal(r.status, S2W_OK);
	assert_int_equal(r.perm, S2W_X); /* S2AP = 00: no data access */

	s2w_lookup(&cfg, 0x40212345, &r);
	assert_int_equal(r.status, S2W_OK);
	assert_int_equal(r.level, 2);
	assert_int_equal(r.pa, RAM_PA + 0x212345);
	assert_int_equal(r.leaf_ipa, 0x40200000);
	assert_int_equal(r.leaf_size, 0x200000);

	s2w_lookup(&cfg, 0xc0001000, &r);
	assert_int_equal(r.status, S2W_OK);
	assert_int_equal(r.level, 1);
	assert_int_equal(r.pa, 0x100001000ull);
	assert_int_equal(r.perm, S2W_R | S2W_W | S2W_X);
}

static void test_faults(void **state)
{
	struct s2w_result r;

	(void)state;
	build();
	/* Invalid L1 entry (IPA 0..1G): fault at level 1, whole 1G span. */
	s2w_lookup(&cfg, 0x09000000, &r);
	assert_int_equal(r.status, S2W_FAULT_TRANSLATION);
	assert_int_equal(r.level, 1);
	assert_int_equal(s2w_fsc(&r), 0x05);
	assert_int_equal(r.leaf_ipa, 0);
	assert_int_equal(r.leaf_size, 1ull << 30);
	/* Invalid L2 entry. */
	s2w_lookup(&cfg, 0x40400000, &r);
	assert_int_equal(r.status, S2W_FAULT_TRANSLATION);
	assert_int_equal(r.level, 2);
	assert_int_equal(s2w_fsc(&r), 0x06);
	/* Invalid L3 entry and the reserved L3 block encoding. */
	s2w_lookup(&cfg, 0x40006000, &r);
	assert_int_equal(s2w_fsc(&r), 0x07);
	s2w_lookup(&cfg, 0x40005000, &r);
	assert_int_equal(r.status, S2W_FAULT_TRANSLATION);
	assert_int_equal(s2w_fsc(&r), 0x07);
	/* Access flag clear. */
	s2w_lookup(&cfg, 0x40003000, &r);
	assert_int_equal(r.status, S2W_FAULT_ACCESS);
	assert_int_equal(s2w_fsc(&r), 0x0b);
	/* Output address beyond the 40-bit PA size. */
	s2w_lookup(&cfg, 0x40004000, &r);
	assert_int_equal(r.status, S2W_FAULT_ADDRESS_SIZE);
	assert_int_equal(s2w_fsc(&r), 0x03);
	/* Next-level table outside backed memory. */
	s2w_lookup(&cfg, 0x100000000ull, &r);
	assert_int_equal(r.status, S2W_FAULT_BUS);
	assert_int_equal(s2w_fsc(&r), 0x16);
	/* IPA beyond 39 bits. */
	s2w_lookup(&cfg, 1ull << 39, &r);
	assert_int_equal(r.status, S2W_FAULT_TRANSLATION);
	/* A successful walk's FSC is the permission fault at its level. */
	s2w_lookup(&cfg, 0x40001000, &r);
	assert_int_equal(s2w_fsc(&r), 0x0f);
}

static void test_configs(void **state)
{
	struct s2w_cfg c;
	struct s2w_result r;
	uint64_t root = new_table();

	(void)state;
	/* 64K and 16K granules, SL0 = 3 and T0SZ out of range: rejected. */
	assert_false(
	    s2w_config_from_regs(HCR_VM, root, VTCR_39_L1 | 1u << 14, &c));
	assert_false(
	    s2w_config_from_regs(HCR_VM, root, VTCR_39_L1 | 2u << 14, &c));
	assert_false(s2w_config_from_regs(HCR_VM, root, 25u | 3u << 6, &c));
	assert_false(s2w_config_from_regs(HCR_VM, root, 10u | 1u << 6, &c));
	/* 32-bit IPA starting at level 2 (SL0 = 0, T0SZ = 32): IPA[31:21]
	 * indexes four concatenated level-2 tables. */
	assert_true(s2w_config_from_regs(HCR_VM, root, 32u, &c));
	assert_int_equal(c.start_level, 2);
	table_at(root)[3] = 0x40000000ull | D_BLOCK | D_AF | D_R;
	s2w_lookup(&c, 0x600000 + 0x1234, &r); /* index 3 at level 2 */
	assert_int_equal(r.status, S2W_OK);
	assert_int_equal(r.pa, 0x40001234ull);
	/* 40-bit IPA from level 1 needs two concatenated root tables. */
	assert_true(s2w_config_from_regs(HCR_VM, root, 24u | 1u << 6, &c));
	assert_int_equal(c.ipa_bits, 40);
	new_table(); /* the second root table follows the first */
	table_at(root + 4096)[0] = 0x80000000ull | D_BLOCK | D_AF | D_R;
	s2w_lookup(&c, (1ull << 39) | 0x10, &r);
	assert_int_equal(r.status, S2W_OK);
	assert_int_equal(r.pa, 0x80000010ull);
	/* Stage-2 off: IPA is PA. */
	assert_true(s2w_config_from_regs(0, 0, 0, &c));
	s2w_lookup(&c, 0x12345678, &r);
	assert_int_equal(r.status, S2W_OK);
	assert_int_equal(r.pa, 0x12345678);
}

/* The core builds tables with its API; the sim's walker must read the same
 * translations from them (two independent readings of the architecture). */
static void test_agrees_with_core_tables(void **state)
{
	struct page_pool pool;
	struct stage2 s2;
	struct s2w_cfg c;
	void *pool_mem = aligned_alloc(4096, 64 * 4096);
	struct s2_attrs rwx = {S2_PERM_R | S2_PERM_W | S2_PERM_X, S2_MEM_NORMAL,
			       0};
	struct s2_attrs ro = {S2_PERM_R, S2_MEM_NORMAL, 0};
	uint64_t seed = 12345;

	(void)state;
	assert_int_equal(sim_phys_add(0x30000000, pool_mem, 64 * 4096), 0);
	assert_int_equal(page_pool_init(&pool, pool_mem, 0x30000000, 64),
			 HV_OK);
	assert_int_equal(stage2_init(&s2, &pool, 7), HV_OK);
	assert_int_equal(stage2_map(&s2, 0x40000000, RAM_PA, 0x4000000, rwx),
			 HV_OK);
	assert_int_equal(stage2_protect(&s2, 0x40123000, 0x2000, S2_PERM_R),
			 HV_OK);
	assert_int_equal(
	    stage2_map(&s2, 0x8000000000ull - 0x1000, RAM_PA, 0x1000, ro),
	    HV_OK);
	assert_int_equal(stage2_unmap(&s2, 0x40200000, 0x1000), HV_OK);
	assert_true(
	    s2w_config_from_regs(HCR_VM, stage2_vttbr(&s2), stage2_vtcr(), &c));
	for (unsigned i = 0; i < 20000; i++) {
		uint64_t ipa, pa = 0;
		struct s2_attrs a;
		struct s2w_result r;
		int e;

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		ipa = (seed >> 20) % 0x8000000000ull;
		if (i % 2)
			ipa = 0x40000000 + (seed >> 30) % 0x4100000;
		e = stage2_lookup(&s2, ipa, &pa, &a, NULL);
		s2w_lookup(&c, ipa, &r);
		if (e != HV_OK) {
			assert_int_not_equal(r.status, S2W_OK);
			continue;
		}
		assert_int_equal(r.status, S2W_OK);
		assert_int_equal(r.pa, pa);
		assert_int_equal(r.perm, a.perm);
	}
	stage2_destroy(&s2);
	free(pool_mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_leaves, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_faults, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_configs, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_agrees_with_core_tables, setup,
					    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
