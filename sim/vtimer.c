/* Generic timer comparator semantics (Arm ARM, "The Generic Timer"). */
#include "vtimer.h"

static bool condition_met(const struct vtimer *t, uint64_t count)
{
	return count >= t->cval;
}

uint64_t vtimer_ctl_read(const struct vtimer *t, uint64_t count)
{
	uint64_t ctl = t->ctl & (CNT_CTL_ENABLE | CNT_CTL_IMASK);

	if ((ctl & CNT_CTL_ENABLE) && condition_met(t, count))
		ctl |= CNT_CTL_ISTATUS;
	return ctl;
}

void vtimer_ctl_write(struct vtimer *t, uint64_t val)
{
	t->ctl = val & (CNT_CTL_ENABLE | CNT_CTL_IMASK);
}

uint64_t vtimer_tval_read(const struct vtimer *t, uint64_t count)
{
	return (uint64_t)(int64_t)(int32_t)(uint32_t)(t->cval - count);
}

void vtimer_tval_write(struct vtimer *t, uint64_t count, uint64_t val)
{
	t->cval = count + (uint64_t)(int64_t)(int32_t)(uint32_t)val;
}
