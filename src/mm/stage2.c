/*
 * Stage-2 public API: argument checks, attribute encoding, lookup and the
 * register values. Range changes go through s2_walk_range (stage2_walk.c)
 * twice: a dry run that validates and sizes the job, then the real one.
 */
#include "hal.h"
#include "hv_err.h"
#include "mm/stage2_desc.h"

/* VTCR_EL2 fields for 4 KiB granule, 39-bit IPA from level 1, 40-bit PA. */
#define VTCR_T0SZ(n) ((uint64_t)(n) << 0)
#define VTCR_SL0_L1 (1ull << 6)
#define VTCR_IRGN0_WBWA (1ull << 8)
#define VTCR_ORGN0_WBWA (1ull << 10)
#define VTCR_SH0_INNER (3ull << 12)
#define VTCR_TG0_4K (0ull << 14)
#define VTCR_PS_40BIT (2ull << 16)
#define VTCR_RES1 (1ull << 31)

#define VTTBR_VMID_SHIFT 48

uint64_t s2_perm_bits(uint8_t perm)
{
	uint64_t d = 0;

	if (perm & S2_PERM_R)
		d |= S2_DESC_S2AP_R;
	if (perm & S2_PERM_W)
		d |= S2_DESC_S2AP_W;
	if (!(perm & S2_PERM_X))
		d |= S2_DESC_XN;
	return d;
}

uint64_t s2_attr_bits(struct s2_attrs a)
{
	uint64_t memattr = a.memtype == S2_MEM_DEVICE ? S2_MEMATTR_DEVICE_NGNRNE
						      : S2_MEMATTR_NORMAL_WB;

	/* SH is ignored for Device memory; one value keeps leaves uniform. */
	return s2_perm_bits(a.perm) | memattr << S2_DESC_MEMATTR_SHIFT |
	       S2_DESC_SH_INNER | S2_DESC_AF |
	       (uint64_t)a.sw << S2_DESC_SW_SHIFT;
}

void s2_decode_attrs(uint64_t leaf, struct s2_attrs *a)
{
	uint64_t memattr =
	    (leaf & S2_DESC_MEMATTR_MASK) >> S2_DESC_MEMATTR_SHIFT;

	a->perm = 0;
	if (leaf & S2_DESC_S2AP_R)
		a->perm |= S2_PERM_R;
	if (leaf & S2_DESC_S2AP_W)
		a->perm |= S2_PERM_W;
	if (!(leaf & S2_DESC_XN))
		a->perm |= S2_PERM_X;
	a->memtype =
	    memattr == S2_MEMATTR_DEVICE_NGNRNE ? S2_MEM_DEVICE : S2_MEM_NORMAL;
	a->sw = (uint8_t)((leaf & S2_DESC_SW_MASK) >> S2_DESC_SW_SHIFT);
}

uint64_t s2_split_child(uint64_t parent, unsigned child_level, unsigned idx)
{
	uint64_t attrs =
	    parent & ~(S2_DESC_OA_MASK | S2_DESC_VALID | S2_DESC_TABLE);
	uint64_t oa = s2_leaf_oa(parent, child_level - 1) +
		      (uint64_t)idx * s2_level_size(child_level);

	return s2_leaf_desc(child_level, oa, attrs);
}

int stage2_init(struct stage2 *s2, struct page_pool *pool, uint16_t vmid)
{
	uint64_t pa;
	uint64_t *root;

	if (!s2 || !pool)
		return HV_EINVAL;
	if (vmid > S2_VMID_MAX)
		return HV_ERANGE;
	root = page_pool_alloc(pool, &pa);
	if (!root)
		return HV_ENOMEM;
	s2->pool = pool;
	s2->root = root;
	s2->root_pa = pa;
	s2->vmid = vmid;
	return HV_OK;
}

void stage2_destroy(struct stage2 *s2)
{
	if (!s2 || !s2->root)
		return;
	/* The VMID may be reused: no TLB entry or walk cache may survive the
	 * tables it came from. */
	hal_dsb_ish();
	hal_s2_tlb_flush_vmid(s2->vmid);
	hal_dsb_ish();
	s2_free_table(s2, s2->root_pa, S2_FIRST_LEVEL);
	s2->root = NULL;
	s2->root_pa = 0;
}

static int check_ipa_range(const struct stage2 *s2, uint64_t ipa, uint64_t size)
{
	if (!s2 || !s2->root)
		return HV_EINVAL;
	if (size == 0 || ((ipa | size) & (PAGE_SIZE - 1)) != 0)
		return HV_EINVAL;
	if (ipa >= S2_IPA_LIMIT || size > S2_IPA_LIMIT - ipa)
		return HV_ERANGE;
	return HV_OK;
}

/* Dry run, budget check, real run, then make the change visible. */
static int run_op(struct stage2 *s2, struct s2_op *op, uint64_t ipa,
		  uint64_t size)
{
	int r;

	op->dry = true;
	op->tables_needed = 0;
	r = s2_walk_range(s2, op, ipa, size);
	if (r != HV_OK)
		return r;
	if (op->tables_needed > s2->pool->nfree)
		return HV_ENOMEM;

	op->dry = false;
	op->changed = false;
	op->need_flush = false;
	r = s2_walk_range(s2, op, ipa, size);
	if (op->changed)
		hal_dsb_ish();
	if (op->need_flush) {
		hal_s2_tlb_flush_ipa(s2->vmid, ipa, size);
		hal_dsb_ish();
	}
	return r;
}

int stage2_map(struct stage2 *s2, uint64_t ipa, uint64_t pa, uint64_t size,
	       struct s2_attrs attrs)
{
	struct s2_op op = {.kind = S2_OP_MAP};
	int r = check_ipa_range(s2, ipa, size);

	if (r != HV_OK)
		return r;
	if ((pa & (PAGE_SIZE - 1)) != 0 ||
	    (attrs.perm & ~(S2_PERM_R | S2_PERM_W | S2_PERM_X)) != 0 ||
	    attrs.memtype > S2_MEM_DEVICE || attrs.sw > 0xf)
		return HV_EINVAL;
	if (pa >= S2_PA_LIMIT || size > S2_PA_LIMIT - pa)
		return HV_ERANGE;
	op.pa_delta = pa - ipa;
	op.attr_bits = s2_attr_bits(attrs);
	return run_op(s2, &op, ipa, size);
}

int stage2_unmap(struct stage2 *s2, uint64_t ipa, uint64_t size)
{
	struct s2_op op = {.kind = S2_OP_UNMAP};
	int r = check_ipa_range(s2, ipa, size);

	if (r != HV_OK)
		return r;
	return run_op(s2, &op, ipa, size);
}

int stage2_protect(struct stage2 *s2, uint64_t ipa, uint64_t size, uint8_t perm)
{
	struct s2_op op = {.kind = S2_OP_UPDATE};
	int r = check_ipa_range(s2, ipa, size);

	if (r != HV_OK)
		return r;
	if ((perm & ~(S2_PERM_R | S2_PERM_W | S2_PERM_X)) != 0)
		return HV_EINVAL;
	op.keep_mask = ~(S2_DESC_S2AP_MASK | S2_DESC_XN);
	op.set_bits = s2_perm_bits(perm);
	return run_op(s2, &op, ipa, size);
}

int stage2_set_sw(struct stage2 *s2, uint64_t ipa, uint64_t size, uint8_t sw)
{
	struct s2_op op = {.kind = S2_OP_UPDATE};
	int r = check_ipa_range(s2, ipa, size);

	if (r != HV_OK)
		return r;
	if (sw > 0xf)
		return HV_EINVAL;
	op.keep_mask = ~S2_DESC_SW_MASK;
	op.set_bits = (uint64_t)sw << S2_DESC_SW_SHIFT;
	return run_op(s2, &op, ipa, size);
}

int stage2_lookup(const struct stage2 *s2, uint64_t ipa, uint64_t *pa,
		  struct s2_attrs *attrs, unsigned *level)
{
	const uint64_t *table;
	unsigned lvl;

	if (!s2 || !s2->root || ipa >= S2_IPA_LIMIT)
		return HV_ENOENT;
	table = s2->root;
	for (lvl = S2_FIRST_LEVEL; lvl <= S2_LAST_LEVEL; lvl++) {
		uint64_t d = table[s2_index(ipa, lvl)];

		switch (s2_desc_kind(d, lvl)) {
		case S2_KIND_INVALID:
			return HV_ENOENT;
		case S2_KIND_TABLE:
			table = page_pool_va(s2->pool, s2_table_pa(d));
			if (!table)
				return HV_ENOENT;
			continue;
		case S2_KIND_LEAF:
			if (pa)
				*pa = s2_leaf_oa(d, lvl) |
				      (ipa & (s2_level_size(lvl) - 1));
			if (attrs)
				s2_decode_attrs(d, attrs);
			if (level)
				*level = lvl;
			return HV_OK;
		}
	}
	return HV_ENOENT;
}

uint64_t stage2_vttbr(const struct stage2 *s2)
{
	return (uint64_t)s2->vmid << VTTBR_VMID_SHIFT | s2->root_pa;
}

uint64_t stage2_vtcr(void)
{
	return VTCR_T0SZ(64 - S2_IPA_BITS) | VTCR_SL0_L1 | VTCR_IRGN0_WBWA |
	       VTCR_ORGN0_WBWA | VTCR_SH0_INNER | VTCR_TG0_4K | VTCR_PS_40BIT |
	       VTCR_RES1;
}
