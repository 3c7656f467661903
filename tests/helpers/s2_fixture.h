/*
 * Test fixture for Stage-2 tests: a page pool in host memory at a fake PA, a
 * stage2 on it, and the reference walker (sim/s2walk.h) configured from the
 * stage2's VTCR/VTTBR values. Descriptor reads go straight to the backing
 * memory, not through page_pool_va.
 */
#ifndef TESTS_S2_FIXTURE_H
#define TESTS_S2_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "s2walk.h"
#include "mm/stage2.h"

#define S2FX_POOL_PA 0x800000000ull /* 32 GiB: inside the 40-bit PA space */

struct s2fx {
	uint8_t *mem;
	size_t npages;
	struct page_pool pool;
	struct stage2 s2;
	struct s2w_cfg walk;
};

/* NULL if memory, pool, stage2 or walker setup fails. */
struct s2fx *s2fx_new(size_t npages, uint16_t vmid);
/* Destroys the stage2 (if still live) and frees everything. */
void s2fx_free(struct s2fx *f);

bool s2fx_read(void *ctx, uint64_t pa, uint64_t *val);

/* Length of the pool's free list, walked independently of page_pool.c;
 * SIZE_MAX if it leaves the pool, is misaligned or loops. */
size_t s2fx_free_list_len(const struct s2fx *f);

/* The tree is well formed (walker scan), has no empty non-root tables, and
 * every pool page is either a reachable table or on the free list. */
bool s2fx_consistent(struct s2fx *f, struct s2w_stats *st);

/* A byte copy of the pool's memory and bookkeeping. */
struct s2fx_snap;
struct s2fx_snap *s2fx_snapshot(const struct s2fx *f);
bool s2fx_unchanged(const struct s2fx *f, const struct s2fx_snap *s);
void s2fx_snap_free(struct s2fx_snap *s);

#endif
