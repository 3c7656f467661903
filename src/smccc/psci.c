/*
 * PSCI 1.1 (DEN0022D) for guests, table-driven by function number.
 *
 * CPU_ON never touches the target's registers: it claims the target
 * (OFF -> ON_PENDING) and posts a request that the target applies itself
 * before it next runs (vcpu_req.h), so it is safe whichever physical CPU
 * runs either vCPU.
 *
 * CPU_SUSPEND takes power_state in the original format, platform-
 * coordinated (what PSCI_FEATURES(CPU_SUSPEND) = 0 says). Every valid
 * state, powerdown included, is entered as standby: PSCI lets an
 * implementation enter a shallower state than the one requested, and a
 * powerdown call that was not entered returns SUCCESS (as KVM does). The
 * arguments are still checked as for the state asked for.
 */
#include "smccc/psci.h"
#include "vcpu_req.h"
#include "vgic/vgic.h"
#include "vm/vm.h"

/* MPIDR affinity fields Aff3 [39:32], Aff2..Aff0 [23:0]; target_cpu and
 * target_affinity must have every other bit zero. */
#define MPIDR_AFF_MASK 0xff00ffffffull
#define MPIDR_LEVEL_BITS(l) ((l) == 3 ? 32u : 8u * (l))

/* power_state, original format: StateID [15:0], StateType [16] (1:
 * powerdown), PowerLevel [25:24]; [23:17] and [31:26] must be zero. */
#define PSCI_PS_RESERVED 0xfcfe0000u
#define PSCI_PS_POWERDOWN (1u << 16)

typedef enum exit_action (*psci_fn)(struct vcpu *v, struct smccc_call *c);

struct psci_entry {
	psci_fn fn;
	bool has64; /* also callable with the SMC64/HVC64 convention */
	const char *name;
};

static enum exit_action psci_version(struct vcpu *v, struct smccc_call *c)
{
	(void)v;
	c->res[0] = PSCI_VERSION_1_1;
	return EXIT_RESUME;
}

/* An entry point the vCPU can start at: AArch64 (4-byte aligned) code in
 * the VM's RAM. */
static bool entry_valid(const struct vm *vm, uint64_t entry)
{
	return !(entry & 3) && vm_ipa_to_hva(vm, entry, 4);
}

static enum exit_action psci_cpu_suspend(struct vcpu *v, struct smccc_call *c)
{
	/* power_state is 32 bits in both conventions. */
	uint32_t state = (uint32_t)smccc_arg(c, 1);

	if (state & PSCI_PS_RESERVED) {
		c->res[0] = smccc_ret(PSCI_INVALID_PARAMETERS);
		return EXIT_RESUME;
	}
	if ((state & PSCI_PS_POWERDOWN) &&
	    !entry_valid(v->vm, smccc_arg(c, 2))) {
		c->res[0] = smccc_ret(PSCI_INVALID_ADDRESS);
		return EXIT_RESUME;
	}
	c->res[0] = PSCI_SUCCESS;
	/* A wake-up event already there ends the standby at once, as for
	 * WFI (a timer whose condition is met counts, see handle_wfx). */
	if (vgic_vcpu_has_deliverable(v->vm, v) || vgic_timer_output_high(v))
		return EXIT_RESUME;
	return EXIT_WFI;
}

/* Never DENIED: that is for a core a uniprocessor Trusted OS lives on, and
 * MIGRATE_INFO_TYPE says there is none. On success it does not return: the
 * vCPU is off until a CPU_ON restarts it at a new entry point. */
static enum exit_action psci_cpu_off(struct vcpu *v, struct smccc_call *c)
{
	(void)c;
	v->power = VCPU_POWER_OFF;
	return EXIT_VCPU_OFF;
}

/* An mpidr with bits outside the affinity fields matches no vCPU. */
static struct vcpu *vcpu_by_mpidr(struct vm *vm, uint64_t mpidr)
{
	for (unsigned i = 0; i < vm->nvcpus; i++)
		if ((vm->vcpus[i].mpidr & MPIDR_AFF_MASK) == mpidr)
			return &vm->vcpus[i];
	return NULL;
}

static int64_t already(enum vcpu_power p)
{
	return p == VCPU_POWER_ON ? PSCI_ALREADY_ON : PSCI_ON_PENDING;
}

static enum exit_action psci_cpu_on(struct vcpu *v, struct smccc_call *c)
{
	struct vcpu *t = vcpu_by_mpidr(v->vm, smccc_arg(c, 1));
	uint64_t entry = smccc_arg(c, 2);
	enum vcpu_power p;

	if (!t) {
		c->res[0] = smccc_ret(PSCI_INVALID_PARAMETERS);
		return EXIT_RESUME;
	}
	/* A target that is on, or being turned on, says so whatever the
	 * entry point; the claim below decides if it changes meanwhile. */
	p = t->power;
	if (p != VCPU_POWER_OFF)
		c->res[0] = smccc_ret(already(p));
	else if (!entry_valid(v->vm, entry))
		c->res[0] = smccc_ret(PSCI_INVALID_ADDRESS);
	else if ((p = vcpu_post_cpu_on(t, entry, smccc_arg(c, 3))) !=
		 VCPU_POWER_OFF)
		c->res[0] = smccc_ret(already(p));
	else
		c->res[0] = PSCI_SUCCESS;
	return EXIT_RESUME;
}

/*
 * Levels 1-3 (optional since PSCI 1.0) are answered too: the instance is
 * every vCPU whose affinity matches above that level; it is ON if one of
 * them is, ON_PENDING if none is but one is being turned on, else OFF.
 */
static enum exit_action psci_affinity_info(struct vcpu *v, struct smccc_call *c)
{
	uint64_t aff = smccc_arg(c, 1), level = smccc_arg(c, 2), mask;
	bool found = false, on = false, pending = false;

	if (level > 3 || (aff & ~MPIDR_AFF_MASK)) {
		c->res[0] = smccc_ret(PSCI_INVALID_PARAMETERS);
		return EXIT_RESUME;
	}
	/* Affinity levels below 'level' are ignored. */
	mask = MPIDR_AFF_MASK & ~((1ull << MPIDR_LEVEL_BITS(level)) - 1);
	for (unsigned i = 0; i < v->vm->nvcpus; i++) {
		struct vcpu *t = &v->vm->vcpus[i];
		enum vcpu_power p;

		if ((t->mpidr & mask) != (aff & mask))
			continue;
		found = true;
		p = t->power;
		on |= p == VCPU_POWER_ON;
		pending |= p == VCPU_POWER_ON_PENDING;
		/* A guest polls AFFINITY_INFO until another vCPU turns off
		 * or on, which only happens while that one runs. */
		if (p != VCPU_POWER_OFF)
			vcpu_yield_to(v, t);
	}
	c->res[0] = smccc_ret(!found	? PSCI_INVALID_PARAMETERS
			      : on	? PSCI_AFF_ON
			      : pending ? PSCI_AFF_ON_PENDING
					: PSCI_AFF_OFF);
	return EXIT_RESUME;
}

static enum exit_action psci_migrate_info_type(struct vcpu *v,
					       struct smccc_call *c)
{
	(void)v;
	c->res[0] = PSCI_TOS_NOT_PRESENT_MP;
	return EXIT_RESUME;
}

static enum exit_action psci_system_off(struct vcpu *v, struct smccc_call *c)
{
	(void)c;
	v->vm->state = VM_OFF;
	return EXIT_VM_OFF;
}

static enum exit_action psci_system_reset(struct vcpu *v, struct smccc_call *c)
{
	(void)c;
	v->vm->state = VM_RESET_REQUESTED;
	return EXIT_VM_RESET;
}

static enum exit_action psci_features_call(struct vcpu *v, struct smccc_call *c)
{
	(void)v;
	c->res[0] = smccc_ret(psci_features((uint32_t)smccc_arg(c, 1)));
	return EXIT_RESUME;
}

/* MIGRATE and MIGRATE_INFO_UP_CPU are absent: MIGRATE_INFO_TYPE says no
 * Trusted OS needs migrating, so the spec lets them be NOT_SUPPORTED. */
static const struct psci_entry psci_table[PSCI_FNUM_LAST + 1] = {
    [0x00] = {psci_version, false, "psci.version"},
    [0x01] = {psci_cpu_suspend, true, "psci.cpu_suspend"},
    [0x02] = {psci_cpu_off, false, "psci.cpu_off"},
    [0x03] = {psci_cpu_on, true, "psci.cpu_on"},
    [0x04] = {psci_affinity_info, true, "psci.affinity_info"},
    [0x06] = {psci_migrate_info_type, false, "psci.migrate_info_type"},
    [0x08] = {psci_system_off, false, "psci.system_off"},
    [0x09] = {psci_system_reset, false, "psci.system_reset"},
    [0x0a] = {psci_features_call, false, "psci.features"},
};

static const struct psci_entry *psci_lookup(uint32_t fid)
{
	unsigned fnum = fid & SMCCC_FNUM_MASK;
	const struct psci_entry *e;

	if ((fid & ~(SMCCC_64 | SMCCC_FNUM_MASK)) !=
		(PSCI_FN_BASE & ~SMCCC_FNUM_MASK) ||
	    fnum > PSCI_FNUM_LAST)
		return NULL;
	e = &psci_table[fnum];
	if (!e->fn || ((fid & SMCCC_64) && !e->has64))
		return NULL;
	return e;
}

int64_t psci_features(uint32_t fid)
{
	if (fid == SMCCC_VERSION)
		return PSCI_SUCCESS;
	if (!psci_lookup(fid))
		return PSCI_NOT_SUPPORTED;
	/* CPU_SUSPEND answers with its feature flags. */
	if ((fid & ~SMCCC_64) == PSCI_CPU_SUSPEND)
		return PSCI_SUSPEND_FEATURES;
	return PSCI_SUCCESS;
}

enum exit_action psci_call(struct vcpu *v, struct smccc_call *c)
{
	const struct psci_entry *e = psci_lookup(c->fid);

	if (!e) {
		v->note.what = "psci.unknown";
		return EXIT_RESUME;
	}
	v->note.what = e->name;
	return e->fn(v, c);
}
