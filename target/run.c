/*
 * The target's world switch: enter the guest, count why it left, hand the
 * exit to the core's run loop (src/run.c). The host UART's input is the one
 * physical interrupt the target owns itself; everything else is the core's.
 *
 * Only vCPU 0 runs: vCPUs a guest starts with PSCI CPU_ON wait for the
 * scheduler.
 */
#include <stddef.h>

#include "arch/esr.h"
#include "asm_defs.h"
#include "cpu.h"
#include "gicv3.h"
#include "hal.h"
#include "hal_target.h"
#include "lib/log.h"
#include "run_vm.h"
#include "trap_stats.h"
#include "uart_pl011.h"
#include "vgic/vgic.h"
#include "run.h"
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
 * active interrupts from the physical CPU interface. */
static void clear_virtual_cpu_interface(void)
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
	clear_virtual_cpu_interface();
}

enum exit_action run_vm(const struct run_ctx *rc)
{
	struct vcpu *v = &rc->vm->vcpus[0];
	enum exit_action act;

	run_prepare(rc->vm, rc->uart_intid);
	vm_activate_vcpu(v);
	vcpu_load(v);
	act = hv_run_vcpu(v);
	vcpu_put(v);
	hal_set_current_vcpu(NULL);
	running_vm = NULL;
	return act;
}
