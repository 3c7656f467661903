/*
 * The scratch device stores bytes, not a host integer, and assembles values
 * little-endian byte by byte so the guest sees the same layout whatever the
 * host's byte order.
 */
#include "dev/scratch.h"

static uint64_t bytes_read(void *ctx, uint32_t off, unsigned width)
{
	const struct scratch *s = ctx;
	uint64_t val = 0;

	for (unsigned i = width; i-- > 0;)
		val = (val << 8) | s->bytes[off + i];
	return val;
}

static void bytes_write(void *ctx, uint32_t off, unsigned width, uint64_t val)
{
	struct scratch *s = ctx;

	for (unsigned i = 0; i < width; i++, val >>= 8)
		s->bytes[off + i] = (uint8_t)val;
}

/* Read as one 64-bit register or as two 32-bit halves (low half first). */
static uint64_t id_read(void *ctx, uint32_t off, unsigned width)
{
	(void)ctx;
	(void)width;
	return SCRATCH_ID_VALUE >> (8 * off);
}

static const struct mmio_region scratch_regions[] = {
    {0x000, SCRATCH_BYTES, MMIO_W_ALL, bytes_read, bytes_write},
    {SCRATCH_ID_OFFSET, 8, MMIO_W32 | MMIO_W64, id_read, NULL},
};

void scratch_init(struct scratch *s, uint64_t base)
{
	*s = (struct scratch){
	    .dev =
		{
		    .name = "scratch",
		    .base = base,
		    .size = SCRATCH_SIZE,
		    .regions = scratch_regions,
		    .nregions =
			sizeof(scratch_regions) / sizeof(scratch_regions[0]),
		    .ctx = s,
		},
	};
}
