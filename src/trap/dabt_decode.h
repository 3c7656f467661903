/*
 * Data-abort decoding for emulated MMIO: the syndrome (ISV=1) to an access
 * record, the loaded value back into the guest register, and the faulting
 * IPA from HPFAR_EL2/FAR_EL2. Pure functions: nothing here touches the bus,
 * the PC or a device.
 */
#ifndef HV_TRAP_DABT_DECODE_H
#define HV_TRAP_DABT_DECODE_H

#include <stdint.h>

#include "dev/mmio.h"

struct vcpu;

/* Fill *out from a data-abort syndrome with ISV=1. For a write, out->data
 * is the source register (XZR reads 0) truncated to the access width.
 * Returns HV_OK, or HV_EINVAL (out untouched) unless esr is a data abort
 * with ISV=1 describing a possible instruction: SSE and SF=0 are both
 * impossible for an 8-byte access, SSE for a store and for a 4-byte load
 * into a W register. */
int dabt_decode_isv(uint64_t esr, uint64_t ipa, const struct vcpu *v,
		    struct mmio_access *out);

/* Write the value a read returned into its destination register: sign- or
 * zero-extended from the access width, with bits 63:32 cleared for a
 * W register; XZR discards. Does nothing for a write. */
void dabt_complete_read(struct vcpu *v, const struct mmio_access *a);

/* The faulting IPA: HPFAR_EL2.FIPA (bits 43:4, IPA[51:12]) gives the page,
 * FAR_EL2 the byte within it. */
uint64_t dabt_fault_ipa(uint64_t hpfar, uint64_t far);

#endif
