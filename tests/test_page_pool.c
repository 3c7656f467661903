/*
 * Page pool: budget, zeroing, free-list integrity and refusal of bad frees.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hv_err.h"
#include "mm/page_pool.h"

#define POOL_PA 0x40000000ull
/* Pool pages hold Stage-2 tables: one 4 KiB translation granule each,
 * written out so a wrong PG in the core cannot pass here. */
#define PG 4096u

struct fx {
	uint8_t *mem;
	size_t npages;
	struct page_pool pool;
};

static struct fx *fx_new(size_t npages)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->npages = npages;
	f->mem = aligned_alloc(PG, npages * PG);
	assert_non_null(f->mem);
	memset(f->mem, 0xa5, npages * PG);
	assert_int_equal(page_pool_init(&f->pool, f->mem, POOL_PA, npages),
			 HV_OK);
	return f;
}

static void fx_free(struct fx *f)
{
	free(f->mem);
	free(f);
}

/* Walk the free list without page_pool.c: every entry a distinct page of
 * the pool. Returns its length, or SIZE_MAX if malformed. */
static size_t free_list_len(const struct fx *f)
{
	uint8_t *seen = calloc(f->npages, 1);
	uint64_t pa = f->pool.free_head;
	size_t n = 0;

	assert_non_null(seen);
	while (pa != 0) {
		uint64_t off = pa - POOL_PA;

		if (pa < POOL_PA || off % PG != 0 || off / PG >= f->npages ||
		    seen[off / PG]) {
			n = SIZE_MAX;
			break;
		}
		seen[off / PG] = 1;
		n++;
		memcpy(&pa, f->mem + off, sizeof(pa));
	}
	free(seen);
	return n;
}

static bool page_is_zero(const void *p)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < PG; i++)
		if (b[i] != 0)
			return false;
	return true;
}

static void test_init_rejects_bad_args(void **state)
{
	static struct page_pool p, before;
	uint8_t *mem = aligned_alloc(PG, 2 * PG);

	(void)state;
	assert_non_null(mem);
	memset(&p, 0x77, sizeof(p));
	memcpy(&before, &p, sizeof(p));

	assert_int_equal(page_pool_init(&p, NULL, POOL_PA, 1), HV_EINVAL);
	assert_int_equal(page_pool_init(&p, mem + 8, POOL_PA, 1), HV_EINVAL);
	assert_int_equal(page_pool_init(&p, mem, POOL_PA + 8, 1), HV_EINVAL);
	assert_int_equal(page_pool_init(&p, mem, 0, 1), HV_EINVAL);
	assert_int_equal(page_pool_init(&p, mem, POOL_PA, 0), HV_EINVAL);
	assert_int_equal(
	    page_pool_init(&p, mem, POOL_PA, PAGE_POOL_MAX_PAGES + 1),
	    HV_EINVAL);
	/* The PA range would wrap around 2^64. */
	assert_int_equal(page_pool_init(&p, mem, 0xfffffffffffff000ull, 2),
			 HV_EINVAL);
	assert_int_equal(page_pool_init(NULL, mem, POOL_PA, 1), HV_EINVAL);
	assert_memory_equal(&p, &before, sizeof(p));

	assert_int_equal(page_pool_init(&p, mem, POOL_PA, 2), HV_OK);
	assert_int_equal(p.npages, 2);
	assert_int_equal(p.nfree, 2);
	assert_int_equal(p.bad_frees, 0);
	free(mem);
}

static void test_alloc_all_then_empty(void **state)
{
	struct fx *f = fx_new(70); /* crosses a bitmap word */
	uint64_t pa, seen_pa = 0;

	(void)state;
	assert_int_equal(free_list_len(f), 70);
	for (size_t i = 0; i < 70; i++) {
		uint8_t *va = page_pool_alloc(&f->pool, &pa);

		assert_non_null(va);
		/* Lowest page first, each page exactly once. */
		assert_int_equal(pa, POOL_PA + i * PG);
		assert_ptr_equal(va, f->mem + i * PG);
		assert_true(page_is_zero(va));
		assert_ptr_equal(page_pool_va(&f->pool, pa), va);
		assert_int_equal(f->pool.nfree, 70 - i - 1);
		memset(va, 0xee, PG); /* dirty it for the reuse test */
	}
	seen_pa = 0x1234;
	assert_null(page_pool_alloc(&f->pool, &seen_pa));
	assert_int_equal(seen_pa, 0x1234); /* untouched on failure */
	assert_null(page_pool_alloc(&f->pool, NULL));
	assert_int_equal(f->pool.nfree, 0);
	assert_int_equal(f->pool.free_head, 0);
	assert_int_equal(free_list_len(f), 0);

	/* Freed pages come back zeroed, most recently freed first. */
	page_pool_free(&f->pool, POOL_PA + 3 * PG);
	page_pool_free(&f->pool, POOL_PA + 65 * PG);
	assert_int_equal(f->pool.nfree, 2);
	assert_int_equal(free_list_len(f), 2);
	uint8_t *va = page_pool_alloc(&f->pool, &pa);
	assert_int_equal(pa, POOL_PA + 65 * PG);
	assert_true(page_is_zero(va));
	va = page_pool_alloc(&f->pool, NULL);
	assert_ptr_equal(va, f->mem + 3 * PG);
	assert_true(page_is_zero(va));
	assert_int_equal(f->pool.bad_frees, 0);
	fx_free(f);
}

static void test_bad_frees_are_ignored(void **state)
{
	struct fx *f = fx_new(8);
	uint64_t a, b;
	uint64_t head;

	(void)state;
	assert_non_null(page_pool_alloc(&f->pool, &a));
	assert_non_null(page_pool_alloc(&f->pool, &b));
	head = f->pool.free_head;

	const uint64_t bad[] = {
	    0,
	    POOL_PA - PG,
	    POOL_PA + 8 * PG, /* one past the end */
	    POOL_PA + 100 * PG,
	    a + 8, /* inside an allocated page */
	    b + PG / 2,
	    POOL_PA + 5 * PG, /* a page that is already free */
	    ~0ull & ~(uint64_t)(PG - 1),
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		page_pool_free(&f->pool, bad[i]);
		assert_int_equal(f->pool.bad_frees, i + 1);
		assert_int_equal(f->pool.nfree, 6);
		assert_int_equal(f->pool.free_head, head);
		assert_int_equal(free_list_len(f), 6);
	}

	/* Double free: the second one is refused, the list stays sane. */
	page_pool_free(&f->pool, a);
	assert_int_equal(f->pool.nfree, 7);
	page_pool_free(&f->pool, a);
	assert_int_equal(f->pool.nfree, 7);
	assert_int_equal(f->pool.bad_frees, 9);
	assert_int_equal(free_list_len(f), 7);
	page_pool_free(&f->pool, b);
	assert_int_equal(f->pool.nfree, 8);
	assert_int_equal(free_list_len(f), 8);

	/* All eight pages can be allocated exactly once. */
	for (int i = 0; i < 8; i++)
		assert_non_null(page_pool_alloc(&f->pool, NULL));
	assert_null(page_pool_alloc(&f->pool, NULL));
	fx_free(f);
}

static void test_va_lookup(void **state)
{
	struct fx *f = fx_new(4);

	(void)state;
	for (size_t i = 0; i < 4; i++)
		assert_ptr_equal(page_pool_va(&f->pool, POOL_PA + i * PG),
				 f->mem + i * PG);
	assert_null(page_pool_va(&f->pool, POOL_PA + 4 * PG));
	assert_null(page_pool_va(&f->pool, POOL_PA - PG));
	assert_null(page_pool_va(&f->pool, POOL_PA + 8));
	assert_null(page_pool_va(&f->pool, 0));
	assert_null(page_pool_va(&f->pool, ~0ull));
	fx_free(f);
}

/* A stale pointer wrote into a free page: the pool must not hand out a page
 * that is still in use, nor crash. */
static void test_corrupted_free_list(void **state)
{
	struct fx *f = fx_new(4);
	uint64_t a, b, *va;

	(void)state;
	assert_non_null(page_pool_alloc(&f->pool, &a));
	assert_non_null(page_pool_alloc(&f->pool, &b));
	/* Free page 3 is next after page 2; make page 2 point at b. */
	va = (uint64_t *)(void *)(f->mem + 2 * PG);
	va[0] = b;
	assert_ptr_equal(page_pool_alloc(&f->pool, NULL), va);
	assert_null(page_pool_alloc(&f->pool, NULL)); /* b is in use */
	assert_int_equal(f->pool.nfree, 1);

	/* A link outside the pool is refused the same way. */
	page_pool_free(&f->pool, a);
	memcpy(f->mem + (a - POOL_PA), &(uint64_t){0xdead000}, 8);
	assert_non_null(page_pool_alloc(&f->pool, NULL));
	assert_null(page_pool_alloc(&f->pool, NULL));
	fx_free(f);
}

static uint64_t xorshift64(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

/* Random alloc/free/bad-free sequence checked against a set of pages. */
static void test_random_against_model(void **state)
{
	enum { N = 200 };
	struct fx *f = fx_new(N);
	uint8_t used[N] = {0};
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	size_t nused = 0;
	unsigned long bad = 0;

	(void)state;
	for (int step = 0; step < 20000; step++) {
		uint64_t r = xorshift64(&seed);
		size_t i = (size_t)(r >> 32) % N;
		uint64_t pa = POOL_PA + i * PG;

		if ((r & 3) < 2) {
			uint64_t got;
			void *va = page_pool_alloc(&f->pool, &got);

			if (nused == N) {
				assert_null(va);
				continue;
			}
			assert_non_null(va);
			i = (size_t)((got - POOL_PA) / PG);
			assert_false(used[i]);
			assert_true(page_is_zero(va));
			memset(va, (int)r | 1, PG);
			used[i] = 1;
			nused++;
		} else {
			page_pool_free(&f->pool, pa);
			if (used[i]) {
				used[i] = 0;
				nused--;
			} else {
				bad++;
			}
		}
		assert_int_equal(f->pool.nfree, N - nused);
		assert_int_equal(f->pool.bad_frees, bad);
		if (step % 500 == 0)
			assert_int_equal(free_list_len(f), N - nused);
	}
	assert_int_equal(free_list_len(f), N - nused);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_init_rejects_bad_args),
	    cmocka_unit_test(test_alloc_all_then_empty),
	    cmocka_unit_test(test_bad_frees_are_ignored),
	    cmocka_unit_test(test_va_lookup),
	    cmocka_unit_test(test_corrupted_free_list),
	    cmocka_unit_test(test_random_against_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
