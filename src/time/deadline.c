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
/* Per physical CPU: what its timer is set to (DEADLINE_NEVER: cancelled),
 * and whether it is inside deadline_timer_irq, which programs the timer
 * once at its end. */
static struct {
	uint64_t programmed;
	bool in_irq;
} cpus[HV_MAX_PCPUS] = {[0 ... HV_MAX_PCPUS - 1] = {DEADLINE_NEVER, false}};

static uint64_t earliest(unsigned cpu);

static bool counts_on(const struct deadline_set *s, unsigned cpu)
{
	return s->cpu == DEADLINE_ANY_CPU || s->cpu == (int)cpu;
}

static void program(unsigned cpu, uint64_t at)
{
	cpus[cpu].programmed = at;
	if (at == DEADLINE_NEVER)
		hal_hyp_timer_cancel();
	else
		hal_hyp_timer_arm(at);
}

/* After the set of deadlines changed other than by an earlier arm. */
static void reprogram(void)
{
	unsigned cpu = hal_cpu_id();

	if (!cpus[cpu].in_irq)
		program(cpu, earliest(cpu));
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

static int attach(struct deadline_set *s, int cpu)
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
	s->cpu = cpu;
	reprogram();
	return HV_OK;
}

int deadline_set_attach(struct deadline_set *s)
{
	return attach(s, DEADLINE_ANY_CPU);
}

int deadline_set_attach_cpu(struct deadline_set *s, unsigned cpu)
{
	return attach(s, (int)cpu);
}

void deadline_set_detach(struct deadline_set *s)
{
	for (unsigned i = 0; i < DEADLINE_MAX_SETS; i++)
		if (sets[i] == s)
			sets[i] = NULL;
	s->attached = false;
	s->cpu = DEADLINE_ANY_CPU;
	reprogram();
}

void deadline_arm(struct deadline *d, uint64_t at)
{
	unsigned cpu = hal_cpu_id();

	d->at = at;
	if (!cpus[cpu].in_irq && at < cpus[cpu].programmed && d->set &&
	    d->set->attached && counts_on(d->set, cpu))
		program(cpu, at);
}

void deadline_cancel(struct deadline *d)
{
	d->at = DEADLINE_NEVER;
}

/* Calls every deadline of cpu's due at 'now'; true if one was. */
static bool run_expired(unsigned cpu, uint64_t now)
{
	bool fired = false;

	for (unsigned i = 0; i < DEADLINE_MAX_SETS; i++) {
		struct deadline_set *s = sets[i];

		if (!s || !counts_on(s, cpu))
			continue;
		for (unsigned j = 0; j < s->n; j++) {
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

static uint64_t earliest(unsigned cpu)
{
	uint64_t min = DEADLINE_NEVER;

	for (unsigned i = 0; i < DEADLINE_MAX_SETS; i++)
		for (unsigned j = 0;
		     sets[i] && counts_on(sets[i], cpu) && j < sets[i]->n; j++)
			if (sets[i]->d[j]->at < min)
				min = sets[i]->d[j]->at;
	return min;
}

void deadline_timer_irq(void)
{
	/* A deadline re-armed by its own handler for a time already past
	 * runs again now, not after another interrupt; a bounded number of
	 * rounds keeps a device that always does so from holding the CPU. */
	unsigned cpu = hal_cpu_id();

	cpus[cpu].in_irq = true;
	for (unsigned round = 0; round < 4; round++)
		if (!run_expired(cpu, hal_counter_now()))
			break;
	cpus[cpu].in_irq = false;
	program(cpu, earliest(cpu));
}
