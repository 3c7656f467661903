/*
 * The generic timer as the simulated CPU presents it: a counter driven by
 * virtual time (never the host clock) and EL1 timers compared against it.
 * Virtual time counts guest instructions; the counter ticks once every
 * 2^SIM_ICOUNT_SHIFT of them, which at CNTFRQ = 62.5 MHz matches QEMU's
 * "-icount shift=0" (one instruction per nanosecond).
 */
#ifndef SIM_VTIMER_H
#define SIM_VTIMER_H

#include <stdbool.h>
#include <stdint.h>

#define SIM_ICOUNT_SHIFT 4u
#define SIM_CNTFRQ 62500000u
#define SIM_TIME_NEVER UINT64_MAX

#define CNT_CTL_ENABLE (1ull << 0)
#define CNT_CTL_IMASK (1ull << 1)
#define CNT_CTL_ISTATUS (1ull << 2)

struct vtimer {
	uint64_t ctl; /* ENABLE and IMASK as written; ISTATUS is computed */
	uint64_t cval;
};

static inline uint64_t sim_counter(uint64_t vtime)
{
	return vtime >> SIM_ICOUNT_SHIFT;
}

uint64_t vtimer_ctl_read(const struct vtimer *t, uint64_t count);
void vtimer_ctl_write(struct vtimer *t, uint64_t val);
/* TVAL is the signed 32-bit distance from the count to CVAL. */
uint64_t vtimer_tval_read(const struct vtimer *t, uint64_t count);
void vtimer_tval_write(struct vtimer *t, uint64_t count, uint64_t val);

/* The timer's interrupt output: ENABLE, not IMASK, and count >= CVAL.
 * Inline, as the next one: every event check asks both of each timer. */
static inline bool vtimer_output(const struct vtimer *t, uint64_t count)
{
	return (t->ctl & CNT_CTL_ENABLE) && !(t->ctl & CNT_CTL_IMASK) &&
	       count >= t->cval;
}

/* Earliest virtual time at which the output will be asserted given the
 * offset between the physical count and this timer's count
 * (count = physical - offset), or SIM_TIME_NEVER. Only meaningful while
 * the output is low. */
static inline uint64_t vtimer_deadline(const struct vtimer *t, uint64_t offset)
{
	uint64_t phys = t->cval + offset;

	if (!(t->ctl & CNT_CTL_ENABLE) || (t->ctl & CNT_CTL_IMASK))
		return SIM_TIME_NEVER;
	if (phys < t->cval || phys >> (64 - SIM_ICOUNT_SHIFT))
		return SIM_TIME_NEVER; /* beyond the end of virtual time */
	return phys << SIM_ICOUNT_SHIFT;
}

/* The EL2 physical timer (CNTHP): the hypervisor's own, on the physical
 * count, its registers in the HAL's register file (sim/hyp_timer.c). Its
 * output drives PPI 26; the run loop samples it like the EL1 timers. */
bool sim_hyp_timer_output(uint64_t cntp);
uint64_t sim_hyp_timer_deadline(void);

#endif
