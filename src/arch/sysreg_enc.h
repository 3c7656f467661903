/*
 * System register encodings. SYSREG_ENC packs (Op0, Op1, CRn, CRm, Op2) so
 * that numeric order equals the architectural sort order, which the trapped
 * sysreg descriptor table relies on.
 */
#ifndef HV_ARCH_SYSREG_ENC_H
#define HV_ARCH_SYSREG_ENC_H

#define SYSREG_ENC(op0, op1, crn, crm, op2)                                    \
	((((op0)&3u) << 14) | (((op1)&7u) << 11) | (((crn)&15u) << 7) |        \
	 (((crm)&15u) << 3) | ((op2)&7u))
#define SYSREG_OP0(e) (((e) >> 14) & 3u)
#define SYSREG_OP1(e) (((e) >> 11) & 7u)
#define SYSREG_CRN(e) (((e) >> 7) & 15u)
#define SYSREG_CRM(e) (((e) >> 3) & 15u)
#define SYSREG_OP2(e) ((e)&7u)

/*
 * Every register a port must implement for hal_sysreg_read/write:
 * X(name, op0, op1, crn, crm, op2). The EL1/EL0 group is the guest's live
 * state; the EL2 group configures traps, Stage-2 and the virtual GIC.
 */
#define HAL_SYSREGS_EL1(X)                                                     \
	X(SCTLR_EL1, 3, 0, 1, 0, 0)                                            \
	X(ACTLR_EL1, 3, 0, 1, 0, 1)                                            \
	X(CPACR_EL1, 3, 0, 1, 0, 2)                                            \
	X(TTBR0_EL1, 3, 0, 2, 0, 0)                                            \
	X(TTBR1_EL1, 3, 0, 2, 0, 1)                                            \
	X(TCR_EL1, 3, 0, 2, 0, 2)                                              \
	X(SPSR_EL1, 3, 0, 4, 0, 0)                                             \
	X(ELR_EL1, 3, 0, 4, 0, 1)                                              \
	X(SP_EL1, 3, 4, 4, 1, 0)                                               \
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
	X(CNTKCTL_EL1, 3, 0, 14, 1, 0)                                         \
	X(CSSELR_EL1, 3, 2, 0, 0, 0)                                           \
	X(TPIDR_EL0, 3, 3, 13, 0, 2)                                           \
	X(TPIDRRO_EL0, 3, 3, 13, 0, 3)                                         \
	X(CNTP_CTL_EL0, 3, 3, 14, 2, 1)                                        \
	X(CNTP_CVAL_EL0, 3, 3, 14, 2, 2)                                       \
	X(CNTV_CTL_EL0, 3, 3, 14, 3, 1)                                        \
	X(CNTV_CVAL_EL0, 3, 3, 14, 3, 2)                                       \
	X(MDSCR_EL1, 2, 0, 0, 2, 2)

#define HAL_SYSREGS_ID(X)                                                      \
	X(MIDR_EL1, 3, 0, 0, 0, 0)                                             \
	X(MPIDR_EL1, 3, 0, 0, 0, 5)                                            \
	X(ID_AA64PFR0_EL1, 3, 0, 0, 4, 0)                                      \
	X(ID_AA64PFR1_EL1, 3, 0, 0, 4, 1)                                      \
	X(ID_AA64DFR0_EL1, 3, 0, 0, 5, 0)                                      \
	X(ID_AA64ISAR0_EL1, 3, 0, 0, 6, 0)                                     \
	X(ID_AA64ISAR1_EL1, 3, 0, 0, 6, 1)                                     \
	X(ID_AA64MMFR0_EL1, 3, 0, 0, 7, 0)                                     \
	X(ID_AA64MMFR1_EL1, 3, 0, 0, 7, 1)                                     \
	X(ID_AA64MMFR2_EL1, 3, 0, 0, 7, 2)                                     \
	X(CNTFRQ_EL0, 3, 3, 14, 0, 0)                                          \
	X(CNTPCT_EL0, 3, 3, 14, 0, 1)                                          \
	X(CNTVCT_EL0, 3, 3, 14, 0, 2)

#define HAL_SYSREGS_EL2(X)                                                     \
	X(VPIDR_EL2, 3, 4, 0, 0, 0)                                            \
	X(VMPIDR_EL2, 3, 4, 0, 0, 5)                                           \
	X(HCR_EL2, 3, 4, 1, 1, 0)                                              \
	X(MDCR_EL2, 3, 4, 1, 1, 1)                                             \
	X(CPTR_EL2, 3, 4, 1, 1, 2)                                             \
	X(HSTR_EL2, 3, 4, 1, 1, 3)                                             \
	X(VTTBR_EL2, 3, 4, 2, 1, 0)                                            \
	X(VTCR_EL2, 3, 4, 2, 1, 2)                                             \
	X(CNTVOFF_EL2, 3, 4, 14, 0, 3)                                         \
	X(CNTHCTL_EL2, 3, 4, 14, 1, 0)                                         \
	X(ICH_AP0R0_EL2, 3, 4, 12, 8, 0)                                       \
	X(ICH_AP1R0_EL2, 3, 4, 12, 9, 0)                                       \
	X(ICH_HCR_EL2, 3, 4, 12, 11, 0)                                        \
	X(ICH_VTR_EL2, 3, 4, 12, 11, 1)                                        \
	X(ICH_MISR_EL2, 3, 4, 12, 11, 2)                                       \
	X(ICH_EISR_EL2, 3, 4, 12, 11, 3)                                       \
	X(ICH_ELRSR_EL2, 3, 4, 12, 11, 5)                                      \
	X(ICH_VMCR_EL2, 3, 4, 12, 11, 7)                                       \
	X(ICH_LR0_EL2, 3, 4, 12, 12, 0)                                        \
	X(ICH_LR1_EL2, 3, 4, 12, 12, 1)                                        \
	X(ICH_LR2_EL2, 3, 4, 12, 12, 2)                                        \
	X(ICH_LR3_EL2, 3, 4, 12, 12, 3)                                        \
	X(ICH_LR4_EL2, 3, 4, 12, 12, 4)                                        \
	X(ICH_LR5_EL2, 3, 4, 12, 12, 5)                                        \
	X(ICH_LR6_EL2, 3, 4, 12, 12, 6)                                        \
	X(ICH_LR7_EL2, 3, 4, 12, 12, 7)                                        \
	X(ICH_LR8_EL2, 3, 4, 12, 13, 0)                                        \
	X(ICH_LR9_EL2, 3, 4, 12, 13, 1)                                        \
	X(ICH_LR10_EL2, 3, 4, 12, 13, 2)                                       \
	X(ICH_LR11_EL2, 3, 4, 12, 13, 3)                                       \
	X(ICH_LR12_EL2, 3, 4, 12, 13, 4)                                       \
	X(ICH_LR13_EL2, 3, 4, 12, 13, 5)                                       \
	X(ICH_LR14_EL2, 3, 4, 12, 13, 6)                                       \
	X(ICH_LR15_EL2, 3, 4, 12, 13, 7)

#define HAL_SYSREGS(X) HAL_SYSREGS_EL1(X) HAL_SYSREGS_ID(X) HAL_SYSREGS_EL2(X)

/* SYSREG_<name> constants for every HAL register. */
#define HV_SYSREG_CONST(name, op0, op1, crn, crm, op2)                         \
	SYSREG_##name = SYSREG_ENC(op0, op1, crn, crm, op2),
enum hal_sysreg { HAL_SYSREGS(HV_SYSREG_CONST) };
#undef HV_SYSREG_CONST

#define SYSREG_ICH_LR(n)                                                       \
	SYSREG_ENC(3, 4, 12, 12u + ((unsigned)(n) >> 3), (unsigned)(n)&7u)

/* Guest-visible registers the core traps and emulates (not HAL registers). */
#define SYSREG_ICC_SGI1R_EL1 SYSREG_ENC(3, 0, 12, 11, 5)
#define SYSREG_OSLAR_EL1 SYSREG_ENC(2, 0, 1, 0, 4)
#define SYSREG_OSLSR_EL1 SYSREG_ENC(2, 0, 1, 1, 4)
#define SYSREG_OSDLR_EL1 SYSREG_ENC(2, 0, 1, 3, 4)
#define SYSREG_DBGPRCR_EL1 SYSREG_ENC(2, 0, 1, 4, 4)

#endif
