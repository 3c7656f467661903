/*
 * The EL1 timers' interrupts forwarded through HW=1 list registers
 * (src/vgic/timer.c), against a physical GIC model (sim/fake_gic): the
 * physical interrupt stays active until its virtual twin is done with, the
 * guest's CNTV_CTL_EL0 is never written by the hypervisor, and a timer the
 * guest stops without taking its interrupt does not leave the physical one
 * active for ever. Values are literal (GICv3 LR layout, CNTx_CTL bits).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "bus_access.h"
#include "exit.h"
#include "fake_gic.h"
#include "hal.h"
#include "sim_hal.h"
#include "test_vm.h"
#include "vgic/vgic.h"

#define LR0 SYSREG_ENC(3, 4, 12, 12, 0)
#define ICH_VTR SYSREG_ENC(3, 4, 12, 11, 1)
#define CNTV_CTL SYSREG_ENC(3, 3, 14, 3, 1)
#define CNTP_CTL SYSREG_ENC(3, 3, 14, 2, 1)
/* CNTx_CTL: ENABLE [0], IMASK [1], ISTATUS [2] */
#define CTL_FIRING 0x5ull

static struct test_vm tvm;
static struct fake_gic gic;

static int setup(void **state)
{
	(void)state;
	test_vm_setup(&tvm, 8 << 20, 1);
	sim_sysreg_set(ICH_VTR, 3); /* four list registers */
	fgic_reset(&gic);
	fgic_attach_hal(&gic);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fgic_attach_hal(NULL);
	test_vm_teardown(&tvm);
	return 0;
}

static bool phys_active(uint32_t intid)
{
	return (gic.active[intid / 64] >> (intid % 64)) & 1;
}

/* The physical timer fires: level high at the GIC, the exit acks it. */
static enum exit_action physical_fire(uint32_t intid, uint32_t ctl_enc)
{
	hal_sysreg_write(ctl_enc, CTL_FIRING);
	fgic_set_level(&gic, intid, true);
	return hv_handle_irq(tvm.v);
}

static void virtual_timer_goes_through_an_hw_lr(void **state)
{
	(void)state;
	test_vm_gic_enable(&tvm, 27, 0xa0);
	assert_int_equal(physical_fire(27, CNTV_CTL), EXIT_RESUME);
	/* Pending [62], HW [61], Group 1 [60], priority 0xa0, pINTID 27
	 * [44:32], vINTID 27: deactivating it deactivates the physical. */
	assert_int_equal(hal_sysreg_read(LR0), 0x70a0001b0000001bull);
	/* Priority dropped only: still active physically, so a timer that
	 * keeps firing cannot interrupt again before the guest is done. */
	assert_true(phys_active(27));
	assert_int_equal(gic.eois, 0);
	/* The guest's CNTV_CTL is its own: no IMASK added behind its back. */
	assert_int_equal(hal_sysreg_read(CNTV_CTL), CTL_FIRING);
}

static void physical_timer_is_forwarded_too(void **state)
{
	(void)state;
	test_vm_gic_enable(&tvm, 30, 0x80);
	assert_int_equal(physical_fire(30, CNTP_CTL), EXIT_RESUME);
	assert_int_equal(hal_sysreg_read(LR0), 0x7080001e0000001eull);
	assert_true(phys_active(30));
	assert_int_equal(hal_sysreg_read(CNTP_CTL), CTL_FIRING);
}

/*
 * A guest that polls ISTATUS with the interrupt disabled in its GIC never
 * takes it: once its timer output drops (it disables or reprograms the
 * timer), the next exit deactivates the physical interrupt so the timer
 * can fire again; while the output stays high, it stays active (no storm).
 */
static void stopped_timer_releases_the_physical_interrupt(void **state)
{
	uint64_t hvc = 0x5a000000; /* EC 0x16 HVC64, IL */

	(void)state;
	physical_fire(27, CNTV_CTL);
	assert_int_equal(hal_sysreg_read(LR0), 0); /* not enabled: no LR */
	assert_true(phys_active(27));
	tvm.v->regs.x[0] = 0x84000000;
	test_trap(tvm.v, hvc, 0, 0);
	assert_true(phys_active(27));  /* output still high */
	hal_sysreg_write(CNTV_CTL, 0); /* the guest stops its timer */
	fgic_set_level(&gic, 27, false);
	tvm.v->regs.x[0] = 0x84000000;
	test_trap(tvm.v, hvc, 0, 0);
	assert_false(phys_active(27));
	assert_int_equal(tvm.v->vgic.phys_active, 0);
}

/* The guest takes it and deactivates it through the HW LR: the hardware
 * deactivates the physical one, and the model agrees (a deactivation by
 * the core afterwards goes through ICACTIVER, defined for an interrupt that
 * is no longer active). */
static void guest_deactivation_completes_it(void **state)
{
	uint64_t hvc = 0x5a000000;

	(void)state;
	test_vm_gic_enable(&tvm, 27, 0xa0);
	physical_fire(27, CNTV_CTL);
	hal_sysreg_write(LR0, 0xb0a0001b0000001bull); /* acknowledged */
	hal_sysreg_write(CNTV_CTL, 0x1);	      /* reprogrammed: quiet */
	fgic_set_level(&gic, 27, false);
	/* Deactivation of an HW LR: the GIC deactivates pINTID 27. */
	hal_sysreg_write(LR0, 0);
	fgic_deactivate(&gic, 27);
	tvm.v->regs.x[0] = 0x84000000;
	test_trap(tvm.v, hvc, 0, 0);
	assert_false(phys_active(27));
	assert_int_equal(tvm.v->vgic.phys_active, 0);
	assert_int_equal(hal_sysreg_read(LR0), 0);
	/* GICR_ISACTIVER0 of vCPU 0: 27 no longer active. */
	assert_int_equal(bus_rd(&tvm.vm->bus, 0x080b0300, 4) & (1u << 27), 0);
}

/* A WFI ends while a timer fires even when the guest's GIC would not
 * deliver its interrupt (the physical one stays active meanwhile), and
 * idles when no timer fires and nothing is deliverable. */
static void wfi_ends_while_a_timer_fires(void **state)
{
	uint64_t wfi = 0x06000000; /* EC 0x01 WFx, IL, TI = WFI */

	(void)state;
	hal_sysreg_write(CNTV_CTL, 0x1); /* armed, not yet expired */
	tvm.v->regs.pc = TEST_RAM_IPA + 0x40;
	assert_int_equal(test_trap(tvm.v, wfi, 0, 0), EXIT_WFI);
	hal_sysreg_write(CNTV_CTL, CTL_FIRING); /* 27 not enabled in the GIC */
	assert_int_equal(test_trap(tvm.v, wfi, 0, 0), EXIT_RESUME);
	hal_sysreg_write(CNTV_CTL, 0x7); /* firing but IMASK: not an output */
	assert_int_equal(test_trap(tvm.v, wfi, 0, 0), EXIT_WFI);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	    T(virtual_timer_goes_through_an_hw_lr),
	    T(physical_timer_is_forwarded_too),
	    T(stopped_timer_releases_the_physical_interrupt),
	    T(guest_deactivation_completes_it),
	    T(wfi_ends_while_a_timer_fires),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
