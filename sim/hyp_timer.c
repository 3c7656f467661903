/*
 * The EL2 physical timer of the simulated CPU (CNTHP_CTL_EL2 and
 * CNTHP_CVAL_EL2, the hypervisor's tick): the same comparator as the EL1
 * timers (vtimer.c) on the physical count of virtual time. The HAL arms
 * it from inside a trap or an interrupt exit, after which the run loop
 * re-evaluates every timer deadline, this one included; idling in WFI
 * advances virtual time to it like to the guest's timers.
 */
#include "a64_sysregs.h"
#include "hal.h"
#include "sim_hal.h"
#include "vtimer.h"

static struct vtimer hyp_timer(void)
{
	return (struct vtimer){
	    .ctl = sim_sysreg_get(A64_SR_CNTHP_CTL_EL2),
	    .cval = sim_sysreg_get(A64_SR_CNTHP_CVAL_EL2),
	};
}

bool sim_hyp_timer_output(uint64_t cntp)
{
	struct vtimer t = hyp_timer();

	return vtimer_output(&t, cntp);
}

uint64_t sim_hyp_timer_deadline(void)
{
	struct vtimer t = hyp_timer();

	return vtimer_deadline(&t, 0);
}

uint64_t hal_counter_now(void)
{
	/* Through the CPU backend: the count at the current virtual time;
	 * without one (unit tests), whatever the test put in the file. */
	return hal_sysreg_read(A64_SR_CNTPCT_EL0);
}

uint64_t hal_counter_freq(void)
{
	return sim_sysreg_get(A64_SR_CNTFRQ_EL0);
}

void hal_hyp_timer_arm(uint64_t cval)
{
	sim_sysreg_set(A64_SR_CNTHP_CVAL_EL2, cval);
	sim_sysreg_set(A64_SR_CNTHP_CTL_EL2, CNT_CTL_ENABLE);
}

void hal_hyp_timer_cancel(void)
{
	sim_sysreg_set(A64_SR_CNTHP_CTL_EL2, 0);
}
