/*
 * A64 decoding from the Arm ARM encoding tables ("Loads and Stores",
 * "Branches, Exception Generating and System instructions"). Only the
 * ARMv8.0 forms a Cortex-A57 implements are recognised.
 */
#include "a64_decode.h"

#include <string.h>

#include "a64_arch.h"

static unsigned bits(uint32_t insn, unsigned hi, unsigned lo)
{
	return (insn >> lo) & ((1u << (hi - lo + 1)) - 1);
}

static int64_t sext(uint64_t v, unsigned width)
{
	uint64_t m = 1ull << (width - 1);

	v &= (1ull << width) - 1;
	return (int64_t)((v ^ m) - m);
}

static void regs_common(uint32_t insn, struct a64_ldst *d)
{
	d->rt = (uint8_t)bits(insn, 4, 0);
	d->rn = (uint8_t)bits(insn, 9, 5);
}

/*
 * Single-register forms (unsigned offset, unscaled, pre/post-index,
 * unprivileged, register offset): size[31:30], V[26], opc[23:22].
 */
static bool single_reg(uint32_t insn, struct a64_ldst *d)
{
	unsigned size = bits(insn, 31, 30);
	unsigned opc = bits(insn, 23, 22);

	regs_common(insn, d);
	if (bits(insn, 26, 26)) {
		d->simd = true;
		d->sas = (uint8_t)(size | ((opc & 2u) << 1)); /* Q: 128 bit */
		if (d->sas > 4)
			return false;
		d->is_load = opc & 1u;
		d->is_store = !d->is_load;
		d->bytes = (uint8_t)(1u << d->sas);
		return true;
	}
	d->sas = (uint8_t)size;
	d->bytes = (uint8_t)(1u << size);
	switch (opc) {
	case 0:
		d->is_store = true;
		d->sf = size == 3;
		return true;
	case 1:
		d->is_load = true;
		d->sf = size == 3;
		return true;
	case 2:
		if (size == 3) /* PRFM: no access that can abort */
			return false;
		d->is_load = true;
		d->sse = true;
		d->sf = true; /* LDRSB/LDRSH/LDRSW into Xt */
		return true;
	default:
		if (size >= 2)
			return false;
		d->is_load = true;
		d->sse = true;
		d->sf = false; /* LDRSB/LDRSH into Wt */
		return true;
	}
}

static bool decode_unsigned_imm(uint32_t insn, struct a64_ldst *d)
{
	if (!single_reg(insn, d))
		return false;
	d->mode = A64_AM_IMM;
	d->imm = (int64_t)((uint64_t)bits(insn, 21, 10) << d->sas);
	return true;
}

static bool decode_imm9(uint32_t insn, struct a64_ldst *d)
{
	unsigned type = bits(insn, 11, 10);
	unsigned size = bits(insn, 31, 30);
	unsigned opc = bits(insn, 23, 22);

	/* PRFUM is the unscaled form of size 3 opc 2; the pre/post-index and
	 * unprivileged encodings of it are unallocated. */
	if (!bits(insn, 26, 26) && size == 3 && opc == 2)
		return false;
	if (bits(insn, 26, 26) && type == 2)
		return false; /* no unprivileged SIMD forms */
	if (!single_reg(insn, d))
		return false;
	d->imm = sext(bits(insn, 20, 12), 9);
	switch (type) {
	case 1:
		d->mode = A64_AM_POST;
		break;
	case 3:
		d->mode = A64_AM_PRE;
		break;
	default: /* 0: LDUR/STUR, 2: LDTR/STTR */
		d->mode = A64_AM_IMM;
		break;
	}
	return true;
}

static bool decode_reg_offset(uint32_t insn, struct a64_ldst *d)
{
	unsigned option = bits(insn, 15, 13);

	if (!(option & 2u))
		return false; /* only UXTW, LSL/UXTX, SXTW, SXTX exist */
	if (!single_reg(insn, d))
		return false;
	d->mode = A64_AM_REG;
	d->rm = (uint8_t)bits(insn, 20, 16);
	d->extend = (uint8_t)option;
	d->shift = bits(insn, 12, 12) ? d->sas : 0;
	return true;
}

static bool decode_literal(uint32_t insn, struct a64_ldst *d)
{
	unsigned opc = bits(insn, 31, 30);

	regs_common(insn, d);
	d->rn = 0;
	d->mode = A64_AM_LITERAL;
	d->imm = sext(bits(insn, 23, 5), 19) * 4;
	d->is_load = true;
	if (bits(insn, 26, 26)) {
		if (opc == 3)
			return false;
		d->simd = true;
		d->sas = (uint8_t)(2 + opc);
	} else {
		if (opc == 3)
			return false; /* PRFM (literal) */
		d->sas = opc == 1 ? 3 : 2;
		d->sse = opc == 2;
		d->sf = opc != 0;
	}
	d->bytes = (uint8_t)(1u << d->sas);
	return true;
}

static bool decode_excl_ordered(uint32_t insn, struct a64_ldst *d)
{
	unsigned size = bits(insn, 31, 30);
	unsigned o2 = bits(insn, 23, 23), o1 = bits(insn, 21, 21);
	bool load = bits(insn, 22, 22);

	regs_common(insn, d);
	d->mode = A64_AM_BASE;
	d->is_load = load;
	d->is_store = !load;
	if (o2 && !o1) { /* LDAR/STLR (and the LORegion LDLAR/STLLR) */
		d->ar = true;
		d->sas = (uint8_t)size;
		d->bytes = (uint8_t)(1u << size);
		d->sf = size == 3;
		return true;
	}
	if (o2)
		return false; /* CAS family: ARMv8.1 */
	d->exclusive = true;
	d->ar = bits(insn, 15, 15);
	d->rs = (uint8_t)bits(insn, 20, 16);
	if (o1) { /* LDXP/STXP: size[30] selects W or X pairs */
		if (size < 2)
			return false;
		d->pair = true;
		d->rt2 = (uint8_t)bits(insn, 14, 10);
		d->sas = (uint8_t)size;
		d->bytes = (uint8_t)(2u << size);
	} else {
		d->sas = (uint8_t)size;
		d->bytes = (uint8_t)(1u << size);
	}
	d->sf = size == 3;
	return true;
}

static bool decode_pair(uint32_t insn, struct a64_ldst *d)
{
	unsigned opc = bits(insn, 31, 30);
	unsigned kind =
	    bits(insn, 24, 23); /* 0 no-alloc, 1 post, 2 off, 3 pre */
	bool load = bits(insn, 22, 22);
	unsigned scale;

	regs_common(insn, d);
	d->pair = true;
	d->rt2 = (uint8_t)bits(insn, 14, 10);
	d->is_load = load;
	d->is_store = !load;
	if (bits(insn, 26, 26)) {
		if (opc == 3)
			return false;
		d->simd = true;
		scale = 2 + opc;
	} else {
		if (opc == 3 || (opc == 1 && (!load || kind == 0)))
			return false; /* STGP is ARMv8.5, LDNP has no SW form */
		scale = opc == 2 ? 3 : 2;
		d->sse = opc == 1; /* LDPSW */
		d->sf = opc != 0;
	}
	d->sas = (uint8_t)scale;
	d->bytes = (uint8_t)(2u << scale);
	d->imm = sext(bits(insn, 21, 15), 7) * (int64_t)(1u << scale);
	d->mode = kind == 1 ? A64_AM_POST : kind == 3 ? A64_AM_PRE : A64_AM_IMM;
	return true;
}

static bool decode_simd_struct(uint32_t insn, struct a64_ldst *d)
{
	regs_common(insn, d);
	d->simd = true;
	d->is_load = bits(insn, 22, 22);
	d->is_store = !d->is_load;
	d->mode = bits(insn, 23, 23) ? A64_AM_POST : A64_AM_BASE;
	d->rm = (uint8_t)bits(insn, 20, 16);
	d->sas = 0;
	d->bytes = 64; /* upper bound: four 128-bit registers */
	return true;
}

bool a64_decode_ldst(uint32_t insn, struct a64_ldst *d)
{
	memset(d, 0, sizeof(*d));
	if ((insn & 0x0a000000u) != 0x08000000u)
		return false; /* not in the loads-and-stores class */
	if ((insn & 0x3b000000u) == 0x39000000u)
		return decode_unsigned_imm(insn, d);
	if ((insn & 0x3b200000u) == 0x38000000u)
		return decode_imm9(insn, d);
	if ((insn & 0x3b200c00u) == 0x38200800u)
		return decode_reg_offset(insn, d);
	if ((insn & 0x3b000000u) == 0x18000000u)
		return decode_literal(insn, d);
	if ((insn & 0x3f000000u) == 0x08000000u)
		return decode_excl_ordered(insn, d);
	if ((insn & 0x3a000000u) == 0x28000000u)
		return decode_pair(insn, d);
	if ((insn & 0xbf9f0000u) == 0x0c000000u ||
	    (insn & 0xbfa00000u) == 0x0c800000u ||
	    (insn & 0xbf9f0000u) == 0x0d000000u ||
	    (insn & 0xbf800000u) == 0x0d800000u)
		return decode_simd_struct(insn, d);
	return false;
}

uint32_t a64_ldst_iss(const struct a64_ldst *d)
{
	uint32_t iss = d->is_store ? A64_ISS_DABT_WNR : 0;
	bool valid = !d->pair && !d->simd && !d->exclusive &&
		     d->mode != A64_AM_PRE && d->mode != A64_AM_POST;

	if (!valid)
		return iss;
	return iss | A64_ISS_DABT_ISV |
	       (uint32_t)d->sas << A64_ISS_DABT_SAS_SHIFT |
	       (d->sse ? A64_ISS_DABT_SSE : 0) |
	       (uint32_t)d->rt << A64_ISS_DABT_SRT_SHIFT |
	       (d->sf ? A64_ISS_DABT_SF : 0) | (d->ar ? A64_ISS_DABT_AR : 0);
}

static uint64_t extend_reg(uint64_t v, unsigned option)
{
	switch (option) {
	case 2: /* UXTW */
		return (uint32_t)v;
	case 6: /* SXTW */
		return (uint64_t)(int64_t)(int32_t)(uint32_t)v;
	default: /* LSL/UXTX, SXTX */
		return v;
	}
}

uint64_t a64_ldst_ea(const struct a64_ldst *d, const uint64_t x[32],
		     uint64_t pc)
{
	uint64_t base = x[d->rn];

	switch (d->mode) {
	case A64_AM_LITERAL:
		return pc + (uint64_t)d->imm;
	case A64_AM_IMM:
	case A64_AM_PRE:
		return base + (uint64_t)d->imm;
	case A64_AM_REG: {
		uint64_t idx = d->rm == 31 ? 0 : x[d->rm];

		return base + (extend_reg(idx, d->extend) << d->shift);
	}
	default:
		return base;
	}
}

static uint32_t reg_bit(unsigned r)
{
	return 1u << (r & 31u);
}

static uint32_t ldst_writes(uint32_t insn)
{
	struct a64_ldst d;
	uint32_t w = 0;

	if (!a64_decode_ldst(insn, &d))
		return 0; /* PRFM or unallocated: no register results */
	if (d.mode == A64_AM_PRE || d.mode == A64_AM_POST)
		w |= reg_bit(d.rn);
	if (d.exclusive && d.is_store)
		w |= reg_bit(d.rs);
	if (d.is_load && !d.simd) {
		if (d.rt != 31)
			w |= reg_bit(d.rt);
		if (d.pair && d.rt2 != 31)
			w |= reg_bit(d.rt2);
	}
	return w;
}

/*
 * Register 31 as a data-processing destination is SP only in ADD/SUB
 * (immediate), ADD/SUB (extended register) without S, and AND/ORR/EOR
 * (immediate); everywhere else it is XZR, and a write to it is none
 * (Arm ARM C1.2.5, "Register names").
 */
static bool rd31_is_sp(uint32_t insn)
{
	bool s = (insn >> 29) & 1u;

	if ((insn & 0x1f000000u) == 0x11000000u) /* add/sub (immediate) */
		return !s;
	if ((insn & 0x1f200000u) == 0x0b200000u) /* add/sub (extended) */
		return !s;
	if ((insn & 0x1f800000u) == 0x12000000u) /* logical (immediate) */
		return bits(insn, 30, 29) != 3u; /* not ANDS */
	return false;
}

uint32_t a64_gpr_writes(uint32_t insn)
{
	unsigned rd = bits(insn, 4, 0);

	if ((insn & 0x0a000000u) == 0x08000000u)
		return ldst_writes(insn);
	if ((insn & 0x1c000000u) == 0x14000000u) {
		/* Branches, exception generation, system. */
		if ((insn & 0xfc000000u) == 0x94000000u || /* BL */
		    (insn & 0xfffffc1fu) == 0xd63f0000u)   /* BLR */
			return reg_bit(30);
		if ((insn & 0xfff00000u) == 0xd5300000u || /* MRS */
		    (insn & 0xfff80000u) == 0xd5280000u)   /* SYSL */
			return reg_bit(rd);
		/* What changes the SP in use or SP_EL0 without naming it
		 * as a destination: MSR SP_EL0, MSR SPSel (immediate), ERET
		 * (to another EL or SPSel). */
		if ((insn & 0xffffffe0u) == 0xd5184100u ||
		    (insn & 0xfffff0ffu) == 0xd50040bfu || insn == 0xd69f03e0u)
			return reg_bit(31);
		return 0;
	}
	/* Data processing (immediate, register, SIMD&FP to general) and
	 * anything unrecognised: Rd in bits [4:0]. */
	if (rd == 31 && !rd31_is_sp(insn))
		return 0;
	return reg_bit(rd);
}

static bool exc_gen(uint32_t insn, uint32_t pattern, uint16_t *imm16)
{
	if ((insn & 0xffe0001fu) != pattern)
		return false;
	if (imm16)
		*imm16 = (uint16_t)bits(insn, 20, 5);
	return true;
}

bool a64_is_hvc(uint32_t insn, uint16_t *imm16)
{
	return exc_gen(insn, 0xd4000002u, imm16);
}

bool a64_is_smc(uint32_t insn, uint16_t *imm16)
{
	return exc_gen(insn, 0xd4000003u, imm16);
}

bool a64_is_svc(uint32_t insn, uint16_t *imm16)
{
	return exc_gen(insn, 0xd4000001u, imm16);
}

bool a64_is_brk(uint32_t insn, uint16_t *imm16)
{
	return exc_gen(insn, 0xd4200000u, imm16);
}

bool a64_is_fpsimd(uint32_t insn)
{
	/* Data processing SIMD&FP: op0 x111; loads/stores with V = 1. */
	if ((insn & 0x0e000000u) == 0x0e000000u)
		return true;
	if ((insn & 0x0a000000u) == 0x08000000u)
		return (insn & 0x04000000u) != 0;
	return false;
}
