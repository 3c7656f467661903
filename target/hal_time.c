/*
 * The HAL's time on bare metal: the system counter and the EL2 physical
 * timer (CNTHP), whose interrupt, PPI 26, is the hypervisor's own tick.
 * CNTHP is banked per CPU, and smp.c enables its PPI on every CPU.
 */
#include "cpu.h"
#include "hal.h"

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
