/*
 * Memory sent to the secure world: FFA_MEM_SHARE/LEND/DONATE whose
 * receivers all have FF-A IDs with bit 15 set, and the FFA_MEM_RECLAIM of
 * such a transaction. The SPMC (at EL3's far side, reached with
 * hal_smc_forward) is the relayer for the secure receivers: it allocates
 * the handle (bit 63 clear) and answers their retrieves. The hypervisor
 * still checks the send as for a VM receiver and keeps the pages in the
 * ownership table, so that the sender can neither send them again nor map
 * them as RX/TX while the secure world may hold them.
 *
 * How the SPMC sees the descriptor (DEN0077A v1.1, the hypervisor
 * forwarding memory management calls): from the hypervisor's own TX
 * buffer, registered with FFA_RXTX_MAP by ID 0. The other way, the SPMC
 * reading the VM's TX after a forwarded RXTX_MAP, would hand the SPMC the
 * VM's IPAs and a buffer the VM can rewrite while the SPMC reads it. The
 * hypervisor's buffers are two pages of the Stage-2 table pool (memory
 * with a known PA that no VM maps), mapped with the SPMC for the one call
 * and unmapped after it, so no state outlives the send. The descriptor is
 * rebuilt from the parsed copy, with every constituent an address the
 * SPMC can use: the sender's IPAs translated to physical runs.
 *
 * Order of the bookkeeping: the table (and a lender's Stage-2) changes
 * before the SPMC is asked, and is undone if the SPMC answers an error,
 * so a lent or donated page has left the sender before the secure world
 * can map it (Hafnium updates the sender's tables first too). All of it
 * happens under the FF-A lock, so no other FF-A call sees the undone
 * state; the caller sees nothing changed on an error.
 *
 * In the table, "the secure world" is no borrower id: a share or lend is
 * the owner's OWNED_SHARED or LENT page with no VM borrower (owner_offer),
 * plus a record here naming the SPMC's handle; donated pages are retired
 * (owner_retire: OWNER_RETIRED for good, their region never leaves the
 * table), since the SPMC never gives a donation back.
 *
 * A VM destroyed while the secure world has its memory: the hypervisor
 * reclaims each share or lend for it. If the SPMC refuses (a secure
 * partition still holds the pages), the SPMC may still map them, so they
 * must never be handed out again: they are quarantined (retired), the
 * VM's region stays in the table (so no VM over that RAM is registered
 * for FF-A again; the port must not reuse that RAM either), and the
 * SPMC's transaction is left as it is. Donated pages are retired already.
 */
#include "ffa/ffa_priv.h"
#include "lib/mem.h"

#define MAX_SECURE_TXNS 32u
#define RECLAIM_FLAGS_MBZ 0xfffffffcu /* [0] zero, [1] time slicing */

struct secure_txn {
	bool used;
	uint64_t handle; /* the SPMC's */
	uint16_t sender;
	struct ffa_mem_runs runs;
};

static struct secure_txn stx[MAX_SECURE_TXNS];

/* a = {x0..x3}, the rest 0, forwarded; a holds the answer after. */
static void smc(uint64_t a[18], uint64_t x0, uint64_t x1, uint64_t x2,
		uint64_t x3)
{
	memset(a, 0, 18 * sizeof(a[0]));
	a[0] = x0;
	a[1] = x1;
	a[2] = x2;
	a[3] = x3;
	hal_smc_forward(a);
}

/* The SPMC's answer as a status: its FFA_ERROR's status. Anything else
 * but SUCCESS means no SPMC (EL3 answers SMCCC's unknown function, -1):
 * then a secure ID names no endpoint, INVALID_PARAMETERS as for any
 * unknown receiver. */
static int status(const uint64_t a[18])
{
	if ((uint32_t)a[0] == FFA_SUCCESS)
		return FFA_OK;
	if ((uint32_t)a[0] == FFA_ERROR)
		return (int)(int32_t)(uint32_t)a[2];
	return FFA_INVALID_PARAMETERS;
}

/* The descriptor for the SPMC, v1.1 layout (mem_desc.h): header,
 * receivers, one composite, the physical runs. Returns its length. */
static uint32_t write_desc(uint8_t *b, const struct ffa_mem_txn *m,
			   const struct ffa_mem_runs *runs)
{
	uint32_t comp =
	    FFA_MEM_HDR_SIZE + FFA_MEM_EMAD_SIZE * m->receiver_count;
	uint32_t len = comp + FFA_MEM_COMPOSITE_SIZE +
		       FFA_MEM_RANGE_SIZE * (uint32_t)runs->n;

	memset(b, 0, len);
	/* Handle 0: the SPMC gives it. */
	ffa_put_mem_header(b, m->sender, m->attributes, m->flags, 0, m->tag,
			   m->receiver_count);
	for (uint32_t i = 0; i < m->receiver_count; i++) {
		uint8_t *e = b + FFA_MEM_HDR_SIZE + FFA_MEM_EMAD_SIZE * i;

		ffa_put16(e, m->receivers[i].id);
		e[2] = m->receivers[i].perms;
		e[3] = m->receivers[i].flags;
		ffa_put32(e + 4, comp);
	}
	ffa_put_composite(b + comp, m->total_pages, runs->r, runs->n, true);
	return len;
}

/* The sender's side in the table: as for a VM receiver (mem.c), but no
 * borrower will ever be added. */
static int take(uint16_t sender, enum ffa_mem_op op,
		const struct ffa_mem_runs *runs)
{
	if (op == FFA_MEM_OP_DONATE)
		return owner_donate(&ffa_owners, sender, OWNER_HYP, runs->r,
				    runs->n, 0);
	return owner_offer(&ffa_owners, sender, runs->r, runs->n,
			   op == FFA_MEM_OP_LEND);
}

/* Undoes take: the pages go back as and where the sender had them. */
static void untake(uint16_t sender, enum ffa_mem_op op,
		   const struct ffa_mem_runs *runs)
{
	if (op != FFA_MEM_OP_DONATE) {
		owner_reclaim(&ffa_owners, sender, runs->r, runs->n);
		return;
	}
	for (size_t i = 0; i < runs->n; i++) {
		struct owner_range back = {runs->r[i].pa, runs->r[i].size,
					   runs->sender_ipa[i]};

		owner_donate(&ffa_owners, OWNER_HYP, sender, &back, 1,
			     runs->sender_perm[i]);
	}
}

/* Forwards the send from the hypervisor's buffers; the SPMC's handle in
 * *handle. */
static int forward_send(struct page_pool *pool, uint32_t fid,
			const struct ffa_mem_txn *m,
			const struct ffa_mem_runs *runs, uint64_t *handle)
{
	uint64_t a[18], tx_pa = 0, rx_pa = 0;
	uint8_t *tx = page_pool_alloc(pool, &tx_pa);
	uint8_t *rx = page_pool_alloc(pool, &rx_pa);
	int rc = FFA_NO_MEMORY;

	if (tx && rx) {
		uint32_t len = write_desc(tx, m, runs);

		/* w3: one 4 KiB page each. */
		smc(a, FFA_RXTX_MAP_64, tx_pa, rx_pa, 1);
		rc = status(a);
		if (rc == FFA_OK) {
			smc(a, fid, len, len, 0);
			rc = status(a);
			*handle = (uint32_t)a[2] | (uint64_t)(uint32_t)a[3]
						       << 32;
			/* w1 [31:16]: the hypervisor's ID, 0. */
			smc(a, FFA_RXTX_UNMAP, 0, 0, 0);
		}
	}
	if (tx)
		page_pool_free(pool, tx_pa);
	if (rx)
		page_pool_free(pool, rx_pa);
	return rc;
}

void ffa_mem_secure_send(struct ffa_vm *f, struct smccc_call *c,
			 enum ffa_mem_op op, const struct ffa_mem_txn *m,
			 bool whole)
{
	static struct ffa_mem_runs runs; /* under the FF-A lock */
	uint16_t sender = ffa_id_of(f->vm);
	struct secure_txn *s = NULL;
	uint64_t handle = 0;
	int rc = FFA_OK;

	/* Fragments are not relayed to the SPMC: a fragmented send to the
	 * secure world stays refused as it was before secure receivers
	 * were supported. */
	if (!whole) {
		ffa_err(c, FFA_INVALID_PARAMETERS);
		return;
	}
	/* A share or lend needs a record for its reclaim; a donation does
	 * not (never given back). */
	for (unsigned i = 0; op != FFA_MEM_OP_DONATE && !s; i++) {
		if (i == MAX_SECURE_TXNS) {
			ffa_err(c, FFA_NO_MEMORY);
			return;
		}
		if (!stx[i].used)
			s = &stx[i];
	}
	rc = ffa_mem_to_runs(f, m->ranges, m->ranges_here, &runs);
	if (rc == FFA_OK) {
		rc = take(sender, op, &runs);
		if (rc != OWNER_OK)
			rc = ffa_mem_status_of(rc);
		else if ((rc = forward_send(f->vm->s2.pool, c->fid, m, &runs,
					    &handle)) != FFA_OK)
			untake(sender, op, &runs);
	}
	if (rc != FFA_OK) {
		ffa_err(c, rc);
		return;
	}
	/* Donated: the hypervisor's pages (take) now, retired for good
	 * (the SPMC never gives a donation back). Cannot fail: take made
	 * every page the hypervisor's exclusively. */
	if (op == FFA_MEM_OP_DONATE)
		owner_retire(&ffa_owners, runs.r, runs.n);
	if (s) {
		s->used = true;
		s->handle = handle;
		s->sender = sender;
		s->runs = runs;
	}
	ffa_res(c, FFA_SUCCESS, 0, (uint32_t)handle, (uint32_t)(handle >> 32));
}

void ffa_mem_secure_reclaim(struct ffa_vm *f, struct smccc_call *c,
			    uint64_t handle, uint32_t flags)
{
	struct secure_txn *s = NULL;
	uint64_t a[18];
	int rc;

	for (unsigned i = 0; i < MAX_SECURE_TXNS && !s; i++)
		if (stx[i].used && stx[i].handle == handle)
			s = &stx[i];
	/* Only the sender reclaims, as for the hypervisor's handles; a
	 * handle it never sent is not forwarded. */
	if (!s || s->sender != ffa_id_of(f->vm) ||
	    (flags & RECLAIM_FLAGS_MBZ) != 0) {
		ffa_err(c, FFA_INVALID_PARAMETERS);
		return;
	}
	smc(a, FFA_MEM_RECLAIM, (uint32_t)handle, (uint32_t)(handle >> 32),
	    flags);
	rc = status(a);
	if (rc == FFA_OK) {
		/* The pages are the sender's OWNED_SHARED / LENT ones with no
		 * borrower, so only a Stage-2 out of tables refuses here; the
		 * record stays then, and a retry is the SPMC's to answer. */
		rc =
		    owner_reclaim(&ffa_owners, s->sender, s->runs.r, s->runs.n);
		if (rc != OWNER_OK)
			rc = ffa_mem_status_of(rc);
	}
	if (rc != FFA_OK) {
		ffa_err(c, rc);
		return;
	}
	s->used = false;
	ffa_ok(c, 0);
}

void ffa_mem_secure_drop_vm(uint16_t id)
{
	for (unsigned i = 0; i < MAX_SECURE_TXNS; i++) {
		struct secure_txn *s = &stx[i];

		uint64_t a[18];
		bool back;

		if (!s->used || s->sender != id)
			continue;
		/* The leaving sender's reclaim, made by its relayer: if the
		 * SPMC gives the pages back, they leave with the VM. */
		smc(a, FFA_MEM_RECLAIM, (uint32_t)s->handle,
		    (uint32_t)(s->handle >> 32), 0);
		back = owner_reclaim(&ffa_owners, id, s->runs.r, s->runs.n) ==
		       OWNER_OK;
		/* Otherwise quarantine: the hypervisor's for good (file
		 * comment). */
		if (back && status(a) != FFA_OK &&
		    owner_donate(&ffa_owners, id, OWNER_HYP, s->runs.r,
				 s->runs.n, 0) == OWNER_OK)
			owner_retire(&ffa_owners, s->runs.r, s->runs.n);
		s->used = false;
	}
}
