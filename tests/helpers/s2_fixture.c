/* Stage-2 test fixture (see s2_fixture.h). */
#include <stdlib.h>
#include <string.h>

#include "helpers/s2_fixture.h"

struct s2fx_snap {
	uint8_t *mem;
	struct page_pool pool;
	struct stage2 s2;
};

struct s2fx *s2fx_new(size_t npages, uint16_t vmid)
{
	struct s2fx *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->npages = npages;
	f->mem = aligned_alloc(4096, npages * 4096);
	if (!f->mem)
		goto fail;
	memset(f->mem, 0x5a, npages * 4096); /* alloc must zero pages */
	if (page_pool_init(&f->pool, f->mem, S2FX_POOL_PA, npages) != 0)
		goto fail;
	if (stage2_init(&f->s2, &f->pool, vmid) != 0)
		goto fail;
	if (!s2w_config(&f->walk, stage2_vtcr(), stage2_vttbr(&f->s2),
			s2fx_read, f))
		goto fail;
	return f;
fail:
	free(f->mem);
	free(f);
	return NULL;
}

void s2fx_free(struct s2fx *f)
{
	if (!f)
		return;
	stage2_destroy(&f->s2);
	free(f->mem);
	free(f);
}

bool s2fx_read(void *ctx, uint64_t pa, uint64_t *val)
{
	const struct s2fx *f = ctx;
	uint64_t end = S2FX_POOL_PA + f->npages * 4096;

	if (pa < S2FX_POOL_PA || pa >= end || (pa & 7) != 0)
		return false;
	memcpy(val, f->mem + (pa - S2FX_POOL_PA), sizeof(*val));
	return true;
}

size_t s2fx_free_list_len(const struct s2fx *f)
{
	uint64_t pa = f->pool.free_head;
	size_t n = 0;

	while (pa != 0) {
		uint64_t off = pa - S2FX_POOL_PA;

		if (pa < S2FX_POOL_PA || (off & 4095) != 0 ||
		    off / 4096 >= f->npages || n > f->npages)
			return SIZE_MAX;
		n++;
		memcpy(&pa, f->mem + off, sizeof(pa));
	}
	return n;
}

bool s2fx_consistent(struct s2fx *f, struct s2w_stats *st)
{
	struct s2w_stats local = {0};
	struct s2w_stats *s = st ? st : &local;
	size_t nfree = s2fx_free_list_len(f);

	if (!s2w_scan(&f->walk, NULL, NULL, s) || s->empty != 0)
		return false;
	return nfree == f->pool.nfree && f->pool.bad_frees == 0 &&
	       s->tables + nfree == f->npages;
}

struct s2fx_snap *s2fx_snapshot(const struct s2fx *f)
{
	struct s2fx_snap *s = malloc(sizeof(*s));

	if (!s)
		return NULL;
	s->mem = malloc(f->npages * 4096);
	if (!s->mem) {
		free(s);
		return NULL;
	}
	memcpy(s->mem, f->mem, f->npages * 4096);
	/* memcpy, not assignment: memcmp later compares padding too. */
	memcpy(&s->pool, &f->pool, sizeof(s->pool));
	memcpy(&s->s2, &f->s2, sizeof(s->s2));
	return s;
}

bool s2fx_unchanged(const struct s2fx *f, const struct s2fx_snap *s)
{
	return memcmp(s->mem, f->mem, f->npages * 4096) == 0 &&
	       memcmp(&s->pool, &f->pool, sizeof(s->pool)) == 0 &&
	       memcmp(&s->s2, &f->s2, sizeof(s->s2)) == 0;
}

void s2fx_snap_free(struct s2fx_snap *s)
{
	if (!s)
		return;
	free(s->mem);
	free(s);
}
