/*
 * The reference Stage-2 walker: the simulated MMU's view of Stage-2 and the
 * independent reader the Stage-2 unit tests check the core's tables with.
 * Written from the architecture (VMSAv8-64, 4 KiB granule, FEAT_FWB off)
 * with its own constants, never from src/mm: a bug shared with stage2.c
 * cannot hide here. It is configured from VTTBR_EL2/VTCR_EL2/HCR_EL2 as
 * the core programmed them, like hardware, and reads descriptors by
 * physical address (through hal_pa_to_va unless given a reader), so a
 * table the core built wrongly shows up as a guest-visible fault.
 */
#ifndef SIM_S2WALK_H
#define SIM_S2WALK_H

#include <stdbool.h>
#include <stdint.h>

/* Read the 64-bit descriptor at physical address pa; false: no memory. */
typedef bool (*s2w_read_fn)(void *ctx, uint64_t pa, uint64_t *val);

struct s2w_cfg {
	bool enabled;	  /* HCR_EL2.VM: when clear, IPA == PA */
	s2w_read_fn read; /* NULL: hal_pa_to_va */
	void *ctx;
	uint64_t root_pa;  /* VTTBR_EL2.BADDR */
	unsigned ipa_bits; /* 64 - VTCR_EL2.T0SZ */
	unsigned pa_bits;  /* from VTCR_EL2.PS */
	unsigned start_level;
	unsigned vmid;
};

enum s2w_status {
	S2W_OK = 0,
	S2W_FAULT_TRANSLATION,	/* invalid or reserved descriptor, or IPA
				   beyond ipa_bits */
	S2W_FAULT_ADDRESS_SIZE, /* table or output address beyond pa_bits */
	S2W_FAULT_ACCESS,	/* AF == 0 */
	S2W_FAULT_BUS,		/* descriptor read failed (walk abort) */
	S2W_BAD_CONFIG,
};

enum s2w_mem {
	S2W_MEM_DEVICE_NGNRNE,
	S2W_MEM_DEVICE_NGNRE,
	S2W_MEM_DEVICE_NGRE,
	S2W_MEM_DEVICE_GRE,
	S2W_MEM_NORMAL_WB,    /* inner and outer write-back */
	S2W_MEM_NORMAL_OTHER, /* any other Normal combination */
};

/* Access permissions of a leaf, as a mask. */
#define S2W_R 1u
#define S2W_W 2u
#define S2W_X 4u /* executable at EL1 */

struct s2w_result {
	enum s2w_status status;
	uint64_t pa;   /* output address of the IPA */
	uint64_t desc; /* raw leaf descriptor */
	/* The naturally aligned IPA range the answer holds for: the leaf, or
	 * the whole range an invalid descriptor leaves unmapped. */
	uint64_t leaf_ipa, leaf_size;
	unsigned level;		 /* leaf level, or the level that faulted */
	uint8_t perm;		 /* S2W_R | S2W_W | S2W_X; 0 on a fault */
	bool read, write;	 /* S2AP[0], S2AP[1] */
	bool exec_el1, exec_el0; /* from XN[1:0] (FEAT_XNX encoding) */
	unsigned memattr;	 /* raw MemAttr[3:0] */
	enum s2w_mem mem;
	unsigned sh; /* SH[1:0] */
	bool af;
	unsigned sw;	 /* bits [58:55] */
	bool contiguous; /* bit 52 */
	bool res0_set;	 /* a RES0 bit of the descriptor chain is set */
};

/* Decode VTCR_EL2/VTTBR_EL2 for an enabled Stage-2. Returns false for a
 * configuration the walker (4 KiB granule only) or the architecture does
 * not allow. read NULL: descriptors through hal_pa_to_va. */
bool s2w_config(struct s2w_cfg *c, uint64_t vtcr, uint64_t vttbr,
		s2w_read_fn read, void *ctx);

/* The same from the three registers the core writes; HCR_EL2.VM clear is
 * a valid configuration (IPA == PA). */
bool s2w_config_from_regs(uint64_t hcr, uint64_t vttbr, uint64_t vtcr,
			  struct s2w_cfg *c);

enum s2w_status s2w_translate(const struct s2w_cfg *c, uint64_t ipa,
			      struct s2w_result *out);

/* s2w_translate() for callers that only want the result. */
void s2w_lookup(const struct s2w_cfg *c, uint64_t ipa, struct s2w_result *r);

/* Fault status code (ESR DFSC/IFSC) of r: its fault, or for a walk that
 * succeeded, the permission fault at the leaf's level. */
unsigned s2w_fsc(const struct s2w_result *r);

/* Calls fn for every valid leaf in IPA order; stops if fn returns false. */
typedef bool (*s2w_leaf_fn)(void *arg, const struct s2w_result *leaf);

struct s2w_stats {
	unsigned long tables;	 /* table pages reachable, the root included */
	unsigned long leaves[4]; /* valid leaves by level */
	unsigned long bad;	 /* faults: reserved, address size, bus, AF=0 */
	unsigned long shared;	 /* table pages referenced more than once */
	unsigned long empty;	 /* non-root tables without a valid entry */
};

/* Whole-tree walk; fn may be NULL. Returns false if the tree is malformed
 * (stats->bad or stats->shared non-zero) or fn stopped it. */
bool s2w_scan(const struct s2w_cfg *c, s2w_leaf_fn fn, void *arg,
	      struct s2w_stats *stats);

#endif
