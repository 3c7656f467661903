/*
 * Device models of the simulated machine: the generic timer against
 * virtual time, the physical GIC, and the GICv3 virtual CPU interface over
 * the list registers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arch/sysreg_enc.h"
#include "fake_gic.h"
#include "fake_vcpuif.h"
#include "hal.h"
#include "sim_hal.h"
#include "vtimer.h"

#define ICC(crn, crm, op2) SYSREG_ENC(3, 0, crn, crm, op2)
#define ICC_PMR ICC(4, 6, 0)
#define ICC_IAR1 ICC(12, 12, 0)
#define ICC_EOIR1 ICC(12, 12, 1)
#define ICC_HPPIR1 ICC(12, 12, 2)
#define ICC_BPR1 ICC(12, 12, 3)
#define ICC_CTLR ICC(12, 12, 4)
#define ICC_SRE ICC(12, 12, 5)
#define ICC_IGRPEN1 ICC(12, 12, 7)
#define ICC_DIR ICC(12, 11, 1)
#define ICC_RPR ICC(12, 11, 3)
#define ICC_SGI1R ICC(12, 11, 5)
#define ISR_EL1 ICC(12, 1, 0)

#define LR_PENDING (1ull << 62)
#define LR_ACTIVE (1ull << 63)
#define LR_HW (1ull << 61)
#define LR_G1 (1ull << 60)
#define LR_EOI (1ull << 41)
#define LR_PRIO(p) ((uint64_t)(p) << 48)
#define HCR_IMO (1ull << 4)

static int reset(void **state)
{
	(void)state;
	sim_hal_reset();
	return 0;
}

/* ---- timer ---- */

static void test_timer_status_and_output(void **state)
{
	struct vtimer t = {0};

	(void)state;
	t.cval = 100;
	assert_int_equal(vtimer_ctl_read(&t, 200), 0); /* disabled */
	vtimer_ctl_write(&t, CNT_CTL_ENABLE | CNT_CTL_ISTATUS);
	assert_int_equal(vtimer_ctl_read(&t, 99), CNT_CTL_ENABLE);
	assert_false(vtimer_output(&t, 99));
	assert_int_equal(vtimer_ctl_read(&t, 100),
			 CNT_CTL_ENABLE | CNT_CTL_ISTATUS);
	assert_true(vtimer_output(&t, 100));
	/* IMASK hides the output, not the status. */
	vtimer_ctl_write(&t, CNT_CTL_ENABLE | CNT_CTL_IMASK);
	assert_int_equal(vtimer_ctl_read(&t, 150),
			 CNT_CTL_ENABLE | CNT_CTL_IMASK | CNT_CTL_ISTATUS);
	assert_false(vtimer_output(&t, 150));
}

static void test_timer_tval(void **state)
{
	struct vtimer t = {0};

	(void)state;
	vtimer_tval_write(&t, 1000, 64);
	assert_int_equal(t.cval, 1064);
	assert_int_equal(vtimer_tval_read(&t, 1000), 64);
	/* TVAL is signed 32-bit: past the deadline it goes negative. */
	assert_int_equal(vtimer_tval_read(&t, 1070), (uint64_t)-6);
	vtimer_tval_write(&t, 1000, 0xfffffff0); /* -16 */
	assert_int_equal(t.cval, 984);
}

static void test_timer_deadline(void **state)
{
	struct vtimer t = {0};

	(void)state;
	t.cval = 721;
	assert_int_equal(vtimer_deadline(&t, 0), SIM_TIME_NEVER);
	vtimer_ctl_write(&t, CNT_CTL_ENABLE);
	/* Counter ticks every 16 instructions. */
	assert_int_equal(vtimer_deadline(&t, 0), 721u * 16);
	assert_int_equal(sim_counter(721u * 16 - 1), 720);
	assert_int_equal(sim_counter(721u * 16), 721);
	/* CNTVOFF moves the deadline in physical time. */
	assert_int_equal(vtimer_deadline(&t, 5), 726u * 16);
	vtimer_ctl_write(&t, CNT_CTL_ENABLE | CNT_CTL_IMASK);
	assert_int_equal(vtimer_deadline(&t, 0), SIM_TIME_NEVER);
	vtimer_ctl_write(&t, CNT_CTL_ENABLE);
	t.cval = ~0ull;
	assert_int_equal(vtimer_deadline(&t, 0), SIM_TIME_NEVER);
}

/* ---- physical GIC ---- */

static void test_gic_priorities_and_states(void **state)
{
	struct fake_gic g;

	(void)state;
	fgic_reset(&g);
	assert_false(fgic_irq_signaled(&g));
	assert_int_equal(fgic_ack(&g), FGIC_SPURIOUS);
	fgic_raise(&g, 40);
	fgic_set_level(&g, 27, true);
	g.prio[40] = 0x80; /* higher priority than 27 (0xa0) */
	assert_true(fgic_irq_signaled(&g));
	assert_int_equal(fgic_ack(&g), 40);
	assert_int_equal(fgic_ack(&g), 27);
	/* Both active now: nothing more to signal although 27's line is
	 * still high. */
	assert_false(fgic_irq_signaled(&g));
	fgic_eoi(&g, 40);
	assert_false(fgic_is_pending(&g, 40)); /* edge: consumed by ack */
	fgic_eoi(&g, 27);
	assert_true(fgic_irq_signaled(&g)); /* level: pending again */
	fgic_set_level(&g, 27, false);
	assert_false(fgic_irq_signaled(&g));
	/* Disabled and masked interrupts are not signaled. */
	fgic_raise(&g, 33);
	fgic_set_enabled(&g, 33, false);
	assert_false(fgic_irq_signaled(&g));
	fgic_set_enabled(&g, 33, true);
	g.pmr = 0xa0;
	assert_false(fgic_irq_signaled(&g)); /* 0xa0 is not above PMR 0xa0 */
	g.pmr = 0xff;
	assert_int_equal(fgic_ack(&g), 33);
	/* Out-of-range INTIDs are ignored, never a crash. */
	fgic_raise(&g, 5000);
	fgic_set_level(&g, FGIC_NR_INTIDS, true);
	fgic_deactivate(&g, 99999);
	assert_false(fgic_is_pending(&g, 5000));
}

/* ---- virtual CPU interface ---- */

static void vif_enable(void)
{
	sim_sysreg_set(SYSREG_HCR_EL2, HCR_IMO);
	sim_sysreg_set(SYSREG_ICH_HCR_EL2, 1);			/* En */
	sim_sysreg_set(SYSREG_ICH_VMCR_EL2, 0xffull << 24 | 2); /* PMR, ENG1 */
}

static uint64_t rd(uint32_t enc)
{
	uint64_t v = 0xdead;

	assert_true(vcpuif_read(NULL, enc, &v));
	return v;
}

static void test_vif_ack_eoi(void **state)
{
	(void)state;
	vif_enable();
	sim_sysreg_set(SYSREG_ICH_LR(0),
		       LR_PENDING | LR_G1 | LR_PRIO(0xa0) | 27);
	sim_sysreg_set(SYSREG_ICH_LR(1),
		       LR_PENDING | LR_G1 | LR_PRIO(0x80) | 33);
	assert_true(vcpuif_irq_signaled());
	assert_int_equal(rd(ICC_HPPIR1), 33);
	assert_int_equal(rd(ICC_RPR), 0xff);
	assert_int_equal(rd(ICC_IAR1), 33);
	assert_int_equal(sim_sysreg_get(SYSREG_ICH_LR(1)) >> 62,
			 2); /* active */
	assert_int_equal(rd(ICC_RPR), 0x80);
	/* 27 (0xa0) cannot preempt the running 0x80. */
	assert_false(vcpuif_irq_signaled());
	assert_int_equal(rd(ICC_IAR1), 1023);
	assert_true(vcpuif_write(NULL, ICC_EOIR1, 33));
	assert_int_equal(sim_sysreg_get(SYSREG_ICH_LR(1)) >> 62, 0);
	assert_int_equal(rd(ICC_RPR), 0xff);
	assert_true(vcpuif_irq_signaled());
	assert_int_equal(rd(ICC_IAR1), 27);
	assert_true(vcpuif_write(NULL, ICC_EOIR1, 27));
	assert_false(vcpuif_irq_signaled());
	assert_int_equal(rd(ICC_IAR1), 1023);
	/* EOI of an interrupt in no LR counts in ICH_HCR_EL2.EOIcount. */
	assert_true(vcpuif_write(NULL, ICC_EOIR1, 50));
	assert_int_equal(sim_sysreg_get(SYSREG_ICH_HCR_EL2) >> 27, 1);
}

static void test_vif_masking(void **state)
{
	(void)state;
	vif_enable();
	sim_sysreg_set(SYSREG_ICH_LR(2),
		       LR_PENDING | LR_G1 | LR_PRIO(0xa0) | 40);
	assert_true(vcpuif_irq_signaled());
	/* Priority mask at or above the interrupt's priority. */
	assert_true(vcpuif_write(NULL, ICC_PMR, 0xa0));
	assert_int_equal(rd(ICC_PMR), 0xa0);
	assert_false(vcpuif_irq_signaled());
	assert_int_equal(rd(ICC_IAR1), 1023);
	assert_int_equal(rd(ICC_HPPIR1), 40); /* HPPIR ignores the mask */
	assert_true(vcpuif_write(NULL, ICC_PMR, 0xff));
	/* Group 1 disabled by the guest. */
	assert_true(vcpuif_write(NULL, ICC_IGRPEN1, 0));
	assert_int_equal(rd(ICC_IGRPEN1), 0);
	assert_false(vcpuif_irq_signaled());
	assert_true(vcpuif_write(NULL, ICC_IGRPEN1, 1));
	/* Virtual CPU interface disabled by the hypervisor. */
	sim_sysreg_set(SYSREG_ICH_HCR_EL2, 0);
	assert_false(vcpuif_irq_signaled());
	sim_sysreg_set(SYSREG_ICH_HCR_EL2, 1);
	assert_true(vcpuif_irq_signaled());
	/* ISR_EL1.I shows a signaled virtual IRQ. */
	assert_int_equal(rd(ISR_EL1), 0x80);
	/* Group 0 interrupts are not IRQs. */
	sim_sysreg_set(SYSREG_ICH_LR(2), LR_PENDING | LR_PRIO(0xa0) | 40);
	assert_false(vcpuif_irq_signaled());
}

static void test_vif_hw_and_eoimode(void **state)
{
	struct fake_gic g;

	(void)state;
	fgic_reset(&g);
	vif_enable();
	fgic_set_level(&g, 27, true);
	assert_int_equal(fgic_ack(&g), 27); /* hypervisor took it */
	sim_sysreg_set(SYSREG_ICH_LR(0), LR_PENDING | LR_G1 | LR_HW |
					     (27ull << 32) | LR_PRIO(0xa0) |
					     27);
	/* EOImode 1: EOIR drops priority only, DIR deactivates. */
	assert_true(vcpuif_write(&g, ICC_CTLR, 2));
	assert_int_equal(rd(ICC_CTLR) & 2, 2);
	assert_int_equal(rd(ICC_IAR1), 27);
	assert_true(vcpuif_write(&g, ICC_EOIR1, 27));
	assert_int_equal(sim_sysreg_get(SYSREG_ICH_LR(0)) >> 62, 2);
	assert_true(g.active[0] & (1ull << 27));
	assert_true(vcpuif_write(&g, ICC_DIR, 27));
	assert_int_equal(sim_sysreg_get(SYSREG_ICH_LR(0)) >> 62, 0);
	/* HW = 1: the physical interrupt is deactivated with it. */
	assert_false(g.active[0] & (1ull << 27));
}

static void test_vif_registers(void **state)
{
	uint64_t v;

	(void)state;
	vif_enable();
	assert_int_equal(rd(ICC_SRE), 7);
	/* 5 priority bits: PMR keeps the top five. */
	assert_true(vcpuif_write(NULL, ICC_PMR, 0xff));
	assert_int_equal(rd(ICC_PMR), 0xf8);
	/* BPR1 has a minimum of 3 with 5 preemption bits. */
	assert_true(vcpuif_write(NULL, ICC_BPR1, 0));
	assert_int_equal(rd(ICC_BPR1), 3);
	assert_true(vcpuif_write(NULL, ICC_BPR1, 5));
	assert_int_equal(rd(ICC_BPR1), 5);
	/* Write-only and read-only registers UNDEF the wrong way round. */
	assert_false(vcpuif_read(NULL, ICC_EOIR1, &v));
	assert_false(vcpuif_read(NULL, ICC_SGI1R, &v));
	assert_false(vcpuif_write(NULL, ICC_IAR1, 0));
	assert_false(vcpuif_write(NULL, ISR_EL1, 0));
	assert_true(vcpuif_owns(ICC_PMR));
	assert_true(vcpuif_owns(ICC_IAR1));
	assert_false(vcpuif_owns(SYSREG_VBAR_EL1));
}

/* With 5 bits of priority only ICC_AP0R0/AP1R0 exist (GICv3: AP<g>R1 needs
 * 6 bits, AP<g>R2/3 need 7); the others, like the unallocated encodings of
 * the ICC block, are UNDEFINED. QEMU's vCPU interface agrees. */
static void test_vif_unimplemented_registers(void **state)
{
	uint64_t v;

	(void)state;
	vif_enable();
	assert_true(vcpuif_read(NULL, ICC(12, 9, 0), &v));   /* AP1R0 */
	assert_true(vcpuif_write(NULL, ICC(12, 8, 4), 0));   /* AP0R0 */
	assert_false(vcpuif_read(NULL, ICC(12, 9, 1), &v));  /* AP1R1 */
	assert_false(vcpuif_read(NULL, ICC(12, 9, 3), &v));  /* AP1R3 */
	assert_false(vcpuif_write(NULL, ICC(12, 8, 7), 0));  /* AP0R3 */
	assert_false(vcpuif_read(NULL, ICC(12, 10, 0), &v)); /* unallocated */
	assert_false(vcpuif_write(NULL, ICC(12, 11, 0), 0)); /* unallocated */
}

static void test_vif_maintenance(void **state)
{
	uint64_t v = 0;

	(void)state;
	vif_enable();
	sim_sysreg_set(SYSREG_ICH_LR(0), LR_G1 | LR_EOI | 30); /* EOI'd */
	sim_sysreg_set(SYSREG_ICH_LR(1), LR_PENDING | LR_G1 | 31);
	assert_int_equal(vcpuif_eisr(), 1);
	assert_int_equal(vcpuif_elrsr(), 0xc); /* LRs 2, 3 empty */
	assert_true(vcpuif_computed_reg(SYSREG_ICH_MISR_EL2, &v));
	assert_int_equal(v & 1, 1); /* EOI */
	assert_true(vcpuif_maint_level());
	sim_sysreg_set(SYSREG_ICH_LR(0), 0);
	assert_int_equal(vcpuif_misr(), 0);
	/* Underflow: UIE with at most one valid LR. */
	sim_sysreg_set(SYSREG_ICH_HCR_EL2, 1 | 2);
	assert_int_equal(vcpuif_misr(), 2);
	/* No pending: NPIE. */
	sim_sysreg_set(SYSREG_ICH_LR(1), 0);
	sim_sysreg_set(SYSREG_ICH_HCR_EL2, 1 | 8);
	assert_int_equal(vcpuif_misr(), 8);
	/* Maintenance needs the interface enabled. */
	sim_sysreg_set(SYSREG_ICH_HCR_EL2, 8);
	assert_false(vcpuif_maint_level());
	assert_false(vcpuif_computed_reg(SYSREG_ICH_LR(0), &v));
}

/* The level follows every writer of the register file: the core's list
 * register and ICH_HCR_EL2 writes through the HAL, and a reset. */
static void test_vif_maintenance_follows_hal_writes(void **state)
{
	(void)state;
	vif_enable();
	assert_false(vcpuif_maint_level());	  /* no list register in use */
	hal_gic_lr_write(0, LR_G1 | LR_EOI | 30); /* EOI'd, HW = 0 */
	assert_true(vcpuif_maint_level());
	hal_sysreg_write(SYSREG_ICH_LR(0), 0);
	assert_false(vcpuif_maint_level());
	/* En and NPIE, with nothing pending */
	hal_sysreg_write(SYSREG_ICH_HCR_EL2, 1 | 8);
	assert_true(vcpuif_maint_level());
	sim_hal_reset(); /* ICH_HCR_EL2.En clear */
	assert_false(vcpuif_maint_level());
}

static void test_physical_route_when_imo_clear(void **state)
{
	struct fake_gic g;
	uint64_t v;

	(void)state;
	fgic_reset(&g);
	sim_sysreg_set(SYSREG_HCR_EL2, 0);
	fgic_raise(&g, 34);
	assert_true(vcpuif_read(&g, ICC_IAR1, &v));
	assert_int_equal(v, 34);
	assert_true(vcpuif_write(&g, ICC_EOIR1, 34));
	assert_false(g.active[0] & (1ull << 34));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_timer_status_and_output),
	    cmocka_unit_test(test_timer_tval),
	    cmocka_unit_test(test_timer_deadline),
	    cmocka_unit_test(test_gic_priorities_and_states),
	    cmocka_unit_test_setup(test_vif_ack_eoi, reset),
	    cmocka_unit_test_setup(test_vif_masking, reset),
	    cmocka_unit_test_setup(test_vif_hw_and_eoimode, reset),
	    cmocka_unit_test_setup(test_vif_registers, reset),
	    cmocka_unit_test_setup(test_vif_unimplemented_registers, reset),
	    cmocka_unit_test_setup(test_vif_maintenance, reset),
	    cmocka_unit_test_setup(test_vif_maintenance_follows_hal_writes,
				   reset),
	    cmocka_unit_test_setup(test_physical_route_when_imo_clear, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
