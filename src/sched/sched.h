/*
 * The scheduler: which vCPU each physical CPU runs, and when it switches.
 *
 * Every vCPU has a home physical CPU and never migrates, so a vCPU's EL1
 * state, its list registers and its forwarded timer interrupts only ever
 * live on one physical CPU. Each physical CPU runs its vCPUs round-robin,
 * with a time slice on its hypervisor timer (CNTHP) when more than one is
 * runnable; a vCPU blocked in WFI or CPU_SUSPEND is skipped until an
 * interrupt it can take is pending, and a physical CPU with nothing to run
 * waits in hal_wait_for_interrupt. Placing every vCPU on CPU 0 gives
 * round-robin on one CPU; vCPU n on CPU n gives the 1:1 mode.
 *
 * A vCPU that is not loaded still has its timers: when it is put, a
 * deadline on its CPU's hypervisor timer stands in for each EL1 timer that
 * will fire, and makes it runnable; once loaded again, the physical timer
 * delivers the interrupt itself.
 *
 * Concurrency: the hypervisor's state is shared by every physical CPU and
 * guarded by one lock (sched_lock), held whenever a CPU runs core code and
 * released only while it runs a guest or waits for an interrupt. Guests run
 * in parallel; exits are handled one at a time. Cross-vCPU work is posted
 * to the target (vcpu_req.h) and the target's CPU kicked.
 */
#ifndef HV_SCHED_SCHED_H
#define HV_SCHED_SCHED_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "exit.h"
#include "hal.h"
#include "lib/spinlock.h"
#include "time/deadline.h"
#include "vm/vm.h"

struct vm;
struct vcpu;

#define SCHED_MAX_VCPUS_PER_PCPU 32u

/* One physical CPU, as the scheduler sees it. */
struct pcpu {
	unsigned id;
	struct vcpu *queue[SCHED_MAX_VCPUS_PER_PCPU]; /* its vCPUs */
	unsigned nqueue;
	unsigned next;	      /* round-robin position in queue */
	struct vcpu *loaded;  /* whose EL1 state is in this CPU */
	struct vcpu *running; /* the one in the guest (or its exit) now */
	/* Per VM: its vCPU that last had its EL1 state here. */
	struct vcpu *last_ran[HV_MAX_VMS];
	/* Set (by any CPU) when this CPU should pick again at its next
	 * exit: a vCPU of its became runnable, or its slice ended. */
	atomic_bool resched;
	/* This CPU's hypervisor-timer deadlines: the time slice and the
	 * stand-ins for descheduled vCPUs' timers. */
	struct deadline_set timers;
	struct deadline slice;
	struct deadline vtimers; /* the earliest vcpu.wake_at of its vCPUs */
};

/* How a VM's vCPUs are placed on physical CPUs. */
enum sched_placement {
	SCHED_SHARED,	  /* every vCPU on CPU 'first' (round-robin) */
	SCHED_ONE_TO_ONE, /* vCPU n on CPU first + n */
};

/* Why sched_run returned. */
enum sched_stop {
	/* The port asked for the CPU back (hal_vcpu_enter returned
	 * HAL_EXIT_HOST, or hal_wait_for_interrupt returned false). */
	SCHED_STOP_HOST,
	/* No VM with a vCPU on this CPU is running any more: each is
	 * VM_OFF or VM_RESET_REQUESTED (vm->state says which). */
	SCHED_STOP_DONE,
};

/* Forget every placement; time slice in counter ticks (0: the default,
 * 10 ms). Call once, on CPU 0, before any other CPU runs sched_run. */
void sched_init(uint64_t slice_ticks);

/* Place vm's vCPUs (HV_OK, or HV_EINVAL if a CPU number is out of range
 * or a queue is full). The VM's vCPUs that are ON (vCPU 0 after boot) run
 * at the next sched_run of their CPU. */
int sched_add_vm(struct vm *vm, enum sched_placement how, unsigned first);
/* Take vm's vCPUs off their CPUs' queues (the VM must be quiescent). */
void sched_remove_vm(struct vm *vm);

/* Run vCPUs on the calling physical CPU until one of enum sched_stop. */
enum sched_stop sched_run(void);

/* No physical CPU has any of vm's vCPUs loaded: after a VM stops, the
 * port waits for this before resetting or destroying it. */
bool sched_vm_quiescent(const struct vm *vm);

/* This physical CPU's scheduler state. */
struct pcpu *pcpu_this(void);
struct pcpu *pcpu_get(unsigned id);

/*
 * The one lock (see above). Ports call sched_run and the sched_* calls
 * above without holding it. Taken on every exit, so inline, and only once
 * a second physical CPU can run core code: sched_smp() is called before
 * that CPU starts (a port bringing up secondaries calls it first), and
 * until then nothing can contend.
 */
extern struct spinlock sched_big_lock;
extern unsigned sched_is_smp; /* a word: one load and a branch */
void sched_smp(void);

static inline void sched_lock(void)
{
	if (sched_is_smp)
		spin_lock(&sched_big_lock);
}

static inline void sched_unlock(void)
{
	if (sched_is_smp)
		spin_unlock(&sched_big_lock);
}

#endif
