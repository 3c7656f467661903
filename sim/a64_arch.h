/*
 * Architectural constants of the simulated CPU, written from the Arm ARM
 * (DDI 0487: D13 "ESR_EL2", "HCR_EL2", "MDCR_EL2", "CPTR_EL2",
 * "CNTHCTL_EL2", "SPSR_EL1"; D1 "Exception vectors"; GICv3 "ICH_HCR_EL2").
 *
 * The sim is the model the core is checked against, so it must not take
 * these values from the core's src/arch headers: a wrong constant there
 * would then be wrong on both sides and nothing would notice. The A64_
 * prefix keeps any core name from resolving here by accident.
 */
#ifndef SIM_A64_ARCH_H
#define SIM_A64_ARCH_H

#include <stdint.h>

/* ESR_ELx: EC[31:26], IL[25], ISS[24:0]. */
#define A64_ESR_EC_SHIFT 26
#define A64_ESR_EC_MASK 0x3fu
#define A64_ESR_IL (1u << 25)
#define A64_ESR_ISS_MASK 0x1ffffffu

/* Exception classes (ESR_ELx.EC). */
#define A64_EC_UNKNOWN 0x00u
#define A64_EC_WFX 0x01u
#define A64_EC_FP_ASIMD 0x07u
#define A64_EC_ILLEGAL_STATE 0x0eu
#define A64_EC_SVC64 0x15u
#define A64_EC_HVC64 0x16u
#define A64_EC_SMC64 0x17u
#define A64_EC_SYSREG 0x18u
#define A64_EC_IABT_LOW 0x20u
#define A64_EC_IABT_CUR 0x21u
#define A64_EC_PC_ALIGN 0x22u
#define A64_EC_DABT_LOW 0x24u
#define A64_EC_DABT_CUR 0x25u
#define A64_EC_SP_ALIGN 0x26u
#define A64_EC_SERROR 0x2fu
#define A64_EC_BRK64 0x3cu

/* Every exception the sim reports comes from a 32-bit A64 instruction (or
 * is an abort, for which IL is also 1): IL is always set. */
static inline uint64_t a64_esr(unsigned ec, uint32_t iss)
{
	return ((uint64_t)(ec & A64_ESR_EC_MASK) << A64_ESR_EC_SHIFT) |
	       A64_ESR_IL | (iss & A64_ESR_ISS_MASK);
}

static inline unsigned a64_esr_ec(uint64_t esr)
{
	return (unsigned)(esr >> A64_ESR_EC_SHIFT) & A64_ESR_EC_MASK;
}

static inline uint32_t a64_esr_iss(uint64_t esr)
{
	return (uint32_t)esr & A64_ESR_ISS_MASK;
}

/* Data/instruction abort ISS (EC 0x20/0x21/0x24/0x25). */
#define A64_ISS_DABT_ISV (1u << 24)
#define A64_ISS_DABT_SAS_SHIFT 22 /* [23:22] log2 of the access size */
#define A64_ISS_DABT_SSE (1u << 21)
#define A64_ISS_DABT_SRT_SHIFT 16 /* [20:16] */
#define A64_ISS_DABT_SF (1u << 15)
#define A64_ISS_DABT_AR (1u << 14)
#define A64_ISS_DABT_FNV (1u << 10)
#define A64_ISS_DABT_EA (1u << 9)
#define A64_ISS_DABT_CM (1u << 8)
#define A64_ISS_DABT_S1PTW (1u << 7)
#define A64_ISS_DABT_WNR (1u << 6)
#define A64_ISS_FSC_MASK 0x3fu

/* Fault status codes (DFSC/IFSC); the first four carry the level in [1:0]. */
#define A64_FSC_ADDR_SIZE 0x00u
#define A64_FSC_TRANSLATION 0x04u
#define A64_FSC_ACCESS_FLAG 0x08u
#define A64_FSC_PERMISSION 0x0cu
#define A64_FSC_SEA 0x10u      /* synchronous external abort */
#define A64_FSC_SEA_WALK 0x14u /* ... on a translation table walk */
#define A64_FSC_ALIGNMENT 0x21u

/* Trapped MSR/MRS/System instruction ISS (EC 0x18). */
#define A64_ISS_SYS_OP0_SHIFT 20 /* [21:20] */
#define A64_ISS_SYS_OP2_SHIFT 17 /* [19:17] */
#define A64_ISS_SYS_OP1_SHIFT 14 /* [16:14] */
#define A64_ISS_SYS_CRN_SHIFT 10 /* [13:10] */
#define A64_ISS_SYS_RT_SHIFT 5	 /* [9:5] */
#define A64_ISS_SYS_CRM_SHIFT 1	 /* [4:1] */
#define A64_ISS_SYS_READ 1u	 /* Direction: 1 = MRS/SYSL */

/* Condition fields of WFx (EC 0x01) and FP/SIMD (EC 0x07) traps from A64:
 * CV = 1 with COND = 0b1110 (always). */
#define A64_ISS_CV_COND_AL (1u << 24 | 0xeu << 20)
#define A64_ISS_WFX_WFE 1u /* TI: 0 = WFI, 1 = WFE */

/* PSTATE as saved in SPSR_ELx (AArch64 state). */
#define A64_PSR_M_MASK 0xfu /* M[3:0]: EL in [3:2], SPSel in [0] */
#define A64_PSR_M_EL0T 0x0u
#define A64_PSR_M_EL1T 0x4u
#define A64_PSR_M_EL1H 0x5u
#define A64_PSR_M_EL2T 0x8u
#define A64_PSR_M_EL2H 0x9u
#define A64_PSR_M_EL3T 0xcu
#define A64_PSR_M_EL3H 0xdu
#define A64_PSR_NRW (1u << 4) /* M[4]: AArch32 */
#define A64_PSR_SPSEL 1u
#define A64_PSR_F (1u << 6)
#define A64_PSR_I (1u << 7)
#define A64_PSR_A (1u << 8)
#define A64_PSR_D (1u << 9)
#define A64_PSR_DAIF (A64_PSR_D | A64_PSR_A | A64_PSR_I | A64_PSR_F)
#define A64_PSR_IL (1u << 20)
#define A64_PSR_SS (1u << 21)
#define A64_PSR_PAN (1u << 22)

/* Vector offsets from VBAR_ELx: the source group, then the type. */
#define A64_VEC_CUR_SP0 0x000u
#define A64_VEC_CUR_SPX 0x200u
#define A64_VEC_LOWER_A64 0x400u
#define A64_VEC_LOWER_A32 0x600u
#define A64_VEC_SYNC 0x000u
#define A64_VEC_IRQ 0x080u
#define A64_VEC_FIQ 0x100u
#define A64_VEC_SERROR 0x180u

/* SCR_EL3: HVC enabled at EL1 and EL2; lower ELs are AArch64. */
#define A64_SCR_HCE (1ull << 8)
#define A64_SCR_RW (1ull << 10)

/* HCR_EL2 (E2H = 0). */
#define A64_HCR_VM (1ull << 0)
#define A64_HCR_FMO (1ull << 3)
#define A64_HCR_IMO (1ull << 4)
#define A64_HCR_TWI (1ull << 13)
#define A64_HCR_TWE (1ull << 14)
#define A64_HCR_TID1 (1ull << 16)
#define A64_HCR_TID2 (1ull << 17)
#define A64_HCR_TID3 (1ull << 18)
#define A64_HCR_TSC (1ull << 19)
#define A64_HCR_TIDCP (1ull << 20)
#define A64_HCR_TACR (1ull << 21)
#define A64_HCR_TSW (1ull << 22)
#define A64_HCR_TPCP (1ull << 23)
#define A64_HCR_TPU (1ull << 24)
#define A64_HCR_TTLB (1ull << 25)
#define A64_HCR_TVM (1ull << 26)
#define A64_HCR_TDZ (1ull << 28)
#define A64_HCR_HCD (1ull << 29)
#define A64_HCR_TRVM (1ull << 30)

/* MDCR_EL2. */
#define A64_MDCR_TPMCR (1ull << 5)
#define A64_MDCR_TPM (1ull << 6)
#define A64_MDCR_TDE (1ull << 8)
#define A64_MDCR_TDA (1ull << 9)
#define A64_MDCR_TDOSA (1ull << 10)
#define A64_MDCR_TDRA (1ull << 11)

/* CPTR_EL2 (E2H = 0) and CPACR_EL1. */
#define A64_CPTR_TCPAC (1ull << 31)
#define A64_CPACR_FPEN_SHIFT 20 /* [21:20] */

/* CNTHCTL_EL2 (E2H = 0). */
#define A64_CNTHCTL_EL1PCTEN (1ull << 0)
#define A64_CNTHCTL_EL1PCEN (1ull << 1)

/* ICH_HCR_EL2 (GICv3). */
#define A64_ICH_HCR_EN (1ull << 0)
#define A64_ICH_HCR_UIE (1ull << 1)
#define A64_ICH_HCR_LRENPIE (1ull << 2)
#define A64_ICH_HCR_NPIE (1ull << 3)
#define A64_ICH_HCR_VGRP0EIE (1ull << 4)
#define A64_ICH_HCR_VGRP0DIE (1ull << 5)
#define A64_ICH_HCR_VGRP1EIE (1ull << 6)
#define A64_ICH_HCR_VGRP1DIE (1ull << 7)
#define A64_ICH_HCR_TC (1ull << 10)
#define A64_ICH_HCR_TALL0 (1ull << 11)
#define A64_ICH_HCR_TALL1 (1ull << 12)
#define A64_ICH_HCR_TDIR (1ull << 14)
#define A64_ICH_HCR_EOICOUNT_SHIFT 27 /* [31:27] */
#define A64_ICH_HCR_EOICOUNT_MASK (0x1full << A64_ICH_HCR_EOICOUNT_SHIFT)

#endif
