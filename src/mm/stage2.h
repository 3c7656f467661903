/*
 * Stage-2 translation tables: 4 KiB granule, 39-bit IPA starting at level 1,
 * leaves of 4 KiB (L3), 2 MiB (L2) and 1 GiB (L1). Big blocks are split on
 * demand when part of them changes.
 */
#ifndef HV_MM_STAGE2_H
#define HV_MM_STAGE2_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/page_pool.h"

#define S2_IPA_BITS 39
#define S2_PA_BITS 40
/* VTCR_EL2.VS = 0: 8-bit VMIDs. */
#define S2_VMID_MAX 255u

/* Descriptor bits (VMSAv8-64, stage 2). */
#define S2_DESC_VALID (1ull << 0)
#define S2_DESC_TABLE (1ull << 1) /* at L1/L2: table; at L3: must be set */
#define S2_DESC_MEMATTR_SHIFT 2
#define S2_DESC_MEMATTR_MASK (0xfull << 2)
#define S2_MEMATTR_DEVICE_NGNRNE 0x0ull
#define S2_MEMATTR_NORMAL_WB 0xfull
#define S2_DESC_S2AP_SHIFT 6
#define S2_DESC_S2AP_MASK (3ull << 6)
#define S2_DESC_S2AP_R (1ull << 6)
#define S2_DESC_S2AP_W (1ull << 7)
#define S2_DESC_SH_INNER (3ull << 8)
#define S2_DESC_AF (1ull << 10)
#define S2_DESC_OA_MASK 0x0000fffffffff000ull
#define S2_DESC_XN (1ull << 54)
#define S2_DESC_SW_SHIFT 55 /* software bits [58:55]: page ownership */
#define S2_DESC_SW_MASK (0xfull << 55)

enum s2_perm { S2_PERM_R = 1u, S2_PERM_W = 2u, S2_PERM_X = 4u };
enum s2_memtype { S2_MEM_NORMAL = 0, S2_MEM_DEVICE };

struct s2_attrs {
	uint8_t perm;	 /* S2_PERM_* */
	uint8_t memtype; /* enum s2_memtype */
	uint8_t sw;	 /* 4 software bits, reserved for page ownership */
};

struct stage2 {
	struct page_pool *pool;
	uint64_t root_pa;
	uint64_t *root;
	uint16_t vmid;
};

/* Takes the root table from pool. HV_EINVAL, HV_ERANGE (vmid above
 * S2_VMID_MAX) or HV_ENOMEM leave s2 untouched. */
int stage2_init(struct stage2 *s2, struct page_pool *pool, uint16_t vmid);
/* Flushes the VMID's TLB entries, then frees every table page back to the
 * pool. The VM must not be running. Safe to call twice. */
void stage2_destroy(struct stage2 *s2);

/*
 * ipa, pa and size must be 4 KiB aligned and inside the IPA/PA range.
 * map replaces whatever was there, using the largest leaf (1 GiB, 2 MiB,
 * 4 KiB) that ipa, pa and the remaining size allow. All return HV_OK,
 * HV_EINVAL (misaligned, size 0, bad attrs), HV_ERANGE (beyond 2^39 IPA /
 * 2^40 PA, or wrapping) or HV_ENOMEM. Every error leaves the tables exactly
 * as they were: the table pages a change needs are counted before anything
 * is written (conservatively: pages freed by the change itself are not
 * counted as available). Live changes are followed by hal_dsb_ish() and a
 * Stage-2 TLB flush of the range; tables emptied by unmap go back to the
 * pool.
 */
int stage2_map(struct stage2 *s2, uint64_t ipa, uint64_t pa, uint64_t size,
	       struct s2_attrs attrs);
int stage2_unmap(struct stage2 *s2, uint64_t ipa, uint64_t size);
/* Change permissions of mapped pages; unmapped pages in the range are an
 * error (HV_ENOENT) and nothing is changed. */
int stage2_protect(struct stage2 *s2, uint64_t ipa, uint64_t size,
		   uint8_t perm);
/* Set the software (ownership) bits of mapped pages; like protect, any
 * unmapped page in the range is HV_ENOENT and nothing is changed. */
int stage2_set_sw(struct stage2 *s2, uint64_t ipa, uint64_t size, uint8_t sw);

/* Translate one IPA. Returns HV_OK and fills pa/attrs/level (1..3) or
 * HV_ENOENT. Any out pointer may be NULL. */
int stage2_lookup(const struct stage2 *s2, uint64_t ipa, uint64_t *pa,
		  struct s2_attrs *attrs, unsigned *level);

/* Register values the port programs for this Stage-2. */
uint64_t stage2_vttbr(const struct stage2 *s2);
uint64_t stage2_vtcr(void);

#endif
