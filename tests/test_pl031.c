/*
 * The emulated PL031 RTC, driven through the MMIO bus as a guest would,
 * with the system counter set by hand (62.5 MHz, the sim's CNTFRQ).
 * Register offsets and values are the PL031 TRM's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "a64_sysregs.h"
#include "bus_access.h"
#include "dev/mmio.h"
#include "dev/pl031.h"
#include "hv_err.h"
#include "sim_hal.h"
#include "time/deadline.h"

#define BASE 0x09010000ull

#define RTCDR 0x000
#define RTCMR 0x004
#define RTCLR 0x008
#define RTCCR 0x00c
#define RTCIMSC 0x010
#define RTCRIS 0x014
#define RTCMIS 0x018
#define RTCICR 0x01c

#define SECOND 62500000ull /* counter ticks at CNTFRQ 62.5 MHz */

static struct pl031 rtc;
static struct mmio_bus bus;
static struct deadline_set set;

static void set_count(uint64_t c)
{
	sim_sysreg_set(A64_SR_CNTPCT_EL0, c);
}

/* The RTC created at counter value count, with the sim's wall clock as
 * sim_hal_reset leaves it unless wall is non-zero. */
static int create(uint64_t wall, uint64_t count)
{
	sim_hal_reset();
	if (wall)
		sim_hal_set_wall_clock(wall);
	set_count(count);
	memset(&bus, 0, sizeof(bus));
	memset(&set, 0, sizeof(set));
	memset(&rtc, 0xa5, sizeof(rtc)); /* init must not rely on zeroes */
	pl031_init(&rtc, BASE);
	if (deadline_set_add(&set, &rtc.match) != HV_OK ||
	    deadline_set_attach(&set) != HV_OK)
		return -1;
	return mmio_bus_add(&bus, &rtc.dev) == HV_OK ? 0 : -1;
}

static int setup(void **state)
{
	(void)state;
	return create(0, 0);
}

/* Created 3 s into a day whose counter 0 was at 1700000000 s. */
static int setup_later(void **state)
{
	(void)state;
	return create(1700000000, 3 * SECOND + 5);
}

static int teardown(void **state)
{
	(void)state;
	deadline_set_detach(&set);
	sim_hal_reset();
	return 0;
}

static uint32_t rd32(uint32_t off)
{
	return (uint32_t)bus_rd(&bus, BASE + off, 4);
}

static void wr32(uint32_t off, uint32_t val)
{
	bus_wr(&bus, BASE + off, 4, val);
}

static void test_primecell_ids(void **state)
{
	static const uint8_t want[8] = {0x31, 0x10, 0x04, 0x00,
					0x0d, 0xf0, 0x05, 0xb1};

	(void)state;
	for (unsigned i = 0; i < 8; i++) {
		assert_int_equal(rd32(0xfe0 + 4 * i), want[i]);
		assert_int_equal(bus_rd(&bus, BASE + 0xfe0 + 4 * i, 1),
				 want[i]);
	}
	assert_int_equal(rtc.dev.size, 0x1000);
}

/* Reset: stopped, holding the time of day it was created at (the sim's
 * day starts at 2026-01-01T00:00:00Z, 1767225600 s, at count 0). */
static void test_reset_values(void **state)
{
	(void)state;
	set_count(123456789);
	assert_int_equal(rd32(RTCDR), 1767225600u);
	assert_int_equal(rd32(RTCMR), 0);
	assert_int_equal(rd32(RTCLR), 1767225600u);
	assert_int_equal(rd32(RTCCR), 0);
	assert_int_equal(rd32(RTCIMSC), 0);
	assert_int_equal(rd32(RTCRIS), 0);
	assert_int_equal(rd32(RTCMIS), 0);
}

/* Created later, it starts from that moment's time of day, and a guest
 * that starts it counts on from there. */
static void test_starts_at_time_of_day(void **state)
{
	(void)state;
	assert_int_equal(rd32(RTCDR), 1700000003u);
	assert_int_equal(rd32(RTCCR), 0);
	wr32(RTCCR, 1);
	set_count(5 * SECOND + 5);
	assert_int_equal(rd32(RTCDR), 1700000005u);
}

/* Stopped, RTCDR holds the loaded value; started, it adds whole seconds
 * of the counter since the start. */
static void test_counting(void **state)
{
	(void)state;
	wr32(RTCLR, 0x100);
	set_count(5 * SECOND);
	assert_int_equal(rd32(RTCDR), 0x100);
	set_count(1000);
	wr32(RTCCR, 1);
	assert_int_equal(rd32(RTCCR), 1);
	set_count(1000 + SECOND - 1);
	assert_int_equal(rd32(RTCDR), 0x100);
	set_count(1000 + SECOND);
	assert_int_equal(rd32(RTCDR), 0x101);
	set_count(1000 + 10 * SECOND);
	assert_int_equal(rd32(RTCDR), 0x10a);
	/* RTCStart cannot be cleared; RTCDR ignores writes. */
	wr32(RTCCR, 0);
	wr32(RTCDR, 7);
	assert_int_equal(rd32(RTCCR), 1);
	assert_int_equal(rd32(RTCDR), 0x10a);
	/* Nor does starting it again restart the count. */
	wr32(RTCCR, 1);
	assert_int_equal(rd32(RTCDR), 0x10a);
	/* Loading restarts the second. */
	set_count(1000 + 10 * SECOND + 7);
	wr32(RTCLR, 0xfffffffe);
	assert_int_equal(rd32(RTCLR), 0xfffffffe);
	set_count(1000 + 12 * SECOND + 6);
	assert_int_equal(rd32(RTCDR), 0xffffffff);
	set_count(1000 + 12 * SECOND + 7);
	assert_int_equal(rd32(RTCDR), 0); /* wraps at 2^32 */
}

static void test_match_via_deadline(void **state)
{
	(void)state;
	set_count(5000);
	wr32(RTCLR, 10);
	wr32(RTCCR, 1);
	wr32(RTCMR, 12);
	assert_int_equal(rd32(RTCRIS), 0);
	/* The hypervisor timer is set for the second RTCDR becomes 12. */
	assert_int_equal(sim_sysreg_get(A64_SR_CNTHP_CTL_EL2), 1);
	assert_int_equal(sim_sysreg_get(A64_SR_CNTHP_CVAL_EL2),
			 5000 + 2 * SECOND);
	set_count(5000 + 2 * SECOND - 1);
	deadline_timer_irq(); /* early: nothing happens, timer re-set */
	assert_int_equal(rd32(RTCRIS), 0);
	assert_int_equal(sim_sysreg_get(A64_SR_CNTHP_CVAL_EL2),
			 5000 + 2 * SECOND);
	set_count(5000 + 2 * SECOND);
	deadline_timer_irq();
	assert_int_equal(rtc.ris, 1);
	assert_int_equal(rd32(RTCRIS), 1);
	assert_int_equal(rd32(RTCMIS), 0); /* masked */
	wr32(RTCIMSC, 1);
	assert_int_equal(rd32(RTCIMSC), 1);
	assert_int_equal(rd32(RTCMIS), 1);
	wr32(RTCICR, 1);
	assert_int_equal(rd32(RTCRIS), 0);
	assert_int_equal(rd32(RTCMIS), 0);
	/* The next match is when the counter comes round, 2^32 s on. */
	assert_int_equal(sim_sysreg_get(A64_SR_CNTHP_CVAL_EL2),
			 5000 + 2 * SECOND + (1ull << 32) * SECOND);
}

/* A guest polling RTCRIS sees a due match before the timer interrupt. */
static void test_match_seen_by_polling(void **state)
{
	(void)state;
	wr32(RTCLR, 0);
	wr32(RTCMR, 3);
	wr32(RTCCR, 1);
	wr32(RTCIMSC, 1);
	assert_int_equal(rd32(RTCRIS), 0);
	set_count(3 * SECOND - 1);
	assert_int_equal(rd32(RTCMIS), 0);
	set_count(3 * SECOND);
	assert_int_equal(rd32(RTCMIS), 1);
	assert_int_equal(rd32(RTCRIS), 1);
}

/* RTCMR written equal to RTCDR matches at once; so do a load and a
 * start (RTCDR at its reset value, the time of day). */
static void test_match_now(void **state)
{
	(void)state;
	wr32(RTCMR, 1767225600u);
	wr32(RTCICR, 1);
	wr32(RTCCR, 1);
	assert_int_equal(rd32(RTCRIS), 1);
	wr32(RTCICR, 1);
	wr32(RTCLR, 77);
	wr32(RTCMR, 77);
	assert_int_equal(rd32(RTCRIS), 1);
	wr32(RTCICR, 0xfffffffe); /* bit 0 clear: no effect */
	assert_int_equal(rd32(RTCRIS), 1);
	wr32(RTCICR, 1);
	assert_int_equal(rd32(RTCRIS), 0);
	wr32(RTCMR, 500);
	assert_int_equal(rd32(RTCRIS), 0);
	wr32(RTCLR, 500);
	assert_int_equal(rd32(RTCRIS), 1);
}

/* Stopped, the count does not move, and nothing matches later. */
static void test_stopped_no_deadline(void **state)
{
	(void)state;
	wr32(RTCMR, 1);
	assert_int_equal(sim_sysreg_get(A64_SR_CNTHP_CTL_EL2), 0);
	set_count(10 * SECOND);
	assert_int_equal(rd32(RTCRIS), 0);
}

static void test_widths_and_reserved(void **state)
{
	static const uint32_t regs[] = {RTCDR,	 RTCMR,	 RTCLR,	 RTCCR,
					RTCIMSC, RTCRIS, RTCMIS, RTCICR};
	uint64_t v = 0;

	(void)state;
	for (unsigned i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		for (unsigned w = 1; w <= 8; w *= 2) {
			if (w == 4)
				continue;
			assert_int_equal(
			    bus_rw(&bus, BASE + regs[i], w, false, &v),
			    MMIO_BAD_ACCESS);
			assert_int_equal(
			    bus_rw(&bus, BASE + regs[i], w, true, &v),
			    MMIO_BAD_ACCESS);
		}
	}
	assert_int_equal(bus_rw(&bus, BASE + 0xfe0, 8, false, &v),
			 MMIO_BAD_ACCESS);
	wr32(0x020, 0xffffffff);
	assert_int_equal(rd32(0x020), 0);
	wr32(0xfdc, 0xffffffff);
	assert_int_equal(rd32(0xfdc), 0);
	wr32(RTCIMSC, 0xffffffff);
	assert_int_equal(rd32(RTCIMSC), 1);
	assert_int_equal(rd32(RTCICR), 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_primecell_ids),
	    T(test_reset_values),
	    T(test_counting),
	    cmocka_unit_test_setup_teardown(test_starts_at_time_of_day,
					    setup_later, teardown),
	    T(test_match_via_deadline),
	    T(test_match_seen_by_polling),
	    T(test_match_now),
	    T(test_stopped_no_deadline),
	    T(test_widths_and_reserved),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
