/*
 * Stage-2 against a reference model: seeded random map/unmap/protect/set_sw
 * sequences over a 2 GiB IPA window, with the resulting tables decoded by the
 * independent walker and compared page by page with the model. Run once with
 * a budget that never runs out and once with a tiny one, where every failing
 * call must leave the tables byte-for-byte unchanged.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
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
#define WSIZE (2 * G1)
#define WPAGES (WSIZE / K4)

/* One model page: 0 if unmapped. */
#define M_VALID (1ull << 63)
#define M_PFN(e) ((e)&0xfffffffull)
#define M_PERM(e) ((unsigned)((e) >> 32) & 7)
#define M_MEM(e) ((unsigned)((e) >> 35) & 1)
#define M_SW(e) ((unsigned)((e) >> 36) & 15)

struct model {
	struct s2fx *f;
	uint64_t base; /* IPA of the window */
	uint64_t *page;
	uint64_t seed;
	bool tiny_pool;
	bool coarse; /* mostly 2 MiB / 1 GiB ranges: blocks survive longer */
	unsigned long ops[4], fails[3]; /* by kind; ENOENT/ENOMEM/other */
	unsigned long peak_tables, leaves[4], spotted[4];
	bool live_changed; /* the last op changed a valid translation */
};

static uint64_t rnd(struct model *m)
{
	uint64_t x = m->seed;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	m->seed = x;
	return x;
}

static uint64_t rnd_below(struct model *m, uint64_t n)
{
	return (rnd(m) >> 11) % n;
}

static void model_set(struct model *m, uint64_t *e, uint64_t val)
{
	if (*e && *e != val)
		m->live_changed = true;
	*e = val;
}

static uint64_t model_entry(uint64_t pa, struct s2_attrs a)
{
	return M_VALID | pa >> 12 | (uint64_t)a.perm << 32 |
	       (uint64_t)a.memtype << 35 | (uint64_t)a.sw << 36;
}

static void expect_page(struct model *m, uint64_t ipa)
{
	uint64_t e = m->page[(ipa - m->base) / K4];
	struct s2w_result r;
	enum s2w_status s = s2w_translate(&m->f->walk, ipa, &r);

	if (!e) {
		assert_int_equal(s, S2W_FAULT_TRANSLATION);
		return;
	}
	assert_int_equal(s, S2W_OK);
	m->spotted[r.level]++;
	assert_int_equal(r.pa, M_PFN(e) << 12);
	assert_int_equal(r.read, !!(M_PERM(e) & S2_PERM_R));
	assert_int_equal(r.write, !!(M_PERM(e) & S2_PERM_W));
	assert_int_equal(r.exec_el1, !!(M_PERM(e) & S2_PERM_X));
	assert_int_equal(r.mem,
			 M_MEM(e) ? S2W_MEM_DEVICE_NGNRNE : S2W_MEM_NORMAL_WB);
	assert_int_equal(r.sw, M_SW(e));
}

/* Pages around and inside [ipa, end), out to the enclosing 1 GiB. */
static void spot_check(struct model *m, uint64_t ipa, uint64_t end)
{
	uint64_t wend = m->base + WSIZE;
	uint64_t lo = ipa & ~(G1 - 1), hi = (end + G1 - 1) & ~(G1 - 1);
	const uint64_t edges[] = {
	    ipa,      ipa + K4,	       end - K4,       end,
	    ipa - K4, ipa & ~(M2 - 1), end | (M2 - K4)};

	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
		if (edges[i] >= m->base && edges[i] < wend)
			expect_page(m, edges[i]);
	for (int i = 0; i < 48; i++)
		expect_page(m, lo + rnd_below(m, (hi - lo) / K4) * K4);
}

struct full_check {
	struct model *m;
	uint64_t pages;
};

static bool check_leaf(void *arg, const struct s2w_result *leaf)
{
	struct full_check *c = arg;
	struct model *m = c->m;

	assert_true(leaf->leaf_ipa >= m->base);
	assert_true(leaf->leaf_ipa + leaf->leaf_size <= m->base + WSIZE);
	assert_true(leaf->memattr == 0xf || leaf->memattr == 0);
	assert_int_equal(leaf->sh, 3);
	assert_int_equal((leaf->desc >> 53) & 1, 0);
	assert_false(leaf->contiguous);
	for (uint64_t off = 0; off < leaf->leaf_size; off += K4) {
		uint64_t e = m->page[(leaf->leaf_ipa + off - m->base) / K4];

		assert_true(e & M_VALID);
		assert_int_equal(M_PFN(e) << 12, leaf->pa + off);
		assert_int_equal(M_PERM(e),
				 (leaf->read ? S2_PERM_R : 0) |
				     (leaf->write ? S2_PERM_W : 0) |
				     (leaf->exec_el1 ? S2_PERM_X : 0));
		assert_int_equal(M_MEM(e), leaf->memattr == 0);
		assert_int_equal(M_SW(e), leaf->sw);
	}
	c->pages += leaf->leaf_size / K4;
	return true;
}

static void full_check(struct model *m)
{
	struct full_check c = {.m = m};
	struct s2w_stats st;
	uint64_t valid = 0;

	assert_true(s2w_scan(&m->f->walk, check_leaf, &c, &st));
	for (uint64_t i = 0; i < WPAGES; i++)
		valid += (m->page[i] & M_VALID) != 0;
	assert_int_equal(c.pages, valid);
	assert_true(s2fx_consistent(m->f, &st));
	if (st.tables > m->peak_tables)
		m->peak_tables = st.tables;
	for (int l = 1; l < 4; l++)
		m->leaves[l] += st.leaves[l];
}

static struct s2_attrs random_attrs(struct model *m)
{
	uint64_t r = rnd(m);

	return (struct s2_attrs){(uint8_t)(r & 7), (uint8_t)((r >> 3) & 1),
				 (uint8_t)((r >> 4) & 15)};
}

static void random_range(struct model *m, uint64_t *ipa, uint64_t *size)
{
	uint64_t a = m->base + rnd_below(m, WPAGES) * K4;
	uint64_t wend = m->base + WSIZE, s;

	switch (rnd_below(m, 6)) {
	case 0:
	case 1:
		a &= ~(M2 - 1);
		break;
	case 2:
	case 3:
		a &= ~(G1 - 1);
		break;
	}
	switch (rnd_below(m, 10)) {
	case 0:
	case 1:
	case 2:
	case 3:
		s = (1 + rnd_below(m, 16)) * K4;
		break;
	case 4:
	case 5:
	case 6:
		s = (1 + rnd_below(m, 3)) * M2;
		break;
	case 7:
	case 8:
		s = G1;
		break;
	default:
		s = (1 + rnd_below(m, 2048)) * K4;
		break;
	}
	if (m->coarse && rnd_below(m, 10) != 0) {
		a &= ~(M2 - 1);
		s = rnd_below(m, 2) ? G1 : (1 + rnd_below(m, 64)) * M2;
	}
	if (m->tiny_pool && s > 4 * M2)
		s = 4 * M2;
	*ipa = a;
	*size = s < wend - a ? s : wend - a;
}

/* The largest leaf a map of [ipa, end) to ipa+delta may use for page p. */
static unsigned best_level(uint64_t p, uint64_t ipa, uint64_t end,
			   uint64_t delta)
{
	const uint64_t sizes[] = {G1, M2};

	for (unsigned l = 0; l < 2; l++) {
		uint64_t b = p & ~(sizes[l] - 1);

		if (b >= ipa && b + sizes[l] <= end &&
		    (delta & (sizes[l] - 1)) == 0)
			return l + 1;
	}
	return 3;
}

static void do_map(struct model *m, uint64_t ipa, uint64_t size, int *rc)
{
	uint64_t off = ipa - m->base, pa;
	struct s2_attrs a = random_attrs(m);

	/* Coarse runs keep pa at least 2 MiB aligned so blocks are used. */
	switch (rnd_below(m, m->coarse ? 3 : 4)) {
	case 0:
	case 2:
		pa = 64 * G1 + off; /* keeps 1 GiB congruence */
		break;
	case 1:
		pa = 128 * G1 + M2 + off; /* 2 MiB only */
		break;
	default:
		pa = 256 * G1 + (1 + rnd_below(m, 511)) * K4 + off;
		break;
	}
	*rc = stage2_map(&m->f->s2, ipa, pa, size, a);
	if (*rc != HV_OK)
		return;
	for (uint64_t i = 0; i < size / K4; i++)
		model_set(m, &m->page[off / K4 + i],
			  model_entry(pa + i * K4, a));
	for (int i = 0; i < 8; i++) {
		uint64_t p = ipa + rnd_below(m, size / K4) * K4;
		struct s2w_result r;

		assert_int_equal(s2w_translate(&m->f->walk, p, &r), S2W_OK);
		assert_true(r.level <=
			    best_level(p, ipa, ipa + size, pa - ipa));
	}
}

static bool range_mapped(struct model *m, uint64_t ipa, uint64_t size)
{
	for (uint64_t i = 0; i < size / K4; i++)
		if (!m->page[(ipa - m->base) / K4 + i])
			return false;
	return true;
}

static void step(struct model *m)
{
	uint64_t ipa, size;
	unsigned kind = (unsigned)rnd_below(m, 20);
	unsigned long flushes = sim_hal_stats()->tlb_flushes;
	struct s2fx_snap *snap = m->tiny_pool ? s2fx_snapshot(m->f) : NULL;
	bool hole;
	int rc;

	random_range(m, &ipa, &size);
	uint64_t *pg = &m->page[(ipa - m->base) / K4];
	hole = !range_mapped(m, ipa, size);
	m->live_changed = false;

	if (kind < 8) {
		m->ops[0]++;
		do_map(m, ipa, size, &rc);
	} else if (kind < 13) {
		m->ops[1]++;
		rc = stage2_unmap(&m->f->s2, ipa, size);
		for (uint64_t i = 0; rc == HV_OK && i < size / K4; i++)
			model_set(m, &pg[i], 0);
	} else if (kind < 17) {
		uint8_t perm = (uint8_t)rnd_below(m, 8);

		m->ops[2]++;
		rc = stage2_protect(&m->f->s2, ipa, size, perm);
		assert_int_equal(rc == HV_ENOENT, hole);
		for (uint64_t i = 0; rc == HV_OK && i < size / K4; i++)
			model_set(m, &pg[i],
				  (pg[i] & ~(7ull << 32)) | (uint64_t)perm
								<< 32);
	} else {
		uint8_t sw = (uint8_t)rnd_below(m, 16);

		m->ops[3]++;
		rc = stage2_set_sw(&m->f->s2, ipa, size, sw);
		assert_int_equal(rc == HV_ENOENT, hole);
		for (uint64_t i = 0; rc == HV_OK && i < size / K4; i++)
			model_set(m, &pg[i],
				  (pg[i] & ~(15ull << 36)) | (uint64_t)sw
								 << 36);
	}

	if (rc == HV_ENOENT)
		m->fails[0]++;
	else if (rc == HV_ENOMEM)
		m->fails[1]++;
	else if (rc != HV_OK)
		m->fails[2]++;
	assert_true(rc == HV_OK || rc == HV_ENOENT ||
		    (rc == HV_ENOMEM && m->tiny_pool));
	if (rc != HV_OK) {
		assert_int_equal(sim_hal_stats()->tlb_flushes, flushes);
		if (snap)
			assert_true(s2fx_unchanged(m->f, snap));
	} else if (m->live_changed) {
		/* A valid translation changed or went away. */
		assert_true(sim_hal_stats()->tlb_flushes > flushes);
	}
	s2fx_snap_free(snap);
	spot_check(m, ipa, ipa + size);
}

static void run_model(uint64_t base, size_t npages, bool tiny, bool coarse,
		      uint64_t seed, int steps)
{
	struct model m = {
	    .base = base, .seed = seed, .tiny_pool = tiny, .coarse = coarse};

	sim_hal_reset();
	m.f = s2fx_new(npages, 3);
	assert_non_null(m.f);
	m.page = calloc(WPAGES, sizeof(*m.page));
	assert_non_null(m.page);

	for (int i = 0; i < steps; i++) {
		step(&m);
		if (i % 32 == 31)
			full_check(&m);
	}
	full_check(&m);
	print_message("model: map %lu unmap %lu protect %lu set_sw %lu, "
		      "ENOENT %lu ENOMEM %lu, peak tables %lu\n",
		      m.ops[0], m.ops[1], m.ops[2], m.ops[3], m.fails[0],
		      m.fails[1], m.peak_tables);
	print_message("model: leaves in full checks by level 1/2/3: %lu %lu "
		      "%lu, in spot checks %lu %lu %lu\n",
		      m.leaves[1], m.leaves[2], m.leaves[3], m.spotted[1],
		      m.spotted[2], m.spotted[3]);
	/* Every kind of operation ran and both outcomes were seen. */
	for (int k = 0; k < 4; k++)
		assert_true(m.ops[k] > 0);
	assert_true(m.fails[0] > 0);
	assert_int_equal(m.fails[2], 0);
	if (tiny)
		assert_true(m.fails[1] > 0);
	for (int l = 1; l < 4; l++)
		assert_true(m.spotted[l] > 0 || (tiny && l == 1));

	/* Clearing the window gives back every table but the root. */
	assert_int_equal(stage2_unmap(&m.f->s2, base, WSIZE), HV_OK);
	memset(m.page, 0, WPAGES * sizeof(*m.page));
	full_check(&m);
	assert_int_equal(m.f->pool.nfree, npages - 1);
	stage2_destroy(&m.f->s2);
	assert_int_equal(m.f->pool.nfree, npages);
	free(m.page);
	s2fx_free(m.f);
}

/* Two 1 GiB regions from 1 GiB up; the budget covers the worst case
 * (root + 2 L2 + 1024 L3 tables). */
static void test_model_ample_budget(void **state)
{
	(void)state;
	run_model(G1, 1100, false, false, 0x2545f4914f6cdd1dull, 1500);
}

/* Mostly block-sized ranges, so 1 GiB and 2 MiB leaves get split and
 * replaced rather than ground into pages at once. */
static void test_model_blocks(void **state)
{
	(void)state;
	run_model(0, 1100, false, true, 0xd1b54a32d192ed03ull, 1500);
}

/* The top of the IPA space, with a budget of 12 pages. */
static void test_model_tiny_budget(void **state)
{
	(void)state;
	run_model((1ull << 39) - WSIZE, 12, true, false, 0x9e3779b97f4a7c15ull,
		  1500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_model_ample_budget),
	    cmocka_unit_test(test_model_blocks),
	    cmocka_unit_test(test_model_tiny_budget),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
