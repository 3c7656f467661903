/*
 * One GICv3 redistributor per vCPU: the RD_base frame (control, identity,
 * the wake handshake) and, 64 KiB above it, the SGI_base frame holding the
 * vCPU's SGI and PPI state. Each vCPU's pair of frames is its own device on
 * the bus with the vCPU as context, so no lookup by address is needed.
 * Offsets no region claims are reserved and RAZ/WI (GICR_CTLR included: no
 * LPIs, and RWP/UWP read 0 because writes complete at once).
 */
#include "hal.h"
#include "vcpu_req.h"
#include "vgic/vgic_priv.h"
#include "vm/vm.h"

#define SGI_FRAME 0x10000u

#define GICR_TYPER_LAST (1ull << 4)
#define GICR_TYPER_PROCNUM_SHIFT 8
#define GICR_TYPER_AFF_SHIFT 32
#define GICR_WAKER_PROCESSOR_SLEEP (1u << 1)
#define GICR_WAKER_CHILDREN_ASLEEP (1u << 2)

/* Affinity_Value [63:32] is MPIDR's Aff3.Aff2.Aff1.Aff0; Last [4] marks
 * the final redistributor of the contiguous region, where a guest's scan
 * stops. 32-bit halves are allowed. */
static uint64_t typer_read(void *ctx, uint32_t off, unsigned w)
{
	const struct vcpu *v = ctx;
	uint64_t m = v->mpidr;
	uint64_t aff = (m & 0xffffffull) | ((m >> 8) & 0xff000000ull);
	uint64_t val = (aff << GICR_TYPER_AFF_SHIFT) |
		       ((uint64_t)v->id << GICR_TYPER_PROCNUM_SHIFT);

	if (v->id + 1 == v->vm->nvcpus)
		val |= GICR_TYPER_LAST;
	return w == 8 ? val : (val >> (8u * off)) & 0xffffffffu;
}

/* ChildrenAsleep follows ProcessorSleep at once: nothing below the
 * redistributor has state to quiesce. */
static uint64_t waker_read(void *ctx, uint32_t off, unsigned w)
{
	const struct vcpu *v = ctx;

	(void)off;
	(void)w;
	return v->vgic.sleep
		   ? GICR_WAKER_PROCESSOR_SLEEP | GICR_WAKER_CHILDREN_ASLEEP
		   : 0;
}

static void waker_write(void *ctx, uint32_t off, unsigned w, uint64_t val)
{
	struct vcpu *v = ctx;

	(void)off;
	(void)w;
	v->vgic.sleep = (val & GICR_WAKER_PROCESSOR_SLEEP) != 0;
}

/* SGI frame: the 32 private INTIDs, one word per register. */
/* Any vCPU may write any redistributor. The state is v's own, and v
 * is told, wherever it runs, unless it is the writer (whose exit ends
 * with a flush). */
static void rdist_written(struct vcpu *v)
{
	if (v != hal_current_vcpu())
		vcpu_kick(v);
}

#define GICR_BITREG(name, op)                                                  \
	static uint64_t name##_read(void *ctx, uint32_t off, unsigned w)       \
	{                                                                      \
		struct vcpu *v = ctx;                                          \
		(void)off;                                                     \
		(void)w;                                                       \
		return vgic_bits_read(v->vm, v, op, 0);                        \
	}                                                                      \
	static void name##_write(void *ctx, uint32_t off, unsigned w,          \
				 uint64_t val)                                 \
	{                                                                      \
		struct vcpu *v = ctx;                                          \
		(void)off;                                                     \
		(void)w;                                                       \
		vgic_bits_write(v->vm, v, op, 0, (uint32_t)val);               \
		rdist_written(v);                                              \
	}
GICR_BITREG(igroupr, VGIC_IGROUPR)
GICR_BITREG(isenabler, VGIC_ISENABLER)
GICR_BITREG(icenabler, VGIC_ICENABLER)
GICR_BITREG(ispendr, VGIC_ISPENDR)
GICR_BITREG(icpendr, VGIC_ICPENDR)
GICR_BITREG(isactiver, VGIC_ISACTIVER)
GICR_BITREG(icactiver, VGIC_ICACTIVER)
GICR_BITREG(igrpmodr, VGIC_IGRPMODR)
#undef GICR_BITREG

static uint64_t prio_read(void *ctx, uint32_t off, unsigned w)
{
	struct vcpu *v = ctx;

	return vgic_prio_read(v->vm, v, off, w);
}

static void prio_write(void *ctx, uint32_t off, unsigned w, uint64_t val)
{
	struct vcpu *v = ctx;

	vgic_prio_write(v->vm, v, off, w, val);
	rdist_written(v);
}

static uint64_t cfg_read(void *ctx, uint32_t off, unsigned w)
{
	struct vcpu *v = ctx;

	(void)w;
	return vgic_cfg_read(v->vm, v, off * 4u);
}

static void cfg_write(void *ctx, uint32_t off, unsigned w, uint64_t val)
{
	struct vcpu *v = ctx;

	(void)w;
	vgic_cfg_write(v->vm, v, off * 4u, (uint32_t)val);
	rdist_written(v);
}

static const struct mmio_region gicr_regions[] = {
    /* RD_base */
    {0x0004, 4, MMIO_W32, vgic_iidr_read, NULL},
    {0x0008, 8, MMIO_W32 | MMIO_W64, typer_read, NULL},
    {0x0014, 4, MMIO_W32, waker_read, waker_write},
    {0xffe8, 4, MMIO_W32, vgic_pidr2_read, NULL},
    /* SGI_base */
    {SGI_FRAME + 0x0080, 4, MMIO_W32, igroupr_read, igroupr_write},
    {SGI_FRAME + 0x0100, 4, MMIO_W32, isenabler_read, isenabler_write},
    {SGI_FRAME + 0x0180, 4, MMIO_W32, icenabler_read, icenabler_write},
    {SGI_FRAME + 0x0200, 4, MMIO_W32, ispendr_read, ispendr_write},
    {SGI_FRAME + 0x0280, 4, MMIO_W32, icpendr_read, icpendr_write},
    {SGI_FRAME + 0x0300, 4, MMIO_W32, isactiver_read, isactiver_write},
    {SGI_FRAME + 0x0380, 4, MMIO_W32, icactiver_read, icactiver_write},
    {SGI_FRAME + 0x0400, 0x20, MMIO_W8 | MMIO_W32, prio_read, prio_write},
    {SGI_FRAME + 0x0c00, 8, MMIO_W32, cfg_read, cfg_write},
    {SGI_FRAME + 0x0d00, 4, MMIO_W32, igrpmodr_read, igrpmodr_write},
};

void vgic_gicr_init(struct vcpu *v, uint64_t base)
{
	v->vgic.rdist = (struct mmio_device){
	    .name = "gicr",
	    .base = base,
	    .size = VGIC_GICR_STRIDE,
	    .regions = gicr_regions,
	    .nregions = sizeof(gicr_regions) / sizeof(gicr_regions[0]),
	    .ctx = v,
	};
}
