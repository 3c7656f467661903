/*
 * The reference Stage-2 walker (see s2walk.h). Descriptor format
 * (VMSAv8-64, 4 KiB granule): bits[1:0] 0b11 = table (levels 0-2) or page
 * (level 3), 0b01 = block (levels 1-2), anything else invalid; OA in
 * bits[47:12]; S2AP[7:6] with bit 6 = read and bit 7 = write; AF bit 10;
 * XN[54:53]; MemAttr[5:2]. Bit positions are from the architecture, not
 * from src/mm.
 */
#include "s2walk.h"

#include <stdlib.h>
#include <string.h>

#include "a64_arch.h"
#include "hal.h"

#define GRANULE_SHIFT 12
#define BITS_PER_LEVEL 9
#define MAX_CONCAT_BITS 4 /* up to 16 concatenated start-level tables */

#define D_VALID (1ull << 0)
#define D_TYPE (1ull << 1) /* table at L0-L2, page at L3 */
#define D_ADDR_47_12 0x0000fffffffff000ull
#define D_RES0_50_48 0x0007000000000000ull
#define D_TABLE_RES0_63_59 0xf800000000000000ull
#define D_AF (1ull << 10)
#define D_CONTIG (1ull << 52)

static unsigned level_shift(unsigned level)
{
	return GRANULE_SHIFT + BITS_PER_LEVEL * (3 - level);
}

static uint64_t bits(uint64_t v, unsigned hi, unsigned lo)
{
	return (v >> lo) & ((2ull << (hi - lo)) - 1);
}

static unsigned start_index_bits(const struct s2w_cfg *c)
{
	return c->ipa_bits - level_shift(c->start_level);
}

bool s2w_config(struct s2w_cfg *c, uint64_t vtcr, uint64_t vttbr,
		s2w_read_fn read, void *ctx)
{
	static const unsigned ps_bits[8] = {32, 36, 40, 42, 44, 48, 52, 0};
	unsigned t0sz = (unsigned)bits(vtcr, 5, 0);
	unsigned sl0 = (unsigned)bits(vtcr, 7, 6);
	unsigned tg0 = (unsigned)bits(vtcr, 15, 14);
	unsigned ps = (unsigned)bits(vtcr, 18, 16);
	unsigned vs = (unsigned)bits(vtcr, 19, 19);
	unsigned idx_bits;
	uint64_t baddr = vttbr & 0x0000fffffffffffeull;

	memset(c, 0, sizeof(*c));
	c->enabled = true;
	if (t0sz < 16 || t0sz > 39)
		return false;
	if (tg0 != 0 || sl0 == 3 || ps_bits[ps] == 0 || ps_bits[ps] > 48)
		return false;
	c->read = read;
	c->ctx = ctx;
	c->ipa_bits = 64 - t0sz;
	c->pa_bits = ps_bits[ps];
	c->start_level = 2 - sl0; /* 4 KiB: SL0 0/1/2 = level 2/1/0 */
	if (c->ipa_bits > c->pa_bits && c->ipa_bits > 40)
		return false;
	if (c->ipa_bits <= level_shift(c->start_level))
		return false;
	idx_bits = start_index_bits(c);
	if (idx_bits > BITS_PER_LEVEL + MAX_CONCAT_BITS)
		return false;
	/* The start table(s) must be aligned to their own size. */
	if (idx_bits + 3 > GRANULE_SHIFT &&
	    (baddr & ((1ull << (idx_bits + 3)) - 1)) != 0)
		return false;
	if ((baddr & ((1ull << GRANULE_SHIFT) - 1)) != 0)
		return false;
	if (!vs && bits(vttbr, 63, 56) != 0)
		return false;
	c->root_pa = baddr;
	c->vmid = (unsigned)bits(vttbr, 63, 48);
	return true;
}

bool s2w_config_from_regs(uint64_t hcr, uint64_t vttbr, uint64_t vtcr,
			  struct s2w_cfg *c)
{
	if (hcr & A64_HCR_VM)
		return s2w_config(c, vtcr, vttbr, NULL, NULL);
	memset(c, 0, sizeof(*c));
	c->ipa_bits = 64u - (unsigned)(vtcr & 0x3f);
	c->pa_bits = 64;
	return true;
}

/* Descriptors through the port's view of physical memory. */
static bool read_desc(const struct s2w_cfg *c, uint64_t pa, uint64_t *val)
{
	const uint64_t *p;

	if (c->read)
		return c->read(c->ctx, pa, val);
	p = hal_pa_to_va(pa, 8);
	if (!p)
		return false;
	*val = *p;
	return true;
}

static enum s2w_mem decode_mem(unsigned memattr)
{
	static const enum s2w_mem device[4] = {
	    S2W_MEM_DEVICE_NGNRNE, S2W_MEM_DEVICE_NGNRE, S2W_MEM_DEVICE_NGRE,
	    S2W_MEM_DEVICE_GRE};

	if ((memattr >> 2) == 0)
		return device[memattr & 3];
	if (memattr == 0xf)
		return S2W_MEM_NORMAL_WB;
	return S2W_MEM_NORMAL_OTHER;
}

/* Fill r from leaf descriptor d at level covering IPA base. */
static void decode_leaf(const struct s2w_cfg *c, uint64_t d, unsigned level,
			uint64_t base, struct s2w_result *r)
{
	unsigned shift = level_shift(level);
	unsigned xn = (unsigned)bits(d, 54, 53);

	memset(r, 0, sizeof(*r));
	r->desc = d;
	r->level = level;
	r->leaf_size = 1ull << shift;
	r->leaf_ipa = base & ~(r->leaf_size - 1);
	r->pa = (d & D_ADDR_47_12) & ~(r->leaf_size - 1);
	r->read = bits(d, 6, 6);
	r->write = bits(d, 7, 7);
	r->exec_el1 = xn == 0 || xn == 3;
	r->exec_el0 = xn == 0 || xn == 1;
	r->memattr = (unsigned)bits(d, 5, 2);
	r->mem = decode_mem(r->memattr);
	r->sh = (unsigned)bits(d, 9, 8);
	r->af = (d & D_AF) != 0;
	r->sw = (unsigned)bits(d, 58, 55);
	r->contiguous = (d & D_CONTIG) != 0;
	r->perm = (uint8_t)((r->read ? S2W_R : 0) | (r->write ? S2W_W : 0) |
			    (r->exec_el1 ? S2W_X : 0));
	/* Output address bits below the block size, bits [50:48] (no 52-bit
	 * OAs) and bit 11 (nG exists only at stage 1) are RES0. */
	r->res0_set =
	    (d & D_RES0_50_48) != 0 || bits(d, 11, 11) != 0 ||
	    (shift > GRANULE_SHIFT && bits(d, shift - 1, GRANULE_SHIFT) != 0);
	(void)c;
}

static bool oa_too_big(const struct s2w_cfg *c, uint64_t oa)
{
	return c->pa_bits < 64 && (oa >> c->pa_bits) != 0;
}

/* The answer holds for the whole range the descriptor at level covers. */
static enum s2w_status fault(struct s2w_result *r, enum s2w_status st,
			     uint64_t ipa, unsigned level)
{
	uint64_t size = 1ull << level_shift(level);

	r->status = st;
	r->level = level;
	r->pa = 0;
	r->perm = 0;
	r->leaf_size = size;
	r->leaf_ipa = ipa & ~(size - 1);
	return st;
}

static enum s2w_status identity(uint64_t ipa, struct s2w_result *r)
{
	r->pa = ipa;
	r->level = 3;
	r->leaf_size = 1ull << GRANULE_SHIFT;
	r->leaf_ipa = ipa & ~(r->leaf_size - 1);
	r->read = r->write = r->exec_el1 = r->exec_el0 = r->af = true;
	r->perm = S2W_R | S2W_W | S2W_X;
	r->memattr = 0xf;
	r->mem = S2W_MEM_NORMAL_WB;
	return r->status = S2W_OK;
}

enum s2w_status s2w_translate(const struct s2w_cfg *c, uint64_t ipa,
			      struct s2w_result *out)
{
	struct s2w_result scratch = {0};
	struct s2w_result *r = out ? out : &scratch;
	uint64_t table = c->root_pa;
	bool res0 = false;

	memset(r, 0, sizeof(*r));
	if (!c->enabled)
		return identity(ipa, r);
	r->level = c->start_level;
	if (c->ipa_bits == 0)
		return r->status = S2W_BAD_CONFIG;
	if (c->ipa_bits < 64 && (ipa >> c->ipa_bits) != 0) {
		fault(r, S2W_FAULT_TRANSLATION, ipa,
		      3); /* one page at a time */
		r->level = c->start_level;
		return r->status;
	}

	for (unsigned level = c->start_level; level <= 3; level++) {
		unsigned shift = level_shift(level);
		unsigned nbits = level == c->start_level ? start_index_bits(c)
							 : BITS_PER_LEVEL;
		uint64_t idx = (ipa >> shift) & ((1ull << nbits) - 1);
		uint64_t d;

		if (!read_desc(c, table + idx * 8, &d))
			return fault(r, S2W_FAULT_BUS, ipa, level);
		if (!(d & D_VALID))
			return fault(r, S2W_FAULT_TRANSLATION, ipa, level);
		if (level < 3 && (d & D_TYPE)) {
			table = d & D_ADDR_47_12;
			res0 |= (d & (D_RES0_50_48 | D_TABLE_RES0_63_59)) != 0;
			if (oa_too_big(c, table))
				return fault(r, S2W_FAULT_ADDRESS_SIZE, ipa,
					     level);
			continue;
		}
		/* Level 0 blocks need 52-bit OAs; 0b01 at level 3 is
		 * reserved. Both fault like invalid entries. */
		if (level == 0 || (level == 3 && !(d & D_TYPE)))
			return fault(r, S2W_FAULT_TRANSLATION, ipa, level);
		decode_leaf(c, d, level, ipa, r);
		r->res0_set |= res0;
		if (oa_too_big(c, r->pa))
			return fault(r, S2W_FAULT_ADDRESS_SIZE, ipa, level);
		r->pa |= ipa & (r->leaf_size - 1);
		if (!r->af)
			return fault(r, S2W_FAULT_ACCESS, ipa, level);
		return r->status = S2W_OK;
	}
	return fault(r, S2W_FAULT_TRANSLATION, ipa, 3); /* not reached */
}

void s2w_lookup(const struct s2w_cfg *c, uint64_t ipa, struct s2w_result *r)
{
	s2w_translate(c, ipa, r);
}

unsigned s2w_fsc(const struct s2w_result *r)
{
	unsigned lvl = r->level & 3u;

	switch (r->status) {
	case S2W_OK: /* a walk that succeeded failed on permission */
		return A64_FSC_PERMISSION | lvl;
	case S2W_FAULT_ACCESS:
		return A64_FSC_ACCESS_FLAG | lvl;
	case S2W_FAULT_ADDRESS_SIZE:
		return A64_FSC_ADDR_SIZE | lvl;
	case S2W_FAULT_BUS:
		return A64_FSC_SEA_WALK | lvl;
	default:
		return A64_FSC_TRANSLATION | lvl;
	}
}

struct scan {
	const struct s2w_cfg *c;
	s2w_leaf_fn fn;
	void *arg;
	struct s2w_stats *st;
	uint64_t *seen;
	size_t nseen, cap;
	bool stopped;
};

static void note_table(struct scan *s, uint64_t pa)
{
	if (s->nseen == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		uint64_t *n = realloc(s->seen, cap * sizeof(*n));

		if (!n) {
			s->st->bad++;
			return;
		}
		s->seen = n;
		s->cap = cap;
	}
	s->seen[s->nseen++] = pa;
}

static void scan_table(struct scan *s, uint64_t table, unsigned level,
		       uint64_t base, uint64_t entries)
{
	const struct s2w_cfg *c = s->c;
	unsigned shift = level_shift(level);
	unsigned long valid = 0;

	/* Concatenated start-level tables are several pages. */
	s->st->tables += entries > 512 ? entries / 512 : 1;
	note_table(s, table);
	for (uint64_t i = 0; i < entries && !s->stopped; i++) {
		uint64_t ipa = base + (i << shift);
		struct s2w_result r;
		uint64_t d;

		if (!read_desc(c, table + i * 8, &d)) {
			s->st->bad++;
			return;
		}
		if (!(d & D_VALID))
			continue;
		valid++;
		if (level < 3 && (d & D_TYPE)) {
			uint64_t next = d & D_ADDR_47_12;

			if (oa_too_big(c, next) ||
			    (d & (D_RES0_50_48 | D_TABLE_RES0_63_59))) {
				s->st->bad++;
				continue;
			}
			scan_table(s, next, level + 1, ipa,
				   1ull << BITS_PER_LEVEL);
			continue;
		}
		if (level == 0 || (level == 3 && !(d & D_TYPE))) {
			s->st->bad++;
			continue;
		}
		decode_leaf(c, d, level, ipa, &r);
		if (oa_too_big(c, r.pa) || !r.af || r.res0_set) {
			s->st->bad++;
			continue;
		}
		s->st->leaves[level]++;
		if (s->fn && !s->fn(s->arg, &r))
			s->stopped = true;
	}
	if (valid == 0 && level != c->start_level)
		s->st->empty++;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

bool s2w_scan(const struct s2w_cfg *c, s2w_leaf_fn fn, void *arg,
	      struct s2w_stats *stats)
{
	struct s2w_stats local = {0};
	struct scan s = {.c = c, .fn = fn, .arg = arg};

	s.st = stats ? stats : &local;
	memset(s.st, 0, sizeof(*s.st));
	if (c->ipa_bits == 0)
		return false;
	scan_table(&s, c->root_pa, c->start_level, 0,
		   1ull << start_index_bits(c));
	qsort(s.seen, s.nseen, sizeof(*s.seen), cmp_u64);
	for (size_t i = 1; i < s.nseen; i++)
		if (s.seen[i] == s.seen[i - 1])
			s.st->shared++;
	free(s.seen);
	return !s.stopped && s.st->bad == 0 && s.st->shared == 0;
}
