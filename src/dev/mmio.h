/*
 * Emulated MMIO: a decoded guest access record, devices described by
 * register-region tables, and a per-VM bus that routes an access by IPA.
 */
#ifndef HV_DEV_MMIO_H
#define HV_DEV_MMIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One guest load or store, as decoded from the syndrome (ISV=1) or from
 * the instruction (ISV=0). 'data' is the value stored, or the value loaded
 * (before the sign/zero extension into the register). */
struct mmio_access {
	uint64_t ipa;
	uint64_t data;
	uint8_t width; /* bytes: 1, 2, 4 or 8 */
	uint8_t reg;   /* transfer register; 31 means XZR */
	bool is_write;
	bool sign_extend; /* SSE */
	bool reg64;	  /* SF: the register is Xn, else Wn */
	bool acq_rel;	  /* AR */
};

#define MMIO_W8 (1u << 0)
#define MMIO_W16 (1u << 1)
#define MMIO_W32 (1u << 2)
#define MMIO_W64 (1u << 3)
#define MMIO_W_ALL (MMIO_W8 | MMIO_W16 | MMIO_W32 | MMIO_W64)

/* 'off' is relative to the start of the region, so an array of registers
 * (e.g. PeriphID0..3) is one region. */
typedef uint64_t (*mmio_read_fn)(void *ctx, uint32_t off, unsigned width);
typedef void (*mmio_write_fn)(void *ctx, uint32_t off, unsigned width,
			      uint64_t val);

/* In a region's attributes, beside the widths: a read of this region
 * changes the device's state (a FIFO pops), so the device's after_access
 * hook runs after it, as after every write. Reads of status registers
 * polled in loops do not pay for the hook. */
#define MMIO_READ_CHANGES_STATE (1u << 4)

struct mmio_region {
	uint32_t offset;
	uint32_t length;
	uint8_t widths;	     /* MMIO_W* allowed, | MMIO_READ_CHANGES_STATE */
	mmio_read_fn read;   /* NULL: reads as zero */
	mmio_write_fn write; /* NULL: writes ignored */
};

struct mmio_device {
	const char *name;
	uint64_t base;
	uint64_t size;
	const struct mmio_region *regions; /* sorted by offset, no overlap */
	size_t nregions;
	void *ctx;
	/* Called after every write the bus completed, and after reads of
	 * regions marked MMIO_READ_CHANGES_STATE (NULL: none): where a device
	 * re-evaluates its interrupt output, once, whatever register changed
	 * its state. */
	void (*after_access)(void *ctx);
};

enum mmio_status {
	MMIO_OK = 0,
	MMIO_NO_DEVICE,	 /* no device claims the IPA */
	MMIO_BAD_ACCESS, /* width not allowed, unaligned, or crosses a region */
};

/* GICD, one GICR per vCPU (VM_MAX_VCPUS = 8), UART, RTC, scratch, and room
 * for virtio-mmio devices. */
#define MMIO_BUS_MAX 24

/*
 * A guest polls a few registers in loops (a UART's FR, its DR): a small
 * direct-mapped cache from IPA to (device, region) answers those without
 * the two binary searches. An entry covers one whole region, is filled on
 * a slow-path hit, and every check of the slow path (alignment, width,
 * bounds) still applies. Devices are never removed from a bus and never
 * overlap, so an entry stays valid for the bus's life.
 */
#define MMIO_CACHE_SLOTS 8u
struct mmio_cache_entry {
	uint64_t lo, hi; /* the region's IPA range [lo, hi) */
	const struct mmio_device *dev;
	const struct mmio_region *r;
};

struct mmio_bus {
	const struct mmio_device *devs[MMIO_BUS_MAX]; /* sorted by base */
	size_t n;
	struct mmio_cache_entry cache[MMIO_CACHE_SLOTS];
};

/* Returns HV_OK, HV_EEXIST on overlap, HV_ENOMEM when full, HV_EINVAL for a
 * device whose region table is unsorted, overlapping or outside its size. */
int mmio_bus_add(struct mmio_bus *bus, const struct mmio_device *dev);
const struct mmio_device *mmio_bus_find(const struct mmio_bus *bus,
					uint64_t ipa);

/* Perform the access against the owning device. For a read, a->data is
 * filled. Offsets inside a device that no region claims read as zero and
 * ignore writes (reserved registers). */
enum mmio_status mmio_bus_access(struct mmio_bus *bus, struct mmio_access *a);

#endif
