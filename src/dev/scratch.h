/*
 * A register-file test device: 256 bytes of storage that accept every access
 * width at natural alignment, so guests can check MMIO decode of each width
 * and sign extension against known values. Offset 0x100 is a read-only ID.
 */
#ifndef HV_DEV_SCRATCH_H
#define HV_DEV_SCRATCH_H

#include <stdint.h>

#include "dev/mmio.h"

#define SCRATCH_SIZE 0x1000u
#define SCRATCH_BYTES 0x100u
#define SCRATCH_ID_OFFSET 0x100u
#define SCRATCH_ID_VALUE 0x5343524154434831ull /* "SCRATCH1" */

struct scratch {
	struct mmio_device dev;
	uint8_t bytes[SCRATCH_BYTES];
};

void scratch_init(struct scratch *s, uint64_t base);

#endif
