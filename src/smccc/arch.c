/* The Arm Architecture service (owner 0): SMCCC discovery. */
#include "ffa/ffa.h"
#include "smccc/psci.h"
#include "smccc/smccc.h"
#include "vcpu.h"

bool smccc_arch_implements(uint32_t fid)
{
	return fid == SMCCC_VERSION || fid == SMCCC_ARCH_FEATURES;
}

enum exit_action smccc_arch_service(struct vcpu *v, struct smccc_call *c)
{
	switch (c->fid) {
	case SMCCC_VERSION:
		v->note.what = "smccc.version";
		c->res[0] = SMCCC_VERSION_1_2;
		break;
	case SMCCC_ARCH_FEATURES: {
		uint32_t q = (uint32_t)smccc_arg(c, 1);

		v->note.what = "smccc.arch_features";
		/* No mitigation workarounds are offered: they are firmware
		 * services of the real platform, not of this VM. */
		c->res[0] =
		    smccc_ret(smccc_arch_implements(q) ? SMCCC_SUCCESS
						       : SMCCC_NOT_SUPPORTED);
		break;
	}
	default:
		v->note.what = "smccc.unknown";
		break;
	}
	return EXIT_RESUME;
}

enum exit_action smccc_std_service(struct vcpu *v, struct smccc_call *c)
{
	if ((c->fid & SMCCC_FNUM_MASK) <= PSCI_FNUM_LAST)
		return psci_call(v, c);
	if (ffa_owns_fid(c->fid))
		return ffa_call(v, c);
	v->note.what = "smccc.std.unknown";
	return EXIT_RESUME;
}
