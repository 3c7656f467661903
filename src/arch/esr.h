/* ESR_ELx layout and the exception classes the core knows by name. */
#ifndef HV_ARCH_ESR_H
#define HV_ARCH_ESR_H

#include <stdint.h>

#define ESR_EC_SHIFT 26
#define ESR_EC_MASK 0x3fu
#define ESR_IL (1u << 25)
#define ESR_ISS_MASK 0x1ffffffu

#define EC_UNKNOWN 0x00
#define EC_WFX 0x01
#define EC_FP_ASIMD 0x07
#define EC_ILLEGAL_STATE 0x0e
#define EC_SVC64 0x15
#define EC_HVC64 0x16
#define EC_SMC64 0x17
#define EC_SYSREG 0x18
#define EC_IABT_LOW 0x20
#define EC_IABT_CUR 0x21
#define EC_PC_ALIGN 0x22
#define EC_DABT_LOW 0x24
#define EC_DABT_CUR 0x25
#define EC_SP_ALIGN 0x26
#define EC_SERROR 0x2f
#define EC_BRK64 0x3c
#define EC_COUNT 64

static inline unsigned esr_ec(uint64_t esr)
{
	return (unsigned)(esr >> ESR_EC_SHIFT) & ESR_EC_MASK;
}

static inline uint32_t esr_iss(uint64_t esr)
{
	return (uint32_t)esr & ESR_ISS_MASK;
}

/* Length of the trapped instruction: 4 when IL is set, else 2 (T32 only). */
static inline unsigned esr_insn_len(uint64_t esr)
{
	return (esr & ESR_IL) ? 4u : 2u;
}

static inline uint64_t esr_make(unsigned ec, int il, uint32_t iss)
{
	return ((uint64_t)(ec & ESR_EC_MASK) << ESR_EC_SHIFT) |
	       (il ? ESR_IL : 0u) | (iss & ESR_ISS_MASK);
}

/* Data/instruction abort ISS fields. */
#define ISS_DABT_ISV (1u << 24)
#define ISS_DABT_SAS_SHIFT 22
#define ISS_DABT_SSE (1u << 21)
#define ISS_DABT_SRT_SHIFT 16
#define ISS_DABT_SF (1u << 15)
#define ISS_DABT_AR (1u << 14)
#define ISS_DABT_FNV (1u << 10)
#define ISS_DABT_EA (1u << 9)
#define ISS_DABT_CM (1u << 8)
#define ISS_DABT_S1PTW (1u << 7)
#define ISS_DABT_WNR (1u << 6)
#define ISS_FSC_MASK 0x3fu

/* Fault status codes (DFSC/IFSC). Level in bits [1:0] for the first three. */
#define FSC_ADDR_SIZE 0x00
#define FSC_TRANSLATION 0x04
#define FSC_ACCESS_FLAG 0x08
#define FSC_PERMISSION 0x0c
#define FSC_TYPE_MASK 0x3c
#define FSC_SEA 0x10
#define FSC_ALIGNMENT 0x21

/* Trapped MSR/MRS ISS (EC 0x18). */
#define ISS_SYSREG_DIR_READ 1u /* 1 = MRS (read), 0 = MSR (write) */
#define ISS_SYSREG_RT(iss) (((iss) >> 5) & 0x1fu)
/* Re-pack the ISS register fields into a SYSREG_ENC key. */
#define ISS_SYSREG_ENC(iss)                                                    \
	SYSREG_ENC(((iss) >> 20) & 3u, ((iss) >> 14) & 7u,                     \
		   ((iss) >> 10) & 15u, ((iss) >> 1) & 15u,                    \
		   ((iss) >> 17) & 7u)

/* PSTATE / SPSR */
#define PSR_MODE_MASK 0xfu
#define PSR_MODE_EL0T 0x0u
#define PSR_MODE_EL1T 0x4u
#define PSR_MODE_EL1H 0x5u
#define PSR_MODE_EL2T 0x8u
#define PSR_MODE_EL2H 0x9u
#define PSR_MODE_32BIT (1u << 4)
#define PSR_F (1u << 6)
#define PSR_I (1u << 7)
#define PSR_A (1u << 8)
#define PSR_D (1u << 9)
#define PSR_DAIF (PSR_D | PSR_A | PSR_I | PSR_F)
#define PSR_IL (1u << 20)
#define PSR_SS (1u << 21)
#define PSR_PAN (1u << 22)

/*
 * SPSR_EL2 for an exception taken from AArch32 (PSR_MODE_32BIT set): T32
 * state, the condition flags, and ITSTATE split as IT[1:0] in bits 26:25
 * and IT[7:2] in bits 15:10.
 */
#define PSR_AA32_T (1u << 5)
#define PSR_AA32_NZCV_SHIFT 28
#define PSR_AA32_IT_LO_SHIFT 25
#define PSR_AA32_IT_LO_MASK (3u << 25)
#define PSR_AA32_IT_HI_SHIFT 10
#define PSR_AA32_IT_HI_MASK (0x3fu << 10)

/* Traps of AArch32 instructions that may be conditional report the
 * condition in ISS[24:20]: CV (COND valid) and COND. */
#define ISS_CV (1u << 24)
#define ISS_COND_SHIFT 20

#endif
