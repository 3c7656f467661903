/*
 * The run loop: the one place that decides when a vCPU runs. A port only
 * switches worlds (hal_vcpu_enter) and waits for interrupts; the interrupt
 * model, the exit handling and what follows an exit are the core's.
 */
#ifndef HV_RUN_H
#define HV_RUN_H

#include "exit.h"
#include "hal.h"
#include "vcpu.h"

/*
 * Run v, which the caller has made current and loaded (vm_activate_vcpu,
 * vcpu_load), until an exit ends it: returns EXIT_VCPU_OFF, EXIT_VM_OFF or
 * EXIT_VM_RESET, or EXIT_RESUME if the port took the CPU back
 * (HAL_EXIT_HOST) with v still runnable.
 */
enum exit_action hv_run_vcpu(struct vcpu *v);

#endif
