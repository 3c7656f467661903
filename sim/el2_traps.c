/*
 * EL2 trap controls for EL1 accesses (Arm ARM D13, "A64_HCR_EL2",
 * "A64_MDCR_EL2", "A64_CNTHCTL_EL2", "A64_CPTR_EL2"; GICv3 "A64_ICH_HCR_EL2").
 * Non-VHE layouts only: the hypervisor runs with A64_HCR_EL2.E2H clear.
 */
#include "el2_traps.h"

#include "a64_arch.h"
#include "a64_sysregs.h"
#include "fake_vcpuif.h"
#include "sim_hal.h"

#define ENC(op0, op1, crn, crm, op2) SYSREG_ENC(op0, op1, crn, crm, op2)

static uint64_t hcr(void)
{
	return sim_sysreg_get(A64_SR_HCR_EL2);
}

static enum el2_route trap_if(bool cond)
{
	return cond ? ROUTE_TRAP : ROUTE_NATIVE;
}

static bool hcr_has(uint64_t bit)
{
	return (hcr() & bit) != 0;
}

/*
 * The debug registers an ARMv8.0 PE with this many breakpoints and
 * watchpoints implements (from ID_AA64DFR0_EL1). Only those can trap: an
 * unallocated encoding is UNDEFINED at EL1, which takes priority over
 * any EL2 trap.
 */
static bool debug_reg_allocated(uint32_t enc)
{
	uint64_t dfr0 = sim_sysreg_get(A64_SR_ID_AA64DFR0_EL1);
	unsigned brps = (unsigned)((dfr0 >> 12) & 0xf) + 1;
	unsigned wrps = (unsigned)((dfr0 >> 20) & 0xf) + 1;
	unsigned op1 = SYSREG_OP1(enc), crn = SYSREG_CRN(enc);
	unsigned crm = SYSREG_CRM(enc), op2 = SYSREG_OP2(enc);

	if (op1 == 0 && crn == 0) {
		if (op2 == 4 || op2 == 5) /* DBGBVR<n>, DBGBCR<n> */
			return crm < brps;
		if (op2 == 6 || op2 == 7) /* DBGWVR<n>, DBGWCR<n> */
			return crm < wrps;
		/* OSDTRRX, MDCCINT, MDSCR, OSDTRTX, OSECCR */
		return op2 == 2 ? (crm == 0 || crm == 2 || crm == 3 || crm == 6)
				: (crm == 2 && op2 == 0);
	}
	if (op1 == 0 && crn == 1) /* MDRAR, OSLAR, OSLSR, OSDLR, DBGPRCR */
		return enc == SYSREG_ENC(2, 0, 1, 0, 0) ||
		       (op2 == 4 &&
			(crm == 0 || crm == 1 || crm == 3 || crm == 4));
	if (op1 == 0 && crn == 7) /* DBGCLAIMSET, DBGCLAIMCLR, AUTHSTATUS */
		return op2 == 6 && (crm == 8 || crm == 9 || crm == 14);
	if (op1 == 3 && crn == 0) /* MDCCSR_EL0, DBGDTR_EL0, DBGDTRRX/TX */
		return op2 == 0 && (crm == 1 || crm == 4 || crm == 5);
	return false;
}

static enum el2_route debug_route(uint32_t enc)
{
	uint64_t mdcr = sim_sysreg_get(A64_SR_MDCR_EL2);

	if (!debug_reg_allocated(enc))
		return ROUTE_NATIVE; /* Unicorn UNDEFs it at EL1 */
	if (mdcr & A64_MDCR_TDE)
		return ROUTE_TRAP;
	switch (enc) {
	case A64_SR_OSLAR_EL1:
	case A64_SR_OSLSR_EL1:
	case A64_SR_OSDLR_EL1:
	case A64_SR_DBGPRCR_EL1:
		return trap_if(mdcr & A64_MDCR_TDOSA);
	case ENC(2, 0, 1, 0, 0): /* MDRAR_EL1 */
		return trap_if(mdcr & A64_MDCR_TDRA);
	default:
		return trap_if(mdcr & A64_MDCR_TDA);
	}
}

static enum el2_route counter_timer_route(uint32_t enc, bool is_read)
{
	uint64_t cnthctl = sim_sysreg_get(A64_SR_CNTHCTL_EL2);
	unsigned crm = SYSREG_CRM(enc), op2 = SYSREG_OP2(enc);

	if (crm == 0) { /* CNTFRQ, CNTPCT, CNTVCT: read-only at EL1 */
		if (!is_read || op2 > 2)
			return ROUTE_UNDEF;
		if (op2 == 1 && !(cnthctl & A64_CNTHCTL_EL1PCTEN))
			return ROUTE_TRAP;
		return ROUTE_TIMER;
	}
	if ((crm == 2 || crm == 3) && op2 <= 2) {
		if (crm == 2 && !(cnthctl & A64_CNTHCTL_EL1PCEN))
			return ROUTE_TRAP;
		return ROUTE_TIMER;
	}
	if (crm >= 8) /* PMEVCNTR<n>_EL0 / PMEVTYPER<n>_EL0 */
		return trap_if(sim_sysreg_get(A64_SR_MDCR_EL2) & A64_MDCR_TPM);
	return ROUTE_UNDEF;
}

static enum el2_route gic_route(uint32_t enc)
{
	uint64_t h = hcr();
	uint64_t ich = sim_sysreg_get(A64_SR_ICH_HCR_EL2);
	unsigned crm = SYSREG_CRM(enc), op2 = SYSREG_OP2(enc);

	if (enc == ENC(3, 0, 12, 11, 5) || enc == ENC(3, 0, 12, 11, 6))
		return (h & A64_HCR_IMO) ? ROUTE_TRAP
					 : ROUTE_GIC; /* SGI1R/ASGI1R */
	if (enc == ENC(3, 0, 12, 11, 7))
		return (h & A64_HCR_FMO) ? ROUTE_TRAP : ROUTE_GIC; /* SGI0R */
	if (!(h & A64_HCR_IMO) || enc == ENC(3, 0, 12, 1, 0))
		return ROUTE_GIC; /* physical interface, or ISR_EL1 */
	/* Group 1: IAR1/EOIR1/HPPIR1/BPR1, IGRPEN1, AP1R<n>. */
	if ((crm == 12 && (op2 <= 3 || op2 == 7)) || crm == 9)
		return (ich & A64_ICH_HCR_TALL1) ? ROUTE_TRAP : ROUTE_GIC;
	/* Group 0: IAR0/EOIR0/HPPIR0/BPR0, AP0R<n>, IGRPEN0. */
	if (crm == 8 || (crm == 12 && op2 == 6))
		return (ich & A64_ICH_HCR_TALL0) ? ROUTE_TRAP : ROUTE_GIC;
	if (enc == ENC(3, 0, 12, 11, 1)) /* DIR */
		return (ich & (A64_ICH_HCR_TDIR | A64_ICH_HCR_TC)) ? ROUTE_TRAP
								   : ROUTE_GIC;
	if (enc == ENC(3, 0, 12, 12, 4) || enc == ENC(3, 0, 4, 6, 0) ||
	    enc == ENC(3, 0, 12, 11, 3)) /* CTLR, PMR, RPR */
		return (ich & A64_ICH_HCR_TC) ? ROUTE_TRAP : ROUTE_GIC;
	return ROUTE_GIC;
}

static bool is_tvm_reg(uint32_t enc)
{
	switch (enc) {
	case A64_SR_SCTLR_EL1:
	case A64_SR_TTBR0_EL1:
	case A64_SR_TTBR1_EL1:
	case A64_SR_TCR_EL1:
	case A64_SR_AFSR0_EL1:
	case A64_SR_AFSR1_EL1:
	case A64_SR_ESR_EL1:
	case A64_SR_FAR_EL1:
	case A64_SR_MAIR_EL1:
	case A64_SR_AMAIR_EL1:
	case A64_SR_CONTEXTIDR_EL1:
		return true;
	default:
		return false;
	}
}

static enum el2_route id_route(uint32_t enc, bool is_read)
{
	unsigned op1 = SYSREG_OP1(enc), crm = SYSREG_CRM(enc);
	unsigned op2 = SYSREG_OP2(enc);

	if (op1 == 0 && crm == 0) {
		if (op2 == 0 || op2 == 5) /* MIDR, MPIDR */
			return is_read ? ROUTE_VIRT_ID : ROUTE_NATIVE;
		if (op2 == 6) /* REVIDR */
			return trap_if(hcr_has(A64_HCR_TID1));
		return ROUTE_NATIVE;
	}
	if (op1 == 0 && crm <= 7) /* ID group 3 */
		return trap_if(is_read && hcr_has(A64_HCR_TID3));
	if (op1 == 1 && crm == 0 && op2 == 7) /* AIDR */
		return trap_if(hcr_has(A64_HCR_TID1));
	if ((op1 == 1 && crm == 0 && op2 <= 1) || /* CCSIDR, CLIDR */
	    (op1 == 2 && crm == 0 && op2 == 0) || /* CSSELR */
	    (op1 == 3 && crm == 0 && op2 == 1))	  /* CTR_EL0 */
		return trap_if(hcr_has(A64_HCR_TID2));
	return ROUTE_NATIVE;
}

static enum el2_route sys_insn_route(uint32_t enc)
{
	unsigned op1 = SYSREG_OP1(enc), crn = SYSREG_CRN(enc);
	unsigned crm = SYSREG_CRM(enc), op2 = SYSREG_OP2(enc);

	if (crn == 8)
		return trap_if(hcr_has(A64_HCR_TTLB)); /* TLBI */
	if (crn != 7)
		return ROUTE_NATIVE;
	if (op1 == 0 && op2 == 2 && (crm == 6 || crm == 10 || crm == 14))
		return trap_if(hcr_has(A64_HCR_TSW)); /* DC ISW/CSW/CISW */
	if (op1 == 3 && crm == 4 && op2 == 1)
		return trap_if(hcr_has(A64_HCR_TDZ)); /* DC ZVA */
	if ((op1 == 0 && crm == 6 && op2 == 1) ||     /* DC IVAC */
	    (op1 == 3 && (crm == 10 || crm == 14 || crm == 12) && op2 == 1))
		return trap_if(hcr_has(A64_HCR_TPCP)); /* DC CVAC/CIVAC/CVAP */
	if ((op1 == 0 && (crm == 1 || crm == 5) && op2 == 0) ||
	    (op1 == 3 && (crm == 5 || crm == 11) && op2 == 1))
		return trap_if(
		    hcr_has(A64_HCR_TPU)); /* IC IALLU(IS)/IVAU, DC CVAU */
	return ROUTE_NATIVE;
}

/* Registers with no MRS form: reading one is UNDEFINED at EL1, which takes
 * priority over any EL2 trap. */
static bool write_only(uint32_t enc)
{
	switch (enc) {
	case A64_SR_OSLAR_EL1:
	case ENC(3, 0, 12, 8, 1):  /* ICC_EOIR0_EL1 */
	case ENC(3, 0, 12, 12, 1): /* ICC_EOIR1_EL1 */
	case ENC(3, 0, 12, 11, 1): /* ICC_DIR_EL1 */
	case ENC(3, 0, 12, 11, 5): /* ICC_SGI1R_EL1 */
	case ENC(3, 0, 12, 11, 6): /* ICC_ASGI1R_EL1 */
	case ENC(3, 0, 12, 11, 7): /* ICC_SGI0R_EL1 */
		return true;
	default:
		return false;
	}
}

enum el2_route el2_route_sysreg(uint32_t enc, bool is_read)
{
	unsigned op0 = SYSREG_OP0(enc), op1 = SYSREG_OP1(enc);
	unsigned crn = SYSREG_CRN(enc);

	if (is_read && write_only(enc))
		return ROUTE_UNDEF;
	if (op0 == 1)
		return sys_insn_route(enc);
	if (op0 == 2)
		return debug_route(enc);
	if (op0 != 3)
		return ROUTE_NATIVE;
	if (crn == 0)
		return id_route(enc, is_read);
	if (op1 == 3 && crn == 14)
		return counter_timer_route(enc, is_read);
	if (enc == A64_SR_CNTKCTL_EL1)
		return ROUTE_TIMER;
	if (vcpuif_owns(enc))
		return gic_route(enc);
	if (enc == A64_SR_ACTLR_EL1)
		return trap_if(hcr_has(A64_HCR_TACR));
	if (enc == A64_SR_CPACR_EL1)
		return trap_if(sim_sysreg_get(A64_SR_CPTR_EL2) &
			       A64_CPTR_TCPAC);
	if (is_tvm_reg(enc))
		return trap_if(hcr_has(is_read ? A64_HCR_TRVM : A64_HCR_TVM));
	if (crn == 9 && (op1 == 3 || op1 == 0)) { /* PMU */
		uint64_t mdcr = sim_sysreg_get(A64_SR_MDCR_EL2);

		if (enc == ENC(3, 3, 9, 12, 0) && (mdcr & A64_MDCR_TPMCR))
			return ROUTE_TRAP;
		return trap_if(SYSREG_CRM(enc) >= 12 && (mdcr & A64_MDCR_TPM));
	}
	if (crn == 11 || crn == 15) /* IMPLEMENTATION DEFINED space */
		return trap_if(hcr_has(A64_HCR_TIDCP));
	return ROUTE_NATIVE;
}

bool el2_traps_wfi(void)
{
	return hcr_has(A64_HCR_TWI);
}

bool el2_traps_wfe(void)
{
	return hcr_has(A64_HCR_TWE);
}

bool el2_traps_smc(void)
{
	return hcr_has(A64_HCR_TSC);
}

bool el2_hvc_disabled(void)
{
	return hcr_has(A64_HCR_HCD);
}
