#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "bus_access.h"

enum mmio_status bus_rw(struct mmio_bus *bus, uint64_t ipa, unsigned width,
			bool write, uint64_t *val)
{
	struct mmio_access a = {.ipa = ipa,
				.width = (uint8_t)width,
				.is_write = write,
				.data = *val};
	enum mmio_status st = mmio_bus_access(bus, &a);

	*val = a.data;
	return st;
}

uint64_t bus_rd(struct mmio_bus *bus, uint64_t ipa, unsigned width)
{
	uint64_t v = 0xdeadbeefdeadbeefull;

	assert_int_equal(bus_rw(bus, ipa, width, false, &v), MMIO_OK);
	return v;
}

void bus_wr(struct mmio_bus *bus, uint64_t ipa, unsigned width, uint64_t val)
{
	assert_int_equal(bus_rw(bus, ipa, width, true, &val), MMIO_OK);
}
