/* FF-A v1.1 memory ABIs between VMs: MEM_SHARE/LEND/DONATE, RETRIEVE_REQ,
 * RELINQUISH, RECLAIM (DEN0077A v1.1), against real Stage-2 tables.
 * Function IDs and status codes are written out from the spec. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "exit.h"
#include "ffa_fx.h"
#include "isolation.h"
#include "mm/page_pool.h"
#include "mm/stage2.h"
#include "sim_hal.h"
#include "test_vm.h"

static struct ffa_fx fx;

#define SHARE 0x84000073ull
#define LEND 0x84000072ull
#define DONATE 0x84000071ull
#define RETRIEVE 0x84000074ull
#define RELINQUISH 0x84000076ull
#define RECLAIM 0x84000077ull
#define RO 1u
#define RW 2u
/* The page every test moves: VM 0's RAM + 1 MiB / 2. */
#define PAGE_IPA (FX_RAM_IPA + 0x80000)
/* Where a borrower finds a page: 256 GiB + its PA (README). */
#define WINDOW(pa) ((1ull << 38) + (pa))
#define CALL(i, x0, x1, x2, x3, x4, x5)                                        \
	ffa_fx_call(&fx, (i), (x0), (x1), (x2), (x3), (x4), (x5))

static int setup3(void **state)
{
	ffa_fx_setup(&fx, 3);
	for (unsigned i = 0; i < 3; i++)
		ffa_fx_map(&fx, i);
	/* VM 0's pages at PAGE_IPA.. may be mapped by VMs 0-2. */
	assert_int_equal(
	    sim_iso_add_shared(ffa_fx_pa(0, PAGE_IPA), 16 * 4096, 7), 0);
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	ffa_fx_teardown(*state);
	return 0;
}

/* ---- sending ---- */

static void share_maps_receiver(void **state)
{
	uint64_t pa = ffa_fx_pa(0, PAGE_IPA), got;
	uint64_t h;
	uint8_t perm;

	(void)state;
	h = ffa_fx_send(&fx, 0, SHARE, 2, RO, PAGE_IPA, 2);
	assert_true(h >> 63); /* allocated by the hypervisor */
	/* Nothing for the receiver until it retrieves. */
	assert_false(ffa_fx_mapped(&fx, 1, WINDOW(pa), NULL, NULL));
	assert_int_equal(ffa_fx_retrieve(&fx, 1, 1, h, 0)[0], 0x84000075);
	/* The sender keeps it (RWX); the receiver reads it at the window. */
	assert_true(ffa_fx_mapped(&fx, 0, PAGE_IPA, &got, &perm));
	assert_int_equal(got, pa);
	assert_int_equal(perm, 7);
	assert_true(ffa_fx_mapped(&fx, 1, WINDOW(pa) + 0x1000, &got, &perm));
	assert_int_equal(got, pa + 0x1000);
	assert_int_equal(perm, 1); /* read only, not executable */
	assert_false(ffa_fx_mapped(&fx, 2, WINDOW(pa), NULL, NULL));
}

static void lend_unmaps_sender(void **state)
{
	uint64_t pa = ffa_fx_pa(0, PAGE_IPA), got;
	uint8_t perm;

	uint64_t h;

	(void)state;
	h = ffa_fx_send(&fx, 0, LEND, 2, RW, PAGE_IPA, 1);
	/* The lender loses it at once; the borrower has it from its
	 * retrieve. */
	assert_false(ffa_fx_mapped(&fx, 0, PAGE_IPA, NULL, NULL));
	assert_false(ffa_fx_mapped(&fx, 1, WINDOW(pa), NULL, NULL));
	assert_int_equal(ffa_fx_retrieve(&fx, 1, 1, h, 0)[0], 0x84000075);
	assert_true(ffa_fx_mapped(&fx, 1, WINDOW(pa), &got, &perm));
	assert_int_equal(perm, 3);
}

static void lend_to_two(void **state)
{
	struct fx_recv rv[2] = {{2, RW}, {3, RW}};
	struct fx_range g = {PAGE_IPA, 1};
	uint32_t len =
	    ffa_fx_desc(ffa_fx_tx(&fx, 0), 1, 0x2f, 0, 0, 0, rv, 2, &g, 1);
	uint64_t pa = ffa_fx_pa(0, PAGE_IPA);

	(void)state;
	const uint64_t *r = CALL(0, LEND, len, len, 0, 0, 0);
	uint64_t h = r[2] | r[3] << 32;

	assert_int_equal(r[0], FX_SUCCESS);
	assert_int_equal(ffa_fx_retrieve(&fx, 1, 1, h, 0)[0], 0x84000075);
	assert_int_equal(ffa_fx_retrieve(&fx, 2, 1, h, 0)[0], 0x84000075);
	assert_true(ffa_fx_mapped(&fx, 1, WINDOW(pa), NULL, NULL));
	assert_true(ffa_fx_mapped(&fx, 2, WINDOW(pa), NULL, NULL));
	/* Two receivers asking different access: one permission per page
	 * in the table, so refused. */
	rv[1].perms = RO;
	g.addr += 0x1000;
	len = ffa_fx_desc(ffa_fx_tx(&fx, 0), 1, 0x2f, 0, 0, 0, rv, 2, &g, 1);
	ffa_fx_assert_err(CALL(0, SHARE, len, len, 0, 0, 0), FX_INVALID);
}

static void send_arguments(void **state)
{
	struct fx_recv rv = {2, RW};
	struct fx_range g = {PAGE_IPA, 1};
	uint32_t len =
	    ffa_fx_desc(ffa_fx_tx(&fx, 0), 1, 0x2f, 0, 0, 0, &rv, 1, &g, 1);

	(void)state;
	/* Address and page count are for a buffer other than TX: 0. */
	ffa_fx_assert_err(CALL(0, SHARE, len, len, PAGE_IPA, 0, 0), FX_INVALID);
	ffa_fx_assert_err(CALL(0, SHARE, len, len, 0, 1, 0), FX_INVALID);
	/* The parser's checks are reached: sender ID not the caller. */
	ffa_fx_tx(&fx, 0)[0] = 2;
	ffa_fx_assert_err(CALL(0, SHARE, len, len, 0, 0, 0), FX_DENIED);
	/* No TX buffer. */
	assert_int_equal(CALL(0, 0x84000067, 0, 0, 0, 0, 0)[0], FX_SUCCESS);
	ffa_fx_assert_err(CALL(0, SHARE, len, len, 0, 0, 0), FX_INVALID);
}

static void unknown_receiver(void **state)
{
	struct fx_recv rv = {4, RW}; /* no VM 4 */
	struct fx_range g = {PAGE_IPA, 1};
	uint32_t len =
	    ffa_fx_desc(ffa_fx_tx(&fx, 0), 1, 0x2f, 0, 0, 0, &rv, 1, &g, 1);

	(void)state;
	ffa_fx_assert_err(CALL(0, SHARE, len, len, 0, 0, 0), FX_INVALID);
	rv.id = 0x8001; /* secure endpoint: not served */
	len = ffa_fx_desc(ffa_fx_tx(&fx, 0), 1, 0x2f, 0, 0, 0, &rv, 1, &g, 1);
	ffa_fx_assert_err(CALL(0, SHARE, len, len, 0, 0, 0), FX_INVALID);
	rv.id = 0; /* the hypervisor */
	len = ffa_fx_desc(ffa_fx_tx(&fx, 0), 1, 0x2f, 0, 0, 0, &rv, 1, &g, 1);
	ffa_fx_assert_err(CALL(0, SHARE, len, len, 0, 0, 0), FX_INVALID);
}

/* Pages the sender does not own exclusively: outside its RAM, borrowed,
 * already shared or lent. Nothing changes on refusal. */
static void not_senders_page(void **state)
{
	struct fx_recv rv = {3, RW};
	struct fx_range g = {0x3fff0000, 1};
	uint64_t pa = ffa_fx_pa(0, PAGE_IPA);
	uint32_t len;

	(void)state;
	len = ffa_fx_desc(ffa_fx_tx(&fx, 0), 1, 0x2f, 0, 0, 0, &rv, 1, &g, 1);
	ffa_fx_assert_err(CALL(0, SHARE, len, len, 0, 0, 0), FX_DENIED);
	ffa_fx_send(&fx, 0, SHARE, 2, RW, PAGE_IPA, 1);
	/* VM 1 passes on what it borrows. */
	rv.id = 3;
	g.addr = WINDOW(pa);
	len = ffa_fx_desc(ffa_fx_tx(&fx, 1), 2, 0x2f, 0, 0, 0, &rv, 1, &g, 1);
	ffa_fx_assert_err(CALL(1, SHARE, len, len, 0, 0, 0), FX_DENIED);
	/* VM 0 shares it again, or lends a range that includes it. */
	g.addr = PAGE_IPA - 0x1000;
	g.pages = 2;
	len = ffa_fx_desc(ffa_fx_tx(&fx, 0), 1, 0x2f, 0, 0, 0, &rv, 1, &g, 1);
	ffa_fx_assert_err(CALL(0, LEND, len, len, 0, 0, 0), FX_DENIED);
	/* The first page was not lent: it is still VM 0's alone. */
	assert_true(ffa_fx_mapped(&fx, 0, PAGE_IPA - 0x1000, NULL, NULL));
	assert_false(ffa_fx_mapped(&fx, 2, WINDOW(pa - 0x1000), NULL, NULL));
}

/* More physical runs than a transaction holds (8): out of memory. */
static void too_many_runs(void **state)
{
	struct fx_recv rv = {2, RW};
	struct fx_range g[9];
	uint32_t len;

	(void)state;
	for (unsigned i = 0; i < 9; i++)
		g[i] = (struct fx_range){PAGE_IPA + 0x2000 * i, 1};
	len = ffa_fx_desc(ffa_fx_tx(&fx, 0), 1, 0x2f, 0, 0, 0, &rv, 1, g, 9);
	ffa_fx_assert_err(CALL(0, SHARE, len, len, 0, 0, 0), FX_NO_MEMORY);
	len = ffa_fx_desc(ffa_fx_tx(&fx, 0), 1, 0x2f, 0, 0, 0, &rv, 1, g, 8);
	assert_int_equal(CALL(0, SHARE, len, len, 0, 0, 0)[0], FX_SUCCESS);
}

/* 32 transactions at most. */
static void out_of_handles(void **state)
{
	uint64_t h[32];
	struct fx_recv rv = {1, RO};
	struct fx_range g = {FX_RAM_IPA + 0x60000, 1};
	uint32_t len;

	(void)state;
	assert_int_equal(sim_iso_add_shared(ffa_fx_pa(1, FX_RAM_IPA + 0x40000),
					    32 * 4096, 3),
			 0);
	for (unsigned i = 0; i < 32; i++)
		h[i] = ffa_fx_send(&fx, 1, SHARE, 1, RO,
				   FX_RAM_IPA + 0x40000 + 0x1000 * i, 1);
	for (unsigned i = 1; i < 32; i++)
		assert_true(h[i] != h[0]);
	len = ffa_fx_desc(ffa_fx_tx(&fx, 1), 2, 0x2f, 0, 0, 0, &rv, 1, &g, 1);
	ffa_fx_assert_err(CALL(1, SHARE, len, len, 0, 0, 0), FX_NO_MEMORY);
	/* The refusal changed nothing. */
	assert_false(
	    ffa_fx_mapped(&fx, 0, WINDOW(ffa_fx_pa(1, g.addr)), NULL, NULL));
}

/* The receiver's window needs new table pages and there are none: its
 * retrieve fails with NO_MEMORY, maps nothing, and works once there is
 * memory again. */
static void retrieve_out_of_memory(void **state)
{
	uint64_t pa = ffa_fx_pa(0, PAGE_IPA), taken[128];
	uint64_t h = ffa_fx_send(&fx, 0, LEND, 2, RW, PAGE_IPA, 2);
	unsigned n = 0;

	(void)state;
	while (n < 128 && page_pool_alloc(&fx.pool, &taken[n]))
		n++;
	ffa_fx_assert_err(ffa_fx_retrieve(&fx, 1, 1, h, 0), FX_NO_MEMORY);
	assert_false(ffa_fx_mapped(&fx, 1, WINDOW(pa), NULL, NULL));
	assert_false(ffa_fx_mapped(&fx, 1, WINDOW(pa) + 0x1000, NULL, NULL));
	while (n > 0)
		page_pool_free(&fx.pool, taken[--n]);
	assert_int_equal(ffa_fx_retrieve(&fx, 1, 1, h, 0)[0], 0x84000075);
	assert_true(ffa_fx_mapped(&fx, 1, WINDOW(pa) + 0x1000, NULL, NULL));
}

#define FRAG_TX 0x8400007bull
#define FRAG_RX 0x8400007aull

/* A two-range share sent as a first fragment (header, receiver,
 * composite, range 1) and one FRAG_TX (range 2). */
static uint64_t start_fragmented(uint64_t fid, uint32_t *len)
{
	struct fx_recv rv = {2, RW};
	struct fx_range g[2] = {{PAGE_IPA, 1}, {PAGE_IPA + 0x4000, 2}};
	const uint64_t *r;

	*len = ffa_fx_desc(ffa_fx_tx(&fx, 0), 1, 0x2f, 0, 0, 0, &rv, 1, g, 2);
	r = CALL(0, fid, *len, *len - 16, 0, 0, 0);
	assert_int_equal(r[0], FRAG_RX);
	assert_int_equal(r[3], *len - 16); /* bytes so far */
	assert_true(r[2] >> 31);	   /* handle bit 63, in w2 */
	return r[1] | r[2] << 32;
}

/* The last constituent, for FRAG_TX, at the start of TX. */
static void put_range(uint64_t addr, uint32_t pages, uint32_t mbz)
{
	uint8_t *tx = ffa_fx_tx(&fx, 0);

	memset(tx, 0, 16);
	for (unsigned i = 0; i < 8; i++)
		tx[i] = (uint8_t)(addr >> (8 * i));
	for (unsigned i = 0; i < 4; i++) {
		tx[8 + i] = (uint8_t)(pages >> (8 * i));
		tx[12 + i] = (uint8_t)(mbz >> (8 * i));
	}
}

static void fragments_share(void **state)
{
	uint32_t len;
	uint64_t h = start_fragmented(SHARE, &len), pa;
	const uint64_t *r;

	(void)state;
	/* Nothing moves before the last fragment. */
	pa = ffa_fx_pa(0, PAGE_IPA);
	assert_false(ffa_fx_mapped(&fx, 1, WINDOW(pa), NULL, NULL));
	ffa_fx_assert_err(ffa_fx_retrieve(&fx, 1, 1, h, 0), FX_INVALID);
	put_range(PAGE_IPA + 0x4000, 2, 0);
	r = CALL(0, FRAG_TX, (uint32_t)h, h >> 32, 16, 0, 0);
	assert_int_equal(r[0], FX_SUCCESS);
	assert_int_equal(r[2] | r[3] << 32, h);
	assert_int_equal(ffa_fx_retrieve(&fx, 1, 1, h, 0)[0], 0x84000075);
	assert_true(ffa_fx_mapped(&fx, 1, WINDOW(pa), NULL, NULL));
	assert_true(ffa_fx_mapped(&fx, 1, WINDOW(pa) + 0x5000, NULL, NULL));
	assert_int_equal(ffa_fx_rd(ffa_fx_rx(&fx, 1) + 64, 4), 3); /* pages */
	/* Complete: no more fragments. */
	ffa_fx_assert_err(CALL(0, FRAG_TX, (uint32_t)h, h >> 32, 16, 0, 0),
			  FX_INVALID);
}

/* Each bad FRAG_TX is refused and ends the transaction. */
static void fragments_refused(void **state)
{
	static const struct {
		uint64_t addr;
		uint32_t pages, mbz, len, w4;
		uint64_t status;
	} bad[] = {
	    {PAGE_IPA + 0x4000, 2, 1, 16, 0, FX_INVALID},     /* MBZ */
	    {PAGE_IPA + 0x4000, 0, 0, 16, 0, FX_INVALID},     /* no pages */
	    {PAGE_IPA + 0x4800, 2, 0, 16, 0, FX_INVALID},     /* unaligned */
	    {PAGE_IPA, 2, 0, 16, 0, FX_INVALID},	      /* overlap */
	    {PAGE_IPA + 0x4000, 3, 0, 16, 0, FX_INVALID},     /* 4 pages > 3 */
	    {PAGE_IPA + 0x4000, 1, 0, 16, 0, FX_INVALID},     /* 2 pages < 3 */
	    {0xfffffffffffff000ull, 2, 0, 16, 0, FX_INVALID}, /* wraps */
	    {PAGE_IPA + 0x4000, 2, 0, 8, 0, FX_INVALID},      /* length */
	    {PAGE_IPA + 0x4000, 2, 0, 32, 0, FX_INVALID},     /* past total */
	    {PAGE_IPA + 0x4000, 2, 0, 16, 3u << 16, FX_INVALID}, /* sender */
	    {0x3fff0000, 2, 0, 16, 0, FX_DENIED}, /* not the sender's */
	};

	(void)state;
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint32_t len;
		uint64_t h = start_fragmented(LEND, &len);

		put_range(bad[i].addr, bad[i].pages, bad[i].mbz);
		ffa_fx_assert_err(CALL(0, FRAG_TX, (uint32_t)h, h >> 32,
				       bad[i].len, bad[i].w4, 0),
				  bad[i].status);
		/* Gone: a correct fragment now names no transaction. */
		put_range(PAGE_IPA + 0x4000, 2, 0);
		ffa_fx_assert_err(
		    CALL(0, FRAG_TX, (uint32_t)h, h >> 32, 16, 0, 0),
		    FX_INVALID);
		assert_true(
		    ffa_fx_mapped(&fx, 0, PAGE_IPA, NULL, NULL)); /* not lent */
	}
}

static void fragments_other_vm_or_reclaimed(void **state)
{
	uint32_t len;
	uint64_t h = start_fragmented(SHARE, &len);

	(void)state;
	/* Another VM cannot continue it (and does not end it). */
	ffa_fx_assert_err(CALL(1, FRAG_TX, (uint32_t)h, h >> 32, 16, 0, 0),
			  FX_INVALID);
	/* The sender drops it with a reclaim. */
	assert_int_equal(CALL(0, RECLAIM, (uint32_t)h, h >> 32, 0, 0, 0)[0],
			 FX_SUCCESS);
	put_range(PAGE_IPA + 0x4000, 2, 0);
	ffa_fx_assert_err(CALL(0, FRAG_TX, (uint32_t)h, h >> 32, 16, 0, 0),
			  FX_INVALID);
}

/* A page shared or lent away cannot become a buffer. */
static void buffer_not_from_lent_page(void **state)
{
	(void)state;
	ffa_fx_send(&fx, 0, LEND, 2, RW, PAGE_IPA, 1);
	ffa_fx_send(&fx, 0, SHARE, 2, RW, PAGE_IPA + 0x2000, 1);
	assert_int_equal(CALL(0, 0x84000067, 0, 0, 0, 0, 0)[0], FX_SUCCESS);
	ffa_fx_assert_err(
	    CALL(0, 0x84000066, PAGE_IPA, PAGE_IPA + 0x1000, 1, 0, 0),
	    FX_DENIED);
	ffa_fx_assert_err(
	    CALL(0, 0x84000066, PAGE_IPA + 0x1000, PAGE_IPA + 0x2000, 1, 0, 0),
	    FX_DENIED);
	assert_int_equal(CALL(0, 0x84000066, PAGE_IPA + 0x1000,
			      PAGE_IPA + 0x3000, 1, 0, 0)[0],
			 FX_SUCCESS);
}

/* ---- retrieving ---- */

static void retrieve_response(void **state)
{
	uint64_t pa = ffa_fx_pa(0, PAGE_IPA);
	uint64_t h = ffa_fx_send(&fx, 0, LEND, 2, RW, PAGE_IPA, 3);
	const uint64_t *r = ffa_fx_retrieve(&fx, 1, 1, h, 0);
	const uint8_t *rx = ffa_fx_rx(&fx, 1);

	(void)state;
	assert_int_equal(r[0], 0x84000075); /* MEM_RETRIEVE_RESP */
	assert_int_equal(r[1], 48 + 16 + 16 + 16);
	assert_int_equal(r[2], r[1]);
	assert_int_equal(ffa_fx_rd(rx, 2), 1);		/* sender */
	assert_int_equal(ffa_fx_rd(rx + 2, 2), 0x2f);	/* attributes */
	assert_int_equal(ffa_fx_rd(rx + 4, 4), 2 << 3); /* type: lend */
	assert_int_equal(ffa_fx_rd(rx + 8, 8), h);
	assert_int_equal(ffa_fx_rd(rx + 24, 4), 16);
	assert_int_equal(ffa_fx_rd(rx + 28, 4), 1);
	assert_int_equal(ffa_fx_rd(rx + 32, 4), 48);
	assert_int_equal(ffa_fx_rd(rx + 48, 2), 2);
	assert_int_equal(rx[50], 2 | 1 << 2); /* RW, NX */
	assert_int_equal(ffa_fx_rd(rx + 52, 4), 64);
	assert_int_equal(ffa_fx_rd(rx + 64, 4), 3); /* total pages */
	assert_int_equal(ffa_fx_rd(rx + 68, 4), 1); /* one range */
	assert_int_equal(ffa_fx_rd(rx + 80, 8), WINDOW(pa));
	assert_int_equal(ffa_fx_rd(rx + 88, 4), 3);
	/* RX is the VM's until released. */
	ffa_fx_assert_err(ffa_fx_retrieve(&fx, 1, 1, h, 0), FX_BUSY);
}

static void retrieve_unknown_handle(void **state)
{
	uint64_t h = ffa_fx_send(&fx, 0, SHARE, 2, RW, PAGE_IPA, 1);

	(void)state;
	ffa_fx_assert_err(ffa_fx_retrieve(&fx, 1, 1, h + 1, 0), FX_INVALID);
	ffa_fx_assert_err(ffa_fx_retrieve(&fx, 1, 1, h ^ (1ull << 20), 0),
			  FX_INVALID);
}

static void retrieve_non_receiver(void **state)
{
	uint64_t h = ffa_fx_send(&fx, 0, SHARE, 2, RW, PAGE_IPA, 1);

	(void)state;
	ffa_fx_assert_err(ffa_fx_retrieve(&fx, 2, 1, h, 0), FX_DENIED);
}

static void retrieve_twice(void **state)
{
	uint64_t h = ffa_fx_send(&fx, 0, SHARE, 2, RW, PAGE_IPA, 1);

	(void)state;
	assert_int_equal(ffa_fx_retrieve(&fx, 1, 1, h, 0)[0], 0x84000075);
	assert_int_equal(CALL(1, 0x84000065, 0, 0, 0, 0, 0)[0], FX_SUCCESS);
	ffa_fx_assert_err(ffa_fx_retrieve(&fx, 1, 1, h, 0), FX_DENIED);
}

static void retrieve_mismatch(void **state)
{
	uint64_t h = ffa_fx_send(&fx, 0, SHARE, 2, RO, PAGE_IPA, 1);
	uint8_t *tx = ffa_fx_tx(&fx, 1);

	(void)state;
	/* Wrong sender. */
	ffa_fx_assert_err(ffa_fx_retrieve(&fx, 1, 3, h, 0), FX_INVALID);
	/* Wider access than granted: write to a read-only share, or
	 * execute. */
	ffa_fx_assert_err(ffa_fx_retrieve(&fx, 1, 1, h, RW), FX_DENIED);
	ffa_fx_assert_err(ffa_fx_retrieve(&fx, 1, 1, h, 2 << 2), FX_DENIED);
	/* Reserved access values. */
	ffa_fx_assert_err(ffa_fx_retrieve(&fx, 1, 1, h, 3), FX_INVALID);
	/* Tag mismatch: set it after building the request. */
	ffa_fx_retrieve(&fx, 1, 1, 0, 0); /* builds the request */
	tx[8] = (uint8_t)h;
	for (unsigned i = 1; i < 8; i++)
		tx[8 + i] = (uint8_t)(h >> (8 * i));
	tx[16] = 1;
	ffa_fx_assert_err(CALL(1, RETRIEVE, 64, 64, 0, 0, 0), FX_INVALID);
	tx[16] = 0;
	/* Transaction type lend (2) for a share. */
	tx[4] = 2 << 3;
	ffa_fx_assert_err(CALL(1, RETRIEVE, 64, 64, 0, 0, 0), FX_INVALID);
	/* Zero-memory flag on a share. */
	tx[4] = 1;
	ffa_fx_assert_err(CALL(1, RETRIEVE, 64, 64, 0, 0, 0), FX_INVALID);
	/* Flags [31:10] MBZ. */
	tx[4] = 0;
	tx[5] = 0x04;
	ffa_fx_assert_err(CALL(1, RETRIEVE, 64, 64, 0, 0, 0), FX_INVALID);
	tx[5] = 0;
	/* Lengths: fragmented, or address arguments. */
	ffa_fx_assert_err(CALL(1, RETRIEVE, 80, 64, 0, 0, 0), FX_INVALID);
	ffa_fx_assert_err(CALL(1, RETRIEVE, 64, 64, 0x1000, 1, 0), FX_INVALID);
	/* Receiver descriptors past the request. */
	ffa_fx_assert_err(CALL(1, RETRIEVE, 48, 48, 0, 0, 0), FX_INVALID);
	/* The request type 1 (share) matches. */
	tx[4] = 1 << 3;
	assert_int_equal(CALL(1, RETRIEVE, 64, 64, 0, 0, 0)[0], 0x84000075);
}

/* Lend with the zero flag: the borrower sees zeroes. */
static void lend_zeroed(void **state)
{
	struct fx_recv rv = {2, RW};
	struct fx_range g = {PAGE_IPA, 1};
	uint32_t len =
	    ffa_fx_desc(ffa_fx_tx(&fx, 0), 1, 0x2f, 1, 0, 0, &rv, 1, &g, 1);
	uint8_t *page = fx.ram[0] + (PAGE_IPA - FX_RAM_IPA);
	const uint64_t *r = CALL(0, LEND, len, len, 0, 0, 0);
	uint64_t h = r[2] | r[3] << 32;

	(void)state;
	assert_int_equal(r[0], FX_SUCCESS);
	assert_int_equal(page[100], 0x5a);
	assert_int_equal(ffa_fx_retrieve(&fx, 1, 1, h, 0)[0], 0x84000075);
	assert_int_equal(page[100], 0);
	assert_int_equal(page[4095], 0);
}

/* ---- relinquish and reclaim ---- */

static void relinquish_checks(void **state)
{
	uint64_t h = ffa_fx_send(&fx, 0, LEND, 2, RW, PAGE_IPA, 1);
	uint8_t *tx = ffa_fx_tx(&fx, 1);
	uint64_t pa = ffa_fx_pa(0, PAGE_IPA);

	(void)state;
	/* Not retrieved yet. */
	ffa_fx_relinquish_desc(tx, h, 0, 2);
	ffa_fx_assert_err(CALL(1, RELINQUISH, 0, 0, 0, 0, 0), FX_DENIED);
	assert_int_equal(ffa_fx_retrieve(&fx, 1, 1, h, 0)[0], 0x84000075);
	/* Unknown handle, another endpoint, two endpoints, flags MBZ. */
	ffa_fx_relinquish_desc(tx, h + 1, 0, 2);
	ffa_fx_assert_err(CALL(1, RELINQUISH, 0, 0, 0, 0, 0), FX_INVALID);
	ffa_fx_relinquish_desc(tx, h, 0, 3);
	ffa_fx_assert_err(CALL(1, RELINQUISH, 0, 0, 0, 0, 0), FX_INVALID);
	ffa_fx_relinquish_desc(tx, h, 0, 2);
	tx[12] = 2;
	ffa_fx_assert_err(CALL(1, RELINQUISH, 0, 0, 0, 0, 0), FX_INVALID);
	ffa_fx_relinquish_desc(tx, h, 4, 2);
	ffa_fx_assert_err(CALL(1, RELINQUISH, 0, 0, 0, 0, 0), FX_INVALID);
	/* A non-receiver. */
	ffa_fx_relinquish_desc(ffa_fx_tx(&fx, 2), h, 0, 3);
	ffa_fx_assert_err(CALL(2, RELINQUISH, 0, 0, 0, 0, 0), FX_DENIED);
	ffa_fx_relinquish_desc(tx, h, 0, 2);
	assert_int_equal(CALL(1, RELINQUISH, 0, 0, 0, 0, 0)[0], FX_SUCCESS);
	assert_false(ffa_fx_mapped(&fx, 1, WINDOW(pa), NULL, NULL));
	/* Twice. */
	ffa_fx_assert_err(CALL(1, RELINQUISH, 0, 0, 0, 0, 0), FX_DENIED);
	/* Until the sender reclaims, the receiver may retrieve again. */
	assert_int_equal(CALL(1, 0x84000065, 0, 0, 0, 0, 0)[0], FX_SUCCESS);
	assert_int_equal(ffa_fx_retrieve(&fx, 1, 1, h, 0)[0], 0x84000075);
	assert_true(ffa_fx_mapped(&fx, 1, WINDOW(pa), NULL, NULL));
}

static void reclaim_rules(void **state)
{
	uint64_t h = ffa_fx_send(&fx, 0, LEND, 2, RW, PAGE_IPA, 1);
	uint64_t pa = ffa_fx_pa(0, PAGE_IPA), got;
	uint8_t perm;

	(void)state;
	assert_int_equal(ffa_fx_retrieve(&fx, 1, 1, h, 0)[0], 0x84000075);
	/* Unknown handle; not the sender (the borrower, a third VM). */
	ffa_fx_assert_err(CALL(0, RECLAIM, (uint32_t)h + 1, h >> 32, 0, 0, 0),
			  FX_INVALID);
	ffa_fx_assert_err(CALL(1, RECLAIM, (uint32_t)h, h >> 32, 0, 0, 0),
			  FX_INVALID);
	ffa_fx_assert_err(CALL(2, RECLAIM, (uint32_t)h, h >> 32, 0, 0, 0),
			  FX_INVALID);
	/* Still borrowed. */
	ffa_fx_assert_err(CALL(0, RECLAIM, (uint32_t)h, h >> 32, 0, 0, 0),
			  FX_DENIED);
	/* Flags [31:2] MBZ. */
	ffa_fx_assert_err(CALL(0, RECLAIM, (uint32_t)h, h >> 32, 4, 0, 0),
			  FX_INVALID);
	ffa_fx_relinquish_desc(ffa_fx_tx(&fx, 1), h, 0, 2);
	assert_int_equal(CALL(1, RELINQUISH, 0, 0, 0, 0, 0)[0], FX_SUCCESS);
	assert_int_equal(CALL(0, RECLAIM, (uint32_t)h, h >> 32, 0, 0, 0)[0],
			 FX_SUCCESS);
	assert_true(ffa_fx_mapped(&fx, 0, PAGE_IPA, &got, &perm));
	assert_int_equal(got, pa);
	assert_int_equal(perm, 7);
	/* The handle is gone. */
	ffa_fx_assert_err(CALL(0, RECLAIM, (uint32_t)h, h >> 32, 0, 0, 0),
			  FX_INVALID);
	/* And the page can go again. */
	ffa_fx_send(&fx, 0, SHARE, 3, RO, PAGE_IPA, 1);
}

/* Before anyone retrieves, the sender may take it back. */
static void reclaim_before_retrieve(void **state)
{
	uint64_t pa = ffa_fx_pa(0, PAGE_IPA);
	uint64_t h = ffa_fx_send(&fx, 0, SHARE, 2, RW, PAGE_IPA, 1);

	(void)state;
	assert_int_equal(CALL(0, RECLAIM, (uint32_t)h, h >> 32, 0, 0, 0)[0],
			 FX_SUCCESS);
	assert_false(ffa_fx_mapped(&fx, 1, WINDOW(pa), NULL, NULL));
	ffa_fx_assert_err(ffa_fx_retrieve(&fx, 1, 1, h, 0), FX_INVALID);
}

static void donate_moves_ownership(void **state)
{
	uint64_t pa = ffa_fx_pa(0, PAGE_IPA);
	uint64_t h = ffa_fx_send(&fx, 0, DONATE, 3, 0, PAGE_IPA, 1), h2;

	(void)state;
	assert_false(ffa_fx_mapped(&fx, 0, PAGE_IPA, NULL, NULL));
	assert_int_equal(ffa_fx_retrieve(&fx, 2, 1, h, 0)[0], 0x84000075);
	assert_int_equal(ffa_fx_rx(&fx, 2)[4], 3 << 3); /* type: donate */
	/* Done: no handle to reclaim; the donor cannot give it again. */
	ffa_fx_assert_err(CALL(0, RECLAIM, (uint32_t)h, h >> 32, 0, 0, 0),
			  FX_INVALID);
	/* The new owner shares it on, from its window address. */
	h2 = ffa_fx_send(&fx, 2, SHARE, 1, RO, WINDOW(pa), 1);
	assert_true(h2 != h);
}

static void donate_reclaimed_before_retrieve(void **state)
{
	uint64_t h = ffa_fx_send(&fx, 0, DONATE, 2, 0, PAGE_IPA, 1);
	uint64_t pa = ffa_fx_pa(0, PAGE_IPA), got;

	(void)state;
	assert_int_equal(CALL(0, RECLAIM, (uint32_t)h, h >> 32, 0, 0, 0)[0],
			 FX_SUCCESS);
	assert_true(ffa_fx_mapped(&fx, 0, PAGE_IPA, &got, NULL));
	assert_int_equal(got, pa);
	assert_false(ffa_fx_mapped(&fx, 1, WINDOW(pa), NULL, NULL));
}

/* A v1.0 caller's descriptors are not v1.1's. */
static void v10_caller_memory(void **state)
{
	(void)state;
	assert_int_equal(CALL(0, 0x84000063, 0x00010000, 0, 0, 0, 0)[0],
			 0x00010001);
	ffa_fx_assert_err(CALL(0, SHARE, 80, 80, 0, 0, 0), FX_NOT_SUPPORTED);
}

/* Destroying a VM unwinds what it takes part in. */
static void destroy_receiver_gives_back(void **state)
{
	uint64_t pa = ffa_fx_pa(0, PAGE_IPA), got;
	uint64_t h = ffa_fx_send(&fx, 0, LEND, 2, RW, PAGE_IPA, 1);

	(void)state;
	assert_int_equal(ffa_fx_retrieve(&fx, 1, 1, h, 0)[0], 0x84000075);
	vm_destroy(fx.vm[1]);
	fx.vm[1] = NULL;
	assert_true(ffa_fx_mapped(&fx, 0, PAGE_IPA, &got, NULL));
	assert_int_equal(got, pa);
	ffa_fx_assert_err(CALL(0, RECLAIM, (uint32_t)h, h >> 32, 0, 0, 0),
			  FX_INVALID);
	/* A receiver that is gone is unknown. */
	{
		struct fx_recv rv = {2, RW};
		struct fx_range g = {PAGE_IPA, 1};
		uint32_t len = ffa_fx_desc(ffa_fx_tx(&fx, 0), 1, 0x2f, 0, 0, 0,
					   &rv, 1, &g, 1);

		ffa_fx_assert_err(CALL(0, SHARE, len, len, 0, 0, 0),
				  FX_INVALID);
	}
}

static void destroy_sender_unmaps_borrower(void **state)
{
	uint64_t pa = ffa_fx_pa(0, PAGE_IPA);
	uint64_t h = ffa_fx_send(&fx, 0, SHARE, 3, RW, PAGE_IPA, 1);

	(void)state;
	assert_int_equal(ffa_fx_retrieve(&fx, 2, 1, h, 0)[0], 0x84000075);
	vm_destroy(fx.vm[0]);
	fx.vm[0] = NULL;
	assert_false(ffa_fx_mapped(&fx, 2, WINDOW(pa), NULL, NULL));
}

/* The middle VM leaves: the table closes the gap, and the pages of the
 * VM registered after it are still found where they are. */
static void middle_vm_leaves_table_compacted(void **state)
{
	uint64_t pa = ffa_fx_pa(2, FX_RAM_IPA + 0x30000), h;

	(void)state;
	vm_destroy(fx.vm[1]);
	fx.vm[1] = NULL;
	assert_int_equal(sim_iso_add_shared(pa, 4096, 5), 0);
	h = ffa_fx_send(&fx, 2, LEND, 1, RW, FX_RAM_IPA + 0x30000, 1);
	assert_false(ffa_fx_mapped(&fx, 2, FX_RAM_IPA + 0x30000, NULL, NULL));
	assert_int_equal(ffa_fx_retrieve(&fx, 0, 3, h, 0)[0], 0x84000075);
	assert_true(ffa_fx_mapped(&fx, 0, WINDOW(pa), NULL, NULL));
	/* And a VM created again in the freed slot is registered anew. */
	{
		struct vm_config cfg = {0x81000000ull, FX_RAM_SIZE, 1, false};
		int err = -1;

		fx.vm[1] = vm_create(&cfg, &fx.pool, &err);
		assert_non_null(fx.vm[1]);
		vcpu_reset(&fx.vm[1]->vcpus[0], FX_RAM_IPA, 0);
		ffa_fx_map(&fx, 1);
	}
}

/* RAM beyond the table's 32768 pages (128 MiB): the VM runs, but FF-A
 * memory is DENIED to it, both ways. */
static void vm_beyond_table_cap(void **state)
{
	const uint64_t big = 130ull << 20, big_pa = 0xc0000000ull;
	struct vm_config cfg = {big_pa, big, 1, false};
	void *mem = aligned_alloc(4096, big);
	struct fx_recv rv = {4, RW};
	struct fx_range g = {PAGE_IPA, 1};
	struct vm *vm;
	uint32_t len;
	int err = -1;
	const uint64_t *r;

	(void)state;
	assert_non_null(mem);
	assert_int_equal(sim_phys_add(big_pa, mem, big), 0);
	vm = vm_create(&cfg, &fx.pool, &err);
	assert_non_null(vm);
	assert_int_equal(vm->id, 3); /* endpoint 4 */
	vcpu_reset(&vm->vcpus[0], FX_RAM_IPA, 0);
	/* Discovery works. */
	assert_int_equal(CALL(0, 0x84000068, 0, 0, 0, 0, 1)[2], 4);
	/* No buffers, and nobody can send it memory. */
	{
		struct vcpu *v = &vm->vcpus[0];

		v->regs.x[0] = 0x84000066;
		v->regs.x[1] = FX_RAM_IPA + FX_TX_OFF;
		v->regs.x[2] = FX_RAM_IPA + FX_RX_OFF;
		v->regs.x[3] = 1;
		test_trap(v, 0x5a000000ull, 0, 0);
		assert_int_equal(v->regs.x[0], FX_ERROR);
		assert_int_equal(v->regs.x[2], FX_DENIED);
	}
	len = ffa_fx_desc(ffa_fx_tx(&fx, 0), 1, 0x2f, 0, 0, 0, &rv, 1, &g, 1);
	r = CALL(0, SHARE, len, len, 0, 0, 0);
	ffa_fx_assert_err(r, FX_DENIED);
	vm_destroy(vm);
	free(mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup3, teardown)
	    T(share_maps_receiver),
	    T(lend_unmaps_sender),
	    T(lend_to_two),
	    T(send_arguments),
	    T(unknown_receiver),
	    T(not_senders_page),
	    T(too_many_runs),
	    T(out_of_handles),
	    T(retrieve_out_of_memory),
	    T(buffer_not_from_lent_page),
	    T(fragments_share),
	    T(fragments_refused),
	    T(fragments_other_vm_or_reclaimed),
	    T(retrieve_response),
	    T(retrieve_unknown_handle),
	    T(retrieve_non_receiver),
	    T(retrieve_twice),
	    T(retrieve_mismatch),
	    T(lend_zeroed),
	    T(relinquish_checks),
	    T(reclaim_rules),
	    T(reclaim_before_retrieve),
	    T(donate_moves_ownership),
	    T(donate_reclaimed_before_retrieve),
	    T(v10_caller_memory),
	    T(destroy_receiver_gives_back),
	    T(destroy_sender_unmaps_borrower),
	    T(middle_vm_leaves_table_compacted),
	    T(vm_beyond_table_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
