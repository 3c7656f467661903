/*
 * ISS fields of a data abort with a valid instruction syndrome. The guest
 * controls the instruction, not the syndrome, but a port may build the
 * syndrome itself (the simulator does), so impossible encodings are refused
 * rather than trusted.
 */
#include "trap/dabt_decode.h"
#include "arch/esr.h"
#include "hv_err.h"
#include "vcpu.h"

#define HPFAR_FIPA_MASK 0x00000ffffffffff0ull /* bits 43:4 */
#define HPFAR_FIPA_TO_IPA_SHIFT 8	      /* bit 4 holds IPA bit 12 */
#define FAR_PAGE_OFFSET_MASK 0xfffull

static uint64_t width_mask(unsigned width)
{
	return width >= 8 ? ~0ull : (1ull << (8 * width)) - 1;
}

static uint64_t sign_extend(uint64_t val, unsigned width)
{
	unsigned bits = width - 1u < 8u ? 8 * width : 64;
	uint64_t sign = 1ull << (bits - 1);

	val &= width_mask(width);
	return (val ^ sign) - sign;
}

int dabt_decode_isv(uint64_t esr, uint64_t ipa, const struct vcpu *v,
		    struct mmio_access *out)
{
	unsigned ec = esr_ec(esr);
	uint32_t iss = esr_iss(esr);
	unsigned width = 1u << ((iss >> ISS_DABT_SAS_SHIFT) & 3u);
	unsigned reg = (iss >> ISS_DABT_SRT_SHIFT) & 0x1fu;
	bool is_write = (iss & ISS_DABT_WNR) != 0;
	bool sse = (iss & ISS_DABT_SSE) != 0;
	bool sf = (iss & ISS_DABT_SF) != 0;

	if (ec != EC_DABT_LOW && ec != EC_DABT_CUR)
		return HV_EINVAL;
	if (!(iss & ISS_DABT_ISV))
		return HV_EINVAL;
	/* No load sign-extends 64 bits, and none moves 64 bits through Wn. */
	if (width == 8 && (sse || !sf))
		return HV_EINVAL;
	/* SSE is only ever set by LDRSB/LDRSH/LDRSW, and LDRSW has no Wn
	 * form: a store or a 4-byte load into Wn claiming it is forged. */
	if (sse && (is_write || (width == 4 && !sf)))
		return HV_EINVAL;
	/* Valid: only now is *out written (a refused syndrome leaves it as
	 * it was), field by field, without a copy through the stack. */
	out->ipa = ipa;
	out->width = (uint8_t)width;
	out->reg = (uint8_t)reg;
	out->is_write = is_write;
	out->sign_extend = sse;
	out->reg64 = sf;
	out->acq_rel = (iss & ISS_DABT_AR) != 0;
	out->data = is_write ? vcpu_get_x(v, reg) & width_mask(width) : 0;
	return HV_OK;
}

void dabt_complete_read(struct vcpu *v, const struct mmio_access *a)
{
	uint64_t val;

	if (a->is_write)
		return;
	val = a->sign_extend ? sign_extend(a->data, a->width)
			     : a->data & width_mask(a->width);
	/* Writing Wn zeroes the top half, including after LDRSB/LDRSH Wn. */
	if (!a->reg64)
		val &= 0xffffffffull;
	vcpu_set_x(v, a->reg, val);
}

uint64_t dabt_fault_ipa(uint64_t hpfar, uint64_t far)
{
	return ((hpfar & HPFAR_FIPA_MASK) << HPFAR_FIPA_TO_IPA_SHIFT) |
	       (far & FAR_PAGE_OFFSET_MASK);
}
