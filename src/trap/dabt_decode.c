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
	struct mmio_access a;

	if (ec != EC_DABT_LOW && ec != EC_DABT_CUR)
		return HV_EINVAL;
	if (!(iss & ISS_DABT_ISV))
		return HV_EINVAL;

	a = (struct mmio_access){
	    .ipa = ipa,
	    .width = (uint8_t)(1u << ((iss >> ISS_DABT_SAS_SHIFT) & 3u)),
	    .reg = (uint8_t)((iss >> ISS_DABT_SRT_SHIFT) & 0x1fu),
	    .is_write = (iss & ISS_DABT_WNR) != 0,
	    .sign_extend = (iss & ISS_DABT_SSE) != 0,
	    .reg64 = (iss & ISS_DABT_SF) != 0,
	    .acq_rel = (iss & ISS_DABT_AR) != 0,
	};
	/* No load sign-extends 64 bits, and none moves 64 bits through Wn. */
	if (a.width == 8 && (a.sign_extend || !a.reg64))
		return HV_EINVAL;
	/* SSE is only ever set by LDRSB/LDRSH/LDRSW, and LDRSW has no Wn
	 * form: a store or a 4-byte load into Wn claiming it is forged. */
	if (a.sign_extend && (a.is_write || (a.width == 4 && !a.reg64)))
		return HV_EINVAL;
	if (a.is_write)
		a.data = vcpu_get_x(v, a.reg) & width_mask(a.width);
	*out = a;
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
