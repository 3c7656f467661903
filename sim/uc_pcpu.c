/*
 * The simulated physical CPU: the one the core's scheduler runs its vCPUs
 * on (hal_cpu_id() is 0), each vCPU on an engine of its own. The engines
 * share what a physical CPU has once: the virtual clock (so every
 * engine's counter and timers read the same time, and the engine that
 * runs moves it on), the GIC CPU interface, the hypervisor timer, and
 * hal_wait_for_interrupt, which moves the clock to the next event when the
 * scheduler has nothing to run.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fake_gic.h"
#include "fake_vcpuif.h"
#include "sim_hal.h"
#include "uc_cpu_priv.h"

struct sim_pcpu sim_pcpu;

/* The timer and maintenance lines are levels: what the GIC acknowledges
 * is what they are now (the core may have re-armed a timer or emptied the
 * list registers since they were last looked at). */
static void sample_lines(void *ctx)
{
	(void)ctx;
	sim_update_cpu_lines(sim_pcpu.cur);
}

/* The first engine starts a new machine: time 0, nothing recorded. */
int sim_pcpu_attach(struct sim_cpu *c)
{
	if (sim_pcpu.ncpus == SIM_MAX_CPUS)
		return -1;
	if (sim_pcpu.ncpus == 0) {
		memset(&sim_pcpu, 0, sizeof(sim_pcpu));
		sim_pcpu.limit = SIM_TIME_NEVER;
		sim_attach_backend();
		fgic_attach_hal(c->gic);
		c->gic->sample = sample_lines;
	}
	sim_pcpu.gic = c->gic;
	sim_pcpu.cpus[sim_pcpu.ncpus++] = c;
	return 0;
}

void sim_pcpu_detach(struct sim_cpu *c)
{
	unsigned i;

	for (i = 0; i < sim_pcpu.ncpus && sim_pcpu.cpus[i] != c; i++)
		;
	if (i == sim_pcpu.ncpus)
		return;
	memmove(&sim_pcpu.cpus[i], &sim_pcpu.cpus[i + 1],
		(sim_pcpu.ncpus - i - 1) * sizeof(sim_pcpu.cpus[0]));
	sim_pcpu.ncpus--;
	if (sim_pcpu.cur == c)
		sim_pcpu.cur = NULL;
	if (sim_pcpu.pending == c)
		sim_pcpu.pending = NULL;
	if (sim_pcpu.ncpus == 0) {
		sim_hal_set_cpu_backend(NULL);
		fgic_attach_hal(NULL);
		c->gic->sample = NULL;
	}
}

struct sim_cpu *sim_pcpu_engine(const struct vcpu *v)
{
	for (unsigned i = 0; i < sim_pcpu.ncpus; i++)
		if (sim_pcpu.cpus[i]->v == v)
			return sim_pcpu.cpus[i];
	return NULL;
}

void sim_pcpu_fail(const char *fmt, ...)
{
	va_list ap;

	if (sim_pcpu.result == SIM_ERROR)
		return; /* the first failure is the one to report */
	va_start(ap, fmt);
	vsnprintf(sim_pcpu.msg, sizeof(sim_pcpu.msg), fmt, ap);
	va_end(ap);
	sim_pcpu.result = SIM_ERROR;
}

/* Give the CPU back to the host: the run ends with r. */
static bool stop(enum sim_result r)
{
	sim_pcpu.result = r;
	return false;
}

/*
 * Nothing the scheduler can run: the CPU sleeps until its next physical
 * interrupt, which in virtual time is the next rising edge of a timer it
 * has (the hypervisor's, and the EL1 timers of the vCPU whose state it
 * holds). Time skipped here is idle, and moves the run's limit on by as
 * much: the limit bounds the guest instructions executed, so a guest may
 * sleep for seconds between two ticks at no cost.
 */
bool sim_pcpu_wait(void)
{
	struct sim_cpu *c = sim_pcpu.cur;

	sim_pcpu_flush_record();
	if (sim_pcpu.result != SIM_RUNNING)
		return false;
	for (;;) {
		uint64_t d, now = sim_pcpu.now;

		if (sim_pcpu.stop_flag && *sim_pcpu.stop_flag)
			return stop(SIM_LIMIT);
		sim_update_cpu_lines(c);
		if (fgic_irq_signaled(sim_pcpu.gic))
			return true;
		if (now >= sim_pcpu.limit)
			return stop(SIM_LIMIT);
		d = sim_timer_deadline(c);
		if (d == SIM_TIME_NEVER || d <= now) {
			snprintf(sim_pcpu.msg, sizeof(sim_pcpu.msg),
				 "no vCPU can run at virtual time %llu, no "
				 "timer is armed and no interrupt is pending",
				 (unsigned long long)now);
			return stop(SIM_DEADLOCK);
		}
		sim_advance_idle(d);
	}
}

void sim_advance_idle(uint64_t d)
{
	uint64_t skip = d - sim_pcpu.now;

	if (sim_pcpu.limit != SIM_TIME_NEVER)
		sim_pcpu.limit = skip < SIM_TIME_NEVER - sim_pcpu.limit
				     ? sim_pcpu.limit + skip
				     : SIM_TIME_NEVER;
	sim_pcpu.idle += skip;
	sim_pcpu.now = d;
}

void sim_machine_set_limit(uint64_t vtime_limit)
{
	sim_pcpu.limit = vtime_limit;
	if (sim_pcpu.result == SIM_LIMIT)
		sim_pcpu.result = SIM_RUNNING;
	for (unsigned i = 0; i < sim_pcpu.ncpus; i++)
		if (sim_pcpu.cpus[i]->result == SIM_LIMIT)
			sim_pcpu.cpus[i]->result = SIM_RUNNING;
}

/* The CPU's own stop first (it was the last thing to happen), else the
 * first engine that stopped: an error before a limit. */
enum sim_result sim_machine_result(const char **msg)
{
	enum sim_result best = SIM_RUNNING;

	*msg = "";
	if (sim_pcpu.result != SIM_RUNNING) {
		*msg = sim_pcpu.msg;
		return sim_pcpu.result;
	}
	for (unsigned i = 0; i < sim_pcpu.ncpus; i++) {
		const struct sim_cpu *c = sim_pcpu.cpus[i];

		if (c->result == SIM_ERROR || c->result == SIM_DEADLOCK) {
			*msg = c->msg;
			return c->result;
		}
		if (c->result == SIM_LIMIT)
			best = SIM_LIMIT;
	}
	return best;
}

void sim_machine_flush(void)
{
	sim_pcpu_flush_record();
}
