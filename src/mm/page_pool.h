/*
 * A fixed budget of 4 KiB pages for page tables. Running out is an error the
 * caller sees (NULL), never a crash. The pool knows both the hypervisor's
 * pointer and the physical address of each page, so table walks need no HAL.
 *
 * Free pages form a list threaded through the pages themselves (the first 8
 * bytes of a free page hold the PA of the next one). A bitmap of pages in use
 * lets page_pool_free refuse foreign, misaligned and double frees: a bad free
 * is counted in bad_frees and otherwise ignored, so a buggy caller cannot
 * corrupt the list.
 */
#ifndef HV_MM_PAGE_POOL_H
#define HV_MM_PAGE_POOL_H

#include <stddef.h>
#include <stdint.h>

#define PAGE_SIZE 4096u
#define PAGE_SHIFT 12

/* 128 MiB of tables: far more than any VM needs, and it keeps the in-use
 * bitmap inside the struct (4 KiB) so the core needs no allocator. */
#define PAGE_POOL_MAX_PAGES 32768u

struct page_pool {
	uint8_t *va; /* first page, as the hypervisor addresses it */
	uint64_t pa; /* its physical address */
	size_t npages;
	size_t nfree;
	uint64_t free_head; /* PA of first free page, 0 if none */
	unsigned long
	    bad_frees; /* frees refused: foreign, misaligned, double */
	uint64_t in_use[PAGE_POOL_MAX_PAGES / 64]; /* bit set: page allocated */
};

/*
 * va and pa must be page aligned, pa non-zero (0 ends the free list) and
 * 1 <= npages <= PAGE_POOL_MAX_PAGES. Returns HV_OK or HV_EINVAL (and leaves
 * p untouched).
 */
int page_pool_init(struct page_pool *p, void *va, uint64_t pa, size_t npages);
/* A zeroed page, or NULL when the budget is spent. */
void *page_pool_alloc(struct page_pool *p, uint64_t *pa_out);
/* Ignores (and counts in bad_frees) a pa that is not an allocated page of p. */
void page_pool_free(struct page_pool *p, uint64_t pa);
/* NULL if pa is not one of this pool's pages (page-aligned PAs only). */
void *page_pool_va(const struct page_pool *p, uint64_t pa);

#endif
