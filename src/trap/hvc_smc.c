/*
 * HVC and trapped SMC. Both carry SMCCC calls. They differ in where the
 * hardware leaves the PC: an HVC exit already points past the HVC, while a
 * trapped SMC points at the SMC itself and must be skipped.
 */
#include "arch/esr.h"
#include "smccc/smccc.h"
#include "trap/handlers.h"

#define ISS_IMM16_MASK 0xffffu

static enum exit_action smccc_or_reject(struct vcpu *v,
					enum smccc_conduit conduit)
{
	uint32_t imm = esr_iss(v->exit.esr) & ISS_IMM16_MASK;

	/* SMCCC calls use immediate 0; anything else is not ours to define. */
	if (imm != 0) {
		v->regs.x[0] = smccc_ret(SMCCC_NOT_SUPPORTED);
		vcpu_note(v, "smccc.bad_imm", imm, 0, v->regs.x[0]);
		return EXIT_RESUME;
	}
	return smccc_dispatch(v, conduit);
}

enum exit_action handle_hvc(struct vcpu *v)
{
	return smccc_or_reject(v, SMCCC_HVC);
}

enum exit_action handle_smc(struct vcpu *v)
{
	vcpu_advance_pc(v);
	return smccc_or_reject(v, SMCCC_SMC);
}
