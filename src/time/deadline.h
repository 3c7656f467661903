/*
 * Device deadlines on the hypervisor's own timer (CNTHP, PPI 26). A device
 * model that must act at a time of its own (an RTC alarm, a UART's receive
 * timeout) arms a deadline in system-counter ticks; the core keeps the
 * EL2 physical timer programmed to the earliest armed deadline of every
 * attached set and, when its interrupt arrives, calls each expired one.
 *
 * Deadlines belong to sets: a VM's devices share one (struct vm embeds
 * it), which any physical CPU may run; each physical CPU has a private
 * one for its scheduler (struct pcpu), which only that CPU runs and arms.
 * A set counts only while attached. Each CPU's timer is programmed for the
 * earliest deadline of the shared sets and of its own, so a shared
 * deadline armed on one CPU fires there even if the others' timers are set
 * later; a CPU whose timer fires for a deadline another CPU already ran
 * finds nothing expired and reprograms.
 *
 * Callers hold the scheduler's lock (sched.h): the sets are shared.
 */
#ifndef HV_TIME_DEADLINE_H
#define HV_TIME_DEADLINE_H

#include <stdbool.h>
#include <stdint.h>

#define HV_TIMER_PPI 26u /* the EL2 physical timer's interrupt */
#define DEADLINE_NEVER UINT64_MAX
#define DEADLINES_PER_SET 4u
#define DEADLINE_MAX_SETS 16u
#define DEADLINE_ANY_CPU (-1)

struct deadline {
	uint64_t at; /* counter value; DEADLINE_NEVER while not armed */
	void (*fire)(void *ctx);
	void *ctx;
	/* The set it belongs to: only an attached set's deadlines program
	 * the hypervisor timer (a device outside any VM still keeps 'at',
	 * which its registers may check). */
	const struct deadline_set *set;
};

struct deadline_set {
	struct deadline *d[DEADLINES_PER_SET];
	unsigned n;
	bool attached;
	int cpu; /* the physical CPU it is private to, or DEADLINE_ANY_CPU */
};

void deadline_init(struct deadline *d, void (*fire)(void *ctx), void *ctx);
/* HV_OK, or HV_ENOMEM when the set is full. */
int deadline_set_add(struct deadline_set *s, struct deadline *d);
/* HV_OK, or HV_ENOMEM when DEADLINE_MAX_SETS are attached already. The
 * timer is then programmed afresh for the earliest deadline of all. */
int deadline_set_attach(struct deadline_set *s);
/* The same for a set private to physical CPU 'cpu' (attached from it). */
int deadline_set_attach_cpu(struct deadline_set *s, unsigned cpu);
/* Its deadlines stop counting (they are not called any more). */
void deadline_set_detach(struct deadline_set *s);

/* fire(ctx) runs once, from deadline_timer_irq, at or after counter value
 * 'at' (an 'at' already past fires at the next timer interrupt, which is
 * then due at once). Re-arming replaces the previous time. */
void deadline_arm(struct deadline *d, uint64_t at);
void deadline_cancel(struct deadline *d);

static inline bool deadline_armed(const struct deadline *d)
{
	return d->at != DEADLINE_NEVER;
}

/* The hypervisor timer's interrupt (INTID HV_TIMER_PPI) was acknowledged:
 * run the expired deadlines and program the timer for the next one, so
 * its level-sensitive output is low again before the caller ends it. */
void deadline_timer_irq(void);

#endif
