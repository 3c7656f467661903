/*
 * PrimeCell identification registers, shared by every Arm peripheral the
 * hypervisor models: PeriphID0..3 at 0xFE0..0xFEC and PCellID0..3 at
 * 0xFF0..0xFFC, one byte in each 32-bit slot. The AMBA bus (Linux's
 * amba_device) reads them to match a driver before it probes.
 */
#ifndef HV_DEV_PRIMECELL_H
#define HV_DEV_PRIMECELL_H

#include <stdint.h>

#define PRIMECELL_ID_OFFSET 0xfe0u
#define PRIMECELL_ID_SIZE 0x20u

/* id: PeriphID0..3 then PCellID0..3. off: from PRIMECELL_ID_OFFSET; a
 * narrower access sees its byte lanes of the slot. */
static inline uint64_t primecell_id_read(const uint8_t id[8], uint32_t off)
{
	return (uint64_t)id[(off / 4) & 7] >> (8 * (off & 3));
}

#endif
