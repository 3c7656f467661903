/* Device register access for the target's drivers. */
#ifndef TARGET_MMIO_IO_H
#define TARGET_MMIO_IO_H

#include <stdint.h>

static inline uint32_t mmio_read32(uint64_t pa)
{
	return *(volatile uint32_t *)(uintptr_t)pa;
}

static inline void mmio_write32(uint64_t pa, uint32_t val)
{
	*(volatile uint32_t *)(uintptr_t)pa = val;
}

static inline uint64_t mmio_read64(uint64_t pa)
{
	return *(volatile uint64_t *)(uintptr_t)pa;
}

static inline void mmio_write64(uint64_t pa, uint64_t val)
{
	*(volatile uint64_t *)(uintptr_t)pa = val;
}

#endif
