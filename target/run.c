/*
 * The target's world switch: enter the guest, count why it left; the
 * core's scheduler (src/sched/) decides what runs and handles each exit.
 * The host UART's input is the one physical interrupt the target owns
 * itself; everything else is the core's.
 */
#include <stddef.h>

#include "arch/esr.h"
#include "asm_defs.h"
#include "cpu.h"
#include "gicv3.h"
#include "hal.h"
#include "hal_target.h"
#include "hv_err.h"
#include "lib/log.h"
#include "percpu.h"
#include "run_vm.h"
#include "sched/sched.h"
#include "trap_stats.h"
#include "uart_pl011.h"
#include "vgic/vgic.h"
/* vectors.S and fpsimd.S use these offsets. */
_Static_assert(offsetof(struct vcpu, regs.sp_el0) == TGT_VCPU_REGS_SP_EL0,
	       "sp_el0");
_Static_assert(offsetof(struct vcpu, regs.pc) == TGT_VCPU_REGS_PC, "pc");
_Static_assert(offsetof(struct vcpu, regs.pstate) == TGT_VCPU_REGS_PSTATE,
	       "pstate");
_Static_assert(offsetof(struct vcpu, exit.esr) == TGT_VCPU_EXIT_ESR, "esr");
_Static_assert(offsetof(struct vcpu, exit.far) == TGT_VCPU_EXIT_FAR, "far");
_Static_assert(offsetof(struct vcpu, exit.hpfar) == TGT_VCPU_EXIT_HPFAR,
	       "hpfar");
_Static_assert(offsetof(struct vcpu_fpsimd, fpsr) == TGT_FPSIMD_FPSR, "fpsr");
_Static_assert(offsetof(struct vcpu_fpsimd, fpcr) == TGT_FPSIMD_FPCR, "fpcr");

/* An eret to EL2 would hand the guest the hypervisor's privilege. */
static bool pstate_is_guest(uint64_t pstate)
{
	if (pstate & PSR_MODE_32BIT)
		return true; /* AArch32 can only be EL0/EL1 here (HCR.RW=1) */
	return ((pstate & PSR_MODE_MASK) >> 2) <= 1;
}

_Static_assert(HAL_EXIT_SYNC == GUEST_EXC_SYNC &&
		   HAL_EXIT_IRQ == GUEST_EXC_IRQ &&
		   HAL_EXIT_FIQ == GUEST_EXC_FIQ &&
		   HAL_EXIT_SERROR == GUEST_EXC_SERROR,
	       "vectors.S returns the HAL's exit kinds");

/* Both read by hal_port_irq, which runs on CPU 0 (the UART's SPI is
 * routed there) while CPU 0 is in run_vm. */
#define QUIESCE_POLL_US 20u

static uint32_t host_uart_intid; /* 0: no host UART interrupt */
static struct vm *running_vm;

enum hal_exit hal_vcpu_enter(struct vcpu *v)
{
	struct tgt_cpu *c = this_cpu();
	enum hal_exit kind;

	if (!pstate_is_guest(v->regs.pstate)) {
		hv_printf("vCPU %u PSTATE %#lx is not a guest mode\n", v->id,
			  (unsigned long)v->regs.pstate);
		hal_halt();
	}
	kind = (enum hal_exit)vcpu_run(v);
	if (kind == HAL_EXIT_SYNC)
		trap_stats_sync(c, v->exit.esr);
	else if (kind == HAL_EXIT_IRQ)
		trap_stats_irq(c);
	else if (kind == HAL_EXIT_SERROR)
		trap_stats_sync(c, v->exit.esr);
	return kind;
}

/* Wakes on any pending physical interrupt, masked or not: entering the
 * guest again takes it. */
bool hal_wait_for_interrupt(void)
{
	wfi();
	return true;
}

/* This CPU has nothing to run (sched_run returned SCHED_STOP_DONE): wait
 * for a kick, a VM placed here or work posted, and complete what else
 * comes meanwhile as the scheduler's own wait would. */
void run_idle(void)
{
	hal_wait_for_interrupt();
	sched_lock();
	hv_handle_idle_irqs(NULL);
	sched_unlock();
}

/* Host UART input goes to the guest's emulated PL011, whose line then
 * reaches the guest through the vGIC. The interrupt is cleared before the
 * FIFO is drained: a byte that arrives after the last read then raises it
 * again, where clearing after the drain would lose that interrupt and
 * strand the byte (QEMU hands over the next byte as soon as the last one
 * is read). */
bool hal_port_irq(struct vcpu *v, uint32_t intid)
{
	int c;

	if (!host_uart_intid || intid != host_uart_intid || !running_vm)
		return false;
	(void)v;
	uart_rx_irq_clear();
	while ((c = uart_getc()) >= 0)
		(void)pl011_rx_push(&running_vm->uart, (uint8_t)c);
	gicv3_eoi(intid);
	return true;
}

/* A (re)booted guest must not inherit the previous one's pending or
 * active interrupts from the physical CPU interface, nor a CPU just
 * started whatever its list registers reset to. */
void run_reset_cpu_if(void)
{
	for (unsigned i = 0; i < hal_gic_num_lrs(); i++)
		hal_gic_lr_write(i, 0);
	hal_sysreg_write(SYSREG_ICH_AP0R0_EL2, 0);
	hal_sysreg_write(SYSREG_ICH_AP1R0_EL2, 0);
	hal_sysreg_write(SYSREG_ICH_VMCR_EL2, 0);
	/* A forwarded timer interrupt a previous guest left active would
	 * never fire for this one. */
	hal_gic_deactivate(27);
	hal_gic_deactivate(30);
}

void run_prepare(struct vm *input_vm, uint32_t uart_intid)
{
	host_uart_intid = uart_intid;
	running_vm = input_vm;
	run_reset_cpu_if();
}

static void pause_us(uint64_t us)
{
	uint64_t end = hal_counter_now() + hal_counter_freq() / 1000000 * us;

	while (hal_counter_now() < end)
		;
}

void run_wait_quiescent(const struct vm *vm)
{
	/* Every CPU was kicked when the VM stopped and puts its vCPU at
	 * its next exit: only then may the VM change under them. Each
	 * check takes the scheduler's lock, which those CPUs need: not in
	 * a tight loop. */
	while (!sched_vm_quiescent(vm))
		pause_us(QUIESCE_POLL_US);
}

enum vm_state run_vm(const struct run_ctx *rc)
{
	struct vm *vm = rc->vm;
	enum vm_state st;

	host_uart_intid = rc->uart_intid;
	running_vm = vm;
	run_reset_cpu_if();
	if (sched_add_vm(vm, rc->one_to_one ? SCHED_ONE_TO_ONE : SCHED_SHARED,
			 0) != HV_OK) {
		hv_printf("cannot place %u vCPUs %s\n", vm->nvcpus,
			  rc->one_to_one ? "one per physical CPU" : "on CPU 0");
		running_vm = NULL;
		return VM_RUNNING;
	}
	/* The other CPUs were kicked by sched_add_vm and run their vCPUs
	 * from their own loops (smp.c). SCHED_STOP_HOST never comes on
	 * bare metal: every wait ends with an interrupt. */
	while (sched_run() != SCHED_STOP_DONE)
		;
	st = vm->state;
	run_wait_quiescent(vm);
	sched_remove_vm(vm);
	running_vm = NULL;
	return st;
}
