/*
 * GICv3 bring-up: the distributor once, then each CPU's redistributor and
 * CPU interface on that CPU. Every interrupt is Group 1 at one priority:
 * the hypervisor never nests interrupts (EL2 runs with IRQs masked and
 * takes them only as guest exits).
 */
#include "gicv3.h"
#include "cpu.h"
#include "lib/log.h"
#include "mmio_io.h"
#include "percpu.h"

#define GICD_CTLR 0x0000
#define GICD_TYPER 0x0004
#define GICD_IGROUPR 0x0080
#define GICD_ISENABLER 0x0100
#define GICD_ICENABLER 0x0180
#define GICD_ISACTIVER 0x0300
#define GICD_ICACTIVER 0x0380
#define GICD_ICPENDR 0x0280
#define GICD_IPRIORITYR 0x0400
#define GICD_IROUTER 0x6100

#define GICD_CTLR_RWP (1u << 31)
#define GICD_CTLR_ARE (1u << 4)
#define GICD_CTLR_ENABLE_G1 (1u << 1)
#define GICD_CTLR_ENABLE_G0 (1u << 0) /* Grp1NS in the NS view */

#define GICR_FRAME 0x20000
#define GICR_TYPER 0x0008
#define GICR_WAKER 0x0014
#define GICR_TYPER_LAST (1ull << 4)
#define GICR_TYPER_VLPIS (1ull << 1)
#define GICR_WAKER_SLEEP (1u << 1)
#define GICR_WAKER_ASLEEP (1u << 2)

#define GICR_SGI 0x10000 /* SGI/PPI frame, after the control frame */
#define GICR_IGROUPR0 0x0080
#define GICR_ISENABLER0 0x0100
#define GICR_ICENABLER0 0x0180
#define GICR_ISACTIVER0 0x0300
#define GICR_ICACTIVER0 0x0380
#define GICR_ICPENDR0 0x0280
#define GICR_IPRIORITYR 0x0400

#define ICC_SRE_SRE (1u << 0)
#define ICC_SRE_DFB (1u << 1)
#define ICC_SRE_DIB (1u << 2)
#define ICC_SRE_ENABLE (1u << 3)
#define ICC_CTLR_EOIMODE (1u << 1)

#define DEFAULT_PRIO 0xa0u
#define SPURIOUS_FIRST 1020u
#define POLL_LIMIT 1000000u

/* ICC_SGI1R_EL1 fields */
#define SGI1R_AFF1_SHIFT 16
#define SGI1R_INTID_SHIFT 24
#define SGI1R_AFF2_SHIFT 32
#define SGI1R_RS_SHIFT 44
#define SGI1R_AFF3_SHIFT 48

static uint64_t gicd;
static uint64_t spi_affinity; /* GICD_IROUTER format: the boot CPU */
static unsigned nlrs;

static int wait_clear(uint64_t reg, uint32_t mask)
{
	for (unsigned i = 0; i < POLL_LIMIT; i++)
		if (!(mmio_read32(reg) & mask))
			return 0;
	return -1;
}

static void dist_init(void)
{
	unsigned nlines = ((mmio_read32(gicd + GICD_TYPER) & 0x1f) + 1) * 32;

	mmio_write32(gicd + GICD_CTLR, 0);
	wait_clear(gicd + GICD_CTLR, GICD_CTLR_RWP);
	for (unsigned i = 32; i < nlines && i < 1020; i += 32) {
		mmio_write32(gicd + GICD_ICENABLER + i / 8, 0xffffffffu);
		mmio_write32(gicd + GICD_ICPENDR + i / 8, 0xffffffffu);
		mmio_write32(gicd + GICD_IGROUPR + i / 8, 0xffffffffu);
	}
	for (unsigned i = 32; i < nlines && i < 1020; i += 4)
		mmio_write32(gicd + GICD_IPRIORITYR + i,
			     DEFAULT_PRIO * 0x01010101u);
	wait_clear(gicd + GICD_CTLR, GICD_CTLR_RWP);
	mmio_write32(gicd + GICD_CTLR, GICD_CTLR_ARE);
	wait_clear(gicd + GICD_CTLR, GICD_CTLR_RWP);
	mmio_write32(gicd + GICD_CTLR,
		     GICD_CTLR_ARE | GICD_CTLR_ENABLE_G1 | GICD_CTLR_ENABLE_G0);
	wait_clear(gicd + GICD_CTLR, GICD_CTLR_RWP);
}

/* This CPU's redistributor: the frame whose TYPER affinity matches. */
static uint64_t find_redist(const struct gic_desc *g, uint64_t mpidr)
{
	uint64_t aff = ((mpidr >> 32) & 0xff) << 24 | (mpidr & 0xffffff);
	uint64_t rd = g->gicr_base;

	while (rd + GICR_FRAME <= g->gicr_base + g->gicr_size) {
		uint64_t typer = mmio_read64(rd + GICR_TYPER);

		if ((typer >> 32) == aff)
			return rd;
		if (typer & GICR_TYPER_LAST)
			break;
		rd += (typer & GICR_TYPER_VLPIS) ? 2 * GICR_FRAME : GICR_FRAME;
	}
	return 0;
}

static int redist_init(uint64_t rd, struct tgt_cpu *c)
{
	uint64_t sgi_frame = rd + GICR_SGI;

	mmio_write32(rd + GICR_WAKER,
		     mmio_read32(rd + GICR_WAKER) & ~GICR_WAKER_SLEEP);
	if (wait_clear(rd + GICR_WAKER, GICR_WAKER_ASLEEP)) {
		hv_printf("gicv3: redistributor at %#lx does not wake\n",
			  (unsigned long)rd);
		return -1;
	}
	c->gicr_sgi = sgi_frame;
	mmio_write32(sgi_frame + GICR_ICENABLER0, 0xffffffffu);
	mmio_write32(sgi_frame + GICR_ICPENDR0, 0xffffffffu);
	mmio_write32(sgi_frame + GICR_IGROUPR0, 0xffffffffu);
	for (unsigned i = 0; i < 32; i += 4)
		mmio_write32(sgi_frame + GICR_IPRIORITYR + i,
			     DEFAULT_PRIO * 0x01010101u);
	return 0;
}

static int cpuif_init(void)
{
	write_sysreg(ICC_SRE_EL2,
		     ICC_SRE_SRE | ICC_SRE_DFB | ICC_SRE_DIB | ICC_SRE_ENABLE);
	isb();
	if (!(read_sysreg(ICC_SRE_EL2) & ICC_SRE_SRE)) {
		hv_printf("gicv3: system register interface unavailable\n");
		return -1;
	}
	write_sysreg(ICC_PMR_EL1, 0xff);
	write_sysreg(ICC_BPR1_EL1, 0);
	write_sysreg(ICC_CTLR_EL1, ICC_CTLR_EOIMODE);
	write_sysreg(ICC_IGRPEN1_EL1, 1);
	isb();
	nlrs = (unsigned)(read_sysreg(S3_4_C12_C11_1) & 0x1f) + 1; /* VTR */
	return 0;
}

int gicv3_dist_init(const struct gic_desc *g, uint64_t boot_mpidr)
{
	gicd = g->gicd_base;
	spi_affinity = boot_mpidr & 0xff00ffffffull;
	dist_init();
	return 0;
}

int gicv3_cpu_init(const struct gic_desc *g, uint64_t mpidr)
{
	uint64_t rd = find_redist(g, mpidr);

	if (!rd) {
		hv_printf("gicv3: no redistributor for MPIDR %#lx\n",
			  (unsigned long)mpidr);
		return -1;
	}
	if (redist_init(rd, this_cpu()))
		return -1;
	return cpuif_init();
}

void gicv3_enable_irq(uint32_t intid, bool on)
{
	uint32_t bit = 1u << (intid % 32);

	if (intid < 32) {
		mmio_write32(this_cpu()->gicr_sgi +
				 (on ? GICR_ISENABLER0 : GICR_ICENABLER0),
			     bit);
		return;
	}
	if (intid >= SPURIOUS_FIRST)
		return;
	if (on)
		mmio_write64(gicd + GICD_IROUTER + (intid - 32) * 8ull,
			     spi_affinity);
	mmio_write32(gicd + (on ? GICD_ISENABLER : GICD_ICENABLER) +
			 intid / 32 * 4,
		     bit);
}

void gicv3_drop(uint32_t intid)
{
	if (intid >= SPURIOUS_FIRST && intid < 8192)
		return;
	write_sysreg(ICC_EOIR1_EL1, intid); /* EOImode 1: drop only */
	isb();
}

/* Through the redistributor's or distributor's ICACTIVER: unlike ICC_DIR,
 * defined for an interrupt that is not active. */
void gicv3_deactivate(uint32_t intid)
{
	uint32_t bit = 1u << (intid % 32);

	if (intid < 32)
		mmio_write32(this_cpu()->gicr_sgi + GICR_ICACTIVER0, bit);
	else if (intid < SPURIOUS_FIRST)
		mmio_write32(gicd + GICD_ICACTIVER + intid / 32 * 4, bit);
}

void gicv3_activate(uint32_t intid)
{
	uint32_t bit = 1u << (intid % 32);

	if (intid < 32)
		mmio_write32(this_cpu()->gicr_sgi + GICR_ISACTIVER0, bit);
	else if (intid < SPURIOUS_FIRST)
		mmio_write32(gicd + GICD_ISACTIVER + intid / 32 * 4, bit);
}

/* Aff0 picks a bit of the 16-bit target list, in the range RS selects
 * (Aff0 / 16); the other affinity fields name the cluster. */
void gicv3_send_sgi(uint64_t mpidr, uint32_t intid)
{
	uint64_t aff0 = mpidr & 0xff;
	uint64_t v = (1ull << (aff0 % 16)) |
		     ((mpidr >> 8) & 0xff) << SGI1R_AFF1_SHIFT |
		     (uint64_t)(intid & 0xf) << SGI1R_INTID_SHIFT |
		     ((mpidr >> 16) & 0xff) << SGI1R_AFF2_SHIFT |
		     (aff0 / 16) << SGI1R_RS_SHIFT |
		     ((mpidr >> 32) & 0xff) << SGI1R_AFF3_SHIFT;

	write_sysreg(ICC_SGI1R_EL1, v);
	isb();
}

uint32_t gicv3_ack(void)
{
	uint32_t intid = (uint32_t)read_sysreg(ICC_IAR1_EL1) & 0xffffffu;

	dsb_sy();
	return intid;
}

void gicv3_eoi(uint32_t intid)
{
	if (intid >= SPURIOUS_FIRST && intid < 8192)
		return;
	write_sysreg(ICC_EOIR1_EL1, intid);
	isb();
	write_sysreg(ICC_DIR_EL1, intid);
	isb();
}

uint32_t gicv3_pending(void)
{
	return (uint32_t)read_sysreg(ICC_HPPIR1_EL1) & 0xffffffu;
}

unsigned gicv3_num_lrs(void)
{
	return nlrs ? nlrs : 1;
}
