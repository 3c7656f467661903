/* Running a VM on the physical CPUs, through the core's scheduler. */
#ifndef TARGET_RUN_VM_H
#define TARGET_RUN_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "vm/vm.h"

struct run_ctx {
	struct vm *vm;
	uint32_t uart_intid; /* the host UART's RX interrupt, 0: none */
	bool one_to_one;     /* vCPU n on CPU n; else every vCPU on CPU 0 */
};

/* On CPU 0: place the VM's vCPUs with the scheduler and run CPU 0's share
 * until the guest powers off or resets; every CPU has put the VM's vCPUs
 * and the scheduler has forgotten them when it returns vm->state
 * (VM_OFF or VM_RESET_REQUESTED; VM_RUNNING: they could not be placed).
 * Call sched_init once before. */
enum vm_state run_vm(const struct run_ctx *rc);

/* On CPU 0, before it runs several VMs through the scheduler itself
 * (launch_vms.c): host UART input goes to input_vm's PL011, and the CPU
 * interface starts clean. */
void run_prepare(struct vm *input_vm, uint32_t uart_intid);

/* Wait until no CPU has any of vm's vCPUs loaded (vm stopped). */
void run_wait_quiescent(const struct vm *vm);

/* Nothing to run on this CPU: wait for an interrupt and handle it. */
void run_idle(void);

/* Clear this CPU's virtual CPU interface (list registers, active
 * priorities, VMCR) and the EL1 timers' physical active state. */
void run_reset_cpu_if(void);

#endif
