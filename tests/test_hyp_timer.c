/*
 * The hypervisor's own timer end to end, against the sim's fake GIC and
 * register file: a VM's PL031 alarm programs CNTHP_CVAL_EL2/CTL_EL2, the
 * interrupt on INTID 26 runs it and is completed at once (never
 * forwarded), and the RTC's SPI (INTID 34) reaches the vGIC. Also the
 * sim's model of CNTHP itself (sim/hyp_timer.c). Literal values: CNTFRQ
 * 62.5 MHz, the PL031 and README guest map, CNTx_CTL bits.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "a64_sysregs.h"
#include "bus_access.h"
#include "exit.h"
#include "fake_gic.h"
#include "hal.h"
#include "sim_hal.h"
#include "test_vm.h"
#include "vgic/vgic.h"
#include "vtimer.h"

#define RTC_IPA 0x09010000ull
#define SECOND 62500000ull

static struct test_vm tvm;
static struct fake_gic gic;

static int setup(void **state)
{
	(void)state;
	test_vm_setup(&tvm, 8 << 20, 1);
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

static void rtc_wr(uint32_t off, uint32_t v)
{
	bus_wr(&tvm.vm->bus, RTC_IPA + off, 4, v);
}

static void rtc_alarm_through_intid_26(void **state)
{
	const struct vgic_irq *spi;

	(void)state;
	test_vm_gic_enable(&tvm, 34, 0x80);
	sim_sysreg_set(A64_SR_CNTPCT_EL0, 1000);
	rtc_wr(0x008, 0); /* RTCLR: count from 0, not the time of day */
	rtc_wr(0x004, 3); /* RTCMR */
	rtc_wr(0x00c, 1); /* RTCCR: start at count 1000 */
	rtc_wr(0x010, 1); /* RTCIMSC */
	assert_int_equal(sim_sysreg_get(A64_SR_CNTHP_CTL_EL2), 1);
	assert_int_equal(sim_sysreg_get(A64_SR_CNTHP_CVAL_EL2),
			 1000 + 3 * SECOND);
	spi = vgic_irq_get(tvm.vm, NULL, 34);
	assert_false(spi->line_level);

	sim_sysreg_set(A64_SR_CNTPCT_EL0, 1000 + 3 * SECOND);
	fgic_set_level(&gic, 26, true);
	assert_int_equal(hv_handle_irq(tvm.v), EXIT_RESUME);
	assert_true(spi->line_level);
	/* Completed at once: not left active, not forwarded. */
	assert_int_equal(gic.eois, 1);
	assert_false((gic.active[0] >> 26) & 1);
	assert_int_equal(tvm.v->note.a, 26);
	/* Reprogrammed for the next match, 2^32 s on, before the EOI. */
	assert_int_equal(sim_sysreg_get(A64_SR_CNTHP_CVAL_EL2),
			 1000 + 3 * SECOND + (1ull << 32) * SECOND);
}

/* A VM's destruction takes its deadlines off the timer. */
static void destroyed_vm_stops_the_timer(void **state)
{
	(void)state;
	rtc_wr(0x004, 9);
	rtc_wr(0x00c, 1);
	assert_int_equal(sim_sysreg_get(A64_SR_CNTHP_CTL_EL2), 1);
	vm_destroy(tvm.vm);
	assert_int_equal(sim_sysreg_get(A64_SR_CNTHP_CTL_EL2), 0);
	tvm.vm = NULL;
}

/* CNTHP in the sim: ENABLE without IMASK; output from CVAL on; its
 * deadline in virtual time is CVAL * 16 (counter = time / 16). */
static void sim_cnthp_model(void **state)
{
	(void)state;
	assert_int_equal(hal_counter_freq(), 62500000);
	hal_hyp_timer_arm(1000);
	assert_int_equal(sim_sysreg_get(A64_SR_CNTHP_CTL_EL2), 1);
	assert_false(sim_hyp_timer_output(999));
	assert_true(sim_hyp_timer_output(1000));
	assert_int_equal(sim_hyp_timer_deadline(), 16000);
	hal_hyp_timer_cancel();
	assert_false(sim_hyp_timer_output(5000));
	assert_int_equal(sim_hyp_timer_deadline(), UINT64_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(rtc_alarm_through_intid_26, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(destroyed_vm_stops_the_timer, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(sim_cnthp_model, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
