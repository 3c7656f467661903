/*
 * An independent Stage-2 table walker for tests. It decodes descriptors from
 * the VMSAv8-64 rules (4 KiB granule, FEAT_FWB off) with its own constants
 * and never includes src/mm: a bug shared with stage2.c cannot hide here.
 * The walk is configured from the VTCR_EL2/VTTBR_EL2 values, like hardware,
 * and reads descriptors by physical address through a callback.
 */
#ifndef TESTS_S2_WALKER_H
#define TESTS_S2_WALKER_H

#include <stdbool.h>
#include <stdint.h>

/* Read the 64-bit descriptor at physical address pa; false: no memory. */
typedef bool (*s2w_read_fn)(void *ctx, uint64_t pa, uint64_t *val);

struct s2w_cfg {
	s2w_read_fn read;
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
	S2W_FAULT_BUS,		/* descriptor read failed */
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

struct s2w_result {
	uint64_t pa;		      /* output address of the IPA */
	uint64_t desc;		      /* raw leaf descriptor */
	uint64_t leaf_ipa, leaf_size; /* IPA range the leaf covers */
	unsigned level;		 /* leaf level, or the level that faulted */
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

/* Decode VTCR_EL2/VTTBR_EL2. Returns false for a configuration the walker
 * (4 KiB granule only) or the architecture does not allow. */
bool s2w_config(struct s2w_cfg *c, uint64_t vtcr, uint64_t vttbr,
		s2w_read_fn read, void *ctx);

enum s2w_status s2w_translate(const struct s2w_cfg *c, uint64_t ipa,
			      struct s2w_result *out);

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
