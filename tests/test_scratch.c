/* The scratch test device: byte storage at every width, and its ID. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dev/mmio.h"
#include "bus_access.h"
#include "dev/scratch.h"
#include "hv_err.h"

#define BASE 0x0b000000ull
/* The device as README and dev/scratch.h describe it, written out: one
 * 4 KiB page, 256 bytes of storage, a read-only ID "SCRATCH1" at 0x100. */
#define DEV_SIZE 0x1000u
#define NBYTES 0x100u
#define ID_OFF 0x100u
#define ID_VALUE 0x5343524154434831ull

static struct scratch dev;
static struct mmio_bus bus;

static int setup(void **state)
{
	(void)state;
	memset(&bus, 0, sizeof(bus));
	memset(&dev, 0xa5, sizeof(dev)); /* init must clear the storage */
	scratch_init(&dev, BASE);
	return mmio_bus_add(&bus, &dev.dev) == HV_OK ? 0 : -1;
}

/* Accesses relative to the device, through the real bus. */
#define scr_rw(off, width, write, val)                                         \
	bus_rw(&bus, BASE + (off), width, write, val)

static uint64_t rd(uint32_t off, unsigned width)
{
	return bus_rd(&bus, BASE + off, width);
}

static void wr(uint32_t off, unsigned width, uint64_t val)
{
	bus_wr(&bus, BASE + off, width, val);
}

static uint64_t mask(unsigned width)
{
	return width == 8 ? ~0ull : (1ull << (8 * width)) - 1;
}

static void test_init(void **state)
{
	(void)state;
	assert_string_equal(dev.dev.name, "scratch");
	assert_int_equal(dev.dev.base, BASE);
	assert_int_equal(dev.dev.size, DEV_SIZE);
	assert_ptr_equal(dev.dev.ctx, &dev);
	for (unsigned i = 0; i < NBYTES; i++)
		assert_int_equal(dev.bytes[i], 0);
	assert_int_equal(rd(0, 8), 0);
}

static void test_every_width_round_trips(void **state)
{
	static const uint64_t pattern = 0xfedcba9876543210ull;

	(void)state;
	for (unsigned w = 1; w <= 8; w *= 2) {
		for (uint32_t off = 0; off < NBYTES; off += w) {
			uint64_t val =
			    (pattern ^ (off * 0x0101010101010101ull)) + w;

			wr(off, w, val);
			assert_int_equal(rd(off, w), val & mask(w));
		}
	}
	/* The last 8-byte slot ends exactly where the ID starts. */
	wr(0xf8, 8, pattern);
	assert_int_equal(rd(0xf8, 8), pattern);
	assert_int_equal(rd(ID_OFF, 8), ID_VALUE);
}

static void test_little_endian_layout(void **state)
{
	(void)state;
	wr(0x10, 8, 0x0807060504030201ull);
	for (unsigned i = 0; i < 8; i++) {
		assert_int_equal(dev.bytes[0x10 + i], i + 1);
		assert_int_equal(rd(0x10 + i, 1), i + 1);
	}
	assert_int_equal(rd(0x10, 2), 0x0201);
	assert_int_equal(rd(0x16, 2), 0x0807);
	assert_int_equal(rd(0x10, 4), 0x04030201);
	assert_int_equal(rd(0x14, 4), 0x08070605);
	/* A narrow write changes only its bytes. */
	wr(0x12, 2, 0xbbaa);
	assert_int_equal(rd(0x10, 8), 0x08070605bbaa0201ull);
	wr(0x17, 1, 0xff);
	assert_int_equal(rd(0x10, 8), 0xff070605bbaa0201ull);
	/* Neighbours untouched. */
	assert_int_equal(rd(0x08, 8), 0);
	assert_int_equal(rd(0x18, 8), 0);
}

static void test_write_truncated_to_width(void **state)
{
	(void)state;
	wr(0x20, 1, 0x1122334455667788ull);
	wr(0x22, 2, 0x1122334455667788ull);
	wr(0x24, 4, 0x1122334455667788ull);
	assert_int_equal(rd(0x20, 8), 0x5566778877880088ull);
	assert_int_equal(rd(0x28, 8), 0);
}

static void test_unaligned_rejected(void **state)
{
	static const struct {
		unsigned width;
		uint32_t off;
	} cases[] = {
	    {2, 0x01}, {2, 0xff}, {4, 0x02},  {4, 0xfd},
	    {8, 0x04}, {8, 0xfc}, {8, 0x101}, {4, 0x102},
	};
	uint64_t v;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v = ~0ull;
		assert_int_equal(scr_rw(cases[i].off, cases[i].width, true, &v),
				 MMIO_BAD_ACCESS);
		assert_int_equal(
		    scr_rw(cases[i].off, cases[i].width, false, &v),
		    MMIO_BAD_ACCESS);
	}
	for (unsigned i = 0; i < NBYTES; i++)
		assert_int_equal(dev.bytes[i], 0);
}

static void test_id_register(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(rd(ID_OFF, 8), 0x5343524154434831ull);
	assert_int_equal(rd(ID_OFF, 4), 0x54434831u);
	assert_int_equal(rd(ID_OFF + 4, 4), 0x53435241u);
	/* Writes are ignored, whatever the width. */
	wr(ID_OFF, 8, 0);
	wr(ID_OFF + 4, 4, 0);
	assert_int_equal(rd(ID_OFF, 8), ID_VALUE);
	/* Byte and halfword accesses are not offered. */
	v = 0;
	assert_int_equal(scr_rw(ID_OFF, 1, false, &v), MMIO_BAD_ACCESS);
	assert_int_equal(scr_rw(ID_OFF + 6, 2, false, &v), MMIO_BAD_ACCESS);
	assert_int_equal(scr_rw(ID_OFF, 2, true, &v), MMIO_BAD_ACCESS);
	assert_int_equal(rd(ID_OFF, 8), ID_VALUE);
	/* Storage is not aliased by the ID. */
	assert_int_equal(rd(0xf8, 8), 0);
}

static void test_rest_of_page_is_raz_wi(void **state)
{
	static const uint32_t offs[] = {0x108, 0x200, 0x800, 0xff8};

	(void)state;
	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		for (unsigned w = 1; w <= 8; w *= 2) {
			wr(offs[i], w, ~0ull);
			assert_int_equal(rd(offs[i], w), 0);
		}
	}
	for (unsigned i = 0; i < NBYTES; i++)
		assert_int_equal(dev.bytes[i], 0);
	/* One past the page is not the device. */
	uint64_t v = 0;
	assert_int_equal(scr_rw(DEV_SIZE, 4, false, &v), MMIO_NO_DEVICE);
}

static void test_two_devices_are_independent(void **state)
{
	struct scratch other;

	(void)state;
	scratch_init(&other, BASE + DEV_SIZE);
	assert_int_equal(mmio_bus_add(&bus, &other.dev), HV_OK);
	wr(0x40, 8, 0x1111111111111111ull);
	wr(DEV_SIZE + 0x40, 8, 0x2222222222222222ull);
	assert_int_equal(rd(0x40, 8), 0x1111111111111111ull);
	assert_int_equal(rd(DEV_SIZE + 0x40, 8), 0x2222222222222222ull);
	assert_int_equal(other.bytes[0x40], 0x22);
	assert_int_equal(dev.bytes[0x40], 0x11);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_init, setup),
	    cmocka_unit_test_setup(test_every_width_round_trips, setup),
	    cmocka_unit_test_setup(test_little_endian_layout, setup),
	    cmocka_unit_test_setup(test_write_truncated_to_width, setup),
	    cmocka_unit_test_setup(test_unaligned_rejected, setup),
	    cmocka_unit_test_setup(test_id_register, setup),
	    cmocka_unit_test_setup(test_rest_of_page_is_raz_wi, setup),
	    cmocka_unit_test_setup(test_two_devices_are_independent, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
