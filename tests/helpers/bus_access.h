/* Device-level MMIO for tests: accesses go through the real bus, so region
 * tables, widths and alignment checks apply as they do for a guest. */
#ifndef TEST_BUS_ACCESS_H
#define TEST_BUS_ACCESS_H

#include <stdbool.h>
#include <stdint.h>

#include "dev/mmio.h"

enum mmio_status bus_rw(struct mmio_bus *bus, uint64_t ipa, unsigned width,
			bool write, uint64_t *val);
/* Read or write that must succeed (cmocka failure otherwise). A read
 * starts from a poison value so a device that leaves data unset shows. */
uint64_t bus_rd(struct mmio_bus *bus, uint64_t ipa, unsigned width);
void bus_wr(struct mmio_bus *bus, uint64_t ipa, unsigned width, uint64_t val);

#endif
