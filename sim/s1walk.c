/*
 * Stage-1 translation of the EL1&0 regime, from the Arm ARM's VMSAv8-64
 * description (Armv8.0 features only: no PAN, no HPD, no hardware AF or
 * dirty update, no 52-bit addresses).
 */
#include "s1walk.h"

#define SCTLR_M (1ull << 0)
#define SCTLR_WXN (1ull << 19)

#define TCR_T0SZ_SHIFT 0
#define TCR_EPD0 (1ull << 7)
#define TCR_TG0_SHIFT 14
#define TCR_T1SZ_SHIFT 16
#define TCR_EPD1 (1ull << 23)
#define TCR_TG1_SHIFT 30
#define TCR_IPS_SHIFT 32
#define TCR_TBI0 (1ull << 37)
#define TCR_TBI1 (1ull << 38)

#define TTBR_BADDR 0x0000fffffffffffeull
#define DESC_VALID (1ull << 0)
#define DESC_TABLE (1ull << 1) /* at level 3: page */
#define DESC_AP1 (1ull << 6)   /* AP[1]: EL0 access */
#define DESC_AP2 (1ull << 7)   /* AP[2]: read-only */
#define DESC_AF (1ull << 10)
#define DESC_PXN (1ull << 53)
#define DESC_UXN (1ull << 54)
#define TABLE_PXN (1ull << 59)
#define TABLE_UXN (1ull << 60)
#define TABLE_AP0 (1ull << 61) /* APTable[0]: no EL0 access below */
#define TABLE_AP1 (1ull << 62) /* APTable[1]: no write access below */
#define OA_MASK 0x0000ffffffffffffull

#define MIN_TSZ 16u
#define MAX_TSZ 39u

/* TCR.IPS / ID_AA64MMFR0.PARange encodings, in bits (48 for the rest). */
static unsigned ips_bits(unsigned ips)
{
	static const unsigned bits[] = {32, 36, 40, 42, 44, 48};

	return ips < sizeof(bits) / sizeof(bits[0]) ? bits[ips] : 48;
}

static enum s1w_status fault(struct s1w_result *out, enum s1w_status st,
			     unsigned level)
{
	out->status = st;
	out->level = level;
	out->perm_el1 = out->perm_el0 = 0;
	return st;
}

/* Granule shift from TG0 (00 4K, 01 64K, 10 16K) or TG1 (01 16K, 10 4K,
 * 11 64K); a reserved value reads as 4 KiB, as QEMU and Arm's choice. */
static unsigned granule_shift(const struct s1w_regs *r, bool upper)
{
	unsigned tg;

	if (upper) {
		tg = (unsigned)(r->tcr >> TCR_TG1_SHIFT) & 3u;
		return tg == 1 ? 14 : tg == 3 ? 16 : 12;
	}
	tg = (unsigned)(r->tcr >> TCR_TG0_SHIFT) & 3u;
	return tg == 1 ? 16 : tg == 2 ? 14 : 12;
}

/* A leaf may be a block at this level for this granule (Armv8.0). */
static bool block_allowed(unsigned gshift, unsigned level)
{
	if (gshift == 12)
		return level == 1 || level == 2;
	return level == 2; /* 16K: 32 MiB; 64K: 512 MiB */
}

static void leaf_perms(const struct s1w_regs *r, uint64_t desc,
		       uint64_t table_attrs, struct s1w_result *out)
{
	bool ro = (desc & DESC_AP2) || (table_attrs & TABLE_AP1);
	bool el0 = (desc & DESC_AP1) && !(table_attrs & TABLE_AP0);
	bool wxn = (r->sctlr & SCTLR_WXN) != 0;
	uint8_t p1 = S1W_R, p0 = 0;

	if (!ro)
		p1 |= S1W_W;
	if (el0)
		p0 = (uint8_t)(S1W_R | (ro ? 0 : S1W_W));
	/* EL1 never executes what EL0 may write. */
	if (!(desc & DESC_PXN) && !(table_attrs & TABLE_PXN) && !(p0 & S1W_W) &&
	    !(wxn && (p1 & S1W_W)))
		p1 |= S1W_X;
	if (!(desc & DESC_UXN) && !(table_attrs & TABLE_UXN) &&
	    !(wxn && (p0 & S1W_W)))
		p0 |= S1W_X;
	out->perm_el1 = p1;
	out->perm_el0 = p0;
}

static enum s1w_status check_access(struct s1w_result *out, enum s1w_access acc,
				    bool el0)
{
	uint8_t have = el0 ? out->perm_el0 : out->perm_el1;
	uint8_t need = acc == S1W_FETCH	  ? S1W_X
		       : acc == S1W_WRITE ? S1W_W
					  : S1W_R;

	if (!(have & need)) {
		out->status = S1W_FAULT_PERMISSION;
		return out->status;
	}
	out->status = S1W_OK;
	return S1W_OK;
}

enum s1w_status s1w_translate(const struct s1w_regs *r, uint64_t va,
			      enum s1w_access acc, bool el0, s1w_read_fn read,
			      void *ctx, struct s1w_result *out)
{
	bool upper = ((va >> 55) & 1u) != 0;
	bool tbi = (r->tcr & (upper ? TCR_TBI1 : TCR_TBI0)) != 0;
	unsigned top = tbi ? 55 : 63, tsz, gshift, stride, level, start;
	unsigned va_bits;
	unsigned oa_bits = ips_bits((unsigned)(r->tcr >> TCR_IPS_SHIFT) & 7u);
	uint64_t table, table_attrs = 0, hi_bits, oa_mask;

	*out = (struct s1w_result){0};
	if (!(r->sctlr & SCTLR_M)) {
		/* MMU off: flat, every permission (the memory type does not
		 * concern the walker). */
		out->ipa = va;
		out->page_size = 1ull << 12;
		out->perm_el1 = out->perm_el0 = S1W_R | S1W_W | S1W_X;
		return S1W_OK;
	}
	tsz = (unsigned)(r->tcr >> (upper ? TCR_T1SZ_SHIFT : TCR_T0SZ_SHIFT)) &
	      0x3fu;
	/* Out-of-range TxSZ is treated as the nearest allowed value. */
	tsz = tsz < MIN_TSZ ? MIN_TSZ : tsz > MAX_TSZ ? MAX_TSZ : tsz;
	va_bits = 64 - tsz;
	/* Bits [top:va_bits] must all equal the half's selector bit. */
	hi_bits = (va >> va_bits) & ((1ull << (top + 1 - va_bits)) - 1);
	if (hi_bits != (upper ? (1ull << (top + 1 - va_bits)) - 1 : 0) ||
	    (r->tcr & (upper ? TCR_EPD1 : TCR_EPD0)))
		return fault(out, S1W_FAULT_TRANSLATION, 0);
	gshift = granule_shift(r, upper);
	stride = gshift - 3;
	start = 4 - (va_bits - gshift + stride - 1) / stride;
	level = start;
	oa_mask = (1ull << oa_bits) - 1;
	table = (upper ? r->ttbr1 : r->ttbr0) & TTBR_BADDR;
	if (table & ~oa_mask)
		return fault(out, S1W_FAULT_ADDRESS_SIZE, 0);
	for (;;) {
		unsigned shift = gshift + stride * (3 - level);
		unsigned idx_bits = level == start ? va_bits - shift : stride;
		uint64_t idx = (va >> shift) & ((1ull << idx_bits) - 1);
		uint64_t desc = 0, oa;
		unsigned rd;

		/* The first table is aligned to its own size. */
		table &= ~((8ull << idx_bits) - 1);
		rd = read(ctx, table + idx * 8, &desc);
		if (rd == S1W_RD_EXTERNAL)
			return fault(out, S1W_FAULT_EXTERNAL, level);
		if (rd != S1W_RD_OK) {
			out->s2_ipa = table + idx * 8;
			out->s2_fsc = rd & 0x3fu;
			return fault(out, S1W_FAULT_S2, level);
		}
		if (!(desc & DESC_VALID))
			return fault(out, S1W_FAULT_TRANSLATION, level);
		if (level < 3 && (desc & DESC_TABLE)) {
			table = desc & OA_MASK & ~((1ull << gshift) - 1);
			if (table & ~oa_mask)
				return fault(out, S1W_FAULT_ADDRESS_SIZE,
					     level);
			table_attrs |= desc & (TABLE_PXN | TABLE_UXN |
					       TABLE_AP0 | TABLE_AP1);
			level++;
			continue;
		}
		if (level == 3 ? !(desc & DESC_TABLE)
			       : !block_allowed(gshift, level))
			return fault(out, S1W_FAULT_TRANSLATION, level);
		out->level = level;
		out->desc = desc;
		out->page_size = 1ull << shift;
		oa = desc & OA_MASK & ~(out->page_size - 1);
		if (oa & ~oa_mask)
			return fault(out, S1W_FAULT_ADDRESS_SIZE, level);
		if (!(desc & DESC_AF))
			return fault(out, S1W_FAULT_ACCESS, level);
		out->ipa = oa | (va & (out->page_size - 1));
		leaf_perms(r, desc, table_attrs, out);
		return check_access(out, acc, el0);
	}
}

unsigned s1w_fsc(const struct s1w_result *r)
{
	static const unsigned base[] = {
	    [S1W_FAULT_TRANSLATION] = 0x04u, [S1W_FAULT_ADDRESS_SIZE] = 0x00u,
	    [S1W_FAULT_ACCESS] = 0x08u,	     [S1W_FAULT_PERMISSION] = 0x0cu,
	    [S1W_FAULT_EXTERNAL] = 0x14u,
	};

	if (r->status == S1W_FAULT_S2)
		return r->s2_fsc;
	if (r->status == S1W_OK ||
	    (unsigned)r->status >= sizeof(base) / sizeof(base[0]))
		return 0;
	return base[r->status] | (r->level & 3u);
}
