/*
 * Page-table page budget: a free list threaded through the free pages plus an
 * in-use bitmap that makes every free checkable.
 */
#include <stdbool.h>

#include "hv_err.h"
#include "lib/mem.h"
#include "mm/page_pool.h"

static bool page_index(const struct page_pool *p, uint64_t pa, size_t *idx)
{
	uint64_t i;

	if (pa < p->pa || (pa & (PAGE_SIZE - 1)) != 0)
		return false;
	i = (pa - p->pa) >> PAGE_SHIFT;
	if (i >= p->npages)
		return false;
	*idx = (size_t)i;
	return true;
}

static bool page_in_use(const struct page_pool *p, size_t i)
{
	return (p->in_use[i / 64] >> (i % 64)) & 1u;
}

static void page_mark(struct page_pool *p, size_t i, bool used)
{
	if (used)
		p->in_use[i / 64] |= 1ull << (i % 64);
	else
		p->in_use[i / 64] &= ~(1ull << (i % 64));
}

static uint64_t *page_words(const struct page_pool *p, size_t i)
{
	return (uint64_t *)(void *)(p->va + (size_t)i * PAGE_SIZE);
}

int page_pool_init(struct page_pool *p, void *va, uint64_t pa, size_t npages)
{
	uintptr_t v = (uintptr_t)va;
	uint64_t bytes = (uint64_t)npages * PAGE_SIZE;

	if (!p || !va || pa == 0 || npages == 0 || npages > PAGE_POOL_MAX_PAGES)
		return HV_EINVAL;
	if ((v & (PAGE_SIZE - 1)) != 0 || (pa & (PAGE_SIZE - 1)) != 0)
		return HV_EINVAL;
	/* Neither address range may wrap: page_index relies on it. */
	if (pa + bytes < pa || v + (uintptr_t)bytes < v)
		return HV_EINVAL;

	p->va = va;
	p->pa = pa;
	p->npages = npages;
	p->nfree = npages;
	p->bad_frees = 0;
	memset(p->in_use, 0, sizeof(p->in_use));
	/* Lowest page first, so allocation order is predictable. */
	p->free_head = 0;
	for (size_t i = npages; i-- > 0;) {
		page_words(p, i)[0] = p->free_head;
		p->free_head = pa + (uint64_t)i * PAGE_SIZE;
	}
	return HV_OK;
}

void *page_pool_alloc(struct page_pool *p, uint64_t *pa_out)
{
	uint64_t pa = p->free_head;
	uint64_t *page;
	size_t i;

	/*
	 * A head that is not a free page of ours means the list was
	 * overwritten through a stale pointer; stop handing out pages rather
	 * than hand out one that is in use.
	 */
	if (p->nfree == 0 || !page_index(p, pa, &i) || page_in_use(p, i))
		return NULL;
	page = page_words(p, i);
	p->free_head = page[0];
	p->nfree--;
	page_mark(p, i, true);
	memset(page, 0, PAGE_SIZE);
	if (pa_out)
		*pa_out = pa;
	return page;
}

void page_pool_free(struct page_pool *p, uint64_t pa)
{
	size_t i;

	if (!page_index(p, pa, &i) || !page_in_use(p, i)) {
		p->bad_frees++;
		return;
	}
	page_mark(p, i, false);
	page_words(p, i)[0] = p->free_head;
	p->free_head = pa;
	p->nfree++;
}

void *page_pool_va(const struct page_pool *p, uint64_t pa)
{
	size_t i;

	if (!page_index(p, pa, &i))
		return NULL;
	return page_words(p, i);
}
