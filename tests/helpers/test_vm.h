/* A real VM (real Stage-2, real devices) over host memory, for tests that
 * drive the exit handlers the way a port would. */
#ifndef TEST_VM_H
#define TEST_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/page_pool.h"
#include "vcpu.h"
#include "vm/vm.h"

#define TEST_RAM_PA 0x80000000ull
#define TEST_POOL_PA 0x10000000ull
#define TEST_POOL_PAGES 64

struct test_vm {
	struct vm *vm;
	struct vcpu *v;
	uint8_t *ram;
	void *pool_mem;
	struct page_pool pool;
};

/* Resets the host HAL, creates the VM, resets vCPU 0 at RAM base and makes
 * it current with its EL1 state loaded. VBAR_EL1 = TEST_VBAR. */
void test_vm_setup(struct test_vm *t, uint64_t ram_size, unsigned nvcpus);
void test_vm_teardown(struct test_vm *t);

/* cmocka setup/teardown: *state becomes a fresh VM, uniprocessor (8 MiB,
 * 1 vCPU) or SMP (16 MiB, 2 vCPUs); teardown destroys it. */
int test_vm_setup_up(void **state);
int test_vm_setup_smp(void **state);
int test_vm_teardown_state(void **state);

/* The guest-physical map from README ("The guest's view"), written out so
 * tests do not take addresses from the core they check. */
#define TEST_RAM_IPA 0x40000000ull
#define TEST_UART_IPA 0x09000000ull
#define TEST_SCRATCH_IPA 0x0b000000ull
#define TEST_VBAR 0x40010000ull /* RAM + 0x10000 */

/* As a guest driver would, through the emulated GICv3 (vCPU 0's
 * redistributor for INTIDs below 32): Group 1 on in GICD_CTLR, intid in
 * Group 1, enabled, at priority prio. */
void test_vm_gic_enable(struct test_vm *t, uint32_t intid, uint8_t prio);

/* Take a synchronous exit with this syndrome, as a port would. */
enum exit_action test_trap(struct vcpu *v, uint64_t esr, uint64_t far,
			   uint64_t hpfar);

#endif
