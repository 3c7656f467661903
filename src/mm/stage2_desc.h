/*
 * Private to src/mm/stage2*.c: descriptor encoding for the 4 KiB granule,
 * 39-bit IPA, start level 1 layout, and the range walker shared by map,
 * unmap, protect and set_sw.
 */
#ifndef HV_MM_STAGE2_DESC_H
#define HV_MM_STAGE2_DESC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm/stage2.h"

#define S2_FIRST_LEVEL 1u
#define S2_LAST_LEVEL 3u
#define S2_TABLE_ENTRIES 512u
#define S2_IPA_LIMIT (1ull << S2_IPA_BITS)
#define S2_PA_LIMIT (1ull << S2_PA_BITS)

/* Bits a permission change may flip on a live leaf without break-before-make
 * (the architecture allows changing only permissions in place). */
#define S2_DESC_PERM_BITS (S2_DESC_S2AP_MASK | S2_DESC_XN | S2_DESC_SW_MASK)

enum s2_kind { S2_KIND_INVALID, S2_KIND_LEAF, S2_KIND_TABLE };

static inline unsigned s2_level_shift(unsigned level)
{
	return 12u + 9u * (S2_LAST_LEVEL - level);
}

static inline uint64_t s2_level_size(unsigned level)
{
	return 1ull << s2_level_shift(level);
}

static inline unsigned s2_index(uint64_t ipa, unsigned level)
{
	return (unsigned)(ipa >> s2_level_shift(level)) &
	       (S2_TABLE_ENTRIES - 1);
}

/* At level 3 the "table" encoding (0b11) is the page descriptor and 0b01 is
 * reserved, so it reads as invalid. */
static inline enum s2_kind s2_desc_kind(uint64_t d, unsigned level)
{
	if (!(d & S2_DESC_VALID))
		return S2_KIND_INVALID;
	if (level == S2_LAST_LEVEL)
		return (d & S2_DESC_TABLE) ? S2_KIND_LEAF : S2_KIND_INVALID;
	return (d & S2_DESC_TABLE) ? S2_KIND_TABLE : S2_KIND_LEAF;
}

static inline uint64_t s2_leaf_oa(uint64_t d, unsigned level)
{
	return d & S2_DESC_OA_MASK & ~(s2_level_size(level) - 1);
}

static inline uint64_t s2_table_pa(uint64_t d)
{
	return d & S2_DESC_OA_MASK;
}

static inline uint64_t s2_table_desc(uint64_t pa)
{
	return pa | S2_DESC_TABLE | S2_DESC_VALID;
}

static inline uint64_t s2_leaf_desc(unsigned level, uint64_t oa,
				    uint64_t attr_bits)
{
	uint64_t type = level == S2_LAST_LEVEL ? S2_DESC_TABLE : 0;

	return attr_bits | oa | type | S2_DESC_VALID;
}

/* Leaf attribute bits for a+perm; sw and memtype must be valid. */
uint64_t s2_perm_bits(uint8_t perm);
uint64_t s2_attr_bits(struct s2_attrs a);
void s2_decode_attrs(uint64_t leaf, struct s2_attrs *a);
/* Entry idx of the table that replaces leaf block parent (one level up). */
uint64_t s2_split_child(uint64_t parent, unsigned child_level, unsigned idx);

enum s2_op_kind { S2_OP_MAP, S2_OP_UNMAP, S2_OP_UPDATE };

/*
 * One range operation. It runs twice: a dry run that changes nothing,
 * reports HV_ENOENT/HV_EINVAL and counts the table pages needed, then (if
 * the pool can cover that count) the real run. This is what makes every
 * failure leave the tables exactly as they were.
 */
struct s2_op {
	enum s2_op_kind kind;
	bool dry;
	uint64_t pa_delta;  /* map: pa - ipa, modulo 2^64 */
	uint64_t attr_bits; /* map: attributes of every new leaf */
	uint64_t keep_mask; /* update: leaf bits kept ... */
	uint64_t set_bits;  /* ... and bits or'ed in */
	size_t tables_needed;
	bool changed;	 /* some descriptor was written */
	bool need_flush; /* a live translation changed or went away */
};

int s2_walk_range(struct stage2 *s2, struct s2_op *op, uint64_t ipa,
		  uint64_t size);
void s2_free_table(struct stage2 *s2, uint64_t table_pa, unsigned level);

#endif
