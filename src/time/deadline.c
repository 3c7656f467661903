/*
 * One hardware timer multiplexed over every device deadline. Arming is the
 * hot path (a UART re-arms its receive timeout on every byte), so it only
 * moves the hardware timer earlier; cancelling leaves it alone. A timer
 * that fires with nothing expired (the deadline it was set for was
 * cancelled or moved later) costs one interrupt, after which it is set
 * for the real earliest deadline.
 */
#include "time/deadline.h"
#include "hal.h"
#include "hv_err.h"

static struct deadline_set *sets[DEADLINE_MAX_SETS];
/* What the hardware timer is set to (DEADLINE_NEVER: cancelled). */
static uint64_t programmed = DEADLINE_NEVER;
/* Inside deadline_timer_irq, which programs the timer once at its end. */
static bool in_irq;

static uint64_t earliest(void);

static void program(uint64_t at)
{
	programmed = at;
	if (at == DEADLINE_NEVER)
		hal_hyp_timer_cancel();
	else
		hal_hyp_timer_arm(at);
}

void deadline_init(struct deadline *d, void (*fire)(void *ctx), void *ctx)
{
	d->at = DEADLINE_NEVER;
	d->fire = fire;
	d->ctx = ctx;
	d->set = NULL;
}

int deadline_set_add(struct deadline_set *s, struct deadline *d)
{
	if (s->n >= DEADLINES_PER_SET)
		return HV_ENOMEM;
	s->d[s->n++] = d;
	d->set = s;
	if (s->attached && deadline_armed(d))
		deadline_arm(d, d->at);
	return HV_OK;
}

int deadline_set_attach(struct deadline_set *s)
{
	unsigned i;

	if (s->attached)
		return HV_OK;
	for (i = 0; i < DEADLINE_MAX_SETS && sets[i]; i++)
		;
	if (i == DEADLINE_MAX_SETS)
		return HV_ENOMEM;
	sets[i] = s;
	s->attached = true;
	if (!in_irq)
		program(earliest());
	return HV_OK;
}

void deadline_set_detach(struct deadline_set *s)
{
	for (unsigned i = 0; i < DEADLINE_MAX_SETS; i++)
		if (sets[i] == s)
			sets[i] = NULL;
	s->attached = false;
	if (!in_irq)
		program(earliest());
}

void deadline_arm(struct deadline *d, uint64_t at)
{
	d->at = at;
	if (!in_irq && at < programmed && d->set && d->set->attached)
		program(at);
}

void deadline_cancel(struct deadline *d)
{
	d->at = DEADLINE_NEVER;
}

/* Calls every deadline due at 'now'; true if one was. */
static bool run_expired(uint64_t now)
{
	bool fired = false;

	for (unsigned i = 0; i < DEADLINE_MAX_SETS; i++) {
		struct deadline_set *s = sets[i];

		for (unsigned j = 0; s && j < s->n; j++) {
			struct deadline *d = s->d[j];

			if (d->at > now)
				continue;
			d->at = DEADLINE_NEVER; /* before: fire may re-arm */
			d->fire(d->ctx);
			fired = true;
		}
	}
	return fired;
}

static uint64_t earliest(void)
{
	uint64_t min = DEADLINE_NEVER;

	for (unsigned i = 0; i < DEADLINE_MAX_SETS; i++)
		for (unsigned j = 0; sets[i] && j < sets[i]->n; j++)
			if (sets[i]->d[j]->at < min)
				min = sets[i]->d[j]->at;
	return min;
}

void deadline_timer_irq(void)
{
	/* A deadline re-armed by its own handler for a time already past
	 * runs again now, not after another interrupt; a bounded number of
	 * rounds keeps a device that always does so from holding the CPU. */
	in_irq = true;
	for (unsigned round = 0; round < 4; round++)
		if (!run_expired(hal_counter_now()))
			break;
	in_irq = false;
	program(earliest());
}
