/*
 * The range walker behind stage2_map/unmap/protect/set_sw. It visits every
 * table entry overlapping [ipa, ipa+size) once, top down, splitting a block
 * into a table of the next level only when the range covers part of it and
 * the part would actually change.
 *
 * Ordering rules for live tables (those the hardware may be walking):
 * - a new table is filled completely before its descriptor is written;
 * - replacing a valid leaf by anything valid other than a permission change
 *   (new OA, memory type, block split) is break-before-make: invalidate,
 *   flush that entry, then write the new descriptor;
 * - a table page is only freed after its parent entry is gone and flushed,
 *   so no walk cache still points at it when the pool hands it out again.
 */
#include "hal.h"
#include "hv_err.h"
#include "mm/stage2_desc.h"

struct s2_span {
	uint64_t base;	 /* IPA of the entry's first byte */
	uint64_t lo, hi; /* the part of the entry inside the range */
	unsigned level;
	bool live;
};

static int walk_table(struct stage2 *s2, struct s2_op *op, uint64_t *table,
		      uint64_t uniform, const struct s2_span *parent);

static uint64_t *table_va(const struct stage2 *s2, uint64_t desc)
{
	return page_pool_va(s2->pool, s2_table_pa(desc));
}

void s2_free_table(struct stage2 *s2, uint64_t table_pa, unsigned level)
{
	uint64_t *t = page_pool_va(s2->pool, table_pa);

	if (!t)
		return;
	if (level < S2_LAST_LEVEL) {
		for (unsigned i = 0; i < S2_TABLE_ENTRIES; i++)
			if (s2_desc_kind(t[i], level) == S2_KIND_TABLE)
				s2_free_table(s2, s2_table_pa(t[i]), level + 1);
	}
	page_pool_free(s2->pool, table_pa);
}

static bool table_empty(const uint64_t *t)
{
	for (unsigned i = 0; i < S2_TABLE_ENTRIES; i++)
		if (t[i] & S2_DESC_VALID)
			return false;
	return true;
}

static bool needs_bbm(uint64_t old, uint64_t new, unsigned level)
{
	if (s2_desc_kind(old, level) == S2_KIND_TABLE)
		return true; /* its pages are freed right after */
	return (new &S2_DESC_VALID) && ((old ^ new) & ~S2_DESC_PERM_BITS);
}

static void set_entry(struct stage2 *s2, struct s2_op *op, uint64_t *ptep,
		      uint64_t new, const struct s2_span *sp)
{
	uint64_t old = *ptep;
	enum s2_kind kind = s2_desc_kind(old, sp->level);

	if (old == new)
		return;
	if (sp->live && kind != S2_KIND_INVALID) {
		if (needs_bbm(old, new, sp->level)) {
			*ptep = 0;
			hal_dsb_ish();
			hal_s2_tlb_flush_ipa(s2->vmid, sp->base,
					     s2_level_size(sp->level));
			hal_dsb_ish();
		} else {
			op->need_flush = true;
		}
	}
	*ptep = new;
	op->changed = true;
	if (kind == S2_KIND_TABLE)
		s2_free_table(s2, s2_table_pa(old), sp->level + 1);
}

static void child_span(struct s2_span *child, const struct s2_span *sp,
		       bool live)
{
	*child = *sp;
	child->level = sp->level + 1;
	child->live = live;
}

/* Recurse below an entry that is (or must become) a table. */
static int descend(struct stage2 *s2, struct s2_op *op, uint64_t *ptep,
		   uint64_t old, const struct s2_span *sp)
{
	enum s2_kind kind = s2_desc_kind(old, sp->level);
	struct s2_span child;
	uint64_t *t, pa;
	int r;

	if (kind == S2_KIND_TABLE) {
		t = table_va(s2, old);
		if (!t)
			return HV_EINVAL; /* corrupt: not a table of ours */
		child_span(&child, sp, sp->live);
		r = walk_table(s2, op, t, 0, &child);
		if (r == HV_OK && !op->dry && op->kind == S2_OP_UNMAP &&
		    table_empty(t))
			set_entry(s2, op, ptep, 0, sp);
		return r;
	}

	/* An invalid entry or a block: a new table takes its place. */
	if (op->dry) {
		op->tables_needed++;
		child_span(&child, sp, false);
		return walk_table(s2, op, NULL, old, &child);
	}
	t = page_pool_alloc(s2->pool, &pa);
	if (!t)
		return HV_ENOMEM;
	if (kind == S2_KIND_LEAF)
		for (unsigned i = 0; i < S2_TABLE_ENTRIES; i++)
			t[i] = s2_split_child(old, sp->level + 1, i);
	child_span(&child, sp, false);
	r = walk_table(s2, op, t, 0, &child);
	if (r != HV_OK || table_empty(t)) {
		s2_free_table(s2, pa, sp->level + 1);
		return r;
	}
	set_entry(s2, op, ptep, s2_table_desc(pa), sp);
	return HV_OK;
}

static bool map_is_noop(const struct s2_op *op, uint64_t old,
			const struct s2_span *sp)
{
	uint64_t attrs =
	    old & ~(S2_DESC_OA_MASK | S2_DESC_VALID | S2_DESC_TABLE);

	return s2_leaf_oa(old, sp->level) == sp->base + op->pa_delta &&
	       attrs == op->attr_bits;
}

static int visit_map(struct stage2 *s2, struct s2_op *op, uint64_t *ptep,
		     uint64_t old, const struct s2_span *sp)
{
	uint64_t size = s2_level_size(sp->level);
	uint64_t oa = sp->base + op->pa_delta;
	bool full = sp->lo == sp->base && sp->hi - sp->lo == size;
	enum s2_kind kind = s2_desc_kind(old, sp->level);

	if (kind == S2_KIND_LEAF && map_is_noop(op, old, sp))
		return HV_OK;
	if (full && (oa & (size - 1)) == 0) {
		if (!op->dry)
			set_entry(s2, op, ptep,
				  s2_leaf_desc(sp->level, oa, op->attr_bits),
				  sp);
		return HV_OK;
	}
	return descend(s2, op, ptep, old, sp);
}

static int visit_unmap(struct stage2 *s2, struct s2_op *op, uint64_t *ptep,
		       uint64_t old, const struct s2_span *sp)
{
	uint64_t size = s2_level_size(sp->level);

	if (s2_desc_kind(old, sp->level) == S2_KIND_INVALID)
		return HV_OK;
	if (sp->lo == sp->base && sp->hi - sp->lo == size) {
		if (!op->dry)
			set_entry(s2, op, ptep, 0, sp);
		return HV_OK;
	}
	return descend(s2, op, ptep, old, sp);
}

static int visit_update(struct stage2 *s2, struct s2_op *op, uint64_t *ptep,
			uint64_t old, const struct s2_span *sp)
{
	uint64_t size = s2_level_size(sp->level);
	uint64_t new = (old & op->keep_mask) | op->set_bits;

	switch (s2_desc_kind(old, sp->level)) {
	case S2_KIND_INVALID:
		return HV_ENOENT;
	case S2_KIND_TABLE:
		return descend(s2, op, ptep, old, sp);
	case S2_KIND_LEAF:
		break;
	}
	if (new == old)
		return HV_OK; /* no need to split what does not change */
	if (sp->lo == sp->base && sp->hi - sp->lo == size) {
		if (!op->dry)
			set_entry(s2, op, ptep, new, sp);
		return HV_OK;
	}
	return descend(s2, op, ptep, old, sp);
}

/*
 * Walk the entries of one table. In a dry run below a not-yet-existing table,
 * table is NULL and every entry reads as what splitting `uniform` (the
 * parent's current descriptor) would give.
 */
static int walk_table(struct stage2 *s2, struct s2_op *op, uint64_t *table,
		      uint64_t uniform, const struct s2_span *parent)
{
	unsigned level = parent->level;
	uint64_t size = s2_level_size(level);
	uint64_t start = parent->lo, end = parent->hi;
	struct s2_span sp = *parent;
	int r = HV_OK;

	for (unsigned i = s2_index(start, level);; i++) {
		uint64_t *ptep = table ? &table[i] : NULL;
		uint64_t old;

		sp.base = (start & ~(size - 1)) +
			  (uint64_t)(i - s2_index(start, level)) * size;
		sp.lo = sp.base > start ? sp.base : start;
		sp.hi = end - sp.base > size ? sp.base + size : end;
		if (ptep)
			old = *ptep;
		else if (uniform & S2_DESC_VALID)
			old = s2_split_child(uniform, level, i);
		else
			old = 0;

		switch (op->kind) {
		case S2_OP_MAP:
			r = visit_map(s2, op, ptep, old, &sp);
			break;
		case S2_OP_UNMAP:
			r = visit_unmap(s2, op, ptep, old, &sp);
			break;
		case S2_OP_UPDATE:
			r = visit_update(s2, op, ptep, old, &sp);
			break;
		}
		if (r != HV_OK || sp.hi == end)
			return r;
	}
}

int s2_walk_range(struct stage2 *s2, struct s2_op *op, uint64_t ipa,
		  uint64_t size)
{
	struct s2_span root = {
	    .base = 0,
	    .lo = ipa,
	    .hi = ipa + size,
	    .level = S2_FIRST_LEVEL,
	    .live = true,
	};

	return walk_table(s2, op, s2->root, 0, &root);
}
