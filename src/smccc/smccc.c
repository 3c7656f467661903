/*
 * Routing of SMCCC calls by owning entity. HVC and trapped SMC from a guest
 * land here; neither is forwarded to EL3 unless a service decides to.
 */
#include "smccc/smccc.h"
#include "vcpu.h"

static enum exit_action unowned(struct vcpu *v, struct smccc_call *c)
{
	(void)v;
	(void)c;
	return EXIT_RESUME; /* res[0] is already NOT_SUPPORTED */
}

static const smccc_service_fn services[SMCCC_OWNER_MASK + 1] = {
    [0 ... SMCCC_OWNER_MASK] = unowned,
    [SMCCC_OWNER_ARCH] = smccc_arch_service,
    [SMCCC_OWNER_STD] = smccc_std_service,
};

enum exit_action smccc_dispatch(struct vcpu *v, enum smccc_conduit conduit)
{
	struct smccc_call c = {0};
	enum exit_action act;

	/* The function ID is W0: the upper half of X0 is ignored. */
	c.fid = (uint32_t)v->regs.x[0];
	c.is64 = (c.fid & SMCCC_64) != 0;
	c.conduit = conduit;
	for (unsigned i = 0; i < 7; i++)
		c.arg[i] =
		    c.is64 ? v->regs.x[i + 1] : (uint32_t)v->regs.x[i + 1];
	c.res[0] = smccc_ret(SMCCC_NOT_SUPPORTED);

	if (!(c.fid & SMCCC_FAST_CALL))
		act = EXIT_RESUME; /* no yielding-call services */
	else
		act = services[(c.fid >> SMCCC_OWNER_SHIFT) & SMCCC_OWNER_MASK](
		    v, &c);

	for (unsigned i = 0; i < 4; i++)
		v->regs.x[i] = c.res[i];
	vcpu_note(v, v->note.what && *v->note.what ? v->note.what : "smccc",
		  c.fid, c.arg[0], c.res[0]);
	return act;
}
