/*
 * The HAL's time on bare metal: the system counter and the EL2 physical
 * timer (CNTHP), whose interrupt, PPI 26, is the hypervisor's own tick.
 * CNTHP is banked per CPU, and smp.c enables its PPI on every CPU.
 */
#include "cpu.h"
#include "hal.h"
#include "hal_target.h"
#include "mmio_io.h"

#define CNT_CTL_ENABLE 1u

uint64_t hal_counter_now(void)
{
	/* The ISB keeps the read from being made ahead of earlier code. */
	isb();
	return read_sysreg(cntpct_el0);
}

uint64_t hal_counter_freq(void)
{
	return read_sysreg(cntfrq_el0);
}

void hal_hyp_timer_arm(uint64_t cval)
{
	write_sysreg(cnthp_cval_el2, cval);
	write_sysreg(cnthp_ctl_el2, CNT_CTL_ENABLE);
	isb();
}

void hal_hyp_timer_cancel(void)
{
	write_sysreg(cnthp_ctl_el2, 0);
	isb();
}

/* The host's PL031: RTCDR (offset 0) counts seconds since the epoch
 * (QEMU's starts from the host's UTC time). */
static uint64_t rtc_pa;

void hal_time_set_rtc(uint64_t pa)
{
	rtc_pa = pa;
}

uint64_t hal_wall_clock_seconds(void)
{
	return rtc_pa ? mmio_read32(rtc_pa) : 0;
}
