/*
 * Stage-2 instruction aborts. Guests may only execute from their RAM; a
 * fetch from anything else (a device range, the read-only DTB) is an
 * external abort at the guest's own vector.
 */
#include "arch/esr.h"
#include "trap/handlers.h"
#include "trap/inject.h"

enum exit_action handle_iabt(struct vcpu *v)
{
	vcpu_note(v, "iabt.sea", v->exit.far,
		  esr_iss(v->exit.esr) & ISS_FSC_MASK, 0);
	inject_insn_abort(v, v->exit.far);
	return EXIT_RESUME;
}
