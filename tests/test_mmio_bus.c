/* The MMIO bus: device registration, lookup and access checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dev/mmio.h"
#include "hv_err.h"

/* A device that records what reached it. */
struct probe {
	unsigned reads, writes;
	uint32_t off;
	unsigned width;
	uint64_t val;
	uint64_t read_value;
};

static uint64_t probe_read(void *ctx, uint32_t off, unsigned width)
{
	struct probe *p = ctx;

	p->reads++;
	p->off = off;
	p->width = width;
	return p->read_value;
}

static void probe_write(void *ctx, uint32_t off, unsigned width, uint64_t val)
{
	struct probe *p = ctx;

	p->writes++;
	p->off = off;
	p->width = width;
	p->val = val;
}

/*
 * Layout of the test device (size 0x100):
 *   0x00-0x0f  all widths
 *   0x10-0x13  32-bit only
 *   0x14-0x17  8/16-bit only
 *   0x18-0x1f  hole
 *   0x20-0x23  NULL callbacks (RAZ/WI)
 *   0x24-0x2b  hole
 *   0x2c-0x2f  all widths (so 0x28 as 8 bytes spills into it)
 *   0x30-0xff  hole
 */
static const struct mmio_region test_regions[] = {
    {0x00, 0x10, MMIO_W_ALL, probe_read, probe_write},
    {0x10, 4, MMIO_W32, probe_read, probe_write},
    {0x14, 4, MMIO_W8 | MMIO_W16, probe_read, probe_write},
    {0x20, 4, MMIO_W_ALL, NULL, NULL},
    {0x2c, 4, MMIO_W_ALL, probe_read, probe_write},
};

#define DEV_BASE 0x10000000ull

static struct probe probe;
static struct mmio_device dev;
static struct mmio_bus bus;

static struct mmio_device make_dev(const char *name, uint64_t base,
				   uint64_t size)
{
	return (struct mmio_device){
	    .name = name,
	    .base = base,
	    .size = size,
	    .regions = test_regions,
	    .nregions = sizeof(test_regions) / sizeof(test_regions[0]),
	    .ctx = &probe,
	};
}

static int setup(void **state)
{
	(void)state;
	memset(&probe, 0, sizeof(probe));
	memset(&bus, 0, sizeof(bus));
	dev = make_dev("probe", DEV_BASE, 0x100);
	return mmio_bus_add(&bus, &dev) == HV_OK ? 0 : -1;
}

static enum mmio_status do_read(uint64_t ipa, unsigned width, uint64_t *val)
{
	struct mmio_access a = {
	    .ipa = ipa, .width = (uint8_t)width, .data = 0xdeadbeefdeadbeefull};
	enum mmio_status st = mmio_bus_access(&bus, &a);

	*val = a.data;
	return st;
}

static enum mmio_status do_write(uint64_t ipa, unsigned width, uint64_t val)
{
	struct mmio_access a = {
	    .ipa = ipa, .width = (uint8_t)width, .data = val, .is_write = true};

	return mmio_bus_access(&bus, &a);
}

/* ---- registration ---- */

static void test_add_keeps_devices_sorted(void **state)
{
	struct mmio_device a = make_dev("a", 0x3000, 0x100);
	struct mmio_device b = make_dev("b", 0x1000, 0x100);
	struct mmio_device c = make_dev("c", 0x2000, 0x100);
	struct mmio_bus b2 = {0};

	(void)state;
	assert_int_equal(mmio_bus_add(&b2, &a), HV_OK);
	assert_int_equal(mmio_bus_add(&b2, &b), HV_OK);
	assert_int_equal(mmio_bus_add(&b2, &c), HV_OK);
	assert_int_equal(b2.n, 3);
	assert_ptr_equal(b2.devs[0], &b);
	assert_ptr_equal(b2.devs[1], &c);
	assert_ptr_equal(b2.devs[2], &a);
}

static void test_add_rejects_overlap(void **state)
{
	static const struct {
		uint64_t base, size;
	} clash[] = {
	    {DEV_BASE, 0x100},		 /* identical */
	    {DEV_BASE - 0x10, 0x11},	 /* ends on the first byte */
	    {DEV_BASE + 0xff, 0x1000},	 /* starts on the last byte */
	    {DEV_BASE + 0x40, 0x10},	 /* inside */
	    {DEV_BASE - 0x1000, 0x2000}, /* around */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(clash) / sizeof(clash[0]); i++) {
		struct mmio_device d =
		    make_dev("x", clash[i].base, clash[i].size);

		d.regions = NULL; /* some are too small for the table */
		d.nregions = 0;
		assert_int_equal(mmio_bus_add(&bus, &d), HV_EEXIST);
		assert_int_equal(bus.n, 1);
	}
	/* The same device twice is an overlap too. */
	assert_int_equal(mmio_bus_add(&bus, &dev), HV_EEXIST);
}

static void test_add_accepts_adjacent(void **state)
{
	struct mmio_device below = make_dev("below", DEV_BASE - 0x100, 0x100);
	struct mmio_device above = make_dev("above", DEV_BASE + 0x100, 0x100);

	(void)state;
	assert_int_equal(mmio_bus_add(&bus, &below), HV_OK);
	assert_int_equal(mmio_bus_add(&bus, &above), HV_OK);
	assert_int_equal(bus.n, 3);
	assert_ptr_equal(mmio_bus_find(&bus, DEV_BASE - 1), &below);
	assert_ptr_equal(mmio_bus_find(&bus, DEV_BASE), &dev);
	assert_ptr_equal(mmio_bus_find(&bus, DEV_BASE + 0xff), &dev);
	assert_ptr_equal(mmio_bus_find(&bus, DEV_BASE + 0x100), &above);
}

static void test_add_full(void **state)
{
	struct mmio_device devs[MMIO_BUS_MAX + 1];
	struct mmio_bus b2 = {0};

	(void)state;
	for (size_t i = 0; i <= MMIO_BUS_MAX; i++)
		devs[i] = make_dev("d", 0x100000 * (i + 1), 0x1000);
	for (size_t i = 0; i < MMIO_BUS_MAX; i++)
		assert_int_equal(mmio_bus_add(&b2, &devs[i]), HV_OK);
	assert_int_equal(mmio_bus_add(&b2, &devs[MMIO_BUS_MAX]), HV_ENOMEM);
	assert_int_equal(b2.n, MMIO_BUS_MAX);
	/* Every device is still found after all the insertions. */
	for (size_t i = 0; i < MMIO_BUS_MAX; i++) {
		assert_ptr_equal(mmio_bus_find(&b2, devs[i].base), &devs[i]);
		assert_ptr_equal(mmio_bus_find(&b2, devs[i].base + 0xfff),
				 &devs[i]);
		assert_null(mmio_bus_find(&b2, devs[i].base + 0x1000));
	}
}

static void test_add_rejects_bad_device(void **state)
{
	static const struct mmio_region unsorted[] = {
	    {0x10, 4, MMIO_W32, NULL, NULL},
	    {0x00, 4, MMIO_W32, NULL, NULL},
	};
	static const struct mmio_region overlapping[] = {
	    {0x00, 8, MMIO_W32, NULL, NULL},
	    {0x04, 4, MMIO_W32, NULL, NULL},
	};
	static const struct mmio_region outside[] = {
	    {0xfc, 8, MMIO_W32, NULL, NULL},
	};
	static const struct mmio_region empty[] = {
	    {0x00, 0, MMIO_W32, NULL, NULL},
	};
	static const struct mmio_region no_widths[] = {
	    {0x00, 4, 0, NULL, NULL},
	};
	static const struct mmio_region junk_widths[] = {
	    {0x00, 4, MMIO_W32 | 0x20, NULL, NULL},
	};
	static const struct mmio_region far_away[] = {
	    {0xfffffff0u, 0x20, MMIO_W32, NULL, NULL},
	};
	static const struct {
		const struct mmio_region *r;
		size_t n;
	} tables[] = {
	    {unsorted, 2},  {overlapping, 2}, {outside, 1},  {empty, 1},
	    {no_widths, 1}, {junk_widths, 1}, {far_away, 1}, {NULL, 1},
	};
	struct mmio_bus b2 = {0};

	(void)state;
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		struct mmio_device d = make_dev("bad", 0x1000, 0x100);

		d.regions = tables[i].r;
		d.nregions = tables[i].n;
		assert_int_equal(mmio_bus_add(&b2, &d), HV_EINVAL);
	}
	assert_int_equal(b2.n, 0);
	assert_int_equal(mmio_bus_add(&b2, NULL), HV_EINVAL);
	assert_int_equal(mmio_bus_add(NULL, &dev), HV_EINVAL);

	struct mmio_device zero = make_dev("zero", 0x1000, 0);
	zero.nregions = 0;
	assert_int_equal(mmio_bus_add(&b2, &zero), HV_EINVAL);

	/* base + size wraps past the top of the address space */
	struct mmio_device wrap = make_dev("wrap", ~0ull - 0x7f, 0x100);
	assert_int_equal(mmio_bus_add(&b2, &wrap), HV_EINVAL);
	assert_int_equal(b2.n, 0);
}

static void test_add_device_without_regions(void **state)
{
	struct mmio_device d = make_dev("blank", 0x1000, 0x100);
	struct mmio_bus b2 = {0};
	struct mmio_access a = {.ipa = 0x1008, .width = 8, .data = 1};

	(void)state;
	d.regions = NULL;
	d.nregions = 0;
	assert_int_equal(mmio_bus_add(&b2, &d), HV_OK);
	assert_int_equal(mmio_bus_access(&b2, &a), MMIO_OK);
	assert_int_equal(a.data, 0);
}

static void test_device_at_top_of_address_space(void **state)
{
	struct mmio_device top = make_dev("top", ~0ull - 0xff, 0x100);
	struct mmio_bus b2 = {0};
	struct mmio_access a = {.ipa = ~0ull - 7, .width = 8};

	(void)state;
	assert_int_equal(mmio_bus_add(&b2, &top), HV_OK);
	assert_ptr_equal(mmio_bus_find(&b2, ~0ull), &top);
	assert_null(mmio_bus_find(&b2, ~0ull - 0x100));
	/* Last 8 bytes are a hole: RAZ. */
	a.data = 5;
	assert_int_equal(mmio_bus_access(&b2, &a), MMIO_OK);
	assert_int_equal(a.data, 0);
}

/* ---- lookup ---- */

static void test_find(void **state)
{
	struct mmio_bus empty = {0};

	(void)state;
	assert_null(mmio_bus_find(&empty, DEV_BASE));
	assert_null(mmio_bus_find(NULL, DEV_BASE));
	assert_null(mmio_bus_find(&bus, 0));
	assert_null(mmio_bus_find(&bus, DEV_BASE - 1));
	assert_ptr_equal(mmio_bus_find(&bus, DEV_BASE), &dev);
	assert_ptr_equal(mmio_bus_find(&bus, DEV_BASE + 0x80), &dev);
	assert_ptr_equal(mmio_bus_find(&bus, DEV_BASE + 0xff), &dev);
	assert_null(mmio_bus_find(&bus, DEV_BASE + 0x100));
	assert_null(mmio_bus_find(&bus, ~0ull));
}

/* ---- access ---- */

static void test_no_device(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(do_read(DEV_BASE - 4, 4, &v), MMIO_NO_DEVICE);
	assert_int_equal(do_write(DEV_BASE + 0x100, 4, 1), MMIO_NO_DEVICE);
	assert_int_equal(probe.reads + probe.writes, 0);
	struct mmio_access a = {.ipa = DEV_BASE, .width = 4};
	assert_int_equal(mmio_bus_access(NULL, &a), MMIO_NO_DEVICE);
	assert_int_equal(mmio_bus_access(&bus, NULL), MMIO_BAD_ACCESS);
}

static void test_every_width_reaches_device(void **state)
{
	static const unsigned widths[] = {1, 2, 4, 8};
	uint64_t v;

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		unsigned w = widths[i];

		probe.read_value = 0x0123456789abcdefull;
		assert_int_equal(do_read(DEV_BASE + 8, w, &v), MMIO_OK);
		assert_int_equal(probe.width, w);
		assert_int_equal(probe.off, 8);
		assert_int_equal(v, w == 8 ? 0x0123456789abcdefull
					   : 0x0123456789abcdefull &
						 ((1ull << (8 * w)) - 1));

		assert_int_equal(do_write(DEV_BASE + 8, w, ~0ull), MMIO_OK);
		assert_int_equal(probe.width, w);
		assert_int_equal(probe.val,
				 w == 8 ? ~0ull : (1ull << (8 * w)) - 1);
	}
	assert_int_equal(probe.reads, 4);
	assert_int_equal(probe.writes, 4);
}

static void test_bad_widths(void **state)
{
	static const unsigned bad[] = {0, 3, 5, 6, 7, 9, 16, 255};
	uint64_t v;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(do_read(DEV_BASE, bad[i], &v),
				 MMIO_BAD_ACCESS);
		assert_int_equal(do_write(DEV_BASE, bad[i], 1),
				 MMIO_BAD_ACCESS);
		/* Also in a hole, where nothing would be called anyway. */
		assert_int_equal(do_read(DEV_BASE + 0x40, bad[i], &v),
				 MMIO_BAD_ACCESS);
	}
	assert_int_equal(probe.reads + probe.writes, 0);
}

static void test_unaligned(void **state)
{
	static const struct {
		unsigned width;
		uint32_t off;
	} cases[] = {
	    {2, 1}, {4, 1}, {4, 2},    {4, 3},	  {8, 1},
	    {8, 4}, {8, 7}, {2, 0x41}, {4, 0x42}, {8, 0x44}, /* in a hole */
	};
	uint64_t v;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t ipa = DEV_BASE + cases[i].off;

		assert_int_equal(do_read(ipa, cases[i].width, &v),
				 MMIO_BAD_ACCESS);
		assert_int_equal(do_write(ipa, cases[i].width, 1),
				 MMIO_BAD_ACCESS);
	}
	assert_int_equal(probe.reads + probe.writes, 0);
}

static void test_width_not_allowed_by_region(void **state)
{
	uint64_t v;

	(void)state;
	/* 32-bit only register */
	assert_int_equal(do_read(DEV_BASE + 0x10, 1, &v), MMIO_BAD_ACCESS);
	assert_int_equal(do_read(DEV_BASE + 0x10, 2, &v), MMIO_BAD_ACCESS);
	assert_int_equal(do_write(DEV_BASE + 0x12, 2, 1), MMIO_BAD_ACCESS);
	assert_int_equal(probe.reads + probe.writes, 0);
	assert_int_equal(do_read(DEV_BASE + 0x10, 4, &v), MMIO_OK);
	assert_int_equal(probe.off, 0);
	/* 8/16-bit only register */
	assert_int_equal(do_read(DEV_BASE + 0x14, 4, &v), MMIO_BAD_ACCESS);
	assert_int_equal(do_write(DEV_BASE + 0x14, 4, 1), MMIO_BAD_ACCESS);
	assert_int_equal(do_write(DEV_BASE + 0x16, 2, 0xabcd), MMIO_OK);
	assert_int_equal(probe.off, 2);
	assert_int_equal(probe.val, 0xabcd);
	assert_int_equal(probe.reads, 1);
	assert_int_equal(probe.writes, 1);
}

static void test_region_crossing(void **state)
{
	uint64_t v;

	(void)state;
	/* Starts in a register, runs into the next one. */
	assert_int_equal(do_read(DEV_BASE + 0x10, 8, &v), MMIO_BAD_ACCESS);
	/* The 32-bit register at 0x10 and the 8/16-bit one at 0x14. */
	assert_int_equal(do_write(DEV_BASE + 0x10, 8, 1), MMIO_BAD_ACCESS);
	/* Starts in the RAZ/WI register at 0x20, runs into the hole. */
	assert_int_equal(do_read(DEV_BASE + 0x20, 8, &v), MMIO_BAD_ACCESS);
	assert_int_equal(do_write(DEV_BASE + 0x20, 8, 1), MMIO_BAD_ACCESS);
	/* Starts in a hole, spills into the region at 0x2c. */
	assert_int_equal(do_read(DEV_BASE + 0x28, 8, &v), MMIO_BAD_ACCESS);
	assert_int_equal(do_write(DEV_BASE + 0x28, 8, 1), MMIO_BAD_ACCESS);
	assert_int_equal(probe.reads + probe.writes, 0);
	/* The whole 0x00-0x0f region as two 8-byte accesses is fine. */
	assert_int_equal(do_read(DEV_BASE + 0x08, 8, &v), MMIO_OK);
}

static void test_hole_is_raz_wi(void **state)
{
	static const uint32_t holes[] = {0x18, 0x1c, 0x24, 0x30, 0x80, 0xf8};
	uint64_t v;

	(void)state;
	for (size_t i = 0; i < sizeof(holes) / sizeof(holes[0]); i++) {
		for (unsigned w = 1; w <= 8; w *= 2) {
			if (w == 8 && (holes[i] & 7))
				continue;
			assert_int_equal(do_read(DEV_BASE + holes[i], w, &v),
					 MMIO_OK);
			assert_int_equal(v, 0);
			assert_int_equal(
			    do_write(DEV_BASE + holes[i], w, ~0ull), MMIO_OK);
		}
	}
	assert_int_equal(probe.reads + probe.writes, 0);
}

static void test_null_callbacks_are_raz_wi(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(do_read(DEV_BASE + 0x20, 4, &v), MMIO_OK);
	assert_int_equal(v, 0);
	assert_int_equal(do_write(DEV_BASE + 0x20, 4, 1), MMIO_OK);
	assert_int_equal(probe.reads + probe.writes, 0);
}

static void test_offset_relative_to_region(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(do_read(DEV_BASE + 0x2e, 2, &v), MMIO_OK);
	assert_int_equal(probe.off, 2);
	assert_int_equal(do_write(DEV_BASE + 0x0c, 4, 7), MMIO_OK);
	assert_int_equal(probe.off, 0x0c);
}

static void test_access_past_device_end(void **state)
{
	static const struct mmio_region none[] = {
	    {0, 2, MMIO_W_ALL, probe_read, NULL},
	};
	/* An odd-sized device: an 8-byte access at its base runs past it. */
	struct mmio_device small = make_dev("small", 0x2000, 6);
	struct mmio_bus b2 = {0};
	struct mmio_access a = {.ipa = 0x2000, .width = 8};

	(void)state;
	small.regions = none;
	small.nregions = 1;
	assert_int_equal(mmio_bus_add(&b2, &small), HV_OK);
	assert_int_equal(mmio_bus_access(&b2, &a), MMIO_BAD_ACCESS);
	a.ipa = 0x2004;
	a.width = 4;
	assert_int_equal(mmio_bus_access(&b2, &a), MMIO_BAD_ACCESS);
	a.width = 2;
	assert_int_equal(mmio_bus_access(&b2, &a), MMIO_OK);
	assert_int_equal(probe.reads, 0);
}

/* ---- the hot-register cache ---- */

/*
 * Once a region is cached, an access that the slow path refuses must still
 * be refused: a width the region does not allow, a misaligned one, one
 * that runs out of the region. The first access fills the cache.
 */
static void test_cache_keeps_every_check(void **state)
{
	uint64_t val;

	(void)state;
	assert_int_equal(do_read(DEV_BASE + 0x10, 4, &val), MMIO_OK);
	assert_int_equal(probe.reads, 1);
	assert_int_equal(do_read(DEV_BASE + 0x10, 4, &val), MMIO_OK);
	assert_int_equal(probe.reads, 2);
	assert_int_equal(do_read(DEV_BASE + 0x10, 8, &val), MMIO_BAD_ACCESS);
	assert_int_equal(do_read(DEV_BASE + 0x10, 2, &val), MMIO_BAD_ACCESS);
	assert_int_equal(do_read(DEV_BASE + 0x11, 4, &val), MMIO_BAD_ACCESS);
	/* The all-widths region at 0x00: 8 bytes at 0x08 fit, at 0x0c not. */
	assert_int_equal(do_read(DEV_BASE + 0x08, 8, &val), MMIO_OK);
	assert_int_equal(do_read(DEV_BASE + 0x08, 8, &val), MMIO_OK);
	assert_int_equal(do_read(DEV_BASE + 0x0c, 8, &val), MMIO_BAD_ACCESS);
	assert_int_equal(probe.reads, 4);
	/* A device added later is found, not shadowed by a stale entry. */
	assert_int_equal(do_read(DEV_BASE + 0x200, 4, &val), MMIO_NO_DEVICE);
}

static unsigned hook_calls;

static void count_hook(void *ctx)
{
	(void)ctx;
	hook_calls++;
}

/* The device's after_access hook: after every write, after reads only of
 * regions marked MMIO_READ_CHANGES_STATE, the same cached or not. */
static void test_after_access_hook(void **state)
{
	static const struct mmio_region regions[] = {
	    {0x00, 4, MMIO_W32 | MMIO_READ_CHANGES_STATE, probe_read,
	     probe_write},
	    {0x04, 4, MMIO_W32, probe_read, probe_write},
	};
	struct mmio_device d = make_dev("hooked", DEV_BASE + 0x1000, 0x100);
	uint64_t val;

	(void)state;
	d.regions = regions;
	d.nregions = 2;
	d.after_access = count_hook;
	hook_calls = 0;
	assert_int_equal(mmio_bus_add(&bus, &d), HV_OK);
	for (unsigned i = 0; i < 2; i++) {
		assert_int_equal(do_read(DEV_BASE + 0x1004, 4, &val), MMIO_OK);
		assert_int_equal(hook_calls, 2 * i);
		assert_int_equal(do_read(DEV_BASE + 0x1000, 4, &val), MMIO_OK);
		assert_int_equal(do_write(DEV_BASE + 0x1004, 4, 1), MMIO_OK);
		assert_int_equal(hook_calls, 2 * i + 2);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_add_keeps_devices_sorted, setup),
	    cmocka_unit_test_setup(test_add_rejects_overlap, setup),
	    cmocka_unit_test_setup(test_add_accepts_adjacent, setup),
	    cmocka_unit_test_setup(test_add_full, setup),
	    cmocka_unit_test_setup(test_add_rejects_bad_device, setup),
	    cmocka_unit_test_setup(test_add_device_without_regions, setup),
	    cmocka_unit_test_setup(test_device_at_top_of_address_space, setup),
	    cmocka_unit_test_setup(test_find, setup),
	    cmocka_unit_test_setup(test_no_device, setup),
	    cmocka_unit_test_setup(test_every_width_reaches_device, setup),
	    cmocka_unit_test_setup(test_bad_widths, setup),
	    cmocka_unit_test_setup(test_unaligned, setup),
	    cmocka_unit_test_setup(test_width_not_allowed_by_region, setup),
	    cmocka_unit_test_setup(test_region_crossing, setup),
	    cmocka_unit_test_setup(test_hole_is_raz_wi, setup),
	    cmocka_unit_test_setup(test_null_callbacks_are_raz_wi, setup),
	    cmocka_unit_test_setup(test_offset_relative_to_region, setup),
	    cmocka_unit_test_setup(test_access_past_device_end, setup),
	    cmocka_unit_test_setup(test_cache_keeps_every_check, setup),
	    cmocka_unit_test_setup(test_after_access_hook, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
