/*
 * The A64 decoding the simulated CPU needs to report exceptions the way
 * hardware does: load/store forms (for the data-abort syndrome and for
 * finding the faulting instruction), exception-generating and hint
 * instructions, and which general registers an instruction may write.
 */
#ifndef SIM_A64_DECODE_H
#define SIM_A64_DECODE_H

#include <stdbool.h>
#include <stdint.h>

enum a64_addr_mode {
	A64_AM_BASE,	/* [Xn] (exclusive, ordered, SIMD structures) */
	A64_AM_IMM,	/* [Xn, #imm] (scaled or unscaled, no writeback) */
	A64_AM_PRE,	/* [Xn, #imm]! */
	A64_AM_POST,	/* [Xn], #imm */
	A64_AM_REG,	/* [Xn, Xm/Wm{, extend #s}] */
	A64_AM_LITERAL, /* PC-relative */
};

struct a64_ldst {
	bool is_load;
	bool is_store;
	/* Hardware gives a valid instruction syndrome (ISS.ISV = 1) only for
	 * single general-register accesses without writeback. */
	bool isv;
	bool sse;	/* sign-extending load */
	bool sf;	/* 64-bit register */
	bool ar;	/* acquire/release */
	bool pair;	/* two registers (LDP/STP/LDXP/...) */
	bool simd;	/* FP/SIMD registers */
	bool exclusive; /* LDXR/STXR family */
	uint8_t sas;	/* log2 of the access size of one register */
	uint8_t bytes;	/* total bytes transferred (upper bound for SIMD) */
	uint8_t rt, rt2, rn, rm, rs;
	enum a64_addr_mode mode;
	int64_t imm;	/* offset, already scaled */
	uint8_t extend; /* option field for A64_AM_REG */
	uint8_t shift;	/* left shift of the index for A64_AM_REG */
};

/* Returns false for anything that is not a memory access (including PRFM)
 * or is not implemented on an ARMv8.0 CPU. */
bool a64_decode_ldst(uint32_t insn, struct a64_ldst *d);

/* ISS bits [24:14] and WnR for a data abort on d; the DFSC is not
 * included. */
uint32_t a64_ldst_iss(const struct a64_ldst *d);

/* Effective (virtual) address, with x[31] = SP as the base register. */
uint64_t a64_ldst_ea(const struct a64_ldst *d, const uint64_t x[32],
		     uint64_t pc);

/* Bit n set if the instruction may write Xn; bit 31 if it may change SP
 * or SP_EL0 (a write to XZR is none). Errs towards "may write". */
uint32_t a64_gpr_writes(uint32_t insn);

/* Exception-generating instructions: true and *imm16 if insn is one. */
bool a64_is_hvc(uint32_t insn, uint16_t *imm16);
bool a64_is_smc(uint32_t insn, uint16_t *imm16);
bool a64_is_svc(uint32_t insn, uint16_t *imm16);
bool a64_is_brk(uint32_t insn, uint16_t *imm16);

#define A64_WFI 0xd503207fu
#define A64_WFE 0xd503205fu
#define A64_ERET 0xd69f03e0u

/* FP/SIMD instruction (trapped by CPACR_EL1.FPEN). */
bool a64_is_fpsimd(uint32_t insn);

#endif
