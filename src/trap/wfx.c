/* WFI/WFE. The instruction is complete once we return, so the PC always
 * moves past it (IL gives the length). */
#include "arch/esr.h"
#include "trap/handlers.h"
#include "vgic/vgic.h"
#include "vm/vm.h"

#define ISS_WFX_TI_MASK 3u
#define ISS_WFX_TI_WFE 1u

enum exit_action handle_wfx(struct vcpu *v)
{
	uint32_t iss = esr_iss(v->exit.esr);

	vcpu_advance_pc(v);
	if ((iss & ISS_WFX_TI_MASK) == ISS_WFX_TI_WFE) {
		/* A WFE trap is a hint that the vCPU spins: just yield. */
		vcpu_note(v, "wfe", 0, 0, 0);
		return EXIT_RESUME;
	}
	/* A timer whose condition is met also ends the WFI (as KVM counts a
	 * vCPU with a firing timer as runnable): its physical interrupt stays
	 * active while the virtual one is pending, even undeliverable, so
	 * waiting for it would wait for ever. WFI may wake spuriously. */
	if (vgic_vcpu_has_deliverable(v->vm, v) || vgic_timer_output_high(v)) {
		vcpu_note(v, "wfi.pending", 0, 0, 0);
		return EXIT_RESUME;
	}
	vcpu_note(v, "wfi.idle", 0, 0, 0);
	return EXIT_WFI;
}
