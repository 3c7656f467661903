/*
 * Exception entry into the guest's EL1, done the way the CPU would do it:
 * ELR/SPSR/ESR(/FAR)_EL1 are written to the live guest registers, and the
 * vCPU resumes at VBAR_EL1 + the vector for the current PSTATE.
 */
#include "trap/inject.h"
#include "arch/esr.h"
#include "hal.h"
#include "vcpu.h"

#define VECTOR_CUR_SP0 0x000u
#define VECTOR_CUR_SPX 0x200u
#define VECTOR_LOWER_A64 0x400u
#define VECTOR_LOWER_A32 0x600u

uint64_t inject_vector_offset(uint64_t pstate)
{
	if (pstate & PSR_MODE_32BIT)
		return VECTOR_LOWER_A32;
	switch (pstate & PSR_MODE_MASK) {
	case PSR_MODE_EL1T:
		return VECTOR_CUR_SP0;
	case PSR_MODE_EL1H:
		return VECTOR_CUR_SPX;
	default:
		return VECTOR_LOWER_A64;
	}
}

static int from_el1(uint64_t pstate)
{
	unsigned mode = pstate & PSR_MODE_MASK;

	return !(pstate & PSR_MODE_32BIT) &&
	       (mode == PSR_MODE_EL1T || mode == PSR_MODE_EL1H);
}

static void enter_el1(struct vcpu *v, uint64_t esr)
{
	uint64_t vbar = hal_sysreg_read(SYSREG_VBAR_EL1);

	hal_sysreg_write(SYSREG_ELR_EL1, v->regs.pc);
	hal_sysreg_write(SYSREG_SPSR_EL1, v->regs.pstate);
	hal_sysreg_write(SYSREG_ESR_EL1, esr);
	v->regs.pc = vbar + inject_vector_offset(v->regs.pstate);
	v->regs.pstate = PSR_MODE_EL1H | PSR_DAIF;
}

void inject_undef(struct vcpu *v)
{
	enter_el1(v, esr_make(EC_UNKNOWN, 1, 0));
}

void inject_data_abort(struct vcpu *v, uint64_t far, int wnr)
{
	unsigned ec = from_el1(v->regs.pstate) ? EC_DABT_CUR : EC_DABT_LOW;

	hal_sysreg_write(SYSREG_FAR_EL1, far);
	enter_el1(v, esr_make(ec, 1, FSC_SEA | (wnr ? ISS_DABT_WNR : 0u)));
}

void inject_insn_abort(struct vcpu *v, uint64_t far)
{
	unsigned ec = from_el1(v->regs.pstate) ? EC_IABT_CUR : EC_IABT_LOW;

	hal_sysreg_write(SYSREG_FAR_EL1, far);
	enter_el1(v, esr_make(ec, 1, FSC_SEA));
}
