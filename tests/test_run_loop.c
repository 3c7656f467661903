/*
 * The core's run loop (src/run.c, driven by the scheduler, sched_run, as
 * in both ports) against a scripted world switch: each
 * hal_vcpu_enter is one step of a script that checks what the core left in
 * the list registers and the vCPU, then plays the guest (changes LRs and
 * registers) and reports the next exit. This is what both ports do for real;
 * here every value the loop must produce is a literal from the
 * architecture (ESR encodings, LR layout, PSCI return codes).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "bus_access.h"
#include "hal.h"
#include "run.h"
#include "sched/sched.h"
#include "script_cpu.h"
#include "sim_hal.h"
#include "test_vm.h"

/* ICH_LR<n>_EL2 is S3_4_C12_C12_n; ICH_VTR_EL2 S3_4_C12_C11_1. */
#define LR_ENC(n) SYSREG_ENC(3, 4, 12, 12, (n))
#define ICH_VTR_ENC SYSREG_ENC(3, 4, 12, 11, 1)
#define LR_P 0x4000000000000000ull
#define LR_A 0x8000000000000000ull

#define GICD 0x08000000ull
/* ESR_EL2: EC [31:26], IL [25]. HVC64 is EC 0x16, WFx EC 0x01. */
#define ESR_HVC0 0x5a000000ull
#define ESR_WFI 0x06000000ull
#define PSCI_VERSION 0x84000000ull
#define PSCI_SYSTEM_OFF 0x84000008ull

static struct test_vm tvm;

static int setup(void **state)
{
	(void)state;
	test_vm_setup(&tvm, 8 << 20, 1);
	sim_sysreg_set(ICH_VTR_ENC, 3); /* four list registers */
	script_cpu_attach(true);
	sched_init(1000);
	return sched_add_vm(tvm.vm, SCHED_SHARED, 0) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	sched_remove_vm(tvm.vm);
	sim_hal_set_cpu_backend(NULL);
	test_vm_teardown(&tvm);
	return 0;
}

static enum hal_exit hvc(struct vcpu *v, uint64_t fid)
{
	v->regs.x[0] = fid;
	v->regs.pc += 4; /* ELR_EL2 of an HVC is the next instruction */
	v->exit.esr = ESR_HVC0;
	return HAL_EXIT_SYNC;
}

static uint64_t gicd_rd(uint64_t off)
{
	return bus_rd(&tvm.vm->bus, GICD + off, 4);
}

/*
 * SPI 33, pending before the vCPU first runs, is in LR0 at the first entry;
 * the guest's acknowledge (pending -> active) reaches the model at the next
 * exit; its deactivation too; SYSTEM_OFF ends the loop.
 */
static enum hal_exit spi_script(struct vcpu *v, unsigned n)
{
	switch (n) {
	case 0:
		/* State pending, Group 1, priority 0xa0, vINTID 33. */
		assert_int_equal(hal_sysreg_read(LR_ENC(0)),
				 0x50a0000000000021ull);
		hal_sysreg_write(LR_ENC(0),
				 (hal_sysreg_read(LR_ENC(0)) & ~LR_P) | LR_A);
		return hvc(v, PSCI_VERSION);
	case 1:
		assert_int_equal(v->regs.x[0], 0x10001); /* PSCI 1.1 */
		assert_int_equal(v->exit.action, EXIT_RESUME);
		/* The acknowledge was synced: SPI 33 is active, not pending
		 * (GICD_ISACTIVER1/ISPENDR1 bit 1). */
		assert_int_equal(gicd_rd(0x0304) & 0x2, 0x2);
		assert_int_equal(gicd_rd(0x0204) & 0x2, 0);
		hal_sysreg_write(LR_ENC(0), 0); /* deactivate */
		return hvc(v, PSCI_SYSTEM_OFF);
	default:
		fail_msg("entered again after SYSTEM_OFF");
		return HAL_EXIT_HOST;
	}
}

static void loop_flushes_enters_syncs_and_handles(void **state)
{
	(void)state;
	test_vm_gic_enable(&tvm, 33, 0xa0);
	bus_wr(&tvm.vm->bus, GICD + 0x0204, 4, 0x2); /* ISPENDR1: SPI 33 */
	script_cpu.step = spi_script;
	assert_int_equal(sched_run(), SCHED_STOP_DONE);
	assert_int_equal(script_cpu.enters, 2);
	assert_int_equal(tvm.v->exit.action, EXIT_VM_OFF);
	assert_int_equal(gicd_rd(0x0304) & 0x2, 0); /* no longer active */
	assert_int_equal(gicd_rd(0x0204) & 0x2, 0);
	assert_int_equal(hal_sysreg_read(LR_ENC(0)), 0);
}

/* A WFI with nothing to take blocks the vCPU past the WFI, and the CPU
 * waits; the port takes it back from the wait. */
static enum hal_exit wfi_script(struct vcpu *v, unsigned n)
{
	switch (n) {
	case 0:
		v->regs.pc = 0x40001000;
		v->exit.esr = ESR_WFI;
		return HAL_EXIT_SYNC;
	default:
		fail_msg("entered again with nothing to take");
		return HAL_EXIT_HOST;
	}
}

static void wfi_waits_and_host_exit_returns(void **state)
{
	(void)state;
	script_cpu.step = wfi_script;
	script_cpu.wait_result = false;
	assert_int_equal(sched_run(), SCHED_STOP_HOST);
	assert_int_equal(script_cpu.enters, 1);
	assert_int_equal(script_cpu.waits, 1);
	assert_int_equal(tvm.v->exit.action, EXIT_WFI);
	assert_int_equal(tvm.v->regs.pc, 0x40001004);
}

/* With an interrupt the guest can take already pending, WFI does not wait:
 * the loop re-script_cpu.enters at once with the interrupt in a list register.
 */
static enum hal_exit wfi_pending_script(struct vcpu *v, unsigned n)
{
	switch (n) {
	case 0:
		v->exit.esr = ESR_WFI;
		return HAL_EXIT_SYNC;
	case 1:
		assert_int_equal(script_cpu.waits, 0);
		assert_int_equal(v->exit.action, EXIT_RESUME);
		assert_int_equal(hal_sysreg_read(LR_ENC(0)) >> 62, 1);
		return HAL_EXIT_HOST;
	default:
		fail_msg("entered again after the port took the CPU back");
		return HAL_EXIT_HOST;
	}
}

static void wfi_with_pending_interrupt_does_not_wait(void **state)
{
	(void)state;
	test_vm_gic_enable(&tvm, 33, 0xa0);
	/* VMCR.VENG1 [1] and VPMR [31:24] = 0xff: the guest takes it. The
	 * vCPU's own copy, which loading it puts in ICH_VMCR_EL2. */
	tvm.v->vgic.vmcr = 0xff000002;
	script_cpu.step = wfi_pending_script;
	bus_wr(&tvm.vm->bus, GICD + 0x0204, 4, 0x2);
	assert_int_equal(sched_run(), SCHED_STOP_HOST);
	assert_int_equal(script_cpu.enters, 2);
}

/* The port takes the CPU back right after the guest acknowledged SPI 33;
 * running the vCPU again must not make it pending a second time. */
static enum hal_exit ack_then_host_script(struct vcpu *v, unsigned n)
{
	(void)v;
	assert_int_equal(n, 0);
	assert_int_equal(hal_sysreg_read(LR_ENC(0)), 0x50a0000000000021ull);
	hal_sysreg_write(LR_ENC(0), 0x90a0000000000021ull); /* active */
	return HAL_EXIT_HOST;
}

static enum hal_exit resumed_script(struct vcpu *v, unsigned n)
{
	(void)v;
	assert_int_equal(n, 1);
	assert_int_equal(hal_sysreg_read(LR_ENC(0)), 0x90a0000000000021ull);
	return hvc(v, PSCI_SYSTEM_OFF);
}

static void resuming_keeps_what_the_guest_did(void **state)
{
	(void)state;
	test_vm_gic_enable(&tvm, 33, 0xa0);
	bus_wr(&tvm.vm->bus, GICD + 0x0204, 4, 0x2);
	script_cpu.step = ack_then_host_script;
	assert_int_equal(sched_run(), SCHED_STOP_HOST);
	script_cpu.step = resumed_script;
	assert_int_equal(sched_run(), SCHED_STOP_DONE);
	assert_int_equal(gicd_rd(0x0204) & 0x2, 0); /* not pending again */
}

/* The guest deactivates SPI 33, then the port takes the CPU back; SPI 33
 * is made pending again meanwhile and must be in an LR at the next entry. */
static enum hal_exit eoi_then_host_script(struct vcpu *v, unsigned n)
{
	(void)v;
	assert_int_equal(n, 0);
	hal_sysreg_write(LR_ENC(0), 0);
	return HAL_EXIT_HOST;
}

static enum hal_exit pending_again_script(struct vcpu *v, unsigned n)
{
	assert_int_equal(n, 1);
	assert_int_equal(hal_sysreg_read(LR_ENC(0)), 0x50a0000000000021ull);
	return hvc(v, PSCI_SYSTEM_OFF);
}

static void host_exit_syncs_the_list_registers(void **state)
{
	(void)state;
	test_vm_gic_enable(&tvm, 33, 0xa0);
	bus_wr(&tvm.vm->bus, GICD + 0x0204, 4, 0x2);
	script_cpu.step = eoi_then_host_script;
	assert_int_equal(sched_run(), SCHED_STOP_HOST);
	assert_int_equal(gicd_rd(0x0204) & 0x2, 0); /* taken and done */
	bus_wr(&tvm.vm->bus, GICD + 0x0204, 4, 0x2);
	script_cpu.step = pending_again_script;
	assert_int_equal(sched_run(), SCHED_STOP_DONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		loop_flushes_enters_syncs_and_handles, setup, teardown),
	    cmocka_unit_test_setup_teardown(wfi_waits_and_host_exit_returns,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(
		wfi_with_pending_interrupt_does_not_wait, setup, teardown),
	    cmocka_unit_test_setup_teardown(resuming_keeps_what_the_guest_did,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(host_exit_syncs_the_list_registers,
					    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
