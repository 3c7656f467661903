/*
 * The run loop shared by every port. Each round flushes the interrupt
 * model into the list registers, enters the guest through the port's world
 * switch, syncs the list registers back and handles the exit. The model in
 * memory is the truth: the list registers only cache it while the guest
 * runs, so a vCPU can stop on any exit and resume later with nothing lost.
 */
#include "run.h"
#include "hal.h"
#include "vgic/vgic.h"

enum exit_action hv_handle_exit(struct vcpu *v, enum hal_exit kind)
{
	switch (kind) {
	case HAL_EXIT_SYNC:
	case HAL_EXIT_SERROR: /* ESR.EC 0x2f: the EC table decides */
		return hv_handle_sync(v);
	case HAL_EXIT_IRQ:
		return hv_handle_irq(v);
	case HAL_EXIT_FIQ:
		/* Every interrupt is Group 1, so none is signalled as FIQ;
		 * one that is anyway is not the guest's business. */
		vcpu_note(v, "fiq.ignored", 0, 0, 0);
		return EXIT_RESUME;
	case HAL_EXIT_HOST:
		break;
	}
	return EXIT_RESUME;
}

enum exit_action hv_run_vcpu(struct vcpu *v)
{
	vgic_flush(v);
	for (;;) {
		enum hal_exit kind = hal_vcpu_enter(v);
		enum exit_action act;

		if (kind == HAL_EXIT_HOST) {
			/* The guest ran up to here: what it did to its list
			 * registers goes back into the model, which may change
			 * before the vCPU runs again. */
			vgic_sync(v);
			return EXIT_RESUME;
		}
		act = hv_handle_exit(v, kind);
		v->exit.action = act;
		switch (act) {
		case EXIT_RESUME:
			break;
		case EXIT_WFI:
			/* The WFI handler already let the guest go on if it
			 * can take something; otherwise only an interrupt
			 * can change that. */
			hal_wait_for_interrupt();
			break;
		default:
			return act;
		}
	}
}
