/*
 * The exit loop: enter the guest, classify why it left, let the core
 * handle it, repeat. Physical interrupts that belong to the hypervisor (the
 * host UART's input) are taken here before the core sees the exit, which
 * only deals with interrupts meant for the guest.
 *
 * Only vCPU 0 runs: the core keeps no per-vCPU list-register state yet, so
 * vCPUs a guest starts with PSCI CPU_ON are not scheduled.
 */
#include <stddef.h>

#include "arch/esr.h"
#include "asm_defs.h"
#include "cpu.h"
#include "gicv3.h"
#include "hal.h"
#include "hal_target.h"
#include "lib/log.h"
#include "run.h"
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

/* Host UART input goes to the guest's emulated PL011, whose interrupt
 * line then reaches the guest through the vGIC. The interrupt is cleared
 * before the FIFO is drained: a byte that arrives after the last read
 * then raises it again, where clearing after the drain would lose that
 * interrupt and strand the byte (QEMU hands over the next byte as soon
 * as the last one is read). */
static void host_uart_rx(const struct run_ctx *rc, struct vcpu *v)
{
	uint32_t intid = gicv3_ack();
	int c;

	vgic_sync(v);
	uart_rx_irq_clear();
	while ((c = uart_getc()) >= 0)
		(void)pl011_rx_push(&rc->vm->uart, (uint8_t)c);
	gicv3_eoi(intid);
	vgic_flush(v);
}

static enum exit_action handle_exit(const struct run_ctx *rc, struct vcpu *v,
				    int kind)
{
	switch (kind) {
	case GUEST_EXC_SYNC:
	case GUEST_EXC_SERROR: /* ESR.EC 0x2f: the core's table decides */
		trap_stats_sync(v->exit.esr);
		return hv_handle_sync(v);
	case GUEST_EXC_IRQ:
		trap_stats_irq();
		if (rc->uart_intid && gicv3_pending() == rc->uart_intid) {
			host_uart_rx(rc, v);
			return EXIT_RESUME;
		}
		return hv_handle_irq(v);
	default: {
		/* All interrupts are Group 1, so an FIQ should not happen. */
		static unsigned fiqs;

		if (fiqs++ == 0)
			hv_printf("unexpected FIQ exit ignored\n");
		return EXIT_RESUME;
	}
	}
}

/* The core keeps no list-register state per vCPU, so a (re)booted guest
 * must not inherit the previous one's pending or active interrupts. */
static void clear_virtual_cpu_interface(void)
{
	for (unsigned i = 0; i < hal_gic_num_lrs(); i++)
		hal_sysreg_write(SYSREG_ICH_LR(i), 0);
	hal_sysreg_write(SYSREG_ICH_AP0R0_EL2, 0);
	hal_sysreg_write(SYSREG_ICH_AP1R0_EL2, 0);
	hal_sysreg_write(SYSREG_ICH_VMCR_EL2, 0);
	/* A forwarded timer interrupt a previous guest left active would
	 * never fire for this one. */
	hal_gic_deactivate(27);
	hal_gic_deactivate(30);
}

enum exit_action run_vm(const struct run_ctx *rc)
{
	struct vcpu *v = &rc->vm->vcpus[0];
	enum exit_action act = EXIT_RESUME;

	clear_virtual_cpu_interface();
	vm_activate_vcpu(v);
	vcpu_load(v);
	while (act == EXIT_RESUME || act == EXIT_WFI) {
		if (!pstate_is_guest(v->regs.pstate)) {
			hv_printf("vCPU %u PSTATE %#lx is not a guest mode\n",
				  v->id, (unsigned long)v->regs.pstate);
			hal_halt();
		}
		act = handle_exit(rc, v, vcpu_run(v));
		if (act == EXIT_WFI) {
			/* Wakes on any pending physical interrupt, masked or
			 * not; re-entering the guest then takes it. */
			wfi();
		}
	}
	vcpu_put(v);
	hal_set_current_vcpu(NULL);
	return act;
}
