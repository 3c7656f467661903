/* Memory sent to the secure world (src/ffa/mem_secure.c): a stand-in SPMC
 * at EL3 (sim_set_el3) records what it is given and answers SUCCESS with
 * its handle, or an error. Values are DEN0077A v1.1's. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ffa/ffa.h"
#include "ffa_fx.h"
#include "hal.h"
#include "isolation.h"
#include "mm/owner.h"
#include "mm/stage2.h"
#include "sim_hal.h"

static struct ffa_fx fx;

#define SHARE 0x84000073ull
#define LEND 0x84000072ull
#define DONATE 0x84000071ull
#define RECLAIM 0x84000077ull
#define RXTX_MAP 0x84000066ull
#define RXTX_MAP_64 0xc4000066ull
#define RXTX_UNMAP 0x84000067ull
#define RO 1u
#define RW 2u
#define PAGE_IPA (FX_RAM_IPA + 0x80000)
/* An SPMC-allocated handle: bit 63 clear. */
#define SPMC_HANDLE 0x0123456789abcdefull
#define CALL(i, x0, x1, x2, x3, x4, x5)                                        \
	ffa_fx_call(&fx, (i), (x0), (x1), (x2), (x3), (x4), (x5))

/* ---- the stand-in SPMC ---- */

#define MAX_SEEN 8
static unsigned nseen;
static uint64_t seen[MAX_SEEN][18];
static uint8_t desc[4096]; /* what the SPMC read from the mapped TX */
static uint64_t spmc_tx;
/* Error status (w2) the SPMC answers a function with, 0: SUCCESS. */
static uint32_t fail_fid, fail_status;

static void spmc(uint64_t a[18])
{
	uint32_t fid = (uint32_t)a[0];

	if (nseen < MAX_SEEN)
		memcpy(seen[nseen++], a, 18 * sizeof(a[0]));
	if (fid == RXTX_MAP_64)
		spmc_tx = a[1];
	if ((fid == SHARE || fid == LEND || fid == DONATE) && a[1] <= 4096) {
		const uint8_t *p = hal_pa_to_va(spmc_tx, (size_t)a[1]);

		assert_non_null(p);
		memcpy(desc, p, (size_t)a[1]);
	}
	memset(a, 0, 18 * sizeof(a[0]));
	if (fid == fail_fid) {
		a[0] = 0x84000060;
		a[2] = fail_status;
		return;
	}
	a[0] = 0x84000061;
	if (fid == SHARE || fid == LEND || fid == DONATE) {
		a[2] = SPMC_HANDLE & 0xffffffffu;
		a[3] = SPMC_HANDLE >> 32;
	}
}

static int setup(void **state)
{
	ffa_fx_setup(&fx, 3);
	for (unsigned i = 0; i < 3; i++)
		ffa_fx_map(&fx, i);
	nseen = 0;
	fail_fid = 0;
	memset(desc, 0, sizeof(desc));
	sim_set_el3(spmc);
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	ffa_fx_teardown(*state);
	return 0;
}

static const uint64_t *send(unsigned from, uint64_t fid,
			    const struct fx_recv *rv, unsigned nr, uint64_t ipa,
			    uint32_t pages)
{
	struct fx_range g = {ipa, pages};
	uint16_t attrs = fid == DONATE ? 0 : 0x2f;
	uint32_t len = ffa_fx_desc(ffa_fx_tx(&fx, from), (uint16_t)(from + 1),
				   attrs, 0, 0, 0, rv, nr, &g, 1);

	return CALL(from, fid, len, len, 0, 0, 0);
}

static enum owner_state st(unsigned id, uint64_t pa)
{
	return owner_state_of(ffa_owner_table(), id, pa);
}

/* ---- sending ---- */

static void lend_forwarded_then_reclaimed(void **state)
{
	struct fx_recv rv = {0x8001, RW};
	uint64_t pa = ffa_fx_pa(0, PAGE_IPA), got;
	const uint64_t *r;
	uint8_t perm;

	(void)state;
	r = send(0, LEND, &rv, 1, PAGE_IPA, 2);
	assert_int_equal(r[0], 0x84000061);
	assert_int_equal(r[2], 0x89abcdef);
	assert_int_equal(r[3], 0x01234567);
	/* The hypervisor's buffers mapped by ID 0 (one page each), the
	 * send from them, the buffers unmapped (w1 [31:16] = 0). */
	assert_int_equal(nseen, 3);
	assert_int_equal(seen[0][0], 0xc4000066);
	assert_int_equal(seen[0][3], 1);
	assert_true(seen[0][1] != seen[0][2]);
	assert_int_equal(seen[1][0], 0x84000072);
	assert_int_equal(seen[1][1], 96); /* 48 + 16 + 16 + 16 */
	assert_int_equal(seen[1][2], 96);
	assert_int_equal(seen[1][3], 0);
	assert_int_equal(seen[1][4], 0);
	assert_int_equal(seen[2][0], 0x84000067);
	assert_int_equal(seen[2][1], 0);
	/* The descriptor: the VM's header, its receiver, and the pages as
	 * one physical constituent. */
	assert_int_equal(ffa_fx_rd(desc, 2), 1);
	assert_int_equal(ffa_fx_rd(desc + 2, 2), 0x2f);
	assert_int_equal(ffa_fx_rd(desc + 8, 8), 0);
	assert_int_equal(ffa_fx_rd(desc + 24, 4), 16);
	assert_int_equal(ffa_fx_rd(desc + 28, 4), 1);
	assert_int_equal(ffa_fx_rd(desc + 32, 4), 48);
	assert_int_equal(ffa_fx_rd(desc + 48, 2), 0x8001);
	assert_int_equal(desc[50], RW);
	assert_int_equal(ffa_fx_rd(desc + 52, 4), 64);
	assert_int_equal(ffa_fx_rd(desc + 64, 4), 2);
	assert_int_equal(ffa_fx_rd(desc + 68, 4), 1);
	assert_int_equal(ffa_fx_rd(desc + 80, 8), pa);
	assert_int_equal(ffa_fx_rd(desc + 88, 4), 2);
	/* Lent: gone from the sender, no VM borrows it. */
	assert_int_equal(st(1, pa), OWNER_ST_LENT);
	assert_int_equal(st(1, pa + 0x1000), OWNER_ST_LENT);
	assert_int_equal(owner_entry_of(ffa_owner_table(), pa)->borrowers, 0);
	assert_false(ffa_fx_mapped(&fx, 0, PAGE_IPA, NULL, NULL));
	assert_false(ffa_fx_mapped(&fx, 0, PAGE_IPA + 0x1000, NULL, NULL));

	/* Reclaim by another VM: refused here, not forwarded. */
	nseen = 0;
	ffa_fx_assert_err(CALL(1, RECLAIM, 0x89abcdef, 0x01234567, 0, 0, 0),
			  FX_INVALID);
	assert_int_equal(nseen, 0);
	/* By the sender: forwarded, and the pages come back mapped. */
	r = CALL(0, RECLAIM, 0x89abcdef, 0x01234567, 0, 0, 0);
	assert_int_equal(r[0], 0x84000061);
	assert_int_equal(nseen, 1);
	assert_int_equal(seen[0][0], 0x84000077);
	assert_int_equal(seen[0][1], 0x89abcdef);
	assert_int_equal(seen[0][2], 0x01234567);
	assert_int_equal(seen[0][3], 0);
	assert_int_equal(st(1, pa), OWNER_ST_OWNED_EXCLUSIVE);
	assert_true(ffa_fx_mapped(&fx, 0, PAGE_IPA + 0x1000, &got, &perm));
	assert_int_equal(got, pa + 0x1000);
	assert_int_equal(perm, 7);
	/* Twice: the handle is gone. */
	nseen = 0;
	ffa_fx_assert_err(CALL(0, RECLAIM, 0x89abcdef, 0x01234567, 0, 0, 0),
			  FX_INVALID);
	assert_int_equal(nseen, 0);
}

/* A shared page stays mapped by its owner, who can neither send it again
 * nor map it as a buffer. */
static void share_held_by_secure_world(void **state)
{
	struct fx_recv rv[2] = {{0x8001, RO}, {0x8002, RO}};
	uint64_t pa = ffa_fx_pa(0, PAGE_IPA), got;
	const uint64_t *r;
	uint8_t perm;

	(void)state;
	r = send(0, SHARE, rv, 2, PAGE_IPA, 1);
	assert_int_equal(r[0], 0x84000061);
	assert_int_equal(seen[1][0], 0x84000073);
	assert_int_equal(ffa_fx_rd(desc + 28, 4), 2);
	assert_int_equal(ffa_fx_rd(desc + 64, 2), 0x8002);
	assert_int_equal(ffa_fx_rd(desc + 96, 8), pa); /* composite at 80 */
	assert_int_equal(st(1, pa), OWNER_ST_OWNED_SHARED);
	assert_true(ffa_fx_mapped(&fx, 0, PAGE_IPA, &got, &perm));
	assert_int_equal(got, pa);
	assert_int_equal(perm, 7);
	nseen = 0;
	ffa_fx_assert_err(send(0, SHARE, rv, 1, PAGE_IPA, 1), FX_DENIED);
	ffa_fx_assert_err(send(0, LEND, rv, 1, PAGE_IPA, 1), FX_DENIED);
	ffa_fx_assert_err(
	    send(0, DONATE, &(struct fx_recv){0x8001, 0}, 1, PAGE_IPA, 1),
	    FX_DENIED);
	ffa_fx_assert_err(
	    send(0, SHARE, &(struct fx_recv){2, RO}, 1, PAGE_IPA, 1),
	    FX_DENIED);
	assert_int_equal(nseen, 0); /* refused before the SPMC */
	assert_int_equal(CALL(0, RXTX_UNMAP, 0, 0, 0, 0, 0)[0], 0x84000061);
	ffa_fx_assert_err(
	    CALL(0, RXTX_MAP, PAGE_IPA, PAGE_IPA + 0x1000, 1, 0, 0), FX_DENIED);
	assert_int_equal(st(1, pa), OWNER_ST_OWNED_SHARED);
}

/* ---- refusals ---- */

static void mixed_and_fragmented_refused(void **state)
{
	struct fx_recv rv[2] = {{2, RW}, {0x8001, RW}};
	uint64_t pa = ffa_fx_pa(0, PAGE_IPA);
	uint32_t len;

	(void)state;
	ffa_fx_assert_err(send(0, SHARE, rv, 2, PAGE_IPA, 1), FX_INVALID);
	rv[0].id = 0x8002;
	rv[1].id = 2;
	ffa_fx_assert_err(send(0, LEND, rv, 2, PAGE_IPA, 1), FX_INVALID);
	/* All secure, but a first fragment: two ranges, the second left
	 * for a FRAG_TX. */
	{
		struct fx_range g2[2] = {{PAGE_IPA, 1}, {PAGE_IPA + 0x4000, 1}};

		len = ffa_fx_desc(ffa_fx_tx(&fx, 0), 1, 0x2f, 0, 0, 0, &rv[0],
				  1, g2, 2);
		ffa_fx_assert_err(CALL(0, SHARE, len, len - 16, 0, 0, 0),
				  FX_INVALID);
	}
	assert_int_equal(nseen, 0);
	assert_int_equal(st(1, pa), OWNER_ST_OWNED_EXCLUSIVE);
	assert_true(ffa_fx_mapped(&fx, 0, PAGE_IPA, NULL, NULL));
}

/* No secure world: EL3 answers SMCCC's unknown function (-1) to the
 * hypervisor's RXTX_MAP, and a secure ID names no endpoint. */
static void no_secure_world(void **state)
{
	struct fx_recv rv = {0x8001, RW};
	uint64_t pa = ffa_fx_pa(0, PAGE_IPA);

	(void)state;
	sim_set_el3(NULL);
	ffa_fx_assert_err(send(0, LEND, &rv, 1, PAGE_IPA, 1), FX_INVALID);
	assert_int_equal(st(1, pa), OWNER_ST_OWNED_EXCLUSIVE);
	assert_true(ffa_fx_mapped(&fx, 0, PAGE_IPA, NULL, NULL));
}

/* The SPMC refuses (its status returned) or the buffers cannot be mapped
 * with it: nothing changed. */
static void spmc_error_changes_nothing(void **state)
{
	struct fx_recv rv = {0x8001, RW};
	uint64_t pa = ffa_fx_pa(0, PAGE_IPA), got;
	uint8_t perm;

	(void)state;
	fail_fid = LEND;
	fail_status = 0xfffffffa; /* DENIED */
	ffa_fx_assert_err(send(0, LEND, &rv, 1, PAGE_IPA, 1), FX_DENIED);
	assert_int_equal(nseen, 3); /* the buffers were unmapped too */
	assert_int_equal(seen[2][0], 0x84000067);
	fail_fid = DONATE;
	fail_status = 0xfffffffd; /* NO_MEMORY */
	rv.perms = 0;
	ffa_fx_assert_err(send(0, DONATE, &rv, 1, PAGE_IPA, 1), FX_NO_MEMORY);
	fail_fid = 0xc4000066;
	fail_status = 0xfffffffc; /* BUSY */
	nseen = 0;
	rv.perms = RW;
	ffa_fx_assert_err(send(0, SHARE, &rv, 1, PAGE_IPA, 1), FX_BUSY);
	assert_int_equal(nseen, 1); /* no send without the buffers */
	assert_int_equal(st(1, pa), OWNER_ST_OWNED_EXCLUSIVE);
	assert_int_equal(st(0, pa), OWNER_ST_NONE);
	assert_true(ffa_fx_mapped(&fx, 0, PAGE_IPA, &got, &perm));
	assert_int_equal(got, pa);
	assert_int_equal(perm, 7);
	/* And the page can go to a VM afterwards. */
	ffa_fx_send(&fx, 0, LEND, 2, RW, PAGE_IPA, 1);
}

static void reclaim_refused_by_spmc(void **state)
{
	struct fx_recv rv = {0x8001, RW};
	uint64_t pa = ffa_fx_pa(0, PAGE_IPA);

	(void)state;
	assert_int_equal(send(0, LEND, &rv, 1, PAGE_IPA, 1)[0], 0x84000061);
	fail_fid = RECLAIM;
	fail_status = 0xfffffffa; /* DENIED: a partition still has it */
	ffa_fx_assert_err(CALL(0, RECLAIM, 0x89abcdef, 0x01234567, 0, 0, 0),
			  FX_DENIED);
	assert_int_equal(st(1, pa), OWNER_ST_LENT);
	assert_false(ffa_fx_mapped(&fx, 0, PAGE_IPA, NULL, NULL));
	/* Flags [31:2] are MBZ: refused before the SPMC. */
	nseen = 0;
	ffa_fx_assert_err(CALL(0, RECLAIM, 0x89abcdef, 0x01234567, 4, 0, 0),
			  FX_INVALID);
	assert_int_equal(nseen, 0);
	fail_fid = 0;
	assert_int_equal(CALL(0, RECLAIM, 0x89abcdef, 0x01234567, 0, 0, 0)[0],
			 0x84000061);
	assert_true(ffa_fx_mapped(&fx, 0, PAGE_IPA, NULL, NULL));
}

/* ---- a sender leaving ---- */

/* The SPMC gives the pages back to the leaving VM's reclaim: nothing is
 * left in the table (the teardown checks it). */
static void leaving_sender_reclaims(void **state)
{
	struct fx_recv rv = {0x8001, RW};

	(void)state;
	assert_int_equal(send(0, LEND, &rv, 1, PAGE_IPA, 1)[0], 0x84000061);
	nseen = 0;
	vm_destroy(fx.vm[0]);
	fx.vm[0] = NULL;
	assert_int_equal(nseen, 1);
	assert_int_equal(seen[0][0], 0x84000077);
	assert_int_equal(seen[0][1], 0x89abcdef);
	assert_int_equal(seen[0][2], 0x01234567);
}

/* What the secure world keeps for good: a donation, and a lend the SPMC
 * does not give back when its sender leaves. Both are retired (owner
 * 0xff), and the leaving VM's region stays in the table. Last: the table
 * keeps them for the rest of the run. */
static void secure_world_keeps_pages(void **state)
{
	struct fx_recv rv = {0x8001, 0};
	uint64_t pa = ffa_fx_pa(0, PAGE_IPA);
	const uint64_t *r;

	(void)state;
	r = send(0, DONATE, &rv, 1, PAGE_IPA, 1);
	assert_int_equal(r[0], 0x84000061);
	assert_int_equal(seen[1][0], 0x84000071);
	assert_int_equal(st(1, pa), OWNER_ST_NONE);
	assert_int_equal(st(0, pa), OWNER_ST_NONE);
	assert_int_equal(owner_entry_of(ffa_owner_table(), pa)->owner, 0xff);
	assert_false(ffa_fx_mapped(&fx, 0, PAGE_IPA, NULL, NULL));
	/* A donation is never reclaimed. */
	nseen = 0;
	ffa_fx_assert_err(CALL(0, RECLAIM, 0x89abcdef, 0x01234567, 0, 0, 0),
			  FX_INVALID);
	assert_int_equal(nseen, 0);

	rv.perms = RW;
	assert_int_equal(send(0, LEND, &rv, 1, PAGE_IPA + 0x1000, 1)[0],
			 0x84000061);
	fail_fid = RECLAIM;
	fail_status = 0xfffffffa;
	nseen = 0;
	vm_destroy(fx.vm[0]);
	fx.vm[0] = NULL;
	assert_int_equal(nseen, 1);
	assert_int_equal(seen[0][0], 0x84000077);
	assert_int_equal(owner_entry_of(ffa_owner_table(), pa + 0x1000)->owner,
			 0xff);
	assert_int_equal(st(0, pa + 0x1000), OWNER_ST_NONE);
	/* The rest of VM 0's RAM is the hypervisor's; its region stays. */
	assert_int_equal(owner_entry_of(ffa_owner_table(), pa + 0x2000)->owner,
			 0);
	assert_int_equal(ffa_owner_table()->nregions, 3);
}

static int teardown_quarantined(void **state)
{
	(void)state;
	for (unsigned i = 1; i < fx.n; i++)
		vm_destroy(fx.vm[i]);
	assert_int_equal(ffa_owner_table()->nregions, 1);
	for (unsigned i = 0; i < fx.n; i++)
		free(fx.ram[i]);
	free(fx.pool_mem);
	sim_hal_reset();
	return 0;
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(lend_forwarded_then_reclaimed),
	    T(share_held_by_secure_world),
	    T(mixed_and_fragmented_refused),
	    T(no_secure_world),
	    T(spmc_error_changes_nothing),
	    T(reclaim_refused_by_spmc),
	    T(leaving_sender_reclaims),
	    cmocka_unit_test_setup_teardown(secure_world_keeps_pages, setup,
					    teardown_quarantined),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
