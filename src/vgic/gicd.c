/*
 * The GICv3 distributor a guest sees at GICD_BASE: one region table, as
 * every device here. Under affinity routing (always on) the registers for
 * INTIDs 0..31 live in the redistributors, so here they are RAZ/WI: the
 * shared register code resolves private INTIDs to nothing without a vCPU.
 * Offsets no region claims are reserved and RAZ/WI; only an access width a
 * register does not allow, or an unaligned one, aborts.
 */
#include "vgic/vgic_priv.h"
#include "vm/vm.h"

#define GICD_TYPER_IDBITS_SHIFT 19
/* 10 INTID bits (IDbits + 1): SPIs end below 1020, no LPIs. */
#define GICD_TYPER_IDBITS 9u
/* IROUTER: IRM [31] and Aff2..Aff0 [23:0]; Aff3 is RES0 (TYPER.A3V = 0). */
#define IROUTER_MASK 0x80ffffffull

static uint64_t ctlr_read(void *ctx, uint32_t off, unsigned w)
{
	const struct vm *vm = ctx;

	(void)off;
	(void)w;
	/* RWP reads 0: every write has taken effect when it returns. */
	return vm->gicd.ctlr | VGIC_GICD_CTLR_ARE | VGIC_GICD_CTLR_DS;
}

static void ctlr_write(void *ctx, uint32_t off, unsigned w, uint64_t val)
{
	struct vm *vm = ctx;

	(void)off;
	(void)w;
	vm->gicd.ctlr =
	    (uint32_t)val & (VGIC_GICD_CTLR_GRP0 | VGIC_GICD_CTLR_GRP1);
	vgic_changed(vm);
}

static uint64_t typer_read(void *ctx, uint32_t off, unsigned w)
{
	(void)ctx;
	(void)off;
	(void)w;
	/* ITLinesNumber: INTIDs up to 32 * (N + 1) - 1. */
	return (VGIC_NR_INTIDS / 32u - 1u) |
	       (GICD_TYPER_IDBITS << GICD_TYPER_IDBITS_SHIFT);
}

/* One bit per INTID: word n of the region covers INTIDs 32n..32n+31. */
#define GICD_BITREG(name, op)                                                  \
	static uint64_t name##_read(void *ctx, uint32_t off, unsigned w)       \
	{                                                                      \
		(void)w;                                                       \
		return vgic_bits_read(ctx, NULL, op, off * 8u);                \
	}                                                                      \
	static void name##_write(void *ctx, uint32_t off, unsigned w,          \
				 uint64_t val)                                 \
	{                                                                      \
		(void)w;                                                       \
		vgic_bits_write(ctx, NULL, op, off * 8u, (uint32_t)val);       \
	}
GICD_BITREG(igroupr, VGIC_IGROUPR)
GICD_BITREG(isenabler, VGIC_ISENABLER)
GICD_BITREG(icenabler, VGIC_ICENABLER)
GICD_BITREG(ispendr, VGIC_ISPENDR)
GICD_BITREG(icpendr, VGIC_ICPENDR)
GICD_BITREG(isactiver, VGIC_ISACTIVER)
GICD_BITREG(icactiver, VGIC_ICACTIVER)
GICD_BITREG(igrpmodr, VGIC_IGRPMODR)
#undef GICD_BITREG

static uint64_t prio_read(void *ctx, uint32_t off, unsigned w)
{
	return vgic_prio_read(ctx, NULL, off, w);
}

static void prio_write(void *ctx, uint32_t off, unsigned w, uint64_t val)
{
	vgic_prio_write(ctx, NULL, off, w, val);
}

static uint64_t cfg_read(void *ctx, uint32_t off, unsigned w)
{
	(void)w;
	return vgic_cfg_read(ctx, NULL, off * 4u);
}

static void cfg_write(void *ctx, uint32_t off, unsigned w, uint64_t val)
{
	(void)w;
	vgic_cfg_write(ctx, NULL, off * 4u, (uint32_t)val);
}

/* GICD_IROUTER<n> at 0x6000 + 8n, for SPIs only; 32-bit halves allowed. */
static uint64_t *irouter_slot(struct vm *vm, uint32_t off)
{
	uint32_t intid = off / 8u;

	if (intid < VGIC_NR_PRIVATE || intid >= VGIC_NR_INTIDS)
		return NULL;
	return &vm->gicd.irouter[intid - VGIC_NR_PRIVATE];
}

static uint64_t irouter_read(void *ctx, uint32_t off, unsigned w)
{
	const uint64_t *slot = irouter_slot(ctx, off);

	if (!slot)
		return 0;
	return w == 8 ? *slot : (*slot >> (8u * (off & 7u))) & 0xffffffffu;
}

static void irouter_write(void *ctx, uint32_t off, unsigned w, uint64_t val)
{
	struct vm *vm = ctx;
	uint64_t *slot = irouter_slot(vm, off);
	unsigned shift = 8u * (off & 7u);
	uint32_t intid = off / 8u;

	if (!slot)
		return;
	if (w == 4)
		val = (*slot & ~(0xffffffffull << shift)) | (val << shift);
	*slot = val & IROUTER_MASK;
	vgic_changed(vm);
	/* Both ends of a route change hear of it: the old target's list
	 * registers may hold the SPI, the new one may have to take it. */
	vgic_kick_owner(vm, NULL, intid);
	vm->gicd.spi[intid - VGIC_NR_PRIVATE].target =
	    vgic_route_target(vm, *slot);
	vgic_kick_owner(vm, NULL, intid);
}

static const struct mmio_region gicd_regions[] = {
    {0x0000, 4, MMIO_W32, ctlr_read, ctlr_write},
    {0x0004, 4, MMIO_W32, typer_read, NULL},
    {0x0008, 4, MMIO_W32, vgic_iidr_read, NULL},
    {0x0080, 0x80, MMIO_W32, igroupr_read, igroupr_write},
    {0x0100, 0x80, MMIO_W32, isenabler_read, isenabler_write},
    {0x0180, 0x80, MMIO_W32, icenabler_read, icenabler_write},
    {0x0200, 0x80, MMIO_W32, ispendr_read, ispendr_write},
    {0x0280, 0x80, MMIO_W32, icpendr_read, icpendr_write},
    {0x0300, 0x80, MMIO_W32, isactiver_read, isactiver_write},
    {0x0380, 0x80, MMIO_W32, icactiver_read, icactiver_write},
    {0x0400, 0x400, MMIO_W8 | MMIO_W32, prio_read, prio_write},
    {0x0c00, 0x100, MMIO_W32, cfg_read, cfg_write},
    {0x0d00, 0x80, MMIO_W32, igrpmodr_read, igrpmodr_write},
    {0x6000, 0x2000, MMIO_W32 | MMIO_W64, irouter_read, irouter_write},
    {0xffe8, 4, MMIO_W32, vgic_pidr2_read, NULL},
};

void vgic_gicd_init(struct vm *vm, uint64_t base)
{
	vm->gicd.dev = (struct mmio_device){
	    .name = "gicd",
	    .base = base,
	    .size = VGIC_GICD_SIZE,
	    .regions = gicd_regions,
	    .nregions = sizeof(gicd_regions) / sizeof(gicd_regions[0]),
	    .ctx = vm,
	};
}
