/*
 * The simulated MMU's view of Stage-2: a walker written from the
 * architecture (VMSAv8-64, 4 KiB granule), independent of src/mm. It reads
 * VTTBR_EL2/VTCR_EL2/HCR_EL2 as the core programmed them and the tables
 * through hal_pa_to_va, so a table the core built wrongly shows up as a
 * guest-visible fault instead of being trusted.
 */
#ifndef SIM_S2WALK_H
#define SIM_S2WALK_H

#include <stdbool.h>
#include <stdint.h>

#define S2W_R 1u
#define S2W_W 2u
#define S2W_X 4u

enum s2w_fault {
	S2W_OK = 0,
	S2W_TRANSLATION, /* invalid descriptor or IPA out of range */
	S2W_ACCESS_FLAG, /* leaf with AF clear */
	S2W_ADDR_SIZE,	 /* output address beyond VTCR_EL2.PS */
	S2W_WALK_ABORT,	 /* a table is not in memory the port backs */
};

struct s2w_config {
	bool enabled; /* HCR_EL2.VM: when clear, IPA == PA */
	uint64_t root_pa;
	unsigned start_level; /* 0..3 */
	unsigned ipa_bits;
	unsigned pa_bits;
};

struct s2w_result {
	enum s2w_fault fault;
	unsigned level; /* of the leaf, or where the walk stopped */
	uint64_t pa;	/* output address of the looked-up IPA */
	uint8_t perm;	/* S2W_R | S2W_W | S2W_X */
	uint8_t memattr;
	/* The naturally aligned span the answer holds for: the whole leaf, or
	 * the whole range an invalid descriptor leaves unmapped. */
	uint64_t span_ipa;
	uint64_t span_size;
};

/* Decode the registers. Returns false for configurations the walker does
 * not model (granule other than 4 KiB, reserved SL0/T0SZ combinations). */
bool s2w_config_from_regs(uint64_t hcr, uint64_t vttbr, uint64_t vtcr,
			  struct s2w_config *cfg);

void s2w_lookup(const struct s2w_config *cfg, uint64_t ipa,
		struct s2w_result *res);

/* Fault status code (ESR DFSC/IFSC) for a failed walk. */
unsigned s2w_fsc(const struct s2w_result *res);

#endif
