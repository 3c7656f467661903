/*
 * Stage-2 tables, checked through the reference walker in
 * sim/s2walk.c: leaf sizes, attribute encoding, block splits,
 * all-or-nothing errors, the table budget, TLB maintenance, destroy.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers/s2_fixture.h"
#include "s2walk.h"
#include "hv_err.h"
#include "mm/stage2.h"
#include "sim_hal.h"

#define K4 0x1000ull
#define M2 0x200000ull
#define G1 0x40000000ull
#define VMID 5

static const struct s2_attrs RW_NORMAL = {S2_PERM_R | S2_PERM_W, 0, 0};
static const struct s2_attrs RWX_NORMAL = {7, S2_MEM_NORMAL, 0};

/* The last Stage-2 TLB maintenance the HAL saw. */
static struct {
	unsigned long calls;
	uint16_t vmid;
	uint64_t ipa, size;
} flushed;

/* What the tables looked like while the HAL was flushing bbm.ipa. */
static struct {
	struct s2fx *f;
	uint64_t ipa;
	unsigned long flushes_while_invalid;
	size_t nfree_at_flush;
} bbm;

static void record_flush(void *ctx, uint16_t vmid, uint64_t ipa, uint64_t size)
{
	(void)ctx;
	if (bbm.f && ipa <= bbm.ipa && bbm.ipa - ipa < size) {
		if (s2w_translate(&bbm.f->walk, bbm.ipa, NULL) ==
		    S2W_FAULT_TRANSLATION)
			bbm.flushes_while_invalid++;
		bbm.nfree_at_flush = bbm.f->pool.nfree;
	}
	flushed.calls++;
	flushed.vmid = vmid;
	flushed.ipa = ipa;
	flushed.size = size;
}

static int setup(void **state)
{
	static const struct sim_cpu_backend cpu = {.s2_changed = record_flush};
	struct s2fx *f;

	sim_hal_reset();
	sim_hal_set_cpu_backend(&cpu);
	memset(&flushed, 0, sizeof(flushed));
	memset(&bbm, 0, sizeof(bbm));
	f = s2fx_new(64, VMID);
	if (!f)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct s2fx *f = *state;
	size_t npages = f->npages;

	stage2_destroy(&f->s2);
	/* Every table page went back; nothing was freed twice. */
	assert_int_equal(f->pool.nfree, npages);
	assert_int_equal(f->pool.bad_frees, 0);
	assert_int_equal(s2fx_free_list_len(f), npages);
	s2fx_free(f);
	sim_hal_set_cpu_backend(NULL);
	return 0;
}

static unsigned long tlb_flushes(void)
{
	return sim_hal_stats()->tlb_flushes;
}

/* Walk ipa; fail the test unless it translates to pa at level. */
static struct s2w_result expect_leaf(struct s2fx *f, uint64_t ipa, uint64_t pa,
				     unsigned level)
{
	struct s2w_result r;

	assert_int_equal(s2w_translate(&f->walk, ipa, &r), S2W_OK);
	assert_int_equal(r.pa, pa);
	assert_int_equal(r.level, level);
	assert_false(r.res0_set);
	assert_true(r.af);
	return r;
}

static void expect_unmapped(struct s2fx *f, uint64_t ipa)
{
	assert_int_equal(s2w_translate(&f->walk, ipa, NULL),
			 S2W_FAULT_TRANSLATION);
	assert_int_equal(stage2_lookup(&f->s2, ipa, NULL, NULL, NULL),
			 HV_ENOENT);
}

static void expect_consistent(struct s2fx *f, struct s2w_stats *st)
{
	assert_true(s2fx_consistent(f, st));
}

static void test_registers(void **state)
{
	struct s2fx *f = *state;
	uint64_t vtcr = stage2_vtcr();

	assert_int_equal(vtcr & 0x3f, 25);     /* T0SZ: 39-bit IPA */
	assert_int_equal((vtcr >> 6) & 3, 1);  /* SL0: level 1 */
	assert_int_equal((vtcr >> 8) & 3, 1);  /* IRGN0: WB WA */
	assert_int_equal((vtcr >> 10) & 3, 1); /* ORGN0: WB WA */
	assert_int_equal((vtcr >> 12) & 3, 3); /* SH0: inner */
	assert_int_equal((vtcr >> 14) & 3, 0); /* TG0: 4 KiB */
	assert_int_equal((vtcr >> 16) & 7, 2); /* PS: 40 bits */
	assert_int_equal((vtcr >> 19) & 1, 0); /* VS: 8-bit VMID */
	assert_int_equal((vtcr >> 31) & 1, 1); /* RES1 */
	assert_int_equal(vtcr, 0x80023559ull);

	assert_int_equal(stage2_vttbr(&f->s2),
			 (uint64_t)VMID << 48 | f->s2.root_pa);
	assert_int_equal(f->s2.root_pa & 0xfff, 0);
	assert_true(f->s2.root_pa >= S2FX_POOL_PA &&
		    f->s2.root_pa < S2FX_POOL_PA + f->npages * K4);
	/* What a walker derives from the two registers. */
	assert_int_equal(f->walk.ipa_bits, 39);
	assert_int_equal(f->walk.pa_bits, 40);
	assert_int_equal(f->walk.start_level, 1);
	assert_int_equal(f->walk.vmid, VMID);
	assert_int_equal(f->walk.root_pa, f->s2.root_pa);
}

static void test_init_args(void **state)
{
	struct s2fx *f = *state;
	struct stage2 s2, before;
	struct page_pool *pool = &f->pool;
	size_t nfree = pool->nfree;

	(void)state;
	memset(&s2, 0x3c, sizeof(s2));
	memcpy(&before, &s2, sizeof(s2));
	assert_int_equal(stage2_init(&s2, NULL, 1), HV_EINVAL);
	assert_int_equal(stage2_init(NULL, pool, 1), HV_EINVAL);
	assert_int_equal(stage2_init(&s2, pool, S2_VMID_MAX + 1), HV_ERANGE);
	assert_memory_equal(&s2, &before, sizeof(s2));
	assert_int_equal(pool->nfree, nfree);

	assert_int_equal(stage2_init(&s2, pool, S2_VMID_MAX), HV_OK);
	assert_int_equal(stage2_vttbr(&s2) >> 48, S2_VMID_MAX);
	assert_int_equal(pool->nfree, nfree - 1);
	stage2_destroy(&s2);
	assert_int_equal(pool->nfree, nfree);

	/* An empty pool: ENOMEM, s2 untouched. */
	memcpy(&s2, &before, sizeof(s2));
	while (pool->nfree)
		assert_non_null(page_pool_alloc(pool, NULL));
	assert_int_equal(stage2_init(&s2, pool, 1), HV_ENOMEM);
	assert_memory_equal(&s2, &before, sizeof(s2));
	for (size_t i = 0; i < f->npages; i++) {
		uint64_t pa = S2FX_POOL_PA + i * K4;
		if (pa != f->s2.root_pa)
			page_pool_free(pool, pa);
	}
	assert_int_equal(pool->nfree, nfree);
}

static void test_leaf_1g(void **state)
{
	struct s2fx *f = *state;
	struct s2w_stats st;
	struct s2_attrs a;
	uint64_t pa;
	unsigned level;

	assert_int_equal(stage2_map(&f->s2, G1, 3 * G1, G1, RW_NORMAL), HV_OK);
	struct s2w_result r = expect_leaf(f, G1, 3 * G1, 1);
	assert_int_equal(r.desc & 3, 1); /* block descriptor */
	assert_int_equal(r.leaf_size, G1);
	expect_leaf(f, 2 * G1 - K4 + 0x123, 4 * G1 - K4 + 0x123, 1);
	expect_unmapped(f, G1 - K4);
	expect_unmapped(f, 2 * G1);

	assert_int_equal(stage2_lookup(&f->s2, G1 + 0x12345, &pa, &a, &level),
			 HV_OK);
	assert_int_equal(pa, 3 * G1 + 0x12345);
	assert_int_equal(level, 1);
	assert_int_equal(a.perm, S2_PERM_R | S2_PERM_W);
	assert_int_equal(a.memtype, S2_MEM_NORMAL);

	expect_consistent(f, &st);
	assert_int_equal(st.tables, 1); /* the root alone holds it */
	assert_int_equal(st.leaves[1], 1);
}

static void test_leaf_2m_and_4k(void **state)
{
	struct s2fx *f = *state;
	struct s2w_stats st;
	unsigned level;

	assert_int_equal(stage2_map(&f->s2, 4 * M2, 10 * M2, M2, RW_NORMAL),
			 HV_OK);
	struct s2w_result r = expect_leaf(f, 4 * M2, 10 * M2, 2);
	assert_int_equal(r.desc & 3, 1);
	assert_int_equal(r.leaf_size, M2);
	assert_int_equal(stage2_map(&f->s2, 9 * K4, 3 * K4, K4, RW_NORMAL),
			 HV_OK);
	r = expect_leaf(f, 9 * K4, 3 * K4, 3);
	assert_int_equal(r.desc & 3, 3); /* page descriptor */
	assert_int_equal(stage2_lookup(&f->s2, 9 * K4, NULL, NULL, &level),
			 HV_OK);
	assert_int_equal(level, 3);
	expect_unmapped(f, 8 * K4);
	expect_unmapped(f, 10 * K4);
	expect_consistent(f, &st);
	assert_int_equal(st.tables, 3); /* root, one L2, one L3 */
	assert_int_equal(st.leaves[2], 1);
	assert_int_equal(st.leaves[3], 1);
}

/* ipa 1 GiB aligned but pa only 2 MiB aligned: 2 MiB blocks, never 1 GiB. */
static void test_leaf_limited_by_pa_alignment(void **state)
{
	struct s2fx *f = *state;
	struct s2w_stats st;
	uint64_t pa = 5 * G1 + M2;

	assert_int_equal(stage2_map(&f->s2, G1, pa, G1, RW_NORMAL), HV_OK);
	expect_leaf(f, G1, pa, 2);
	expect_leaf(f, 2 * G1 - K4, pa + G1 - K4, 2);
	expect_consistent(f, &st);
	assert_int_equal(st.leaves[1], 0);
	assert_int_equal(st.leaves[2], 512);

	/* pa only 4 KiB aligned: pages. */
	assert_int_equal(stage2_map(&f->s2, 4 * G1, 7 * K4, 2 * M2, RW_NORMAL),
			 HV_OK);
	expect_leaf(f, 4 * G1, 7 * K4, 3);
	expect_leaf(f, 4 * G1 + 2 * M2 - K4, 7 * K4 + 2 * M2 - K4, 3);
	expect_consistent(f, &st);
	assert_int_equal(st.leaves[3], 1024);
}

/* One range that needs every leaf size, in both directions. */
static void test_leaf_mix(void **state)
{
	struct s2fx *f = *state;
	struct s2w_stats st;
	uint64_t ipa = 2 * G1 - M2 - K4;
	uint64_t size = K4 + M2 + G1 + M2 + K4;
	uint64_t delta = 8 * G1;

	assert_int_equal(stage2_map(&f->s2, ipa, ipa + delta, size, RW_NORMAL),
			 HV_OK);
	expect_leaf(f, ipa, ipa + delta, 3);
	expect_leaf(f, 2 * G1 - M2, 2 * G1 - M2 + delta, 2);
	expect_leaf(f, 2 * G1, 2 * G1 + delta, 1);
	expect_leaf(f, 3 * G1 + 0x1000, 3 * G1 + 0x1000 + delta, 2);
	expect_leaf(f, 3 * G1 + M2, 3 * G1 + M2 + delta, 3);
	expect_unmapped(f, ipa - K4);
	expect_unmapped(f, ipa + size);
	expect_consistent(f, &st);
	assert_int_equal(st.leaves[1], 1);
	assert_int_equal(st.leaves[2], 2);
	assert_int_equal(st.leaves[3], 2);
}

/* Every permission and memory type, decoded by the walker from the bits. */
static void test_attr_encoding(void **state)
{
	struct s2fx *f = *state;

	for (unsigned perm = 0; perm < 8; perm++) {
		for (unsigned mt = 0; mt < 2; mt++) {
			struct s2_attrs a = {(uint8_t)perm, (uint8_t)mt,
					     (uint8_t)((perm * 2 + mt) & 15)};
			uint64_t ipa = (perm * 2 + mt) * K4;
			uint64_t pa = 0x123450000ull + ipa;
			struct s2_attrs got;

			assert_int_equal(stage2_map(&f->s2, ipa, pa, K4, a),
					 HV_OK);
			struct s2w_result r = expect_leaf(f, ipa, pa, 3);
			assert_int_equal(r.read, !!(perm & S2_PERM_R));
			assert_int_equal(r.write, !!(perm & S2_PERM_W));
			assert_int_equal(r.exec_el1, !!(perm & S2_PERM_X));
			assert_int_equal(r.exec_el0, !!(perm & S2_PERM_X));
			/* Only XN[1] (bit 54) is used. */
			assert_int_equal((r.desc >> 53) & 1, 0);
			assert_int_equal(r.mem, mt ? S2W_MEM_DEVICE_NGNRNE
						   : S2W_MEM_NORMAL_WB);
			if (!mt)
				assert_int_equal(r.sh, 3);
			assert_int_equal(r.sw, a.sw);
			assert_false(r.contiguous);

			assert_int_equal(
			    stage2_lookup(&f->s2, ipa, NULL, &got, NULL),
			    HV_OK);
			assert_int_equal(got.perm, a.perm);
			assert_int_equal(got.memtype, a.memtype);
			assert_int_equal(got.sw, a.sw);
		}
	}
	expect_consistent(f, NULL);
}

/* Unmapping one page of a 1 GiB block: 511 2 MiB blocks and 511 pages
 * remain, with the block's output addresses and attributes. */
static void test_split_1g_on_unmap(void **state)
{
	struct s2fx *f = *state;
	struct s2_attrs a = {S2_PERM_R | S2_PERM_X, S2_MEM_DEVICE, 9};
	uint64_t pa = 20 * G1, hole = G1 + 5 * M2 + 8 * K4;
	struct s2w_stats st;

	assert_int_equal(stage2_map(&f->s2, G1, pa, G1, a), HV_OK);
	unsigned long before = tlb_flushes();
	assert_int_equal(stage2_unmap(&f->s2, hole, K4), HV_OK);
	assert_true(tlb_flushes() > before);
	assert_int_equal(flushed.vmid, VMID);

	expect_unmapped(f, hole);
	uint64_t probes[] = {G1,	  hole - K4,	    hole + K4,
			     G1 + 5 * M2, G1 + 6 * M2 - K4, G1 + 6 * M2,
			     2 * G1 - K4};
	unsigned levels[] = {2, 3, 3, 3, 3, 2, 2};
	for (size_t i = 0; i < 7; i++) {
		struct s2w_result r =
		    expect_leaf(f, probes[i], pa + probes[i] - G1, levels[i]);
		assert_true(r.read);
		assert_false(r.write);
		assert_true(r.exec_el1);
		assert_int_equal(r.mem, S2W_MEM_DEVICE_NGNRNE);
		assert_int_equal(r.sw, 9);
	}
	expect_consistent(f, &st);
	assert_int_equal(st.tables, 3);
	assert_int_equal(st.leaves[1], 0);
	assert_int_equal(st.leaves[2], 511);
	assert_int_equal(st.leaves[3], 511);
}

static void test_split_2m_on_protect(void **state)
{
	struct s2fx *f = *state;
	uint64_t ipa = 3 * G1 + 7 * M2, pa = 0x80000000ull;
	struct s2w_stats st;

	assert_int_equal(stage2_map(&f->s2, ipa, pa, M2,
				    (struct s2_attrs){7, S2_MEM_NORMAL, 6}),
			 HV_OK);
	expect_leaf(f, ipa, pa, 2);
	assert_int_equal(
	    stage2_protect(&f->s2, ipa + 100 * K4, 2 * K4, S2_PERM_R), HV_OK);
	for (uint64_t off = 0; off < M2; off += K4) {
		struct s2w_result r = expect_leaf(f, ipa + off, pa + off, 3);
		bool ro = off == 100 * K4 || off == 101 * K4;

		assert_true(r.read);
		assert_int_equal(r.write, !ro);
		assert_int_equal(r.exec_el1, !ro);
		assert_int_equal(r.mem, S2W_MEM_NORMAL_WB);
		assert_int_equal(r.sw, 6);
	}
	expect_consistent(f, &st);
	assert_int_equal(st.leaves[3], 512);
	assert_int_equal(flushed.vmid, VMID);
	assert_true(flushed.ipa <= ipa + 100 * K4 &&
		    flushed.ipa + flushed.size >= ipa + 102 * K4);
}

/* Mapping a page inside a 1 GiB block splits it twice and keeps the rest. */
static void test_split_on_map(void **state)
{
	struct s2fx *f = *state;
	uint64_t pa = 30 * G1, page = 2 * G1 + 300 * M2 + 17 * K4;
	struct s2w_stats st;

	assert_int_equal(stage2_map(&f->s2, 2 * G1, pa, G1,
				    (struct s2_attrs){3, S2_MEM_NORMAL, 1}),
			 HV_OK);
	assert_int_equal(stage2_map(&f->s2, page, 0x5000, K4,
				    (struct s2_attrs){1, S2_MEM_DEVICE, 2}),
			 HV_OK);
	struct s2w_result r = expect_leaf(f, page, 0x5000, 3);
	assert_int_equal(r.mem, S2W_MEM_DEVICE_NGNRNE);
	assert_int_equal(r.sw, 2);
	r = expect_leaf(f, page - K4, pa + page - K4 - 2 * G1, 3);
	assert_int_equal(r.sw, 1);
	assert_true(r.write);
	expect_leaf(f, page + K4, pa + page + K4 - 2 * G1, 3);
	expect_leaf(f, 2 * G1, pa, 2);
	expect_leaf(f, 3 * G1 - K4, pa + G1 - K4, 2);
	expect_consistent(f, &st);
	assert_int_equal(st.leaves[2], 511);
	assert_int_equal(st.leaves[3], 512);

	/* Mapping the same translation again is a no-op, even partially. */
	struct s2fx_snap *snap = s2fx_snapshot(f);
	unsigned long flushes = tlb_flushes();
	assert_int_equal(stage2_map(&f->s2, 2 * G1 + M2, pa + M2, M2,
				    (struct s2_attrs){3, S2_MEM_NORMAL, 1}),
			 HV_OK);
	assert_true(s2fx_unchanged(f, snap));
	assert_int_equal(tlb_flushes(), flushes);
	s2fx_snap_free(snap);
}

/* Remapping the whole of a split region as one block frees its tables. */
static void test_map_replaces_tables(void **state)
{
	struct s2fx *f = *state;
	struct s2w_stats st;

	for (uint64_t i = 0; i < 4; i++)
		assert_int_equal(
		    stage2_map(&f->s2, G1 + i * 3 * M2, i * K4, K4, RW_NORMAL),
		    HV_OK);
	expect_consistent(f, &st);
	assert_int_equal(st.tables, 1 + 1 + 4);
	unsigned long before = tlb_flushes();
	assert_int_equal(stage2_map(&f->s2, G1, 40 * G1, G1, RWX_NORMAL),
			 HV_OK);
	assert_true(tlb_flushes() > before);
	expect_leaf(f, G1 + 3 * M2, 40 * G1 + 3 * M2, 1);
	expect_consistent(f, &st);
	assert_int_equal(st.tables, 1);
	assert_int_equal(f->pool.nfree, f->npages - 1);
}

static void test_protect_hole_is_enoent(void **state)
{
	struct s2fx *f = *state;
	uint64_t a = 2 * G1;

	assert_int_equal(stage2_map(&f->s2, a, 0, 2 * K4, RW_NORMAL), HV_OK);
	assert_int_equal(stage2_map(&f->s2, a + 3 * K4, 0, K4, RW_NORMAL),
			 HV_OK);
	assert_int_equal(stage2_map(&f->s2, 4 * G1, 0, G1, RW_NORMAL), HV_OK);

	struct s2fx_snap *snap = s2fx_snapshot(f);
	unsigned long flushes = tlb_flushes();
	assert_int_equal(stage2_protect(&f->s2, a, 4 * K4, S2_PERM_R),
			 HV_ENOENT);
	assert_int_equal(stage2_set_sw(&f->s2, a, 4 * K4, 3), HV_ENOENT);
	/* The hole after a block: the block must not even be split. */
	assert_int_equal(stage2_protect(&f->s2, 5 * G1 - M2, 2 * M2, S2_PERM_R),
			 HV_ENOENT);
	assert_int_equal(stage2_protect(&f->s2, 7 * G1, K4, 0), HV_ENOENT);
	assert_true(s2fx_unchanged(f, snap));
	assert_int_equal(tlb_flushes(), flushes);
	s2fx_snap_free(snap);

	/* Without the hole it works. */
	assert_int_equal(stage2_protect(&f->s2, a, 2 * K4, S2_PERM_R), HV_OK);
	struct s2w_result r = expect_leaf(f, a + K4, K4, 3);
	assert_false(r.write);
}

static void test_sw_bits(void **state)
{
	struct s2fx *f = *state;
	struct s2_attrs got;

	assert_int_equal(stage2_map(&f->s2, 0, 0, G1, RWX_NORMAL), HV_OK);
	for (uint8_t sw = 0; sw < 16; sw++) {
		uint64_t ipa = sw * M2 + K4;

		assert_int_equal(stage2_set_sw(&f->s2, ipa, K4, sw), HV_OK);
		assert_int_equal(stage2_lookup(&f->s2, ipa, NULL, &got, NULL),
				 HV_OK);
		assert_int_equal(got.sw, sw);
		assert_int_equal(got.perm, 7);
		struct s2w_result r = expect_leaf(f, ipa, ipa, sw ? 3 : 1);
		assert_int_equal(r.sw, sw);
		assert_int_equal(r.desc >> 55 & 15, sw);
	}
	/* Over the whole range: in place, no new split, no new table. */
	struct s2w_stats before, after;
	expect_consistent(f, &before);
	assert_int_equal(stage2_set_sw(&f->s2, 0, G1, 0xa), HV_OK);
	expect_consistent(f, &after);
	assert_memory_equal(&before, &after, sizeof(before));
	for (uint64_t ipa = 0; ipa < G1; ipa += M2 / 4) {
		/* Pages where the loop above split 2 MiB blocks. */
		unsigned level = ipa >= M2 && ipa < 16 * M2 ? 3 : 2;

		assert_int_equal(expect_leaf(f, ipa, ipa, level).sw, 0xa);
	}
	/* Protect keeps the sw bits and sw keeps the permissions. */
	assert_int_equal(stage2_protect(&f->s2, 0, G1, S2_PERM_R), HV_OK);
	struct s2w_result r = expect_leaf(f, G1 - K4, G1 - K4, 2);
	assert_int_equal(r.sw, 0xa);
	assert_false(r.write);
	assert_int_equal(stage2_set_sw(&f->s2, 0, G1, 16), HV_EINVAL);
}

static void test_invalid_args_change_nothing(void **state)
{
	struct s2fx *f = *state;
	const uint64_t top = 1ull << 39, pa_top = 1ull << 40;
	struct s2_attrs ok = RW_NORMAL;

	assert_int_equal(stage2_map(&f->s2, G1, G1, 3 * M2, ok), HV_OK);
	struct s2fx_snap *snap = s2fx_snapshot(f);
	unsigned long flushes = tlb_flushes();

	const struct {
		uint64_t ipa, pa, size;
		int err;
	} bad[] = {
	    {G1 + 8, 0, K4, HV_EINVAL},
	    {G1, 0x10, K4, HV_EINVAL},
	    {G1, 0, K4 + 1, HV_EINVAL},
	    {G1, 0, 0, HV_EINVAL},
	    {top, 0, K4, HV_ERANGE},
	    {top - K4, 0, 2 * K4, HV_ERANGE},
	    {0, 0, top + K4, HV_ERANGE},
	    {~0ull - K4 + 1, 0, 2 * K4, HV_ERANGE}, /* wraps */
	    {0, 0, ~0ull - K4 + 1, HV_ERANGE},
	    {0, pa_top, K4, HV_ERANGE},
	    {0, pa_top - K4, 2 * K4, HV_ERANGE},
	    {0, ~0ull - K4 + 1, 2 * K4, HV_ERANGE},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(
		    stage2_map(&f->s2, bad[i].ipa, bad[i].pa, bad[i].size, ok),
		    bad[i].err);
		if (bad[i].pa != 0)
			continue; /* the others do not take a pa */
		assert_int_equal(stage2_unmap(&f->s2, bad[i].ipa, bad[i].size),
				 bad[i].err);
		assert_int_equal(
		    stage2_protect(&f->s2, bad[i].ipa, bad[i].size, S2_PERM_R),
		    bad[i].err);
		assert_int_equal(
		    stage2_set_sw(&f->s2, bad[i].ipa, bad[i].size, 1),
		    bad[i].err);
	}
	assert_int_equal(
	    stage2_map(&f->s2, G1, 0, K4, (struct s2_attrs){8, 0, 0}),
	    HV_EINVAL);
	assert_int_equal(
	    stage2_map(&f->s2, G1, 0, K4, (struct s2_attrs){1, 2, 0}),
	    HV_EINVAL);
	assert_int_equal(
	    stage2_map(&f->s2, G1, 0, K4, (struct s2_attrs){1, 0, 16}),
	    HV_EINVAL);
	assert_int_equal(stage2_protect(&f->s2, G1, K4, 0x80), HV_EINVAL);
	assert_int_equal(stage2_set_sw(&f->s2, G1, K4, 0x10), HV_EINVAL);
	assert_int_equal(stage2_lookup(&f->s2, top, NULL, NULL, NULL),
			 HV_ENOENT);
	assert_true(s2fx_unchanged(f, snap));
	assert_int_equal(tlb_flushes(), flushes);
	s2fx_snap_free(snap);

	/* The very ends of both ranges are fine. */
	assert_int_equal(stage2_map(&f->s2, top - K4, pa_top - K4, K4, ok),
			 HV_OK);
	expect_leaf(f, top - K4, pa_top - K4, 3);
	assert_int_equal(stage2_map(&f->s2, top - G1, 0, G1, ok), HV_OK);
	expect_leaf(f, top - K4, G1 - K4, 1);
}

static void test_unmap_frees_empty_tables(void **state)
{
	struct s2fx *f = *state;
	struct s2w_stats st;
	const uint64_t ipas[] = {0, 5 * M2 + K4, G1 + 9 * K4, 300 * G1};

	for (size_t i = 0; i < 4; i++)
		assert_int_equal(
		    stage2_map(&f->s2, ipas[i], ipas[i], K4, RW_NORMAL), HV_OK);
	expect_consistent(f, &st);
	assert_int_equal(st.tables, 1 + 3 + 4);
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(stage2_unmap(&f->s2, ipas[i], K4), HV_OK);
		expect_unmapped(f, ipas[i]);
		expect_consistent(f, &st); /* no empty table left behind */
	}
	assert_int_equal(st.tables, 1);
	assert_int_equal(f->pool.nfree, f->npages - 1);

	/* Unmapping nothing changes nothing and flushes nothing. */
	unsigned long flushes = tlb_flushes();
	assert_int_equal(stage2_unmap(&f->s2, 0, 1ull << 39), HV_OK);
	assert_int_equal(tlb_flushes(), flushes);

	/* A big unmap across blocks, tables and holes. */
	assert_int_equal(stage2_map(&f->s2, 0, 0, 3 * G1, RW_NORMAL), HV_OK);
	assert_int_equal(stage2_unmap(&f->s2, G1 + K4, K4), HV_OK);
	assert_int_equal(stage2_map(&f->s2, 10 * G1, 0, K4, RW_NORMAL), HV_OK);
	assert_int_equal(stage2_unmap(&f->s2, K4, 11 * G1), HV_OK);
	expect_leaf(f, 0, 0, 3);
	expect_consistent(f, &st);
	assert_int_equal(st.tables, 3);
	assert_int_equal(st.leaves[3], 1);
}

/* Fresh entries need no TLB maintenance; changed or removed ones do. */
static void test_tlb_maintenance(void **state)
{
	struct s2fx *f = *state;
	unsigned long n = tlb_flushes();

	assert_int_equal(stage2_map(&f->s2, G1, 0, 2 * M2, RW_NORMAL), HV_OK);
	assert_int_equal(tlb_flushes(), n);

	memset(&flushed, 0, sizeof(flushed));
	assert_int_equal(stage2_protect(&f->s2, G1, 2 * M2, S2_PERM_R), HV_OK);
	assert_true(tlb_flushes() > n);
	assert_int_equal(flushed.vmid, VMID);
	assert_true(flushed.ipa <= G1 &&
		    flushed.ipa + flushed.size >= G1 + 2 * M2);

	n = tlb_flushes();
	assert_int_equal(stage2_set_sw(&f->s2, G1 + M2, M2, 4), HV_OK);
	assert_true(tlb_flushes() > n);
	assert_true(flushed.ipa <= G1 + M2 &&
		    flushed.ipa + flushed.size >= G1 + 2 * M2);

	n = tlb_flushes();
	assert_int_equal(stage2_map(&f->s2, G1, M2, M2, RW_NORMAL), HV_OK);
	assert_true(tlb_flushes() > n);
	expect_leaf(f, G1, M2, 2);

	n = tlb_flushes();
	assert_int_equal(stage2_unmap(&f->s2, G1 + M2, K4), HV_OK);
	assert_true(tlb_flushes() > n);
	assert_true(flushed.ipa <= G1 + M2 &&
		    flushed.ipa + flushed.size >= G1 + M2 + K4);

	n = tlb_flushes();
	stage2_destroy(&f->s2);
	assert_true(tlb_flushes() > n);
	assert_int_equal(flushed.vmid, VMID);
	assert_int_equal(flushed.size, ~0ull); /* the whole VMID */
	assert_int_equal(f->pool.nfree, f->npages);
}

/*
 * Break-before-make: a live leaf that gets a new output address or becomes a
 * table is first made invalid and flushed, and a removed table page is only
 * returned to the pool after that flush.
 */
static void test_break_before_make(void **state)
{
	struct s2fx *f = *state;
	size_t nfree;

	assert_int_equal(stage2_map(&f->s2, G1, 0, 2 * M2, RW_NORMAL), HV_OK);
	bbm.f = f;
	bbm.ipa = G1 + M2 + 5 * K4;

	/* New output address for a 2 MiB block. */
	assert_int_equal(stage2_map(&f->s2, G1 + M2, 8 * M2, M2, RW_NORMAL),
			 HV_OK);
	assert_int_equal(bbm.flushes_while_invalid, 1);
	expect_leaf(f, bbm.ipa, 8 * M2 + 5 * K4, 2);

	/* Block to table (split by an unmap elsewhere in the block). */
	bbm.flushes_while_invalid = 0;
	assert_int_equal(stage2_unmap(&f->s2, G1 + M2, K4), HV_OK);
	assert_int_equal(bbm.flushes_while_invalid, 1);
	expect_leaf(f, bbm.ipa, 8 * M2 + 5 * K4, 3);

	/* Table to block: the L3 page is freed only after the flush. */
	bbm.flushes_while_invalid = 0;
	nfree = f->pool.nfree;
	assert_int_equal(stage2_map(&f->s2, G1 + M2, 8 * M2, M2, RW_NORMAL),
			 HV_OK);
	assert_int_equal(bbm.flushes_while_invalid, 1);
	assert_int_equal(bbm.nfree_at_flush, nfree);
	assert_int_equal(f->pool.nfree, nfree + 1);

	/* Permission-only changes are made in place: never invalid. */
	bbm.flushes_while_invalid = 0;
	assert_int_equal(stage2_protect(&f->s2, G1, 2 * M2, S2_PERM_R), HV_OK);
	assert_int_equal(stage2_set_sw(&f->s2, G1, 2 * M2, 7), HV_OK);
	assert_int_equal(bbm.flushes_while_invalid, 0);
	bbm.f = NULL;
}

/* A tiny budget: each failing call reports ENOMEM and changes nothing, even
 * when its first part alone would have fitted. */
static void test_budget_exhaustion(void **state)
{
	struct s2fx *f = *state;
	struct s2fx *g = s2fx_new(4, 9); /* root + 3 tables */
	struct s2w_stats st;

	(void)f;
	assert_non_null(g);
	/* Identity map across two 1 GiB regions: 2 + 2 tables, though the
	 * first region alone would fit. */
	struct s2fx_snap *snap = s2fx_snapshot(g);
	assert_int_equal(
	    stage2_map(&g->s2, M2 - K4, M2 - K4, 2 * K4 + G1, RW_NORMAL),
	    HV_ENOMEM);
	assert_true(s2fx_unchanged(g, snap));
	expect_unmapped(g, M2 - K4);
	s2fx_snap_free(snap);

	/* Exactly enough: 1 GiB block + a page needing L2 and L3. */
	assert_int_equal(stage2_map(&g->s2, G1, 0, G1, RW_NORMAL), HV_OK);
	assert_int_equal(stage2_map(&g->s2, 0, 0, K4, RW_NORMAL), HV_OK);
	assert_int_equal(g->pool.nfree, 1);
	assert_int_equal(stage2_map(&g->s2, 2 * M2, 0, K4, RW_NORMAL), HV_OK);
	assert_int_equal(g->pool.nfree, 0);
	expect_consistent(g, &st);

	/* Splitting the 1 GiB block now needs pages we do not have. */
	snap = s2fx_snapshot(g);
	unsigned long flushes = tlb_flushes();
	assert_int_equal(stage2_unmap(&g->s2, G1, K4), HV_ENOMEM);
	assert_int_equal(stage2_protect(&g->s2, G1 + M2, M2, S2_PERM_R),
			 HV_ENOMEM);
	assert_int_equal(stage2_set_sw(&g->s2, G1, K4, 1), HV_ENOMEM);
	assert_int_equal(stage2_map(&g->s2, 4 * G1, 0, K4, RW_NORMAL),
			 HV_ENOMEM);
	assert_true(s2fx_unchanged(g, snap));
	assert_int_equal(tlb_flushes(), flushes);
	s2fx_snap_free(snap);
	expect_leaf(g, G1 + K4, K4, 1);

	/* Whole-leaf changes need no page and still work. */
	assert_int_equal(stage2_protect(&g->s2, G1, G1, S2_PERM_R), HV_OK);
	assert_int_equal(stage2_unmap(&g->s2, 2 * M2, K4), HV_OK);
	assert_int_equal(g->pool.nfree, 1); /* the emptied L3 came back */
	expect_consistent(g, &st);
	stage2_destroy(&g->s2);
	assert_int_equal(g->pool.nfree, 4);
	s2fx_free(g);
}

/*
 * Fault injection: the pool claims more pages than its free list holds, so
 * the dry run passes and an allocation fails half way through the real run.
 * The part done stays done, the rest stays as it was, the tables are well
 * formed and every page is accounted for.
 */
static void test_enomem_mid_walk_is_consistent(void **state)
{
	struct s2fx *f = *state;
	const size_t lie = 1000;
	const uint64_t delta = 50 * G1, delta2 = 70 * G1;
	uint64_t stolen[64];
	size_t nstolen = 0;

	assert_int_equal(stage2_map(&f->s2, 0, delta, 8 * G1, RW_NORMAL),
			 HV_OK);
	while (f->pool.nfree > 2)
		assert_non_null(page_pool_alloc(&f->pool, &stolen[nstolen++]));

	/* Region 0 needs one L2 table, region 1 an L2 and an L3: 3 > 2. */
	f->pool.nfree += lie;
	assert_int_equal(stage2_map(&f->s2, G1 - M2, G1 - M2 + delta2,
				    2 * M2 + K4, RWX_NORMAL),
			 HV_ENOMEM);
	f->pool.nfree -= lie;
	assert_int_equal(f->pool.nfree, 1);
	expect_leaf(f, G1 - M2, G1 - M2 + delta2, 2);	       /* done */
	expect_leaf(f, G1 - M2 - K4, G1 - M2 - K4 + delta, 2); /* kept */
	expect_leaf(f, 0, delta, 2);
	expect_leaf(f, G1, G1 + delta, 1); /* untouched */
	expect_leaf(f, G1 + M2, G1 + M2 + delta, 1);

	/* Protect: region 0 changes in place, region 1 needs 2 pages. */
	f->pool.nfree += lie;
	assert_int_equal(stage2_protect(&f->s2, G1 - M2, M2 + K4, S2_PERM_R),
			 HV_ENOMEM);
	f->pool.nfree -= lie;
	assert_int_equal(f->pool.nfree, 1);
	assert_false(expect_leaf(f, G1 - M2, G1 - M2 + delta2, 2).write);
	assert_true(expect_leaf(f, G1, G1 + delta, 1).write);

	/* Unmap: the same shape of failure. */
	f->pool.nfree += lie;
	assert_int_equal(stage2_unmap(&f->s2, G1 - M2, M2 + K4), HV_ENOMEM);
	f->pool.nfree -= lie;
	expect_unmapped(f, G1 - M2);
	expect_leaf(f, G1, G1 + delta, 1);

	for (size_t i = 0; i < nstolen; i++)
		page_pool_free(&f->pool, stolen[i]);
	expect_consistent(f, NULL);
}

/* A corrupted table descriptor (pointing outside the pool) is refused, not
 * followed. */
static void test_corrupt_table_pointer(void **state)
{
	struct s2fx *f = *state;
	uint64_t saved;

	assert_int_equal(stage2_map(&f->s2, G1, 0, K4, RW_NORMAL), HV_OK);
	saved = f->s2.root[1];
	f->s2.root[1] = 0x7000000003ull; /* a table outside the pool */
	struct s2fx_snap *snap = s2fx_snapshot(f);
	assert_int_equal(stage2_map(&f->s2, G1 + K4, 0, K4, RW_NORMAL),
			 HV_EINVAL);
	assert_int_equal(stage2_unmap(&f->s2, G1, K4), HV_EINVAL);
	assert_int_equal(stage2_protect(&f->s2, G1, K4, 1), HV_EINVAL);
	assert_int_equal(stage2_lookup(&f->s2, G1, NULL, NULL, NULL),
			 HV_ENOENT);
	assert_true(s2fx_unchanged(f, snap));
	s2fx_snap_free(snap);
	/* Replacing the whole entry does not follow the pointer either. */
	assert_int_equal(stage2_unmap(&f->s2, G1, G1), HV_OK);
	assert_int_equal(f->s2.root[1], 0);
	assert_int_equal(f->pool.bad_frees, 0);
	f->s2.root[1] = saved; /* give the real tables back for destroy */
	expect_consistent(f, NULL);
}

static void test_destroy(void **state)
{
	struct s2fx *f = *state;

	assert_int_equal(
	    stage2_map(&f->s2, 0, 0, 3 * G1 + 5 * M2 + 3 * K4, RW_NORMAL),
	    HV_OK);
	assert_int_equal(
	    stage2_map(&f->s2, 100 * G1 + K4, K4, 2 * M2, RW_NORMAL), HV_OK);
	assert_int_equal(stage2_unmap(&f->s2, G1 + 5 * K4, K4), HV_OK);
	assert_true(f->pool.nfree < f->npages - 4);
	stage2_destroy(&f->s2);
	assert_int_equal(f->pool.nfree, f->npages);
	assert_int_equal(f->pool.bad_frees, 0);
	stage2_destroy(&f->s2); /* twice is harmless */
	assert_int_equal(f->pool.bad_frees, 0);
	assert_int_equal(stage2_map(&f->s2, 0, 0, K4, RW_NORMAL), HV_EINVAL);
	assert_int_equal(stage2_unmap(&f->s2, 0, K4), HV_EINVAL);
	assert_int_equal(stage2_protect(&f->s2, 0, K4, 1), HV_EINVAL);
	assert_int_equal(stage2_set_sw(&f->s2, 0, K4, 1), HV_EINVAL);
	assert_int_equal(stage2_lookup(&f->s2, 0, NULL, NULL, NULL), HV_ENOENT);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_registers),
	    T(test_init_args),
	    T(test_leaf_1g),
	    T(test_leaf_2m_and_4k),
	    T(test_leaf_limited_by_pa_alignment),
	    T(test_leaf_mix),
	    T(test_attr_encoding),
	    T(test_split_1g_on_unmap),
	    T(test_split_2m_on_protect),
	    T(test_split_on_map),
	    T(test_map_replaces_tables),
	    T(test_protect_hole_is_enoent),
	    T(test_sw_bits),
	    T(test_invalid_args_change_nothing),
	    T(test_unmap_frees_empty_tables),
	    T(test_tlb_maintenance),
	    T(test_break_before_make),
	    T(test_budget_exhaustion),
	    T(test_enomem_mid_walk_is_consistent),
	    T(test_corrupt_table_pointer),
	    T(test_destroy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
