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
	if (vgic_vcpu_has_deliverable(v->vm, v)) {
		vcpu_note(v, "wfi.pending", 0, 0, 0);
		return EXIT_RESUME;
	}
	vcpu_note(v, "wfi.idle", 0, 0, 0);
	return EXIT_WFI;
}
