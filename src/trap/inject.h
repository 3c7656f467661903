/* Exceptions the hypervisor delivers into a guest's EL1 vectors. */
#ifndef HV_TRAP_INJECT_H
#define HV_TRAP_INJECT_H

#include <stdint.h>

struct vcpu;

/* Undefined instruction at the current PC (ESR_EL1.EC = 0). */
void inject_undef(struct vcpu *v);
/* Synchronous external abort on a data access to 'far'; 'wnr' is kept so
 * the guest can tell loads from stores. */
void inject_data_abort(struct vcpu *v, uint64_t far, int wnr);
/* Synchronous external abort on an instruction fetch from 'far'. */
void inject_insn_abort(struct vcpu *v, uint64_t far);

/* Offset of the vector the guest's current PSTATE takes a synchronous
 * exception to, relative to VBAR_EL1 (exposed for tests). */
uint64_t inject_vector_offset(uint64_t pstate);

#endif
