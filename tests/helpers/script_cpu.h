/*
 * A scripted world switch for tests of the run loop and the scheduler:
 * each hal_vcpu_enter calls the test's step function with the vCPU the
 * core chose and the step number; the step checks what the core left and
 * plays the guest's next exit. hal_wait_for_interrupt is counted and
 * answers what the test set.
 */
#ifndef TEST_SCRIPT_CPU_H
#define TEST_SCRIPT_CPU_H

#include <stdbool.h>

#include "hal.h"

typedef enum hal_exit (*script_step_fn)(struct vcpu *v, unsigned n);

struct script_cpu {
	script_step_fn step;
	unsigned enters; /* hal_vcpu_enter calls so far */
	unsigned waits;	 /* hal_wait_for_interrupt calls so far */
	bool wait_result;
};

extern struct script_cpu script_cpu;

/* Install the scripted CPU as the sim HAL's CPU backend, counters at 0;
 * every wait returns wait_result. */
void script_cpu_attach(bool wait_result);

#endif
