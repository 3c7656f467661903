/*
 * FF-A memory transactions between VMs: FFA_MEM_SHARE/LEND/DONATE from the
 * sender's TX buffer, FFA_MEM_RETRIEVE_REQ, FFA_MEM_RELINQUISH and
 * FFA_MEM_RECLAIM. The descriptor is parsed (mem_desc.c) into a private
 * copy first, so a VM rewriting its TX buffer meanwhile changes nothing;
 * every page moves through the ownership table (mm/owner.h), all or
 * nothing.
 *
 * A borrower maps a page at FFA_BORROW_IPA_BASE + its PA: a window above
 * every VM's RAM where no two pages meet. The borrowers' Stage-2 mappings
 * are made when the sender sends (the table makes them with the lender's
 * unmapping, in one transaction); the retrieve tells the borrower where
 * they are. A receiver retrieves a transaction once.
 */
#include "ffa/ffa_priv.h"
#include "lib/mem.h"

#define MAX_TXNS 32u
#define HANDLE_HYP (1ull << 63) /* allocated by the hypervisor */
#define HANDLE_INDEX_MASK 0xffffull
#define HANDLE_GEN_SHIFT 16
#define WINDOW_LIMIT (1ull << 38) /* PAs the borrow window covers */

/* Retrieve request flags: [0] zero memory, [1] clear on relinquish,
 * [2] time slicing, [4:3] transaction type, [8:5] alignment hint, [9]
 * hint valid; the rest MBZ. Relinquish and reclaim flags: [0] zero,
 * [1] time slicing. */
#define RETRIEVE_FLAGS_MBZ 0xfffffc00u
#define RETRIEVE_ZERO 1u
#define RETRIEVE_TYPE_SHIFT 3
#define RETRIEVE_TYPE_MASK 3u
#define GIVE_BACK_FLAGS_MBZ 0xfffffffcu
#define GIVE_BACK_ZERO 1u
#define SEND_ZERO 1u

#define PERM_DATA_MASK 3u
#define PERM_DATA_RO 1u
#define PERM_DATA_RW 2u
#define PERM_INSN_SHIFT 2
#define PERM_INSN_NX 1u
#define PERM_INSN_X 2u
#define PERM_RESERVED 3u

/* A receiver maps the pages from its retrieve to its relinquish. */
enum recv_state { RECV_WAITING, RECV_RETRIEVED };

struct txn {
	bool used;
	/* Fragments still to come (FFA_MEM_FRAG_TX): nothing is mapped or
	 * owned differently yet; fr[] holds the sender's constituents. */
	bool pending;
	uint32_t total_len, got_len, range_count, nfr;
	struct ffa_mem_range fr[FFA_MEM_MAX_RANGES];
	enum ffa_mem_op op;
	uint64_t handle;
	uint16_t sender;
	uint16_t attributes;
	uint32_t flags;
	uint64_t tag;
	uint32_t nrecv;
	struct {
		uint16_t id;
		uint8_t data; /* granted data access: RO or RW */
		enum recv_state state;
	} recv[FFA_MEM_MAX_RECEIVERS];
	uint8_t s2perm;
	bool retrieved_once; /* for the zero-memory flags */
	uint32_t total_pages;
	size_t nranges;
	struct owner_range r[OWNER_TX_MAX_RANGES]; /* ipa: the window */
	uint64_t sender_ipa[OWNER_TX_MAX_RANGES];
	uint8_t sender_perm[OWNER_TX_MAX_RANGES]; /* runs have one each */
};

static struct txn txns[MAX_TXNS];
static uint64_t generation;

int ffa_mem_status_of(int owner_rc)
{
	if (owner_rc == OWNER_E_DENIED)
		return FFA_DENIED;
	if (owner_rc == OWNER_E_NO_MEMORY)
		return FFA_NO_MEMORY;
	return FFA_INVALID_PARAMETERS;
}

static struct txn *find(uint64_t handle)
{
	uint64_t i = handle & HANDLE_INDEX_MASK;

	if (i >= MAX_TXNS || !txns[i].used || txns[i].handle != handle)
		return NULL;
	return &txns[i];
}

static int recv_index(const struct txn *t, uint32_t id)
{
	for (uint32_t i = 0; i < t->nrecv; i++)
		if (t->recv[i].id == id)
			return (int)i;
	return -1;
}

static uint8_t s2_of(uint8_t data)
{
	return data == PERM_DATA_RW ? (S2_PERM_R | S2_PERM_W) : S2_PERM_R;
}

/* The sender's constituents (its IPAs) as runs of physical pages, each
 * contiguous in both spaces with one permission. */
int ffa_mem_to_runs(const struct ffa_vm *f, const struct ffa_mem_range *fr,
		    uint32_t nfr, struct ffa_mem_runs *out)
{
	out->n = 0;
	for (uint32_t i = 0; i < nfr; i++) {
		for (uint32_t p = 0; p < fr[i].pages; p++) {
			uint64_t ipa = fr[i].addr + (uint64_t)p * FFA_PAGE_SIZE,
				 pa;
			struct s2_attrs a;
			size_t k = out->n;
			struct owner_range *last = k ? &out->r[k - 1] : NULL;

			if (stage2_lookup(&f->vm->s2, ipa, &pa, &a, NULL) !=
				0 ||
			    pa >= WINDOW_LIMIT - FFA_PAGE_SIZE)
				return FFA_DENIED;
			if (last && last->pa + last->size == pa &&
			    out->sender_ipa[k - 1] + last->size == ipa &&
			    out->sender_perm[k - 1] == a.perm) {
				last->size += FFA_PAGE_SIZE;
				continue;
			}
			if (k == OWNER_TX_MAX_RANGES)
				return FFA_NO_MEMORY;
			out->r[k] = (struct owner_range){
			    pa, FFA_PAGE_SIZE, FFA_BORROW_IPA_BASE + pa};
			out->sender_ipa[k] = ipa;
			out->sender_perm[k] = a.perm;
			out->n++;
		}
	}
	return FFA_OK;
}

static int to_ranges(const struct ffa_vm *f, struct txn *t)
{
	struct ffa_mem_runs runs;
	int rc = ffa_mem_to_runs(f, t->fr, t->nfr, &runs);

	t->nranges = runs.n;
	memcpy(t->r, runs.r, sizeof(runs.r));
	memcpy(t->sender_ipa, runs.sender_ipa, sizeof(runs.sender_ipa));
	memcpy(t->sender_perm, runs.sender_perm, sizeof(runs.sender_perm));
	return rc;
}

/* The receivers: VMs in the table, all granted one data access (the
 * ownership table keeps one permission per page). */
static int take_receivers(const struct ffa_mem_txn *m, enum ffa_mem_op op,
			  struct txn *t)
{
	uint8_t data = m->receivers[0].perms & PERM_DATA_MASK;

	t->nrecv = m->receiver_count;
	for (uint32_t i = 0; i < m->receiver_count; i++) {
		const struct ffa_vm *r = ffa_vm_by_id(m->receivers[i].id);

		if (!r)
			return FFA_INVALID_PARAMETERS;
		if (!r->registered)
			return FFA_DENIED;
		if ((m->receivers[i].perms & PERM_DATA_MASK) != data)
			return FFA_INVALID_PARAMETERS;
		t->recv[i].id = m->receivers[i].id;
		t->recv[i].data =
		    op == FFA_MEM_OP_DONATE ? PERM_DATA_RW : (uint8_t)data;
		t->recv[i].state = RECV_WAITING;
	}
	/* A donation makes the receiver an owner, with an owner's access
	 * to RAM (read, write, execute); borrowers never execute. */
	t->s2perm = op == FFA_MEM_OP_DONATE
			? (S2_PERM_R | S2_PERM_W | S2_PERM_X)
			: s2_of(t->recv[0].data);
	return FFA_OK;
}

static struct txn *free_slot(void)
{
	for (unsigned i = 0; i < MAX_TXNS; i++)
		if (!txns[i].used)
			return &txns[i];
	return NULL;
}

/* The sender's side of the send: a share keeps its mapping, a lend or a
 * donation takes it away (a donation is the hypervisor's until the
 * receiver retrieves it). Receivers map at their retrieve. */
static int commit_send(struct txn *t)
{
	if (t->op == FFA_MEM_OP_DONATE)
		return owner_donate(&ffa_owners, t->sender, OWNER_HYP, t->r,
				    t->nranges, 0);
	return owner_offer(&ffa_owners, t->sender, t->r, t->nranges,
			   t->op == FFA_MEM_OP_LEND);
}

static void new_handle(struct txn *t)
{
	generation++;
	t->handle = HANDLE_HYP | (generation << HANDLE_GEN_SHIFT) |
		    (uint64_t)(t - txns);
	t->used = true;
}

/* The whole descriptor is in: physical runs, then the table. */
static int complete(const struct ffa_vm *f, struct txn *t)
{
	int rc = to_ranges(f, t);

	if (rc == FFA_OK) {
		rc = commit_send(t);
		if (rc != OWNER_OK)
			rc = ffa_mem_status_of(rc);
	}
	return rc;
}

static void answer_handle(struct smccc_call *c, const struct txn *t)
{
	if (t->pending) /* the offset of the next fragment in w3 */
		ffa_res(c, FFA_MEM_FRAG_RX, (uint32_t)t->handle,
			(uint32_t)(t->handle >> 32), t->got_len);
	else
		ffa_res(c, FFA_SUCCESS, 0, (uint32_t)t->handle,
			(uint32_t)(t->handle >> 32));
}

void ffa_mem_send(struct ffa_vm *f, struct smccc_call *c, enum ffa_mem_op op)
{
	uint32_t total = (uint32_t)smccc_arg(c, 1),
		 frag = (uint32_t)smccc_arg(c, 2);
	static struct ffa_mem_txn m; /* 600 bytes: off the EL2 stack */
	struct txn *t;
	int rc;

	/* Address and page count name a buffer other than TX: none is
	 * supported, so both must be 0. */
	if (smccc_arg(c, 3) != 0 || smccc_arg(c, 4) != 0 || !f->mapped) {
		ffa_err(c, FFA_INVALID_PARAMETERS);
		return;
	}
	if (f->version < FFA_VERSION_1_1) {
		ffa_err(c, FFA_NOT_SUPPORTED); /* v1.0 descriptors */
		return;
	}
	rc = ffa_mem_desc_parse(ffa_tx(f), (size_t)f->pages * FFA_PAGE_SIZE,
				total, frag, ffa_id_of(f->vm), op, &m);
	if (rc == FFA_OK && !f->registered)
		rc = FFA_DENIED;
	if (rc == FFA_OK) {
		uint32_t secure = 0;

		for (uint32_t i = 0; i < m.receiver_count; i++)
			if (m.receivers[i].id & FFA_SECURE_BIT)
				secure++;
		if (secure == m.receiver_count) {
			ffa_mem_secure_send(f, c, op, &m, total == frag);
			return;
		}
		/* Normal-world and secure receivers in one transaction:
		 * refused. Its handle would be both the hypervisor's (the
		 * VMs' retrieves) and the SPMC's (the secure ones'), and a
		 * reclaim would have to succeed at both relayers at once;
		 * send twice instead. */
		if (secure != 0)
			rc = FFA_INVALID_PARAMETERS;
	}
	t = free_slot();
	if (rc == FFA_OK && !t)
		rc = FFA_NO_MEMORY;
	if (rc == FFA_OK) {
		memset(t, 0, sizeof(*t));
		rc = take_receivers(&m, op, t);
	}
	if (rc != FFA_OK) {
		ffa_err(c, rc);
		return;
	}
	t->op = op;
	t->sender = ffa_id_of(f->vm);
	t->attributes = m.attributes;
	t->flags = m.flags;
	t->tag = m.tag;
	t->total_pages = m.total_pages;
	t->total_len = total;
	t->got_len = frag;
	t->range_count = m.range_count;
	t->nfr = m.ranges_here;
	memcpy(t->fr, m.ranges, sizeof(m.ranges[0]) * m.ranges_here);
	t->pending = !m.complete;
	if (!t->pending) {
		rc = complete(f, t);
		if (rc != FFA_OK) {
			ffa_err(c, rc);
			return;
		}
	}
	new_handle(t);
	answer_handle(c, t);
}

/* One more fragment of constituents, len bytes at the start of TX,
 * checked as the parser checks those of a first fragment (README rows
 * 43-47 and 49). */
static int take_fragment(const uint8_t *tx, uint32_t len, struct txn *t)
{
	uint64_t sum = 0;

	for (uint32_t i = 0; i < t->nfr; i++)
		sum += t->fr[i].pages;
	for (uint32_t off = 0; off < len; off += FFA_MEM_RANGE_SIZE) {
		uint64_t a = ffa_get64(tx + off);
		uint32_t pages = ffa_get32(tx + off + 8);
		uint64_t size = (uint64_t)pages * FFA_PAGE_SIZE;

		if (t->nfr == t->range_count || ffa_get32(tx + off + 12) != 0 ||
		    pages == 0 || (a & (FFA_PAGE_SIZE - 1)) != 0 ||
		    (a != 0 && size > 0 - a))
			return FFA_INVALID_PARAMETERS;
		for (uint32_t i = 0; i < t->nfr; i++) {
			uint64_t b = t->fr[i].addr,
				 bs = (uint64_t)t->fr[i].pages * FFA_PAGE_SIZE;

			if (a <= b + (bs - 1) && b <= a + (size - 1))
				return FFA_INVALID_PARAMETERS;
		}
		sum += pages;
		if (sum > t->total_pages)
			return FFA_INVALID_PARAMETERS;
		t->fr[t->nfr++] = (struct ffa_mem_range){a, pages};
	}
	if (t->got_len + len == t->total_len &&
	    (t->nfr != t->range_count || sum != t->total_pages))
		return FFA_INVALID_PARAMETERS;
	return FFA_OK;
}

void ffa_mem_frag_tx(struct ffa_vm *f, struct smccc_call *c)
{
	uint64_t h = (uint32_t)smccc_arg(c, 1) |
		     (uint64_t)(uint32_t)smccc_arg(c, 2) << 32;
	uint32_t len = (uint32_t)smccc_arg(c, 3),
		 w4 = (uint32_t)smccc_arg(c, 4);
	struct txn *t = find(h);
	int rc = FFA_OK;

	if (!t || !t->pending || t->sender != ffa_id_of(f->vm)) {
		ffa_err(c, FFA_INVALID_PARAMETERS);
		return;
	}
	/* w4 [31:16] names the sender for a relayer: 0 or the caller. */
	if (!f->mapped || (w4 & 0xffffu) != 0 ||
	    ((w4 >> 16) != 0 && (w4 >> 16) != t->sender) || len == 0 ||
	    len % FFA_MEM_RANGE_SIZE != 0 || len > f->pages * FFA_PAGE_SIZE ||
	    len > t->total_len - t->got_len)
		rc = FFA_INVALID_PARAMETERS;
	if (rc == FFA_OK)
		rc = take_fragment(ffa_tx(f), len, t);
	if (rc == FFA_OK) {
		t->got_len += len;
		t->pending = t->got_len < t->total_len;
		if (!t->pending)
			rc = complete(f, t);
	}
	if (rc != FFA_OK) {
		/* A bad fragment ends the transaction: nothing of it was
		 * applied. */
		t->used = false;
		ffa_err(c, rc);
		return;
	}
	answer_handle(c, t);
}

static void zero_pages(const struct txn *t)
{
	for (size_t i = 0; i < t->nranges; i++) {
		uint8_t *p = hal_pa_to_va(t->r[i].pa, (size_t)t->r[i].size);

		if (p)
			memset(p, 0, (size_t)t->r[i].size);
	}
}

static unsigned op_code(enum ffa_mem_op op)
{
	/* Transaction type in the flags: 1 share, 2 lend, 3 donate. */
	return op == FFA_MEM_OP_SHARE ? 1u : op == FFA_MEM_OP_LEND ? 2u : 3u;
}

/* ffa_priv.h */
void ffa_put_mem_header(uint8_t *b, uint16_t sender, uint16_t attributes,
			uint32_t flags, uint64_t handle, uint64_t tag,
			uint32_t receivers)
{
	ffa_put16(b, sender);
	ffa_put16(b + 2, attributes);
	ffa_put32(b + 4, flags);
	ffa_put64(b + 8, handle);
	ffa_put64(b + 16, tag);
	ffa_put32(b + 24, FFA_MEM_EMAD_SIZE);
	ffa_put32(b + 28, receivers);
	ffa_put32(b + 32, FFA_MEM_HDR_SIZE);
}

/* The retrieve response, in the receiver's RX buffer. */
static uint32_t write_resp(uint8_t *rx, const struct txn *t)
{
	uint32_t comp = FFA_MEM_HDR_SIZE + FFA_MEM_EMAD_SIZE * t->nrecv;
	uint32_t len = comp + FFA_MEM_COMPOSITE_SIZE +
		       FFA_MEM_RANGE_SIZE * (uint32_t)t->nranges;

	memset(rx, 0, len);
	ffa_put_mem_header(rx, t->sender, t->attributes,
			   op_code(t->op) << RETRIEVE_TYPE_SHIFT, t->handle,
			   t->tag, t->nrecv);
	for (uint32_t i = 0; i < t->nrecv; i++) {
		uint8_t *e = rx + FFA_MEM_HDR_SIZE + FFA_MEM_EMAD_SIZE * i;

		ffa_put16(e, t->recv[i].id);
		e[2] = (uint8_t)(t->recv[i].data | PERM_INSN_NX
						       << PERM_INSN_SHIFT);
		ffa_put32(e + 4, comp);
	}
	ffa_put_composite(rx + comp, t->total_pages, t->r, t->nranges, false);
	return len;
}

/* Checks the request in tx (len bytes) against t for receiver caller. */
static int check_request(const uint8_t *tx, uint32_t len, const struct txn *t,
			 uint16_t caller, int *ri)
{
	uint32_t flags = ffa_get32(tx + 4), type, count, off, i;
	const uint8_t *e = NULL;

	if (ffa_get16(tx) != t->sender || ffa_get64(tx + 16) != t->tag)
		return FFA_INVALID_PARAMETERS;
	type = (flags >> RETRIEVE_TYPE_SHIFT) & RETRIEVE_TYPE_MASK;
	if ((flags & RETRIEVE_FLAGS_MBZ) != 0 ||
	    (type != 0 && type != op_code(t->op)) ||
	    ((flags & RETRIEVE_ZERO) && t->op == FFA_MEM_OP_SHARE))
		return FFA_INVALID_PARAMETERS;
	if (ffa_get16(tx + 2) != 0 && ffa_get16(tx + 2) != t->attributes)
		return FFA_INVALID_PARAMETERS;
	count = ffa_get32(tx + 28);
	off = ffa_get32(tx + 32);
	if (ffa_get32(tx + 24) != FFA_MEM_EMAD_SIZE || count == 0 ||
	    count > FFA_MEM_MAX_RECEIVERS || off < FFA_MEM_HDR_SIZE ||
	    off % 16 != 0 || off > len || (len - off) / 16 < count)
		return FFA_INVALID_PARAMETERS;
	*ri = recv_index(t, caller);
	if (*ri < 0)
		return FFA_DENIED;
	for (i = 0; i < count && !e; i++)
		if (ffa_get16(tx + off + 16 * i) == caller)
			e = tx + off + 16 * i;
	if (!e)
		return FFA_INVALID_PARAMETERS;
	if ((e[2] & PERM_DATA_MASK) == PERM_RESERVED ||
	    (e[2] >> PERM_INSN_SHIFT & PERM_DATA_MASK) == PERM_RESERVED)
		return FFA_INVALID_PARAMETERS;
	/* Wider than granted: write to a read-only grant, or execute. */
	if (((e[2] & PERM_DATA_MASK) == PERM_DATA_RW &&
	     t->recv[*ri].data == PERM_DATA_RO) ||
	    ((e[2] >> PERM_INSN_SHIFT & PERM_DATA_MASK) == PERM_INSN_X &&
	     !(t->s2perm & S2_PERM_X)))
		return FFA_DENIED;
	if (t->recv[*ri].state == RECV_RETRIEVED)
		return FFA_DENIED;
	return FFA_OK;
}

void ffa_mem_retrieve(struct ffa_vm *f, struct smccc_call *c)
{
	uint32_t total = (uint32_t)smccc_arg(c, 1),
		 frag = (uint32_t)smccc_arg(c, 2);
	const uint8_t *tx;
	struct txn *t;
	int rc, ri = 0;
	uint32_t len;

	if (smccc_arg(c, 3) != 0 || smccc_arg(c, 4) != 0 || !f->mapped ||
	    total != frag || total < FFA_MEM_HDR_SIZE ||
	    total > f->pages * FFA_PAGE_SIZE) {
		ffa_err(c, FFA_INVALID_PARAMETERS);
		return;
	}
	if (f->rx_full) {
		ffa_err(c, FFA_BUSY);
		return;
	}
	tx = ffa_tx(f);
	t = find(ffa_get64(tx + 8));
	if (!t || t->pending) {
		ffa_err(c, FFA_INVALID_PARAMETERS);
		return;
	}
	rc = check_request(tx, total, t, ffa_id_of(f->vm), &ri);
	if (rc != FFA_OK) {
		ffa_err(c, rc);
		return;
	}
	/* Zeroed for the first borrower to see them, if either side asked
	 * (never for a share, whose sender still uses them). */
	if (t->op != FFA_MEM_OP_SHARE && !t->retrieved_once &&
	    ((t->flags & SEND_ZERO) || (ffa_get32(tx + 4) & RETRIEVE_ZERO)))
		zero_pages(t);
	if (t->op == FFA_MEM_OP_DONATE)
		rc = owner_donate(&ffa_owners, OWNER_HYP, ffa_id_of(f->vm),
				  t->r, t->nranges, t->s2perm);
	else
		rc =
		    owner_add_borrower(&ffa_owners, t->sender, ffa_id_of(f->vm),
				       t->r, t->nranges, t->s2perm);
	if (rc != OWNER_OK) {
		ffa_err(c, ffa_mem_status_of(rc));
		return;
	}
	t->retrieved_once = true;
	t->recv[ri].state = RECV_RETRIEVED;
	len = write_resp(ffa_rx(f), t);
	f->rx_full = true;
	/* A donation is over once its receiver has it. */
	if (t->op == FFA_MEM_OP_DONATE)
		t->used = false;
	ffa_res(c, FFA_MEM_RETRIEVE_RESP, len, len, 0);
}

/* Unmaps t from receiver i (which still maps it). */
static int give_back(struct txn *t, uint32_t i)
{
	int rc = owner_relinquish(&ffa_owners, t->recv[i].id, t->r, t->nranges);

	if (rc == OWNER_OK)
		t->recv[i].state = RECV_WAITING;
	return rc;
}

void ffa_mem_relinquish(struct ffa_vm *f, struct smccc_call *c)
{
	const uint8_t *tx;
	struct txn *t;
	uint32_t flags, count;
	int ri, rc;

	if (!f->mapped) {
		ffa_err(c, FFA_INVALID_PARAMETERS);
		return;
	}
	tx = ffa_tx(f);
	t = find(ffa_get64(tx));
	flags = ffa_get32(tx + 8);
	count = ffa_get32(tx + 12);
	if (!t || t->pending || (flags & GIVE_BACK_FLAGS_MBZ) != 0 ||
	    ((flags & GIVE_BACK_ZERO) && t->op == FFA_MEM_OP_SHARE) ||
	    count != 1 || ffa_get16(tx + 16) != ffa_id_of(f->vm)) {
		ffa_err(c, FFA_INVALID_PARAMETERS);
		return;
	}
	ri = recv_index(t, ffa_id_of(f->vm));
	if (ri < 0 || t->recv[ri].state != RECV_RETRIEVED) {
		ffa_err(c, FFA_DENIED);
		return;
	}
	if (flags & GIVE_BACK_ZERO)
		zero_pages(t);
	rc = give_back(t, (uint32_t)ri);
	if (rc != OWNER_OK) {
		ffa_err(c, ffa_mem_status_of(rc));
		return;
	}
	ffa_ok(c, 0);
}

/* The sender takes t back: receivers still holding it (only when a VM
 * goes away) are unmapped first; a donation not yet retrieved is
 * donated back. */
static int take_back(struct txn *t)
{
	int rc = OWNER_OK;

	if (t->op == FFA_MEM_OP_DONATE) {
		struct owner_range back[OWNER_TX_MAX_RANGES];

		for (size_t i = 0; i < t->nranges; i++)
			back[i] = (struct owner_range){t->r[i].pa, t->r[i].size,
						       t->sender_ipa[i]};
		rc = owner_donate(&ffa_owners, OWNER_HYP, t->sender, back,
				  t->nranges, t->s2perm);
	} else {
		for (uint32_t i = 0; i < t->nrecv && rc == OWNER_OK; i++)
			if (t->recv[i].state == RECV_RETRIEVED)
				rc = give_back(t, i);
		if (rc == OWNER_OK)
			rc = owner_reclaim(&ffa_owners, t->sender, t->r,
					   t->nranges);
	}
	if (rc == OWNER_OK)
		t->used = false;
	return rc;
}

void ffa_mem_reclaim(struct ffa_vm *f, struct smccc_call *c)
{
	uint64_t handle = (uint32_t)smccc_arg(c, 1) |
			  (uint64_t)(uint32_t)smccc_arg(c, 2) << 32;
	uint32_t flags = (uint32_t)smccc_arg(c, 3);
	struct txn *t;
	int rc;

	/* Bit 63 clear: the SPMC allocated the handle (mem_secure.c). */
	if (!(handle & HANDLE_HYP)) {
		ffa_mem_secure_reclaim(f, c, handle, flags);
		return;
	}
	t = find(handle);
	if (!t || t->sender != ffa_id_of(f->vm) ||
	    (flags & GIVE_BACK_FLAGS_MBZ) != 0) {
		ffa_err(c, FFA_INVALID_PARAMETERS);
		return;
	}
	if (t->pending) { /* nothing applied yet: the send is dropped */
		t->used = false;
		ffa_ok(c, 0);
		return;
	}
	for (uint32_t i = 0; i < t->nrecv; i++) {
		if (t->recv[i].state == RECV_RETRIEVED) {
			ffa_err(c, FFA_DENIED);
			return;
		}
	}
	if ((flags & GIVE_BACK_ZERO) && t->op != FFA_MEM_OP_SHARE)
		zero_pages(t);
	rc = take_back(t);
	if (rc != OWNER_OK) {
		ffa_err(c, ffa_mem_status_of(rc));
		return;
	}
	ffa_ok(c, 0);
}

void ffa_mem_forget(void)
{
	/* No VM left: handles start again, so a run from a fresh machine
	 * (a test, a fuzz input) sees the same handles every time. */
	generation = 0;
}

void ffa_mem_drop_vm(uint16_t id)
{
	ffa_mem_secure_drop_vm(id);
	for (unsigned k = 0; k < MAX_TXNS; k++) {
		struct txn *t = &txns[k];

		if (!t->used || (t->sender != id && recv_index(t, id) < 0))
			continue;
		/* Every borrower gives the pages back: one of the two
		 * parties is going away. */
		if (!t->pending)
			take_back(t);
		t->used = false;
	}
}
