/*
 * The HAL's time on bare metal: the system counter and the EL2 physical
 * timer (CNTHP), whose interrupt, PPI 26, is the hypervisor's own tick.
 */
#include <stdbool.h>

#include "cpu.h"
#include "gicv3.h"
#include "hal.h"

#define CNTHP_PPI 26u
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

/* The PPI is enabled at first use, so a hypervisor that never arms a
 * deadline never programs the redistributor for it. Only the boot CPU
 * runs guests, and this is its redistributor. */
void hal_hyp_timer_arm(uint64_t cval)
{
	static bool enabled;

	if (!enabled) {
		gicv3_enable_irq(CNTHP_PPI, true);
		enabled = true;
	}
	write_sysreg(cnthp_cval_el2, cval);
	write_sysreg(cnthp_ctl_el2, CNT_CTL_ENABLE);
	isb();
}

void hal_hyp_timer_cancel(void)
{
	write_sysreg(cnthp_ctl_el2, 0);
	isb();
}
