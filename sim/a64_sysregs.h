/*
 * The system registers the simulated CPU knows, named by their
 * (op0, op1, CRn, CRm, op2) encodings from the Arm ARM (D19 "AArch64
 * System Register Descriptions"; GICv3 12.5 for the ICH and ICC registers).
 *
 * Only the packing of a tuple into the HAL's key is shared with the core
 * (SYSREG_ENC, the HAL interface, reached through hal.h). Which tuple is
 * which register is the sim's own knowledge: if the core names a register
 * with a wrong tuple, the sim sees an access to some other register and
 * the guest notices.
 */
#ifndef SIM_A64_SYSREGS_H
#define SIM_A64_SYSREGS_H

#include "hal.h"

/* EL1/EL0 registers whose live value is the guest's, held by Unicorn:
 * X(name, op0, op1, crn, crm, op2). */
#define A64_SYSREGS_EL1(X)                                                     \
	X(SCTLR_EL1, 3, 0, 1, 0, 0)                                            \
	X(ACTLR_EL1, 3, 0, 1, 0, 1)                                            \
	X(CPACR_EL1, 3, 0, 1, 0, 2)                                            \
	X(TTBR0_EL1, 3, 0, 2, 0, 0)                                            \
	X(TTBR1_EL1, 3, 0, 2, 0, 1)                                            \
	X(TCR_EL1, 3, 0, 2, 0, 2)                                              \
	X(SPSR_EL1, 3, 0, 4, 0, 0)                                             \
	X(ELR_EL1, 3, 0, 4, 0, 1)                                              \
	X(AFSR0_EL1, 3, 0, 5, 1, 0)                                            \
	X(AFSR1_EL1, 3, 0, 5, 1, 1)                                            \
	X(ESR_EL1, 3, 0, 5, 2, 0)                                              \
	X(FAR_EL1, 3, 0, 6, 0, 0)                                              \
	X(PAR_EL1, 3, 0, 7, 4, 0)                                              \
	X(MAIR_EL1, 3, 0, 10, 2, 0)                                            \
	X(AMAIR_EL1, 3, 0, 10, 3, 0)                                           \
	X(VBAR_EL1, 3, 0, 12, 0, 0)                                            \
	X(CONTEXTIDR_EL1, 3, 0, 13, 0, 1)                                      \
	X(TPIDR_EL1, 3, 0, 13, 0, 4)                                           \
	X(CSSELR_EL1, 3, 2, 0, 0, 0)                                           \
	X(TPIDR_EL0, 3, 3, 13, 0, 2)                                           \
	X(TPIDRRO_EL0, 3, 3, 13, 0, 3)                                         \
	X(MDSCR_EL1, 2, 0, 0, 2, 2)

#define A64_SR_CONST(name, op0, op1, crn, crm, op2)                            \
	A64_SR_##name = SYSREG_ENC(op0, op1, crn, crm, op2),
enum a64_sysreg_el1 { A64_SYSREGS_EL1(A64_SR_CONST) };
#undef A64_SR_CONST

/* Banked stack pointer of EL1 (accessible from EL2 only). */
#define A64_SR_SP_EL1 SYSREG_ENC(3, 4, 4, 1, 0)

/* Identification. */
#define A64_SR_MIDR_EL1 SYSREG_ENC(3, 0, 0, 0, 0)
#define A64_SR_MPIDR_EL1 SYSREG_ENC(3, 0, 0, 0, 5)
#define A64_SR_ID_AA64PFR0_EL1 SYSREG_ENC(3, 0, 0, 4, 0)
#define A64_SR_ID_AA64DFR0_EL1 SYSREG_ENC(3, 0, 0, 5, 0)
#define A64_SR_ID_AA64ISAR0_EL1 SYSREG_ENC(3, 0, 0, 6, 0)
#define A64_SR_ID_AA64MMFR0_EL1 SYSREG_ENC(3, 0, 0, 7, 0)

/* Generic timer. */
#define A64_SR_CNTKCTL_EL1 SYSREG_ENC(3, 0, 14, 1, 0)
#define A64_SR_CNTFRQ_EL0 SYSREG_ENC(3, 3, 14, 0, 0)
#define A64_SR_CNTPCT_EL0 SYSREG_ENC(3, 3, 14, 0, 1)
#define A64_SR_CNTVCT_EL0 SYSREG_ENC(3, 3, 14, 0, 2)
#define A64_SR_CNTP_TVAL_EL0 SYSREG_ENC(3, 3, 14, 2, 0)
#define A64_SR_CNTP_CTL_EL0 SYSREG_ENC(3, 3, 14, 2, 1)
#define A64_SR_CNTP_CVAL_EL0 SYSREG_ENC(3, 3, 14, 2, 2)
#define A64_SR_CNTV_TVAL_EL0 SYSREG_ENC(3, 3, 14, 3, 0)
#define A64_SR_CNTV_CTL_EL0 SYSREG_ENC(3, 3, 14, 3, 1)
#define A64_SR_CNTV_CVAL_EL0 SYSREG_ENC(3, 3, 14, 3, 2)

/* Cache maintenance: DC ZVA and the block size it zeroes. */
#define A64_SR_DC_ZVA SYSREG_ENC(1, 3, 7, 4, 1)
#define A64_SR_DCZID_EL0 SYSREG_ENC(3, 3, 0, 0, 7)

/* Debug registers with their own EL2 trap controls. */
#define A64_SR_MDRAR_EL1 SYSREG_ENC(2, 0, 1, 0, 0)
#define A64_SR_OSLAR_EL1 SYSREG_ENC(2, 0, 1, 0, 4)
#define A64_SR_OSLSR_EL1 SYSREG_ENC(2, 0, 1, 1, 4)
#define A64_SR_OSDLR_EL1 SYSREG_ENC(2, 0, 1, 3, 4)
#define A64_SR_DBGPRCR_EL1 SYSREG_ENC(2, 0, 1, 4, 4)
#define A64_SR_PMCR_EL0 SYSREG_ENC(3, 3, 9, 12, 0)

/* EL2 configuration the core writes and the sim obeys. */
#define A64_SR_VPIDR_EL2 SYSREG_ENC(3, 4, 0, 0, 0)
#define A64_SR_VMPIDR_EL2 SYSREG_ENC(3, 4, 0, 0, 5)
#define A64_SR_HCR_EL2 SYSREG_ENC(3, 4, 1, 1, 0)
#define A64_SR_MDCR_EL2 SYSREG_ENC(3, 4, 1, 1, 1)
#define A64_SR_CPTR_EL2 SYSREG_ENC(3, 4, 1, 1, 2)
#define A64_SR_VTTBR_EL2 SYSREG_ENC(3, 4, 2, 1, 0)
#define A64_SR_VTCR_EL2 SYSREG_ENC(3, 4, 2, 1, 2)
#define A64_SR_CNTVOFF_EL2 SYSREG_ENC(3, 4, 14, 0, 3)
#define A64_SR_CNTHCTL_EL2 SYSREG_ENC(3, 4, 14, 1, 0)
#define A64_SR_CNTHP_CTL_EL2 SYSREG_ENC(3, 4, 14, 2, 1)
#define A64_SR_CNTHP_CVAL_EL2 SYSREG_ENC(3, 4, 14, 2, 2)

/* EL3 state inside Unicorn (the sim plays the firmware). */
#define A64_SR_SCR_EL3 SYSREG_ENC(3, 6, 1, 1, 0)

/* GICv3 virtual CPU interface control (EL2). */
#define A64_SR_ICH_AP0R0_EL2 SYSREG_ENC(3, 4, 12, 8, 0)
#define A64_SR_ICH_AP1R0_EL2 SYSREG_ENC(3, 4, 12, 9, 0)
#define A64_SR_ICH_HCR_EL2 SYSREG_ENC(3, 4, 12, 11, 0)
#define A64_SR_ICH_VTR_EL2 SYSREG_ENC(3, 4, 12, 11, 1)
#define A64_SR_ICH_MISR_EL2 SYSREG_ENC(3, 4, 12, 11, 2)
#define A64_SR_ICH_EISR_EL2 SYSREG_ENC(3, 4, 12, 11, 3)
#define A64_SR_ICH_ELRSR_EL2 SYSREG_ENC(3, 4, 12, 11, 5)
#define A64_SR_ICH_VMCR_EL2 SYSREG_ENC(3, 4, 12, 11, 7)
/* ICH_LR<n>_EL2: CRm = 0b110:n[3], op2 = n[2:0]. */
#define A64_SR_ICH_LR(n)                                                       \
	SYSREG_ENC(3, 4, 12, 12u + ((unsigned)(n) >> 3), (unsigned)(n)&7u)

#endif
