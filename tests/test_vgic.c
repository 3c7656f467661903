/*
 * The virtual GICv3 against the GICv3 architecture (IHI 0069): distributor
 * and redistributor registers at their architectural offsets with their
 * architectural values, and the list registers as a cache of the interrupt
 * model. Every expected value is a literal from the specification.
 *
 * The host HAL's list registers are plain storage here, so each test plays
 * the guest's CPU interface by hand: acknowledge = LR pending -> active,
 * deactivate = LR -> invalid.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "bus_access.h"
#include "hal.h"
#include "sim_hal.h"
#include "test_vm.h"
#include "vgic/vgic.h"

/* ICH_LR<n>_EL2 is S3_4_C12_C12_n (n < 8) / S3_4_C12_C13_(n-8). */
#define LR_ENC(n) SYSREG_ENC(3, 4, 12, 12 + ((n) >> 3), (n)&7)
#define ICH_HCR_ENC SYSREG_ENC(3, 4, 12, 11, 0)
#define ICH_VTR_ENC SYSREG_ENC(3, 4, 12, 11, 1)
#define ICH_VMCR_ENC SYSREG_ENC(3, 4, 12, 11, 7)
#define ICH_AP0R0_ENC SYSREG_ENC(3, 4, 12, 8, 0)
#define ICH_AP1R0_ENC SYSREG_ENC(3, 4, 12, 9, 0)

/* LR fields: State [63:62] (01 pending, 10 active), HW [61], Group [60],
 * Priority [55:48], pINTID [44:32] (bit 41 = EOI when HW = 0), vINTID. */
#define LR_P 0x4000000000000000ull
#define LR_A 0x8000000000000000ull
#define LR_HW 0x2000000000000000ull
#define LR_G1 0x1000000000000000ull
#define LR_EOI 0x0000020000000000ull
#define LR_PRIO(p) ((uint64_t)(p) << 48)

#define GICD 0x08000000ull
#define GICR0 0x080a0000ull
#define GICR1 0x080c0000ull
#define SGI 0x10000ull

static struct test_vm tvm;

static int setup(void **state)
{
	(void)state;
	test_vm_setup(&tvm, 16 << 20, 2);
	/* ICH_VTR_EL2.ListRegs = 3: four list registers, as Cortex-A57. */
	sim_sysreg_set(ICH_VTR_ENC, 3);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	test_vm_teardown(&tvm);
	return 0;
}

static struct mmio_bus *bus(void)
{
	return &tvm.vm->bus;
}

static uint64_t lr(unsigned n)
{
	return hal_sysreg_read(LR_ENC(n));
}

static void set_lr(unsigned n, uint64_t val)
{
	hal_sysreg_write(LR_ENC(n), val);
}

/* The guest acknowledges then deactivates whatever LR n holds. */
static void guest_ack(unsigned n)
{
	set_lr(n, (lr(n) & ~LR_P) | LR_A);
}

static void guest_deactivate(unsigned n)
{
	set_lr(n, 0);
}

/* Enable Group 1 in the distributor, then make intid a Group 1 interrupt
 * at prio, enabled, through the guest-visible registers. */
static void gicd_enable_grp1(void)
{
	bus_wr(bus(), GICD + 0x0000, 4, 0x2); /* GICD_CTLR.EnableGrp1 */
}

static void enable_irq(uint32_t intid, uint8_t prio)
{
	uint64_t base = intid < 32 ? GICR0 + SGI : GICD;
	uint32_t word = (intid / 32) * 4, bit = 1u << (intid % 32);
	uint64_t grp = bus_rd(bus(), base + 0x0080 + word, 4);

	bus_wr(bus(), base + 0x0080 + word, 4, grp | bit); /* IGROUPR */
	bus_wr(bus(), base + 0x0100 + word, 4, bit);	   /* ISENABLER */
	bus_wr(bus(), base + 0x0400 + intid, 1, prio);	   /* IPRIORITYR */
}

static void pend_irq(uint32_t intid)
{
	uint64_t base = intid < 32 ? GICR0 + SGI : GICD;

	bus_wr(bus(), base + 0x0200 + (intid / 32) * 4, 4, 1u << (intid % 32));
}

/* --- distributor registers ------------------------------------------- */

static void gicd_identity(void **state)
{
	(void)state;
	/* PIDR2.ArchRev [7:4] = 3: what Linux's gic_validate_dist_version
	 * reads first. */
	assert_int_equal(bus_rd(bus(), GICD + 0xffe8, 4) & 0xf0, 0x30);
	/* TYPER: ITLinesNumber = 2 (INTIDs up to 95), IDbits = 9 (10 bits),
	 * no LPIs, no security extension. */
	assert_int_equal(bus_rd(bus(), GICD + 0x0004, 4), 0x00480002);
	/* IIDR: implementer 0x43b (Arm). */
	assert_int_equal(bus_rd(bus(), GICD + 0x0008, 4) & 0xfff, 0x43b);
	/* CTLR resets with the groups disabled; ARE [4] and DS [6] RAO. */
	assert_int_equal(bus_rd(bus(), GICD + 0x0000, 4), 0x50);
	bus_wr(bus(), GICD + 0x0000, 4, 0xffffffff);
	/* EnableGrp0/1 stick; ARE/DS stay 1; RWP [31] reads 0. */
	assert_int_equal(bus_rd(bus(), GICD + 0x0000, 4), 0x53);
	bus_wr(bus(), GICD + 0x0000, 4, 0);
	assert_int_equal(bus_rd(bus(), GICD + 0x0000, 4), 0x50);
}

static void gicd_reserved_and_widths(void **state)
{
	uint64_t val = 0x1234;

	(void)state;
	/* Reserved and unimplemented offsets are RAZ/WI. */
	assert_int_equal(bus_rd(bus(), GICD + 0x0010, 4), 0); /* STATUSR */
	bus_wr(bus(), GICD + 0x0f00, 4, 0x0001000f);	      /* SGIR */
	assert_int_equal(bus_rd(bus(), GICD + 0x0f00, 4), 0);
	assert_int_equal(bus_rd(bus(), GICD + 0xfff0, 4), 0); /* CIDR0 */
	/* Only an illegal width aborts: CTLR is 32-bit only, IPRIORITYR
	 * takes bytes and words but not halfwords, ISENABLER no doublewords. */
	assert_int_equal(bus_rw(bus(), GICD + 0x0000, 1, false, &val),
			 MMIO_BAD_ACCESS);
	assert_int_equal(bus_rw(bus(), GICD + 0x0420, 2, true, &val),
			 MMIO_BAD_ACCESS);
	assert_int_equal(bus_rw(bus(), GICD + 0x0100, 8, false, &val),
			 MMIO_BAD_ACCESS);
}

static void gicd_private_intids_are_raz_wi(void **state)
{
	(void)state;
	/* With affinity routing, INTIDs 0..31 are the redistributors'. */
	bus_wr(bus(), GICD + 0x0100, 4, 0xffffffff);
	assert_int_equal(bus_rd(bus(), GICD + 0x0100, 4), 0);
	bus_wr(bus(), GICD + 0x0400, 4, 0xa0a0a0a0);
	assert_int_equal(bus_rd(bus(), GICD + 0x0400, 4), 0);
	assert_int_equal(bus_rd(bus(), GICR0 + SGI + 0x0100, 4), 0);
	/* INTIDs above ITLinesNumber's range (96+) are RAZ/WI too. */
	bus_wr(bus(), GICD + 0x010c, 4, 0xffffffff);
	assert_int_equal(bus_rd(bus(), GICD + 0x010c, 4), 0);
}

static void gicd_set_clear_pairs(void **state)
{
	(void)state;
	/* INTID 33 is bit 1 of word 1. */
	bus_wr(bus(), GICD + 0x0104, 4, 0x2); /* ISENABLER1 */
	assert_int_equal(bus_rd(bus(), GICD + 0x0104, 4), 0x2);
	assert_int_equal(bus_rd(bus(), GICD + 0x0184, 4), 0x2);
	bus_wr(bus(), GICD + 0x0104, 4, 0); /* writing 0 changes nothing */
	assert_int_equal(bus_rd(bus(), GICD + 0x0104, 4), 0x2);
	bus_wr(bus(), GICD + 0x0184, 4, 0x2); /* ICENABLER1 */
	assert_int_equal(bus_rd(bus(), GICD + 0x0104, 4), 0);

	bus_wr(bus(), GICD + 0x0204, 4, 0x2); /* ISPENDR1 */
	assert_int_equal(bus_rd(bus(), GICD + 0x0284, 4), 0x2);
	bus_wr(bus(), GICD + 0x0284, 4, 0x2); /* ICPENDR1 */
	assert_int_equal(bus_rd(bus(), GICD + 0x0204, 4), 0);

	bus_wr(bus(), GICD + 0x0304, 4, 0x2); /* ISACTIVER1 */
	assert_int_equal(bus_rd(bus(), GICD + 0x0384, 4), 0x2);
	bus_wr(bus(), GICD + 0x0384, 4, 0x2); /* ICACTIVER1 */
	assert_int_equal(bus_rd(bus(), GICD + 0x0304, 4), 0);

	bus_wr(bus(), GICD + 0x0084, 4, 0x80000002); /* IGROUPR1 */
	assert_int_equal(bus_rd(bus(), GICD + 0x0084, 4), 0x80000002);
	bus_wr(bus(), GICD + 0x0d04, 4, 0x4); /* IGRPMODR1 */
	assert_int_equal(bus_rd(bus(), GICD + 0x0d04, 4), 0x4);
}

static void gicd_priority_byte_and_word(void **state)
{
	(void)state;
	/* INTID 33's byte; 5 priority bits, so the low 3 are RAZ/WI. */
	bus_wr(bus(), GICD + 0x0421, 1, 0xa5);
	assert_int_equal(bus_rd(bus(), GICD + 0x0421, 1), 0xa0);
	assert_int_equal(bus_rd(bus(), GICD + 0x0420, 4), 0x0000a000);
	bus_wr(bus(), GICD + 0x0420, 4, 0x11223344);
	assert_int_equal(bus_rd(bus(), GICD + 0x0420, 4), 0x10203040);
	assert_int_equal(bus_rd(bus(), GICD + 0x0423, 1), 0x10);
}

static void gicd_icfgr(void **state)
{
	(void)state;
	/* ICFGR2 covers INTIDs 32..47, two bits each; Int_config[1] = 1
	 * is edge. SPIs reset level-sensitive. Bit [0] of a field is RES0. */
	assert_int_equal(bus_rd(bus(), GICD + 0x0c08, 4), 0);
	bus_wr(bus(), GICD + 0x0c08, 4, 0x0000000b);
	assert_int_equal(bus_rd(bus(), GICD + 0x0c08, 4), 0x0000000a);
}

static void gicd_irouter(void **state)
{
	(void)state;
	/* IROUTER32 at 0x6100: route INTID 32 to Aff0 = 1 (vCPU 1). */
	bus_wr(bus(), GICD + 0x6100, 8, 0x1);
	assert_int_equal(bus_rd(bus(), GICD + 0x6100, 8), 0x1);
	assert_int_equal(tvm.vm->gicd.spi[0].target, 1);
	/* 32-bit halves; Aff3 [39:32] is RES0 (TYPER.A3V = 0). */
	bus_wr(bus(), GICD + 0x6104, 4, 0xff);
	assert_int_equal(bus_rd(bus(), GICD + 0x6100, 8), 0x1);
	bus_wr(bus(), GICD + 0x6100, 4, 0x80000000); /* IRM: any PE */
	assert_int_equal(bus_rd(bus(), GICD + 0x6100, 4), 0x80000000);
	assert_int_equal(tvm.vm->gicd.spi[0].target, 0);
	/* A route to a PE that does not exist delivers nowhere. */
	bus_wr(bus(), GICD + 0x6100, 8, 0x0000000000000100ull);
	assert_int_equal(tvm.vm->gicd.spi[0].target, 0xff);
	/* Private INTIDs' and unmodelled INTIDs' IROUTERs are RAZ/WI. */
	bus_wr(bus(), GICD + 0x6000, 8, 0x1);
	assert_int_equal(bus_rd(bus(), GICD + 0x6000, 8), 0);
	bus_wr(bus(), GICD + 0x6300, 8, 0x1);
	assert_int_equal(bus_rd(bus(), GICD + 0x6300, 8), 0);
}

/* --- redistributors ---------------------------------------------------- */

static void gicr_identity_and_last(void **state)
{
	uint64_t val;

	(void)state;
	/* GICR_TYPER: Affinity_Value [63:32], Processor_Number [23:8],
	 * Last [4] only on the final redistributor. */
	assert_int_equal(bus_rd(bus(), GICR0 + 0x0008, 8), 0);
	assert_int_equal(bus_rd(bus(), GICR1 + 0x0008, 8),
			 0x0000000100000110ull);
	assert_int_equal(bus_rd(bus(), GICR1 + 0x0008, 4), 0x00000110);
	assert_int_equal(bus_rd(bus(), GICR1 + 0x000c, 4), 0x00000001);
	assert_int_equal(bus_rd(bus(), GICR0 + 0xffe8, 4) & 0xf0, 0x30);
	assert_int_equal(bus_rd(bus(), GICR0 + 0x0004, 4) & 0xfff, 0x43b);
	/* GICR_CTLR: no LPIs, RWP 0. */
	assert_int_equal(bus_rd(bus(), GICR0 + 0x0000, 4), 0);
	/* Past the last frame nothing answers. */
	assert_int_equal(bus_rw(bus(), GICR1 + 0x20008, 4, false, &val),
			 MMIO_NO_DEVICE);
}

static void gicr_waker_handshake(void **state)
{
	(void)state;
	/* Resets asleep: ProcessorSleep [1] and ChildrenAsleep [2]. */
	assert_int_equal(bus_rd(bus(), GICR0 + 0x0014, 4), 0x6);
	bus_wr(bus(), GICR0 + 0x0014, 4, 0x0);
	assert_int_equal(bus_rd(bus(), GICR0 + 0x0014, 4), 0x0);
	/* The other vCPU's redistributor is separate state. */
	assert_int_equal(bus_rd(bus(), GICR1 + 0x0014, 4), 0x6);
	bus_wr(bus(), GICR0 + 0x0014, 4, 0x2);
	assert_int_equal(bus_rd(bus(), GICR0 + 0x0014, 4), 0x6);
}

static void gicr_sgi_frame(void **state)
{
	(void)state;
	/* ICFGR0: SGIs are edge (0b10 per field) and read-only. */
	assert_int_equal(bus_rd(bus(), GICR0 + SGI + 0x0c00, 4), 0xaaaaaaaa);
	bus_wr(bus(), GICR0 + SGI + 0x0c00, 4, 0);
	assert_int_equal(bus_rd(bus(), GICR0 + SGI + 0x0c00, 4), 0xaaaaaaaa);
	/* ICFGR1: PPIs reset level, and are configurable here. */
	assert_int_equal(bus_rd(bus(), GICR0 + SGI + 0x0c04, 4), 0);
	bus_wr(bus(), GICR0 + SGI + 0x0c04, 4, 0x00800000); /* PPI 27 edge */
	assert_int_equal(bus_rd(bus(), GICR0 + SGI + 0x0c04, 4), 0x00800000);
	/* ISENABLER0 of vCPU 0 does not touch vCPU 1's PPIs. */
	bus_wr(bus(), GICR0 + SGI + 0x0100, 4, 0x08000001);
	assert_int_equal(bus_rd(bus(), GICR0 + SGI + 0x0100, 4), 0x08000001);
	assert_int_equal(bus_rd(bus(), GICR1 + SGI + 0x0100, 4), 0);
	/* IPRIORITYR0..7: bytes for INTIDs 0..31. */
	bus_wr(bus(), GICR0 + SGI + 0x041b, 1, 0x80);
	assert_int_equal(bus_rd(bus(), GICR0 + SGI + 0x0418, 4), 0x80000000);
}

/* --- list registers as a cache ----------------------------------------- */

static void flush_ranks_by_priority(void **state)
{
	(void)state;
	gicd_enable_grp1();
	/* Six pending SPIs (level, latched through ISPENDR), four LRs. */
	for (unsigned i = 0; i < 6; i++) {
		enable_irq(40 + i, (uint8_t)(0x80 - 0x10 * i));
		pend_irq(40 + i);
	}
	vgic_flush(tvm.v);
	/* Highest priority (lowest value) first: INTID 45 at 0x30. */
	assert_int_equal(lr(0), LR_P | LR_G1 | LR_PRIO(0x30) | 45);
	assert_int_equal(lr(1), LR_P | LR_G1 | LR_PRIO(0x40) | 44);
	assert_int_equal(lr(2), LR_P | LR_G1 | LR_PRIO(0x50) | 43);
	assert_int_equal(lr(3), LR_P | LR_G1 | LR_PRIO(0x60) | 42);
	/* Two did not fit: ICH_HCR_EL2.NPIE [3] asks for a maintenance
	 * interrupt once no LR is pending; En [0] stays set. */
	assert_int_equal(hal_sysreg_read(ICH_HCR_ENC) & 0xf, 0x9);
}

static void overflow_drains_without_loss(void **state)
{
	unsigned seen[96] = {0};

	(void)state;
	gicd_enable_grp1();
	/* 16 self-SGIs and then the virtual timer: more than the 4 LRs. */
	for (unsigned i = 0; i < 16; i++) {
		enable_irq(i, 0xa0);
		pend_irq(i);
	}
	enable_irq(27, 0xa0);
	vgic_set_line(tvm.vm, tvm.v, 27, true);
	for (unsigned round = 0; round < 10; round++) {
		vgic_flush(tvm.v);
		/* The guest takes everything it was given. */
		for (unsigned n = 0; n < 4; n++) {
			uint64_t val = lr(n);

			if (!(val & LR_P))
				continue;
			seen[val & 0xffff]++;
			guest_ack(n);
			guest_deactivate(n);
			if ((val & 0xffff) ==
			    27) /* the device drops its line */
				vgic_set_line(tvm.vm, tvm.v, 27, false);
		}
		vgic_sync(tvm.v);
	}
	for (unsigned i = 0; i < 16; i++)
		assert_int_equal(seen[i], 1);
	assert_int_equal(seen[27], 1);
	vgic_flush(tvm.v);
	assert_int_equal(lr(0), 0);
	assert_int_equal(hal_sysreg_read(ICH_HCR_ENC) & 0xf, 0x1);
}

static void level_is_pending_again_after_deactivation(void **state)
{
	(void)state;
	gicd_enable_grp1();
	enable_irq(33, 0x80);
	vgic_set_line(tvm.vm, tvm.v, 33, true);
	vgic_flush(tvm.v);
	assert_int_equal(lr(0), LR_P | LR_G1 | LR_EOI | LR_PRIO(0x80) | 33);
	guest_ack(0);
	vgic_sync(tvm.v); /* exit while the guest handles it */
	vgic_flush(tvm.v);
	/* Line still high: pending and active at once. */
	assert_int_equal(lr(0),
			 LR_P | LR_A | LR_G1 | LR_EOI | LR_PRIO(0x80) | 33);
	set_lr(0, lr(0) & ~(LR_P | LR_A)); /* EOI maintenance exit */
	vgic_sync(tvm.v);
	vgic_flush(tvm.v);
	assert_int_equal(lr(0), LR_P | LR_G1 | LR_EOI | LR_PRIO(0x80) | 33);
	/* Line dropped before the guest acknowledged: nothing pending. */
	vgic_sync(tvm.v);
	vgic_set_line(tvm.vm, tvm.v, 33, false);
	vgic_flush(tvm.v);
	assert_int_equal(lr(0), 0);
	assert_int_equal(bus_rd(bus(), GICD + 0x0204, 4), 0);
}

static void edge_survives_exit_before_ack(void **state)
{
	(void)state;
	gicd_enable_grp1();
	enable_irq(5, 0x40); /* SGI 5: edge */
	pend_irq(5);
	vgic_flush(tvm.v);
	assert_int_equal(lr(0), LR_P | LR_G1 | LR_PRIO(0x40) | 5);
	vgic_sync(tvm.v); /* exit, not acknowledged */
	assert_int_equal(bus_rd(bus(), GICR0 + SGI + 0x0200, 4), 0x20);
	vgic_flush(tvm.v);
	assert_int_equal(lr(0), LR_P | LR_G1 | LR_PRIO(0x40) | 5);
	guest_ack(0);
	vgic_sync(tvm.v);
	/* Acknowledged: active, no longer pending. */
	assert_int_equal(bus_rd(bus(), GICR0 + SGI + 0x0200, 4), 0);
	assert_int_equal(bus_rd(bus(), GICR0 + SGI + 0x0300, 4), 0x20);
	/* A second edge while active: pending and active. */
	pend_irq(5);
	vgic_flush(tvm.v);
	assert_int_equal(lr(0), LR_P | LR_A | LR_G1 | LR_PRIO(0x40) | 5);
}

static void active_outranks_pending(void **state)
{
	(void)state;
	gicd_enable_grp1();
	/* INTID 37 active at the lowest priority; four pending above it. */
	enable_irq(37, 0xf0);
	bus_wr(bus(), GICD + 0x0304, 4, 0x20); /* ISACTIVER1: 37 */
	for (unsigned i = 0; i < 4; i++) {
		enable_irq(40 + i, 0x10);
		pend_irq(40 + i);
	}
	vgic_flush(tvm.v);
	/* The guest must be able to deactivate 37, so it keeps an LR. */
	assert_int_equal(lr(0), LR_A | LR_G1 | LR_PRIO(0xf0) | 37);
	assert_int_equal(lr(1), LR_P | LR_G1 | LR_PRIO(0x10) | 40);
	assert_int_equal(lr(3), LR_P | LR_G1 | LR_PRIO(0x10) | 42);
}

static void icpendr_leaves_an_asserted_level_pending(void **state)
{
	(void)state;
	vgic_set_line(tvm.vm, tvm.v, 38, true);
	assert_int_equal(bus_rd(bus(), GICD + 0x0204, 4), 0x40);
	bus_wr(bus(), GICD + 0x0284, 4, 0x40); /* ICPENDR1: 38 */
	assert_int_equal(bus_rd(bus(), GICD + 0x0204, 4), 0x40);
	vgic_set_line(tvm.vm, tvm.v, 38, false);
	assert_int_equal(bus_rd(bus(), GICD + 0x0204, 4), 0);
	/* An edge SPI: a rising edge latches, the falling one does not
	 * clear it, and ICPENDR does. */
	bus_wr(bus(), GICD + 0x0c08, 4, 0x00002000); /* ICFGR2: 38 edge */
	vgic_set_line(tvm.vm, tvm.v, 38, true);
	vgic_set_line(tvm.vm, tvm.v, 38, false);
	assert_int_equal(bus_rd(bus(), GICD + 0x0204, 4), 0x40);
	bus_wr(bus(), GICD + 0x0284, 4, 0x40);
	assert_int_equal(bus_rd(bus(), GICD + 0x0204, 4), 0);
	/* Devices report their line on every change of their state; a line
	 * that is already high is no new edge. */
	vgic_set_line(tvm.vm, tvm.v, 38, true);
	bus_wr(bus(), GICD + 0x0284, 4, 0x40);
	vgic_set_line(tvm.vm, tvm.v, 38, true);
	assert_int_equal(bus_rd(bus(), GICD + 0x0204, 4), 0);
}

static void gating_by_enable_group_and_route(void **state)
{
	(void)state;
	enable_irq(34, 0x80);
	pend_irq(34);
	vgic_flush(tvm.v); /* GICD_CTLR.EnableGrp1 still 0 */
	assert_int_equal(lr(0), 0);
	gicd_enable_grp1();
	bus_wr(bus(), GICD + 0x0184, 4, 0x4); /* ICENABLER1: disable 34 */
	vgic_flush(tvm.v);
	assert_int_equal(lr(0), 0);
	bus_wr(bus(), GICD + 0x0104, 4, 0x4);
	bus_wr(bus(), GICD + 0x6110, 8, 0x1); /* IROUTER34 -> vCPU 1 */
	vgic_flush(tvm.v);
	assert_int_equal(lr(0), 0);
	vgic_flush(&tvm.vm->vcpus[1]);
	assert_int_equal(lr(0), LR_P | LR_G1 | LR_PRIO(0x80) | 34);
}

static void active_is_cached_even_when_disabled(void **state)
{
	(void)state;
	gicd_enable_grp1();
	enable_irq(35, 0x80);
	bus_wr(bus(), GICD + 0x0304, 4, 0x8); /* ISACTIVER1: 35 */
	bus_wr(bus(), GICD + 0x0184, 4, 0x8); /* disabled */
	bus_wr(bus(), GICD + 0x0204, 4, 0x8); /* ISPENDR latch */
	vgic_flush(tvm.v);
	assert_int_equal(lr(0), LR_A | LR_G1 | LR_PRIO(0x80) | 35);
	vgic_sync(tvm.v);
	/* The latch survives: the LR never held it pending. */
	assert_int_equal(bus_rd(bus(), GICD + 0x0204, 4), 0x8);
}

static void hw_interrupt_links_physical(void **state)
{
	(void)state;
	gicd_enable_grp1();
	enable_irq(27, 0xa0);
	vgic_set_hw(tvm.v, 27, 27);
	vgic_set_line(tvm.vm, tvm.v, 27, true);
	vgic_flush(tvm.v);
	/* HW [61] with pINTID 27 in [44:32], and no EOI maintenance. */
	assert_int_equal(lr(0), LR_P | LR_HW | LR_G1 | LR_PRIO(0xa0) |
				    (27ull << 32) | 27);
}

static void deliverable_respects_vmcr(void **state)
{
	(void)state;
	gicd_enable_grp1();
	enable_irq(36, 0x80);
	pend_irq(36);
	/* VMCR: VENG1 [1] clear -> nothing deliverable. */
	hal_sysreg_write(ICH_VMCR_ENC, 0xf0000000);
	assert_false(vgic_vcpu_has_deliverable(tvm.vm, tvm.v));
	/* VENG1 set, VPMR [31:24] = 0xf0 above priority 0x80. */
	hal_sysreg_write(ICH_VMCR_ENC, 0xf0000002);
	assert_true(vgic_vcpu_has_deliverable(tvm.vm, tvm.v));
	/* Mask at 0x80: priority 0x80 is not higher than the mask. */
	hal_sysreg_write(ICH_VMCR_ENC, 0x80000002);
	assert_false(vgic_vcpu_has_deliverable(tvm.vm, tvm.v));
}

/* The last SPIs (64..95) live in the other half of the work bitmaps: a
 * pending one must still reach the LRs and end a WFI. */
static void highest_spis_are_delivered(void **state)
{
	(void)state;
	gicd_enable_grp1();
	enable_irq(95, 0x40);
	hal_sysreg_write(ICH_VMCR_ENC, 0xf0000002); /* VENG1, VPMR 0xf0 */
	assert_false(vgic_vcpu_has_deliverable(tvm.vm, tvm.v));
	pend_irq(95);
	assert_true(vgic_vcpu_has_deliverable(tvm.vm, tvm.v));
	vgic_flush(tvm.v);
	assert_int_equal(lr(0), LR_P | LR_G1 | LR_PRIO(0x40) | 95);
	/* Acknowledged and deactivated: gone from the LRs and the model. */
	guest_ack(0);
	guest_deactivate(0);
	vgic_sync(tvm.v);
	vgic_flush(tvm.v);
	assert_int_equal(lr(0), 0);
	assert_false(vgic_vcpu_has_deliverable(tvm.vm, tvm.v));
}

static void vmcr_and_apr_move_with_the_vcpu(void **state)
{
	struct vcpu *v1 = &tvm.vm->vcpus[1];

	(void)state;
	hal_sysreg_write(ICH_VMCR_ENC, 0xf0000002);
	hal_sysreg_write(ICH_AP1R0_ENC, 0x1);
	vgic_vcpu_put(tvm.v);
	vgic_vcpu_load(v1);
	assert_int_equal(hal_sysreg_read(ICH_VMCR_ENC), 0);
	assert_int_equal(hal_sysreg_read(ICH_AP1R0_ENC), 0);
	vgic_vcpu_put(v1);
	vgic_vcpu_load(tvm.v);
	assert_int_equal(hal_sysreg_read(ICH_VMCR_ENC), 0xf0000002);
	assert_int_equal(hal_sysreg_read(ICH_AP1R0_ENC), 0x1);
	assert_int_equal(hal_sysreg_read(ICH_AP0R0_ENC), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	    T(gicd_identity),
	    T(gicd_reserved_and_widths),
	    T(gicd_private_intids_are_raz_wi),
	    T(gicd_set_clear_pairs),
	    T(gicd_priority_byte_and_word),
	    T(gicd_icfgr),
	    T(gicd_irouter),
	    T(gicr_identity_and_last),
	    T(gicr_waker_handshake),
	    T(gicr_sgi_frame),
	    T(flush_ranks_by_priority),
	    T(overflow_drains_without_loss),
	    T(level_is_pending_again_after_deactivation),
	    T(edge_survives_exit_before_ack),
	    T(active_outranks_pending),
	    T(icpendr_leaves_an_asserted_level_pending),
	    T(gating_by_enable_group_and_route),
	    T(active_is_cached_even_when_disabled),
	    T(hw_interrupt_links_physical),
	    T(deliverable_respects_vmcr),
	    T(highest_spis_are_delivered),
	    T(vmcr_and_apr_move_with_the_vcpu),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
