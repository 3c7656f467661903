/* Running a VM on this physical CPU. */
#ifndef TARGET_RUN_VM_H
#define TARGET_RUN_VM_H

#include <stdint.h>

#include "exit.h"
#include "vm/vm.h"

struct run_ctx {
	struct vm *vm;
	uint32_t uart_intid; /* the host UART's RX interrupt, 0: none */
};

/* Run vCPU 0 of the VM until the guest powers off, resets, or every vCPU
 * is off; returns that EXIT_* action. */
enum exit_action run_vm(const struct run_ctx *rc);

/* Before the scheduler runs several VMs: host UART input goes to
 * input_vm's PL011, and the CPU interface starts clean. */
void run_prepare(struct vm *input_vm, uint32_t uart_intid);

#endif
