/*
 * PSCI 1.1 for guests, table-driven by function number. CPU_SUSPEND is
 * handled as a standby (WFI-like) state, which PSCI allows an implementation
 * to choose for any requested state.
 */
#include "smccc/psci.h"
#include "vm/vm.h"

#define MPIDR_AFF_MASK 0xff00ffffffull
#define MPIDR_LEVEL_BITS(l) ((l) == 3 ? 32u : 8u * (l))

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

static enum exit_action psci_cpu_suspend(struct vcpu *v, struct smccc_call *c)
{
	(void)v;
	c->res[0] = PSCI_SUCCESS;
	return EXIT_WFI;
}

static enum exit_action psci_cpu_off(struct vcpu *v, struct smccc_call *c)
{
	(void)c;
	v->power = VCPU_POWER_OFF;
	return EXIT_VCPU_OFF;
}

static struct vcpu *vcpu_by_mpidr(struct vm *vm, uint64_t mpidr, uint64_t mask)
{
	for (unsigned i = 0; i < vm->nvcpus; i++)
		if ((vm->vcpus[i].mpidr & mask) == (mpidr & mask))
			return &vm->vcpus[i];
	return NULL;
}

static enum exit_action psci_cpu_on(struct vcpu *v, struct smccc_call *c)
{
	struct vcpu *t = vcpu_by_mpidr(v->vm, smccc_arg(c, 1), MPIDR_AFF_MASK);
	uint64_t entry = smccc_arg(c, 2);

	if (!t || (smccc_arg(c, 1) & ~MPIDR_AFF_MASK))
		c->res[0] = smccc_ret(PSCI_INVALID_PARAMETERS);
	else if (t->power == VCPU_POWER_ON)
		c->res[0] = smccc_ret(PSCI_ALREADY_ON);
	else if ((entry & 3) || !vm_ipa_to_hva(v->vm, entry, 4))
		c->res[0] = smccc_ret(PSCI_INVALID_ADDRESS);
	else {
		vcpu_reset(t, entry, smccc_arg(c, 3));
		c->res[0] = PSCI_SUCCESS;
	}
	return EXIT_RESUME;
}

static enum exit_action psci_affinity_info(struct vcpu *v, struct smccc_call *c)
{
	uint64_t level = smccc_arg(c, 2), mask;
	bool found = false, on = false;

	if (level > 3) {
		c->res[0] = smccc_ret(PSCI_INVALID_PARAMETERS);
		return EXIT_RESUME;
	}
	/* Affinity levels below 'level' are ignored. */
	mask = MPIDR_AFF_MASK & ~((1ull << MPIDR_LEVEL_BITS(level)) - 1);
	for (unsigned i = 0; i < v->vm->nvcpus; i++) {
		const struct vcpu *t = &v->vm->vcpus[i];

		if ((t->mpidr & mask) == (smccc_arg(c, 1) & mask)) {
			found = true;
			on |= t->power == VCPU_POWER_ON;
		}
	}
	c->res[0] = smccc_ret(!found ? PSCI_INVALID_PARAMETERS
			      : on   ? PSCI_AFF_ON
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
	/* CPU_SUSPEND: original power_state format, platform-coordinated. */
	return psci_lookup(fid) ? PSCI_SUCCESS : PSCI_NOT_SUPPORTED;
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
