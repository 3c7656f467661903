/*
 * The run loop: the one place that decides when a vCPU runs. A port only
 * switches worlds (hal_vcpu_enter) and waits for interrupts; the interrupt
 * model, the exit handling and what follows an exit are the core's.
 */
#ifndef HV_RUN_H
#define HV_RUN_H

#include <stdatomic.h>

#include "exit.h"
#include "hal.h"
#include "vcpu.h"

/* Why hv_run_vcpu_slice returned. */
enum run_stop {
	RUN_ACTION,  /* an exit the scheduler acts on (*act says which) */
	RUN_RESCHED, /* *resched was set (with VCPU_REQ_RESCHED posted to v):
			the CPU is to pick again */
	RUN_HOST,    /* the port took the CPU back (HAL_EXIT_HOST) */
};

/*
 * Run v, current and loaded on this CPU, with its list registers flushed,
 * until an exit the scheduler must
 * see: EXIT_WFI (v waits for an interrupt), EXIT_VCPU_OFF, EXIT_VM_OFF or
 * EXIT_VM_RESET in *act. Requests posted to v are applied before each
 * entry. Called with the scheduler's lock held (sched.h), which is
 * released while the guest runs.
 */
enum run_stop hv_run_vcpu_slice(struct vcpu *v, const atomic_bool *resched,
				enum exit_action *act);

#endif
