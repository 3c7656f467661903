/*
 * Differential: the sim's A64 decoder (sim/a64_decode.h) says what a
 * 32-bit instruction word does and which syndrome hardware would report
 * for it; the core's decoder (src/trap/dabt_decode.h) only ever sees that
 * syndrome. Wherever the sim reports a single-register load/store with
 * ISV=1, both must agree on width, register, direction, sign extension
 * and 64-bit destination; without ISV the core must refuse the syndrome.
 * Input: the instruction word, then the register file's value.
 */
#include <stdint.h>

#include "a64_decode.h"
#include "arch/esr.h"
#include "fz.h"
#include "hv_err.h"
#include "trap/dabt_decode.h"

#define ISV (1u << 24)
#define DFSC_TRANSLATION_L3 0x07u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = fz_in(data, size);
	uint32_t insn = fz_u32(&in);
	uint64_t xval = fz_u64(&in);
	static struct vcpu v;
	struct a64_ldst d = {0};
	struct mmio_access a;
	uint32_t iss;
	int rc;

	if (!a64_decode_ldst(insn, &d))
		return 0;
	iss = a64_ldst_iss(&d);
	for (unsigned r = 0; r < 31; r++)
		v.regs.x[r] = xval + r;
	rc =
	    dabt_decode_isv(esr_make(EC_DABT_LOW, 1, iss | DFSC_TRANSLATION_L3),
			    0x9000000, &v, &a);
	if (!(iss & ISV)) {
		FZ_CHECK(rc == HV_EINVAL,
			 "insn 0x%08x: core accepted ISS 0x%07x without ISV",
			 insn, iss);
		return 0;
	}
	FZ_CHECK(d.is_load != d.is_store,
		 "insn 0x%08x: sim says ISV but load %d store %d", insn,
		 d.is_load, d.is_store);
	FZ_CHECK(rc == HV_OK, "insn 0x%08x: core refused sim ISS 0x%07x", insn,
		 iss);
	FZ_CHECK(a.width == 1u << d.sas, "insn 0x%08x: width %u vs sim %u",
		 insn, a.width, 1u << d.sas);
	FZ_CHECK(a.reg == d.rt, "insn 0x%08x: reg %u vs sim %u", insn, a.reg,
		 d.rt);
	FZ_CHECK(a.is_write == d.is_store, "insn 0x%08x: WnR %d vs sim %d",
		 insn, a.is_write, d.is_store);
	FZ_CHECK(a.sign_extend == d.sse, "insn 0x%08x: SSE %d vs sim %d", insn,
		 a.sign_extend, d.sse);
	FZ_CHECK(a.reg64 == d.sf, "insn 0x%08x: SF %d vs sim %d", insn, a.reg64,
		 d.sf);
	FZ_CHECK(a.acq_rel == d.ar, "insn 0x%08x: AR %d vs sim %d", insn,
		 a.acq_rel, d.ar);
	return 0;
}
