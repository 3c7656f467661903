/*
 * The page-ownership table (src/mm/owner.c) over two real VMs: VM A (owner
 * id 1) with 8 MiB of RAM at PA 0x80000000, VM B (id 2) with 4 MiB at PA
 * 0x81000000, VM C (id 3) with 2 MiB at PA 0x81800000, all at IPA
 * 0x40000000. Stage-2 is read back with the sim's
 * own walker (sim/s2walk.h), never with src/mm, and the isolation checker
 * watches every Stage-2 change.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hv_err.h"
#include "isolation.h"
#include "mm/owner.h"
#include "s2walk.h"
#include "test_vm.h"

#define A 1u
#define B 2u
#define C 3u
#define BIT(id) (1u << (id))
#define K4 0x1000ull
#define M2 0x200000ull
#define B_RAM_PA 0x81000000ull
#define B_RAM_SIZE 0x400000ull
#define C_RAM_PA 0x81800000ull
#define C_RAM_SIZE 0x200000ull
#define WIN 0x50000000ull /* free in B: where borrowed pages go */
#define NENTRIES 4096

/* Architectural permission masks as the walker reports them. */
#define P_R 1u
#define P_RW 3u
#define P_RWX 7u

struct snap_page {
	unsigned status;
	uint64_t pa;
	unsigned perm;
};

#define SNAP_A_PAGES 2048 /* A's RAM */
#define SNAP_B_PAGES 1024 /* B's window at WIN */

struct snap {
	struct owner_entry e[NENTRIES];
	struct snap_page a[SNAP_A_PAGES], b[SNAP_B_PAGES], bown[16];
};

struct fx {
	struct test_vm tv;
	struct vm *b, *c;
	struct owner_table t;
	struct owner_entry e[NENTRIES];
	struct snap before, after;
};

static struct fx fx;

static bool vm_regs(void *ctx, uint64_t *vttbr, uint64_t *vtcr)
{
	struct vm *const *slot = ctx;

	if (!*slot || !(*slot)->in_use || !(*slot)->s2.root)
		return false;
	*vttbr = stage2_vttbr(&(*slot)->s2);
	*vtcr = stage2_vtcr();
	return true;
}

static int setup(void **state)
{
	struct vm_config cb = {B_RAM_PA, B_RAM_SIZE, 1, false};
	struct vm_config cc = {C_RAM_PA, C_RAM_SIZE, 1, false};
	int err = -99;

	memset(&fx, 0, sizeof(fx));
	test_vm_setup(&fx.tv, 8 << 20, 1);
	assert_int_equal(sim_iso_add_vm(1, vm_regs, &fx.b), 0);
	fx.b = vm_create(&cb, &fx.tv.pool, &err);
	assert_non_null(fx.b);
	assert_int_equal(sim_iso_add_vm(2, vm_regs, &fx.c), 0);
	fx.c = vm_create(&cc, &fx.tv.pool, &err);
	assert_non_null(fx.c);
	assert_int_equal(owner_init(&fx.t, fx.e, NENTRIES), OWNER_OK);
	assert_int_equal(owner_add_vm(&fx.t, A, &fx.tv.vm->s2), OWNER_OK);
	assert_int_equal(owner_add_vm(&fx.t, B, &fx.b->s2), OWNER_OK);
	assert_int_equal(owner_add_vm(&fx.t, C, &fx.c->s2), OWNER_OK);
	assert_int_equal(
	    owner_add_region(&fx.t, A, 0x80000000, 0x800000, 0x40000000, 7),
	    OWNER_OK);
	assert_int_equal(
	    owner_add_region(&fx.t, B, B_RAM_PA, B_RAM_SIZE, 0x40000000, 7),
	    OWNER_OK);
	assert_int_equal(owner_add_region(&fx.t, OWNER_HYP, TEST_POOL_PA,
					  TEST_POOL_PAGES * K4, 0, 0),
			 OWNER_OK);
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	assert_int_equal(f->t.rollback_failures, 0);
	vm_destroy(f->c);
	f->c = NULL;
	vm_destroy(f->b);
	f->b = NULL;
	test_vm_teardown(&f->tv);
	return 0;
}

static void walk(const struct vm *vm, uint64_t ipa, struct s2w_result *r)
{
	struct s2w_cfg c;

	/* HCR_EL2.VM = bit 0; the registers the core programs for vm. */
	assert_true(
	    s2w_config_from_regs(1, stage2_vttbr(&vm->s2), stage2_vtcr(), &c));
	s2w_lookup(&c, ipa, r);
}

static void snap_one(const struct vm *vm, uint64_t ipa, struct snap_page *p)
{
	struct s2w_result r;

	walk(vm, ipa, &r);
	p->status = r.status;
	p->pa = r.status == S2W_OK ? r.pa : 0;
	p->perm = r.perm;
}

static void snapshot(struct fx *f, struct snap *s)
{
	memcpy(s->e, f->e, sizeof(s->e));
	for (unsigned i = 0; i < SNAP_A_PAGES; i++)
		snap_one(f->tv.vm, 0x40000000 + i * K4, &s->a[i]);
	for (unsigned i = 0; i < SNAP_B_PAGES; i++)
		snap_one(f->b, WIN + i * K4, &s->b[i]);
	for (unsigned i = 0; i < 16; i++)
		snap_one(f->b, 0x40000000 + i * K4, &s->bown[i]);
}

static void assert_unchanged(struct fx *f)
{
	snapshot(f, &f->after);
	assert_memory_equal(f->before.e, f->after.e, sizeof(f->after.e));
	assert_memory_equal(f->before.a, f->after.a, sizeof(f->after.a));
	assert_memory_equal(f->before.b, f->after.b, sizeof(f->after.b));
	assert_memory_equal(f->before.bown, f->after.bown,
			    sizeof(f->after.bown));
}

/* vm maps ipa to pa with exactly perm (a walker permission mask). */
static void assert_maps(const struct vm *vm, uint64_t ipa, uint64_t pa,
			unsigned perm)
{
	struct s2w_result r;

	walk(vm, ipa, &r);
	assert_int_equal(r.status, S2W_OK);
	assert_int_equal(r.pa, pa);
	assert_int_equal(r.perm, perm);
}

static void assert_unmapped(const struct vm *vm, uint64_t ipa)
{
	struct s2w_result r;

	walk(vm, ipa, &r);
	assert_int_equal(r.status, S2W_FAULT_TRANSLATION);
}

static void test_share_relinquish_reclaim(void **state)
{
	struct fx *f = *state;
	struct owner_range r = {0x80100000, 0x2000, WIN};

	assert_int_equal(sim_iso_add_shared(0x80100000, 0x2000, 0x3), 0);
	assert_int_equal(owner_share(&f->t, A, BIT(B), &r, 1, 1), OWNER_OK);
	/* The borrower gets what was asked (read only), the owner keeps its
	 * own mapping. */
	assert_maps(f->b, WIN, 0x80100000, P_R);
	assert_maps(f->b, WIN + 0x1000, 0x80101000, P_R);
	assert_unmapped(f->b, WIN + 0x2000);
	assert_maps(f->tv.vm, 0x40100000, 0x80100000, P_RWX);
	assert_int_equal(owner_state_of(&f->t, A, 0x80101000),
			 OWNER_ST_OWNED_SHARED);
	assert_int_equal(owner_state_of(&f->t, B, 0x80101000),
			 OWNER_ST_BORROWED_SHARED);
	assert_int_equal(owner_entry_of(&f->t, 0x80100000)->borrowers, 0x4);

	/* Not while B holds it, and never by B. */
	snapshot(f, &f->before);
	assert_int_equal(owner_reclaim(&f->t, A, &r, 1), OWNER_E_DENIED);
	assert_int_equal(owner_reclaim(&f->t, B, &r, 1), OWNER_E_DENIED);
	assert_unchanged(f);

	assert_int_equal(owner_relinquish(&f->t, B, &r, 1), OWNER_OK);
	assert_unmapped(f->b, WIN);
	assert_unmapped(f->b, WIN + 0x1000);
	assert_maps(f->tv.vm, 0x40101000, 0x80101000, P_RWX);
	assert_int_equal(owner_state_of(&f->t, B, 0x80100000), OWNER_ST_NONE);
	/* Relinquished but not reclaimed: still not the owner's alone. */
	assert_int_equal(owner_state_of(&f->t, A, 0x80100000),
			 OWNER_ST_OWNED_SHARED);
	assert_int_equal(owner_reclaim(&f->t, B, &r, 1), OWNER_E_DENIED);
	assert_int_equal(owner_reclaim(&f->t, A, &r, 1), OWNER_OK);
	assert_int_equal(owner_state_of(&f->t, A, 0x80100000),
			 OWNER_ST_OWNED_EXCLUSIVE);
	assert_maps(f->tv.vm, 0x40100000, 0x80100000, P_RWX);
	assert_int_equal(sim_iso_check_all(), 0);
}

static void test_share_no_wider_than_owner(void **state)
{
	struct fx *f = *state;
	struct owner_range r = {0x80105000, 0x1000, WIN};

	/* A itself may only read the page: it cannot give write. */
	assert_int_equal(
	    stage2_protect(&f->tv.vm->s2, 0x40105000, 0x1000, S2_PERM_R),
	    HV_OK);
	snapshot(f, &f->before);
	assert_int_equal(owner_share(&f->t, A, BIT(B), &r, 1, 3),
			 OWNER_E_DENIED);
	assert_int_equal(owner_lend(&f->t, A, BIT(B), &r, 1, 3),
			 OWNER_E_DENIED);
	assert_unchanged(f);
	assert_int_equal(sim_iso_add_shared(0x80105000, 0x1000, 0x3), 0);
	assert_int_equal(owner_share(&f->t, A, BIT(B), &r, 1, 1), OWNER_OK);
	assert_maps(f->b, WIN, 0x80105000, P_R);
}

static void test_lend_relinquish_reclaim(void **state)
{
	struct fx *f = *state;
	struct owner_range r = {0x80102000, 0x1000, WIN + 0x3000};

	assert_int_equal(owner_lend(&f->t, A, BIT(B), &r, 1, 3), OWNER_OK);
	assert_unmapped(f->tv.vm, 0x40102000);
	assert_maps(f->tv.vm, 0x40101000, 0x80101000, P_RWX);
	assert_maps(f->tv.vm, 0x40103000, 0x80103000, P_RWX);
	assert_maps(f->b, WIN + 0x3000, 0x80102000, P_RW);
	assert_int_equal(owner_state_of(&f->t, A, 0x80102000), OWNER_ST_LENT);
	assert_int_equal(owner_state_of(&f->t, B, 0x80102000),
			 OWNER_ST_BORROWED_EXCLUSIVE);

	snapshot(f, &f->before);
	assert_int_equal(owner_reclaim(&f->t, A, &r, 1), OWNER_E_DENIED);
	/* Lent again, or shared, while lent: no. */
	assert_int_equal(owner_lend(&f->t, A, BIT(B), &r, 1, 1),
			 OWNER_E_DENIED);
	assert_unchanged(f);

	assert_int_equal(owner_relinquish(&f->t, B, &r, 1), OWNER_OK);
	assert_unmapped(f->b, WIN + 0x3000);
	assert_unmapped(f->tv.vm, 0x40102000);
	assert_int_equal(owner_reclaim(&f->t, A, &r, 1), OWNER_OK);
	assert_maps(f->tv.vm, 0x40102000, 0x80102000, P_RWX);
	assert_int_equal(owner_state_of(&f->t, A, 0x80102000),
			 OWNER_ST_OWNED_EXCLUSIVE);
	assert_int_equal(sim_iso_check_all(), 0);
}

/* Lent to two VMs: each borrows it shared; the owner gets it back only
 * once both have let go. */
static void test_lend_to_two(void **state)
{
	struct fx *f = *state;
	struct owner_range r = {0x80106000, 0x1000, WIN};

	/* Isolation checker ids: A 0, B 1, C 2. */
	assert_int_equal(sim_iso_add_shared(0x80106000, 0x1000, 0x6), 0);
	assert_int_equal(owner_lend(&f->t, A, BIT(B) | BIT(C), &r, 1, 1),
			 OWNER_OK);
	assert_unmapped(f->tv.vm, 0x40106000);
	assert_maps(f->b, WIN, 0x80106000, P_R);
	assert_maps(f->c, WIN, 0x80106000, P_R);
	assert_int_equal(owner_state_of(&f->t, B, 0x80106000),
			 OWNER_ST_BORROWED_SHARED);
	assert_int_equal(owner_state_of(&f->t, C, 0x80106000),
			 OWNER_ST_BORROWED_SHARED);

	assert_int_equal(owner_relinquish(&f->t, B, &r, 1), OWNER_OK);
	assert_unmapped(f->b, WIN);
	assert_maps(f->c, WIN, 0x80106000, P_R);
	snapshot(f, &f->before);
	assert_int_equal(owner_relinquish(&f->t, B, &r, 1), OWNER_E_DENIED);
	assert_int_equal(owner_reclaim(&f->t, A, &r, 1), OWNER_E_DENIED);
	assert_unchanged(f);

	assert_int_equal(owner_relinquish(&f->t, C, &r, 1), OWNER_OK);
	assert_unmapped(f->c, WIN);
	assert_int_equal(owner_reclaim(&f->t, A, &r, 1), OWNER_OK);
	assert_maps(f->tv.vm, 0x40106000, 0x80106000, P_RWX);
	assert_int_equal(sim_iso_check_all(), 0);
}

static void test_donate(void **state)
{
	struct fx *f = *state;
	struct owner_range r = {0x80104000, 0x1000, WIN + 0x10000};
	struct owner_range back = {0x80104000, 0x1000, 0x40104000};

	assert_int_equal(owner_donate(&f->t, A, B, &r, 1, 3), OWNER_OK);
	assert_unmapped(f->tv.vm, 0x40104000);
	assert_maps(f->b, WIN + 0x10000, 0x80104000, P_RW);
	assert_int_equal(owner_entry_of(&f->t, 0x80104000)->owner, B);
	assert_int_equal(owner_state_of(&f->t, A, 0x80104000), OWNER_ST_NONE);
	assert_int_equal(owner_state_of(&f->t, B, 0x80104000),
			 OWNER_ST_OWNED_EXCLUSIVE);

	/* A gave it away: A can neither lend, share, donate nor reclaim it. */
	snapshot(f, &f->before);
	assert_int_equal(owner_lend(&f->t, A, BIT(B), &back, 1, 1),
			 OWNER_E_DENIED);
	assert_int_equal(owner_donate(&f->t, A, B, &r, 1, 1), OWNER_E_DENIED);
	assert_int_equal(owner_reclaim(&f->t, A, &r, 1), OWNER_E_DENIED);
	assert_unchanged(f);

	/* B, the owner now, lends it on; its reclaim maps it back at the
	 * IPA and with the permission (RW) the donation gave it. */
	{
		struct owner_range on = {0x80104000, 0x1000, WIN + 0x20000};

		assert_int_equal(owner_lend(&f->t, B, BIT(C), &on, 1, P_R),
				 OWNER_OK);
		assert_unmapped(f->b, WIN + 0x10000);
		assert_maps(f->c, WIN + 0x20000, 0x80104000, P_R);
		assert_int_equal(owner_relinquish(&f->t, C, &on, 1), OWNER_OK);
		assert_int_equal(owner_reclaim(&f->t, B, &on, 1), OWNER_OK);
		assert_maps(f->b, WIN + 0x10000, 0x80104000, P_RW);
	}

	/* B, the owner now, can give it back, and B's own maps it as RW. */
	assert_int_equal(owner_donate(&f->t, B, A, &back, 1, 7),
			 OWNER_E_DENIED);
	assert_int_equal(owner_donate(&f->t, B, A, &back, 1, 3), OWNER_OK);
	assert_unmapped(f->b, WIN + 0x10000);
	assert_maps(f->tv.vm, 0x40104000, 0x80104000, P_RW);
	assert_int_equal(owner_entry_of(&f->t, 0x80104000)->owner, A);
	assert_int_equal(sim_iso_check_all(), 0);
}

static void test_refusals_change_nothing(void **state)
{
	struct fx *f = *state;
	struct owner_range ok = {0x80100000, 0x1000, WIN};
	struct owner_range bad[] = {
	    {0x80100800, 0x1000, WIN},		   /* misaligned PA */
	    {0x80100000, 0x1800, WIN},		   /* misaligned size */
	    {0x80100000, 0x1000, WIN + 0x800},	   /* misaligned IPA */
	    {0x80100000, 0, WIN},		   /* empty */
	    {0xfffffffffffff000ull, 0x2000, WIN},  /* wraps */
	    {0x90000000, 0x1000, WIN},		   /* not registered */
	    {0x807ff000, 0x2000, WIN},		   /* runs off A's RAM */
	    {0x80100000, 0x1000, 0x7ffffff000ull}, /* last IPA page: ok */
	};
	struct owner_range two_overlap[] = {{0x80100000, 0x2000, WIN},
					    {0x80101000, 0x1000, WIN + M2}};
	struct owner_range two_ipa_overlap[] = {{0x80100000, 0x1000, WIN},
						{0x80108000, 0x1000, WIN}};
	/* The second range is B's: the first must not move either. */
	struct owner_range mixed[] = {{0x80100000, 0x1000, WIN},
				      {B_RAM_PA, 0x1000, WIN + M2}};
	struct owner_range onto_b_ram = {0x80100000, 0x1000, 0x40000000};
	struct owner_range past_ipa = {0x80100000, 0x2000, 0x7ffffff000ull};

	snapshot(f, &f->before);
	for (unsigned i = 0; i < 7; i++) {
		assert_int_equal(owner_lend(&f->t, A, BIT(B), &bad[i], 1, 3),
				 OWNER_E_INVALID);
		assert_int_equal(owner_share(&f->t, A, BIT(B), &bad[i], 1, 3),
				 OWNER_E_INVALID);
	}
	assert_int_equal(owner_lend(&f->t, A, BIT(B), &past_ipa, 1, 3),
			 OWNER_E_INVALID);
	assert_int_equal(owner_lend(&f->t, A, BIT(B), two_overlap, 2, 3),
			 OWNER_E_INVALID);
	assert_int_equal(owner_lend(&f->t, A, BIT(B), two_ipa_overlap, 2, 3),
			 OWNER_E_INVALID);
	assert_int_equal(owner_lend(&f->t, A, BIT(B), mixed, 2, 3),
			 OWNER_E_DENIED);
	assert_int_equal(owner_donate(&f->t, A, B, mixed, 2, 3),
			 OWNER_E_DENIED);
	/* Where B keeps its own RAM. */
	assert_int_equal(owner_lend(&f->t, A, BIT(B), &onto_b_ram, 1, 3),
			 OWNER_E_DENIED);
	/* Not the owner. */
	assert_int_equal(owner_lend(&f->t, B, BIT(A), &ok, 1, 1),
			 OWNER_E_DENIED);
	assert_int_equal(owner_share(&f->t, B, BIT(A), &ok, 1, 1),
			 OWNER_E_DENIED);
	assert_int_equal(owner_donate(&f->t, B, A, &ok, 1, 1), OWNER_E_DENIED);
	assert_int_equal(owner_lend(&f->t, OWNER_HYP, BIT(B), &ok, 1, 1),
			 OWNER_E_DENIED);
	assert_int_equal(owner_donate(&f->t, OWNER_HYP, B, &ok, 1, 1),
			 OWNER_E_DENIED);
	assert_int_equal(owner_relinquish(&f->t, B, &ok, 1), OWNER_E_DENIED);
	assert_int_equal(owner_reclaim(&f->t, A, &ok, 1), OWNER_E_DENIED);
	/* Bad parties and permissions. */
	assert_int_equal(owner_lend(&f->t, A, BIT(A), &ok, 1, 1),
			 OWNER_E_INVALID);
	assert_int_equal(owner_lend(&f->t, A, 0, &ok, 1, 1), OWNER_E_INVALID);
	assert_int_equal(owner_lend(&f->t, A, BIT(4), &ok, 1, 1),
			 OWNER_E_INVALID);
	assert_int_equal(owner_lend(&f->t, A, BIT(5), &ok, 1, 1),
			 OWNER_E_INVALID);
	assert_int_equal(owner_lend(&f->t, A, BIT(0), &ok, 1, 1),
			 OWNER_E_INVALID);
	assert_int_equal(owner_lend(&f->t, A, BIT(B), &ok, 1, 0),
			 OWNER_E_INVALID);
	assert_int_equal(owner_lend(&f->t, A, BIT(B), &ok, 1, 8),
			 OWNER_E_INVALID);
	assert_int_equal(owner_lend(&f->t, 9, BIT(B), &ok, 1, 1),
			 OWNER_E_INVALID);
	assert_int_equal(owner_lend(&f->t, A, BIT(B), &ok, 0, 1),
			 OWNER_E_INVALID);
	assert_int_equal(owner_lend(&f->t, A, BIT(B), &ok, 9, 1),
			 OWNER_E_INVALID);
	assert_int_equal(owner_donate(&f->t, A, A, &ok, 1, 1), OWNER_E_INVALID);
	assert_unchanged(f);
	/* The last page below 2^39 is a valid place to map. */
	assert_int_equal(owner_lend(&f->t, A, BIT(B), &bad[7], 1, 3), OWNER_OK);
	assert_maps(f->b, 0x7ffffff000ull, 0x80100000, P_RW);
}

/* Every table page the lend needs is withheld, then one more is allowed
 * at a time: each failure must undo what was already done. */
static void test_out_of_tables_rolls_back(void **state)
{
	struct fx *f = *state;
	/* Two pages inside two different 2 MiB blocks of A (each unmap
	 * splits a block) to two places in B that need new L3 tables. */
	struct owner_range r[] = {{0x80200000, 0x1000, WIN},
				  {0x80400000, 0x1000, WIN + M2}};
	uint64_t held[TEST_POOL_PAGES];
	unsigned nheld = 0, fails = 0;
	int rc;

	for (unsigned keep = 0;; keep++) {
		assert_true(keep < 8);
		nheld = 0;
		while (f->tv.pool.nfree > keep)
			assert_non_null(
			    page_pool_alloc(&f->tv.pool, &held[nheld++]));
		snapshot(f, &f->before);
		rc = owner_lend(&f->t, A, BIT(B), r, 2, 3);
		if (rc == OWNER_OK)
			break;
		assert_int_equal(rc, OWNER_E_NO_MEMORY);
		assert_unchanged(f);
		/* Undoing an unmap that split a block maps the page back
		 * into the finer table: same translations, and that one
		 * table page stays in use. */
		assert_true(f->tv.pool.nfree <= keep);
		assert_int_equal(f->t.rollback_failures, 0);
		fails++;
		while (nheld)
			page_pool_free(&f->tv.pool, held[--nheld]);
	}
	while (nheld)
		page_pool_free(&f->tv.pool, held[--nheld]);
	/* keep 0: the first split fails. 1: the first split is done, the
	 * second fails. 2 (the first split kept): the second split and B's
	 * first table are done, B's second table fails. 3 succeeds. */
	assert_int_equal(fails, 3);
	assert_unmapped(f->tv.vm, 0x40200000);
	assert_unmapped(f->tv.vm, 0x40400000);
	assert_maps(f->b, WIN, 0x80200000, P_RW);
	assert_maps(f->b, WIN + M2, 0x80400000, P_RW);
	assert_int_equal(f->t.rollback_failures, 0);
	assert_int_equal(sim_iso_check_all(), 0);
}

static void test_hyp_pages_and_donate_to_hyp(void **state)
{
	struct fx *f = *state;
	struct owner_range pool = {TEST_POOL_PA + 0x3f000, 0x1000, WIN};

	/* The hypervisor's own pages are not a VM's to lend. */
	snapshot(f, &f->before);
	assert_int_equal(owner_lend(&f->t, A, BIT(B), &pool, 1, 3),
			 OWNER_E_DENIED);
	assert_int_equal(owner_donate(&f->t, B, OWNER_HYP, &pool, 1, 0),
			 OWNER_E_DENIED);
	assert_unchanged(f);
	/* A VM donating to the hypervisor loses the page; no VM maps it. */
	struct owner_range mine = {B_RAM_PA + 0x3000, 0x1000, 0};

	assert_int_equal(owner_donate(&f->t, B, OWNER_HYP, &mine, 1, 0),
			 OWNER_OK);
	assert_unmapped(f->b, 0x40003000);
	assert_int_equal(owner_entry_of(&f->t, B_RAM_PA + 0x3000)->owner, 0);
}

/* Retiring (memory the secure world may still hold): only the
 * hypervisor's own, idle pages; afterwards nobody owns them, so nothing
 * can move them, the hypervisor included. */
static void test_retire(void **state)
{
	struct fx *f = *state;
	struct owner_range a_page = {0x80105000, 0x1000, 0};
	struct owner_range odd = {B_RAM_PA + 0x3800, 0x1000, 0};
	struct owner_range mine = {B_RAM_PA + 0x3000, 0x1000, 0};
	struct owner_range to_a = {B_RAM_PA + 0x3000, 0x1000, WIN};

	assert_int_equal(owner_retire(&f->t, &a_page, 1), OWNER_E_DENIED);
	assert_int_equal(owner_retire(&f->t, &odd, 1), OWNER_E_INVALID);
	assert_int_equal(owner_donate(&f->t, B, OWNER_HYP, &mine, 1, 0),
			 OWNER_OK);
	assert_int_equal(owner_retire(&f->t, &mine, 1), OWNER_OK);
	assert_int_equal(owner_entry_of(&f->t, B_RAM_PA + 0x3000)->owner, 0xff);
	assert_int_equal(owner_retire(&f->t, &mine, 1), OWNER_E_DENIED);
	assert_int_equal(owner_donate(&f->t, OWNER_HYP, A, &to_a, 1, 3),
			 OWNER_E_DENIED);
	assert_int_equal(owner_state_of(&f->t, B, B_RAM_PA + 0x3000),
			 OWNER_ST_NONE);
	assert_int_equal(sim_iso_check_all(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_share_relinquish_reclaim,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_share_no_wider_than_owner,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_lend_relinquish_reclaim, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_lend_to_two, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_donate, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refusals_change_nothing, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_out_of_tables_rolls_back,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_retire, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hyp_pages_and_donate_to_hyp,
					    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
