/*
 * The sim's Stage-1 walker for the EL1&0 translation regime (VMSAv8-64,
 * Armv8.0: 4 KiB, 16 KiB and 64 KiB granules, 48-bit VAs at most, no
 * hardware Access flag or dirty state, no PAN). It is what the simulated
 * MMU translates a guest VA with: Unicorn's TLB-fill hook, the decode of
 * a faulting instruction, every read of guest memory by VA. Written from
 * the architecture with its own constants. Table descriptors are read by
 * IPA through a callback, which is where Stage-2 comes in: a table walk
 * that Stage-2 refuses is a Stage-2 fault on the table's IPA (S1PTW).
 */
#ifndef SIM_S1WALK_H
#define SIM_S1WALK_H

#include <stdbool.h>
#include <stdint.h>

/* Read the 64-bit descriptor at IPA ipa: S1W_RD_OK, S1W_RD_EXTERNAL for
 * memory that answers with an external abort, or S1W_RD_S2(fsc) for a
 * Stage-2 fault with that FSC (which may be 0, address size level 0). */
#define S1W_RD_OK 0u
#define S1W_RD_EXTERNAL 0x100u
#define S1W_RD_S2(fsc) (0x200u | ((fsc)&0x3fu))
typedef unsigned (*s1w_read_fn)(void *ctx, uint64_t ipa, uint64_t *val);

/* The registers the regime is controlled by. */
struct s1w_regs {
	uint64_t sctlr; /* SCTLR_EL1: M, WXN */
	uint64_t tcr;	/* TCR_EL1 */
	uint64_t ttbr0, ttbr1;
};

enum s1w_access { S1W_READ, S1W_WRITE, S1W_FETCH };

enum s1w_status {
	S1W_OK = 0,
	S1W_FAULT_TRANSLATION,
	S1W_FAULT_ADDRESS_SIZE,
	S1W_FAULT_ACCESS,
	S1W_FAULT_PERMISSION,
	S1W_FAULT_EXTERNAL, /* synchronous external abort on the walk */
	S1W_FAULT_S2,	    /* Stage-2 fault on a table read (S1PTW) */
};

/* Permission bits, per exception level. */
#define S1W_R 1u
#define S1W_W 2u
#define S1W_X 4u

struct s1w_result {
	enum s1w_status status;
	unsigned level;	    /* the leaf's, or the level the fault is at */
	uint64_t ipa;	    /* output address (OK) */
	uint64_t page_size; /* size of the leaf (block or page) */
	uint8_t perm_el1, perm_el0; /* what the leaf allows at each EL */
	uint64_t desc;		    /* leaf descriptor */
	uint64_t s2_ipa;	    /* S1W_FAULT_S2: the table's IPA */
	unsigned s2_fsc;	    /* S1W_FAULT_S2: Stage-2's FSC */
};

/*
 * Translate va for an access of kind acc at EL1 (el0 false) or EL0. With
 * SCTLR_EL1.M clear the output is the VA with every permission. The
 * permission check is part of it: a leaf the access may not use is a
 * permission fault at the leaf's level.
 */
enum s1w_status s1w_translate(const struct s1w_regs *regs, uint64_t va,
			      enum s1w_access acc, bool el0, s1w_read_fn read,
			      void *ctx, struct s1w_result *out);

/* ESR DFSC/IFSC of a Stage-1 fault (not S1W_FAULT_S2, whose FSC is
 * s2_fsc). */
unsigned s1w_fsc(const struct s1w_result *r);

#endif
