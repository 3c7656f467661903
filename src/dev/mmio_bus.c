/*
 * The per-VM MMIO bus. Devices and their regions are both kept sorted so an
 * access is routed with two binary searches; every check that a hostile
 * guest can trip returns a status instead of reaching a device callback.
 */
#include "dev/mmio.h"
#include "hv_err.h"

/* MMIO_W* bit for an access width in bytes; 0 for widths that do not exist. */
static const uint8_t width_bit[9] = {
    [1] = MMIO_W8,
    [2] = MMIO_W16,
    [4] = MMIO_W32,
    [8] = MMIO_W64,
};

static uint8_t width_to_bit(unsigned width)
{
	return width < sizeof(width_bit) ? width_bit[width] : 0;
}

static uint64_t width_mask(unsigned width)
{
	return width >= 8 ? ~0ull : (1ull << (8 * width)) - 1;
}

/* Last byte, so a device that ends at the top of the IPA space is fine. */
static uint64_t dev_last(const struct mmio_device *d)
{
	return d->base + (d->size - 1);
}

static uint64_t region_end(const struct mmio_region *r)
{
	return (uint64_t)r->offset + r->length;
}

/*
 * A table is checked once at add time so mmio_bus_access can trust it: the
 * binary search needs sorted, disjoint regions, and a region outside the
 * device would be unreachable or let an offset escape the device.
 */
static bool device_ok(const struct mmio_device *d)
{
	uint64_t prev_end = 0;

	if (!d || d->size == 0 || d->size - 1 > ~d->base)
		return false;
	if (d->nregions && !d->regions)
		return false;
	for (size_t i = 0; i < d->nregions; i++) {
		const struct mmio_region *r = &d->regions[i];

		if (r->length == 0 || (r->widths & MMIO_W_ALL) == 0 ||
		    (r->widths & ~(MMIO_W_ALL | MMIO_READ_CHANGES_STATE)) != 0)
			return false;
		if (r->offset < prev_end || region_end(r) > d->size)
			return false;
		prev_end = region_end(r);
	}
	return true;
}

/* Index of the first device whose base is above ipa. */
static size_t upper_bound(const struct mmio_bus *bus, uint64_t ipa)
{
	size_t lo = 0, hi = bus->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (bus->devs[mid]->base <= ipa)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int mmio_bus_add(struct mmio_bus *bus, const struct mmio_device *dev)
{
	size_t pos;

	if (!bus || !device_ok(dev))
		return HV_EINVAL;
	pos = upper_bound(bus, dev->base);
	/* Only the neighbours can overlap: the list itself is disjoint. */
	if (pos > 0 && dev_last(bus->devs[pos - 1]) >= dev->base)
		return HV_EEXIST;
	if (pos < bus->n && bus->devs[pos]->base <= dev_last(dev))
		return HV_EEXIST;
	if (bus->n >= MMIO_BUS_MAX)
		return HV_ENOMEM;
	for (size_t i = bus->n; i > pos; i--)
		bus->devs[i] = bus->devs[i - 1];
	bus->devs[pos] = dev;
	bus->n++;
	/* The cache stays right: it holds device pointers, not positions,
	 * and a new device never overlaps a cached region. */
	return HV_OK;
}

const struct mmio_device *mmio_bus_find(const struct mmio_bus *bus,
					uint64_t ipa)
{
	const struct mmio_device *d;
	size_t pos;

	if (!bus)
		return NULL;
	pos = upper_bound(bus, ipa);
	if (pos == 0)
		return NULL;
	d = bus->devs[pos - 1];
	return ipa - d->base < d->size ? d : NULL;
}

/* Index of the first region whose offset is above off. */
static size_t region_upper_bound(const struct mmio_device *d, uint64_t off)
{
	size_t lo = 0, hi = d->nregions;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (d->regions[mid].offset <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct mmio_cache_entry *cache_slot(struct mmio_bus *bus, uint64_t ipa)
{
	/* Registers are 4 bytes apart; neighbours get different slots. */
	return &bus->cache[(ipa >> 2) % MMIO_CACHE_SLOTS];
}

/* The region's handler, once device and region are known. */
static inline __attribute__((always_inline)) void
do_access(const struct mmio_device *d, const struct mmio_region *r,
	  uint32_t off, struct mmio_access *a)
{
	uint64_t mask = width_mask(a->width);

	if (a->is_write) {
		if (r->write)
			r->write(d->ctx, off, a->width, a->data & mask);
	} else {
		a->data = r->read ? r->read(d->ctx, off, a->width) & mask : 0;
		if (!(r->widths & MMIO_READ_CHANGES_STATE))
			return;
	}
	if (d->after_access)
		d->after_access(d->ctx);
}

enum mmio_status mmio_bus_access(struct mmio_bus *bus, struct mmio_access *a)
{
	const struct mmio_device *d;
	const struct mmio_region *r;
	uint64_t off;
	uint8_t bit;
	size_t pos;

	if (!a)
		return MMIO_BAD_ACCESS;
	bit = width_to_bit(a->width);
	if (bus) {
		const struct mmio_cache_entry *e = cache_slot(bus, a->ipa);

		/* A hit is an access wholly inside a known region, of a width
		 * it allows, aligned: exactly what the slow path accepts. */
		if (e->dev && a->ipa >= e->lo && a->ipa < e->hi && bit &&
		    (e->r->widths & bit) && !(a->ipa & (a->width - 1u)) &&
		    a->width <= e->hi - a->ipa) {
			do_access(e->dev, e->r, (uint32_t)(a->ipa - e->lo), a);
			return MMIO_OK;
		}
	}
	d = mmio_bus_find(bus, a->ipa);
	if (!d)
		return MMIO_NO_DEVICE;
	if (!bit || (a->ipa & (a->width - 1u)))
		return MMIO_BAD_ACCESS;
	off = a->ipa - d->base;
	if (a->width > d->size - off)
		return MMIO_BAD_ACCESS; /* runs off the end of the device */

	pos = region_upper_bound(d, off);
	r = pos > 0 ? &d->regions[pos - 1] : NULL;
	if (!r || off >= region_end(r)) {
		/* A hole: reserved, RAZ/WI, unless the access spills into the
		 * next region (which would bypass that region's checks). */
		if (pos < d->nregions &&
		    d->regions[pos].offset < off + a->width)
			return MMIO_BAD_ACCESS;
		if (!a->is_write)
			a->data = 0;
		return MMIO_OK;
	}
	if (off + a->width > region_end(r) || !(r->widths & bit))
		return MMIO_BAD_ACCESS;

	*cache_slot(bus, a->ipa) = (struct mmio_cache_entry){
	    d->base + r->offset, d->base + region_end(r), d, r};
	do_access(d, r, (uint32_t)(off - r->offset), a);
	return MMIO_OK;
}
