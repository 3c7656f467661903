/*
 * The page-ownership table and its transactions: validate every page,
 * apply the Stage-2 changes (undoing them on failure), then write the
 * table. See owner.h for the rules.
 */
#include "hv_err.h"
#include "lib/mem.h"
#include "mm/owner.h"

#define PERM_ALL (S2_PERM_R | S2_PERM_W | S2_PERM_X)
#define IPA_LIMIT (1ull << S2_IPA_BITS)

/* struct owner_entry.borrowers holds one bit per id. */
_Static_assert(OWNER_MAX_ID < 8, "borrower bitmap is 8 bits");

enum s2_step { STEP_NONE = 0, STEP_MAP, STEP_UNMAP };

/* Every page of the range list r[0..n): range i, offset off within it.
 * Checks return from inside it at the first page that fails. */
#define for_each_page(r, n, i, off)                                            \
	for (size_t i = 0; i < (n); i++)                                       \
		for (uint64_t off = 0; off < (r)[i].size; off += PAGE_SIZE)

/* One transaction's Stage-2 plan. Owner side: the owner's own mappings of
 * the pages (runs of pages contiguous in its IPA space). Target side: one
 * step per (target VM, range) at range.ipa. */
struct tx {
	struct owner_table *t;
	const struct owner_range *r;
	size_t n;
	unsigned owner;
	enum s2_step owner_step;
	bool only_lent; /* owner side touches LENT pages only (reclaim) */
	uint32_t targets;
	enum s2_step target_step;
	uint8_t perm[OWNER_TX_MAX_RANGES]; /* target mappings, per range */
};

static struct owner_entry *entry_at(const struct owner_table *t, uint64_t pa)
{
	for (unsigned i = 0; i < t->nregions; i++) {
		const struct owner_region *g = &t->regions[i];

		if (pa >= g->pa && ((pa - g->pa) >> PAGE_SHIFT) < g->npages)
			return &t->entries[g->first +
					   ((pa - g->pa) >> PAGE_SHIFT)];
	}
	return NULL;
}

const struct owner_entry *owner_entry_of(const struct owner_table *t,
					 uint64_t pa)
{
	if (!t || (pa & (PAGE_SIZE - 1)) != 0)
		return NULL;
	return entry_at(t, pa);
}

enum owner_state owner_state_of(const struct owner_table *t, unsigned id,
				uint64_t pa)
{
	const struct owner_entry *e = owner_entry_of(t, pa);

	if (!e || id > OWNER_MAX_ID)
		return OWNER_ST_NONE;
	if (e->owner == id)
		return (enum owner_state)e->state;
	if (!(e->borrowers & (1u << id)))
		return OWNER_ST_NONE;
	/* Lent to one VM alone is the only exclusive borrow. */
	if (e->state == OWNER_ST_LENT && e->borrowers == (1u << id))
		return OWNER_ST_BORROWED_EXCLUSIVE;
	return OWNER_ST_BORROWED_SHARED;
}

int owner_init(struct owner_table *t, struct owner_entry *entries,
	       size_t max_entries)
{
	if (!t || !entries || max_entries == 0)
		return OWNER_E_INVALID;
	*t = (struct owner_table){.entries = entries,
				  .max_entries = max_entries};
	return OWNER_OK;
}

static bool is_vm(const struct owner_table *t, unsigned id)
{
	return id >= 1 && id <= OWNER_MAX_ID && t->s2[id] != NULL;
}

int owner_add_vm(struct owner_table *t, unsigned id, struct stage2 *s2)
{
	if (!t || !s2 || id < 1 || id > OWNER_MAX_ID || t->s2[id])
		return OWNER_E_INVALID;
	t->s2[id] = s2;
	return OWNER_OK;
}

int owner_add_region(struct owner_table *t, unsigned owner, uint64_t pa,
		     uint64_t size, uint64_t ipa, uint8_t perm)
{
	uint64_t npages = size >> PAGE_SHIFT;
	struct owner_region *g;

	if (!t || ((pa | size | ipa) & (PAGE_SIZE - 1)) != 0 || size == 0 ||
	    pa + size < pa || (perm & ~PERM_ALL) != 0)
		return OWNER_E_INVALID;
	if (owner != OWNER_HYP &&
	    (!is_vm(t, owner) || ipa >= IPA_LIMIT || size > IPA_LIMIT - ipa))
		return OWNER_E_INVALID;
	if (t->nregions == OWNER_MAX_REGIONS ||
	    npages > t->max_entries - t->used)
		return OWNER_E_NO_MEMORY;
	for (unsigned i = 0; i < t->nregions; i++) {
		const struct owner_region *o = &t->regions[i];

		if (pa < o->pa + (o->npages << PAGE_SHIFT) && o->pa < pa + size)
			return OWNER_E_INVALID;
	}
	g = &t->regions[t->nregions++];
	g->pa = pa;
	g->npages = npages;
	g->first = t->used;
	g->owner = owner;
	for (uint64_t i = 0; i < npages; i++) {
		struct owner_entry *e = &t->entries[t->used + i];

		e->owner = (uint8_t)owner;
		e->state = OWNER_ST_OWNED_EXCLUSIVE;
		e->borrowers = 0;
		e->owner_perm = owner == OWNER_HYP ? 0 : perm;
		e->ipa_pfn = owner == OWNER_HYP
				 ? 0
				 : (uint32_t)((ipa >> PAGE_SHIFT) + i);
	}
	t->used += (size_t)npages;
	return OWNER_OK;
}

static bool overlap(uint64_t a, uint64_t b, uint64_t size_a, uint64_t size_b)
{
	return a < b + size_b && b < a + size_a;
}

/* Shape of the list: sizes, alignment, wrap, overlaps, registration. */
static int check_ranges(const struct owner_table *t,
			const struct owner_range *r, size_t n, bool use_ipa)
{
	if (!r || n == 0 || n > OWNER_TX_MAX_RANGES)
		return OWNER_E_INVALID;
	for (size_t i = 0; i < n; i++) {
		if (r[i].size == 0 ||
		    ((r[i].pa | r[i].size) & (PAGE_SIZE - 1)) != 0 ||
		    r[i].pa + r[i].size < r[i].pa)
			return OWNER_E_INVALID;
		if (use_ipa &&
		    ((r[i].ipa & (PAGE_SIZE - 1)) != 0 ||
		     r[i].ipa >= IPA_LIMIT || r[i].size > IPA_LIMIT - r[i].ipa))
			return OWNER_E_INVALID;
		for (size_t j = 0; j < i; j++) {
			if (overlap(r[i].pa, r[j].pa, r[i].size, r[j].size))
				return OWNER_E_INVALID;
			if (use_ipa &&
			    overlap(r[i].ipa, r[j].ipa, r[i].size, r[j].size))
				return OWNER_E_INVALID;
		}
	}
	for_each_page (r, n, i, off)
		if (!entry_at(t, r[i].pa + off))
			return OWNER_E_INVALID;
	return OWNER_OK;
}

/* Every page is owner's, exclusively, and (for a VM) mapped by it at its
 * recorded IPA with at least perm. */
static int check_owned(const struct owner_table *t, unsigned owner,
		       const struct owner_range *r, size_t n, uint8_t perm)
{
	for_each_page (r, n, i, off) {
		const struct owner_entry *e = entry_at(t, r[i].pa + off);
		struct s2_attrs a;
		uint64_t pa;

		if (e->owner != owner || e->state != OWNER_ST_OWNED_EXCLUSIVE)
			return OWNER_E_DENIED;
		if (owner == OWNER_HYP)
			continue;
		if (stage2_lookup(t->s2[owner],
				  (uint64_t)e->ipa_pfn << PAGE_SHIFT, &pa, &a,
				  NULL) != HV_OK ||
		    pa != r[i].pa + off || (perm & ~a.perm) != 0)
			return OWNER_E_DENIED;
	}
	return OWNER_OK;
}

/* Nothing of the targets' is mapped where the pages are to go. */
static int check_ipa_free(const struct owner_table *t, uint32_t targets,
			  const struct owner_range *r, size_t n)
{
	for (unsigned id = 1; id <= OWNER_MAX_ID; id++) {
		if (!(targets & (1u << id)))
			continue;
		for_each_page (r, n, i, off)
			if (stage2_lookup(t->s2[id], r[i].ipa + off, NULL, NULL,
					  NULL) != HV_ENOENT)
				return OWNER_E_DENIED;
	}
	return OWNER_OK;
}

static int s2_do(const struct owner_table *t, unsigned id, enum s2_step step,
		 uint64_t ipa, uint64_t pa, uint64_t size, uint8_t perm)
{
	struct s2_attrs a = {perm, S2_MEM_NORMAL, 0};

	if (step == STEP_MAP)
		return stage2_map(t->s2[id], ipa, pa, size, a);
	return stage2_unmap(t->s2[id], ipa, size);
}

static enum s2_step inverse(enum s2_step s)
{
	return s == STEP_MAP ? STEP_UNMAP : STEP_MAP;
}

/* Length of the run at pa (< end): pages whose owner IPAs follow each
 * other, with one permission and one state. */
static uint64_t run_len(const struct owner_table *t, uint64_t pa, uint64_t end)
{
	const struct owner_entry *e = entry_at(t, pa);
	uint64_t len = PAGE_SIZE;

	while (pa + len < end) {
		const struct owner_entry *f = entry_at(t, pa + len);

		if (f->ipa_pfn != e->ipa_pfn + (len >> PAGE_SHIFT) ||
		    f->owner_perm != e->owner_perm || f->state != e->state)
			break;
		len += PAGE_SIZE;
	}
	return len;
}

/*
 * Owner side, forward (undo false) over every run, or undone over the runs
 * before (stop_i, stop_pa). A forward failure reports where it stopped
 * (the undo then covers exactly the runs done: runs are a function of the
 * table, which is not written until the end).
 */
static int owner_side(struct tx *x, bool undo, size_t stop_i, uint64_t stop_pa,
		      size_t *fail_i, uint64_t *fail_pa)
{
	if (x->owner_step == STEP_NONE || x->owner == OWNER_HYP)
		return HV_OK;
	for (size_t i = 0; i < x->n && i <= stop_i; i++) {
		uint64_t pa = x->r[i].pa, end = pa + x->r[i].size;

		if (i == stop_i && stop_pa < end)
			end = stop_pa;
		while (pa < end) {
			const struct owner_entry *e = entry_at(x->t, pa);
			uint64_t len = run_len(x->t, pa, end);
			enum s2_step s =
			    undo ? inverse(x->owner_step) : x->owner_step;
			int rc = HV_OK;

			if (!x->only_lent || e->state == OWNER_ST_LENT)
				rc = s2_do(x->t, x->owner, s,
					   (uint64_t)e->ipa_pfn << PAGE_SHIFT,
					   pa, len, e->owner_perm);
			if (rc != HV_OK && undo) {
				x->t->rollback_failures++;
			} else if (rc != HV_OK) {
				*fail_i = i;
				*fail_pa = pa;
				return rc;
			}
			pa += len;
		}
	}
	return HV_OK;
}

/* Target side: step k = (k-th target id) * n + range, in order. Forward
 * over all, or undone over steps before stop_k. */
static int target_side(struct tx *x, bool undo, size_t stop_k, size_t *fail_k)
{
	size_t k = 0;

	if (x->target_step == STEP_NONE)
		return HV_OK;
	for (unsigned id = 1; id <= OWNER_MAX_ID; id++) {
		if (!(x->targets & (1u << id)))
			continue;
		for (size_t i = 0; i < x->n; i++, k++) {
			enum s2_step s =
			    undo ? inverse(x->target_step) : x->target_step;
			int rc;

			if (k >= stop_k)
				return HV_OK;
			rc = s2_do(x->t, id, s, x->r[i].ipa, x->r[i].pa,
				   x->r[i].size, x->perm[i]);
			if (rc != HV_OK && undo) {
				x->t->rollback_failures++;
			} else if (rc != HV_OK) {
				*fail_k = k;
				return rc;
			}
		}
	}
	return HV_OK;
}

/* Owner side first (a lender loses the pages before anyone gains them),
 * then targets; undone in the reverse order. */
static int apply(struct tx *x)
{
	size_t fi = 0, fk = 0;
	uint64_t fpa = 0;
	int rc = owner_side(x, false, SIZE_MAX, 0, &fi, &fpa);

	if (rc == HV_OK) {
		rc = target_side(x, false, SIZE_MAX, &fk);
		if (rc == HV_OK)
			return OWNER_OK;
		target_side(x, true, fk, NULL);
		fi = SIZE_MAX;
	}
	owner_side(x, true, fi, fpa, NULL, NULL);
	return rc == HV_ENOMEM ? OWNER_E_NO_MEMORY : OWNER_E_INVALID;
}

static bool owner_ok(const struct owner_table *t, unsigned id)
{
	return id == OWNER_HYP || is_vm(t, id);
}

/* borrowers: registered VMs only (never the hypervisor, which has no
 * Stage-2 to map into), not the owner, at least one. */
static bool targets_ok(const struct owner_table *t, unsigned owner,
		       uint32_t mask)
{
	if (mask == 0 || (mask & (1u << owner)) != 0 ||
	    (mask & (1u << OWNER_HYP)) != 0 ||
	    (mask >> (OWNER_MAX_ID + 1)) != 0)
		return false;
	for (unsigned id = 1; id <= OWNER_MAX_ID; id++)
		if ((mask & (1u << id)) && !t->s2[id])
			return false;
	return true;
}

/* Every page of r[0..n) gets this owner, state and borrower set;
 * ipa_pfn and owner_perm stay: a release restores them, and they say
 * where the VM maps the page. */
static void set_pages(struct owner_table *t, const struct owner_range *r,
		      size_t n, unsigned owner, enum owner_state state,
		      uint32_t borrowers)
{
	for_each_page (r, n, i, off) {
		struct owner_entry *e = entry_at(t, r[i].pa + off);

		e->owner = (uint8_t)owner;
		e->state = (uint8_t)state;
		e->borrowers = (uint8_t)borrowers;
	}
}

static int give(struct owner_table *t, unsigned owner, uint32_t borrowers,
		const struct owner_range *r, size_t n, uint8_t perm, bool lend)
{
	struct tx x = {.t = t, .r = r, .n = n, .owner = owner};
	int rc;

	if (!t || !owner_ok(t, owner) || !targets_ok(t, owner, borrowers) ||
	    perm == 0 || (perm & ~PERM_ALL) != 0)
		return OWNER_E_INVALID;
	rc = check_ranges(t, r, n, true);
	if (rc == OWNER_OK)
		rc = check_owned(t, owner, r, n, perm);
	if (rc == OWNER_OK)
		rc = check_ipa_free(t, borrowers, r, n);
	if (rc != OWNER_OK)
		return rc;
	x.owner_step = lend ? STEP_UNMAP : STEP_NONE;
	x.targets = borrowers;
	x.target_step = STEP_MAP;
	for (size_t i = 0; i < n; i++)
		x.perm[i] = perm;
	rc = apply(&x);
	if (rc == OWNER_OK)
		set_pages(t, r, n, owner,
			  lend ? OWNER_ST_LENT : OWNER_ST_OWNED_SHARED,
			  borrowers);
	return rc;
}

int owner_share(struct owner_table *t, unsigned owner, uint32_t borrowers,
		const struct owner_range *r, size_t n, uint8_t perm)
{
	return give(t, owner, borrowers, r, n, perm, false);
}

int owner_lend(struct owner_table *t, unsigned owner, uint32_t borrowers,
	       const struct owner_range *r, size_t n, uint8_t perm)
{
	return give(t, owner, borrowers, r, n, perm, true);
}

/* The donated pages are to's, mapped by it at each range's IPA with perm
 * (the hypervisor maps nothing). */
static void donated(struct owner_table *t, const struct owner_range *r,
		    size_t n, unsigned to, uint8_t perm)
{
	for_each_page (r, n, i, off) {
		struct owner_entry *e = entry_at(t, r[i].pa + off);

		e->owner = (uint8_t)to;
		e->state = OWNER_ST_OWNED_EXCLUSIVE;
		e->borrowers = 0;
		e->owner_perm = to == OWNER_HYP ? 0 : perm;
		e->ipa_pfn = to == OWNER_HYP
				 ? 0
				 : (uint32_t)((r[i].ipa + off) >> PAGE_SHIFT);
	}
}

int owner_donate(struct owner_table *t, unsigned owner, unsigned new_owner,
		 const struct owner_range *r, size_t n, uint8_t perm)
{
	struct tx x = {.t = t, .r = r, .n = n, .owner = owner};
	bool to_vm;
	int rc;

	if (!t || !owner_ok(t, owner) || !owner_ok(t, new_owner) ||
	    new_owner == owner || (perm & ~PERM_ALL) != 0)
		return OWNER_E_INVALID;
	to_vm = new_owner != OWNER_HYP;
	if (to_vm && perm == 0)
		return OWNER_E_INVALID;
	rc = check_ranges(t, r, n, to_vm);
	if (rc == OWNER_OK)
		rc = check_owned(t, owner, r, n, perm);
	if (rc == OWNER_OK && to_vm)
		rc = check_ipa_free(t, 1u << new_owner, r, n);
	if (rc != OWNER_OK)
		return rc;
	x.owner_step = STEP_UNMAP;
	x.targets = to_vm ? 1u << new_owner : 0;
	x.target_step = to_vm ? STEP_MAP : STEP_NONE;
	for (size_t i = 0; i < n; i++)
		x.perm[i] = perm;
	rc = apply(&x);
	if (rc == OWNER_OK)
		donated(t, r, n, new_owner, perm);
	return rc;
}

int owner_relinquish(struct owner_table *t, unsigned borrower,
		     const struct owner_range *r, size_t n)
{
	struct tx x = {.t = t, .r = r, .n = n};
	int rc;

	if (!t || !is_vm(t, borrower))
		return OWNER_E_INVALID;
	rc = check_ranges(t, r, n, true);
	if (rc != OWNER_OK)
		return rc;
	/* The borrower holds every page, at the IPA it names; one permission
	 * per range, so an undone unmap restores it exactly. */
	for_each_page (r, n, i, off) {
		const struct owner_entry *e = entry_at(t, r[i].pa + off);
		struct s2_attrs a;
		uint64_t pa;

		if (!(e->borrowers & (1u << borrower)) ||
		    stage2_lookup(t->s2[borrower], r[i].ipa + off, &pa, &a,
				  NULL) != HV_OK ||
		    pa != r[i].pa + off)
			return OWNER_E_DENIED;
		if (off == 0)
			x.perm[i] = a.perm;
		else if (a.perm != x.perm[i])
			return OWNER_E_INVALID;
	}
	x.targets = 1u << borrower;
	x.target_step = STEP_UNMAP;
	rc = apply(&x);
	if (rc == OWNER_OK)
		for_each_page (r, n, i, off)
			entry_at(t, r[i].pa + off)->borrowers &=
			    (uint8_t)~x.targets;
	return rc;
}

int owner_reclaim(struct owner_table *t, unsigned owner,
		  const struct owner_range *r, size_t n)
{
	struct tx x = {.t = t, .r = r, .n = n, .owner = owner};
	int rc;

	if (!t || !owner_ok(t, owner))
		return OWNER_E_INVALID;
	rc = check_ranges(t, r, n, false);
	if (rc != OWNER_OK)
		return rc;
	for_each_page (r, n, i, off) {
		const struct owner_entry *e = entry_at(t, r[i].pa + off);

		if (e->owner != owner || e->borrowers != 0 ||
		    (e->state != OWNER_ST_OWNED_SHARED &&
		     e->state != OWNER_ST_LENT))
			return OWNER_E_DENIED;
		/* Its old place must still be free to map it back. */
		if (owner != OWNER_HYP && e->state == OWNER_ST_LENT &&
		    stage2_lookup(t->s2[owner],
				  (uint64_t)e->ipa_pfn << PAGE_SHIFT, NULL,
				  NULL, NULL) != HV_ENOENT)
			return OWNER_E_DENIED;
	}
	x.owner_step = STEP_MAP;
	x.only_lent = true;
	rc = apply(&x);
	if (rc == OWNER_OK)
		for_each_page (r, n, i, off)
			entry_at(t, r[i].pa + off)->state =
			    OWNER_ST_OWNED_EXCLUSIVE;
	return rc;
}

/* Same checks for claim and release: shape, then every page in the state
 * expected and mapped by vm at r.ipa. */
static int check_buffer(const struct owner_table *t, unsigned vm,
			const struct owner_range *r, size_t n, bool claim)
{
	int rc;

	if (!t || !is_vm(t, vm))
		return OWNER_E_INVALID;
	rc = check_ranges(t, r, n, true);
	if (rc != OWNER_OK)
		return rc;
	for_each_page (r, n, i, off) {
		const struct owner_entry *e = entry_at(t, r[i].pa + off);
		uint64_t pa;

		if (claim ? (e->owner != vm ||
			     e->state != OWNER_ST_OWNED_EXCLUSIVE)
			  : (e->owner != OWNER_HYP ||
			     e->state != OWNER_ST_OWNED_SHARED ||
			     e->borrowers != (1u << vm)))
			return OWNER_E_DENIED;
		if (e->ipa_pfn != (r[i].ipa + off) >> PAGE_SHIFT ||
		    stage2_lookup(t->s2[vm], r[i].ipa + off, &pa, NULL, NULL) !=
			HV_OK ||
		    pa != r[i].pa + off)
			return OWNER_E_DENIED;
	}
	return OWNER_OK;
}

int owner_hyp_claim(struct owner_table *t, unsigned vm,
		    const struct owner_range *r, size_t n)
{
	int rc = check_buffer(t, vm, r, n, true);

	if (rc == OWNER_OK)
		set_pages(t, r, n, OWNER_HYP, OWNER_ST_OWNED_SHARED, 1u << vm);
	return rc;
}

int owner_hyp_release(struct owner_table *t, unsigned vm,
		      const struct owner_range *r, size_t n)
{
	int rc = check_buffer(t, vm, r, n, false);

	if (rc == OWNER_OK)
		set_pages(t, r, n, vm, OWNER_ST_OWNED_EXCLUSIVE, 0);
	return rc;
}

static bool vm_quiet(const struct owner_table *t, unsigned id)
{
	for (size_t k = 0; k < t->used; k++) {
		const struct owner_entry *e = &t->entries[k];

		if (e->borrowers & (1u << id))
			return false;
		if (e->owner == id && e->state != OWNER_ST_OWNED_EXCLUSIVE)
			return false;
	}
	return true;
}

static void drop_region(struct owner_table *t, unsigned g)
{
	struct owner_region *r = &t->regions[g];
	size_t first = r->first, n = (size_t)r->npages;

	memmove(&t->entries[first], &t->entries[first + n],
		(t->used - first - n) * sizeof(t->entries[0]));
	t->used -= n;
	for (unsigned k = g + 1; k < t->nregions; k++) {
		t->regions[k - 1] = t->regions[k];
		t->regions[k - 1].first -= n;
	}
	t->nregions--;
}

int owner_remove_vm(struct owner_table *t, unsigned id)
{
	if (!t || !is_vm(t, id))
		return OWNER_E_INVALID;
	if (!vm_quiet(t, id))
		return OWNER_E_DENIED;
	for (size_t k = 0; k < t->used; k++) {
		struct owner_entry *e = &t->entries[k];

		if (e->owner == id) {
			e->owner = OWNER_HYP;
			e->owner_perm = 0;
			e->ipa_pfn = 0;
		}
	}
	t->s2[id] = NULL;
	/* A region leaves once every page of it is back with the
	 * hypervisor and the VM it was registered to is gone (this one, or
	 * an earlier one that had donated a page of it away). */
	for (unsigned g = t->nregions; g-- > 0;) {
		const struct owner_region *r = &t->regions[g];
		bool all_back = r->owner != OWNER_HYP && !t->s2[r->owner];

		for (uint64_t i = 0; all_back && i < r->npages; i++)
			all_back = t->entries[r->first + i].owner == OWNER_HYP;
		if (all_back)
			drop_region(t, g);
	}
	return OWNER_OK;
}

int owner_offer(struct owner_table *t, unsigned owner,
		const struct owner_range *r, size_t n, bool lend)
{
	struct tx x = {.t = t, .r = r, .n = n, .owner = owner};
	int rc;

	if (!t || !is_vm(t, owner))
		return OWNER_E_INVALID;
	rc = check_ranges(t, r, n, false);
	if (rc == OWNER_OK)
		rc = check_owned(t, owner, r, n, 0);
	if (rc != OWNER_OK)
		return rc;
	x.owner_step = lend ? STEP_UNMAP : STEP_NONE;
	rc = apply(&x);
	if (rc == OWNER_OK)
		set_pages(t, r, n, owner,
			  lend ? OWNER_ST_LENT : OWNER_ST_OWNED_SHARED, 0);
	return rc;
}

int owner_add_borrower(struct owner_table *t, unsigned owner, unsigned borrower,
		       const struct owner_range *r, size_t n, uint8_t perm)
{
	struct tx x = {.t = t, .r = r, .n = n, .owner = owner};
	int rc;

	if (!t || !is_vm(t, owner) || !is_vm(t, borrower) ||
	    borrower == owner || perm == 0 || (perm & ~PERM_ALL) != 0)
		return OWNER_E_INVALID;
	rc = check_ranges(t, r, n, true);
	if (rc != OWNER_OK)
		return rc;
	for_each_page (r, n, i, off) {
		const struct owner_entry *e = entry_at(t, r[i].pa + off);

		if (e->owner != owner ||
		    (e->state != OWNER_ST_OWNED_SHARED &&
		     e->state != OWNER_ST_LENT) ||
		    (e->borrowers & (1u << borrower)) != 0 ||
		    (perm & ~e->owner_perm) != 0)
			return OWNER_E_DENIED;
	}
	rc = check_ipa_free(t, 1u << borrower, r, n);
	if (rc != OWNER_OK)
		return rc;
	x.targets = 1u << borrower;
	x.target_step = STEP_MAP;
	for (size_t i = 0; i < n; i++)
		x.perm[i] = perm;
	rc = apply(&x);
	if (rc == OWNER_OK)
		for_each_page (r, n, i, off)
			entry_at(t, r[i].pa + off)->borrowers |=
			    (uint8_t)x.targets;
	return rc;
}

int owner_retire(struct owner_table *t, const struct owner_range *r, size_t n)
{
	int rc = t ? check_ranges(t, r, n, false) : OWNER_E_INVALID;

	if (rc != OWNER_OK)
		return rc;
	for_each_page (r, n, i, off) {
		const struct owner_entry *e = entry_at(t, r[i].pa + off);

		if (e->owner != OWNER_HYP ||
		    e->state != OWNER_ST_OWNED_EXCLUSIVE || e->borrowers != 0)
			return OWNER_E_DENIED;
	}
	for_each_page (r, n, i, off)
		entry_at(t, r[i].pa + off)->owner = OWNER_RETIRED;
	return OWNER_OK;
}
