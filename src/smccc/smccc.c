/*
 * Routing of SMCCC calls by owning entity. HVC and trapped SMC from a guest
 * land here; neither is forwarded to EL3 unless a service decides to.
 */
#include "smccc/psci.h"
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

/*
 * Discovery calls a guest makes in loops (firmware probing, Linux's
 * SMCCC and PSCI init, benchmarks): answered straight into x0 without
 * building a call record. The tables below answer them identically; this
 * only skips the routing. Returns false for every other function.
 */
static bool discovery_fast_path(struct vcpu *v)
{
	uint32_t fid = (uint32_t)v->regs.x[0];
	uint64_t ret;
	const char *what;

	if (fid == PSCI_VERSION) {
		ret = PSCI_VERSION_1_1;
		what = "psci.version";
	} else if (fid == SMCCC_VERSION) {
		ret = SMCCC_VERSION_1_2;
		what = "smccc.version";
	} else {
		return false;
	}
	/* Noted as the routed call would be (both are SMC32 functions),
	 * before x1 is overwritten. */
	vcpu_note(v, what, fid, (uint32_t)v->regs.x[1], ret);
	/* x1..x3 are results too: zero, as for every call. */
	v->regs.x[0] = ret;
	v->regs.x[1] = v->regs.x[2] = v->regs.x[3] = 0;
	return true;
}

/* Out of line so the discovery fast path does not set up this frame. */
static __attribute__((noinline)) enum exit_action
route(struct vcpu *v, enum smccc_conduit conduit)
{
	struct smccc_call c;
	enum exit_action act;

	/* The function ID is W0: the upper half of X0 is ignored. Only what
	 * a service reads is set: this runs on every HVC. */
	c.fid = (uint32_t)v->regs.x[0];
	c.is64 = (c.fid & SMCCC_64) != 0;
	c.conduit = conduit;
	c.x = v->regs.x;
	c.res[0] = smccc_ret(SMCCC_NOT_SUPPORTED);
	c.res[1] = c.res[2] = c.res[3] = 0;
	c.nres = 4;

	if (!(c.fid & SMCCC_FAST_CALL))
		act = EXIT_RESUME; /* no yielding-call services */
	else
		act = services[(c.fid >> SMCCC_OWNER_SHIFT) & SMCCC_OWNER_MASK](
		    v, &c);

	/* The note reads x1 through c.x: before the results overwrite it. */
	vcpu_note(v, v->note.what && *v->note.what ? v->note.what : "smccc",
		  c.fid, smccc_arg(&c, 1), c.res[0]);
	for (unsigned i = 0; i < c.nres; i++)
		v->regs.x[i] = c.res[i];
	return act;
}

enum exit_action smccc_dispatch(struct vcpu *v, enum smccc_conduit conduit)
{
	if (discovery_fast_path(v))
		return EXIT_RESUME;
	return route(v, conduit);
}
