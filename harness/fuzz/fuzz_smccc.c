/*
 * SMCCC and PSCI as the guest reaches them: an HVC or trapped SMC exit on
 * a real two-vCPU VM with x0-x17 from the input. The expected answer comes
 * from a model written from the specs (SMCCC DEN0028, PSCI DEN0022), not
 * from the core's tables:
 *  - x4-x30 and SP are preserved, the PC is left past the call;
 *  - every function the model does not list, every yielding call and
 *    every non-zero immediate returns NOT_SUPPORTED (-1);
 *  - each known function returns one of the values its spec allows, and
 *    where the VM's state fixes the answer (VERSION, CPU_ON, AFFINITY_INFO
 *    at level 0, FEATURES), exactly that value; power calls return the
 *    action that stops the vCPU or VM.
 * Input: conduit/immediate, function choice, x0, vCPU 1 power, argument
 * choices, x1-x17.
 */
#include <stdint.h>
#include <string.h>

#include "arch/esr.h"
#include "exit.h"
#include "fz.h"
#include "vcpu_req.h"

#define NOT_SUPPORTED (-1)
#define INVALID_PARAMETERS (-2)
#define DENIED (-3)
#define ALREADY_ON (-4)
#define ON_PENDING (-5)
#define INTERNAL_FAILURE (-6)
#define DISABLED (-8)
#define INVALID_ADDRESS (-9)

#define FN64 0x40000000u
#define AFF_MASK 0xff00ffffffull /* Aff3 [39:32], Aff2-0 [23:0] */

/* SMCCC and PSCI function IDs this hypervisor documents (README: PSCI 1.1,
 * SMCCC 1.2); the 64-bit forms only where PSCI defines them. */
static const uint32_t known[] = {
    0x80000000, 0x80000001, /* SMCCC_VERSION, SMCCC_ARCH_FEATURES */
    0x84000000,		    /* PSCI_VERSION */
    0x84000001, 0xc4000001, /* CPU_SUSPEND */
    0x84000002,		    /* CPU_OFF */
    0x84000003, 0xc4000003, /* CPU_ON */
    0x84000004, 0xc4000004, /* AFFINITY_INFO */
    0x84000006,		    /* MIGRATE_INFO_TYPE */
    0x84000008, 0x84000009, /* SYSTEM_OFF, SYSTEM_RESET */
    0x8400000a,		    /* PSCI_FEATURES */
};
/* Near misses the fuzzer would take long to guess. */
static const uint32_t steer_fid[] = {
    0x84000005, 0xc4000005, 0x84000007, 0xc4000007, 0xc4000000,
    0xc4000002, 0x8400000b, 0x8400001f, 0x84000020, 0x80008000,
    0x80007fff, 0x80000002, 0xc0000000, 0x04000000, 0x86000000,
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static bool is_known(uint32_t fid)
{
	for (unsigned i = 0; i < N(known); i++)
		if (known[i] == fid)
			return true;
	return false;
}

static bool res_is(uint64_t x0, bool is64, int64_t want)
{
	return is64 ? x0 == (uint64_t)want
		    : (uint32_t)x0 == (uint32_t)(int32_t)want;
}

static bool res_in(uint64_t x0, bool is64, const int64_t *set, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (res_is(x0, is64, set[i]))
			return true;
	return false;
}

static struct vcpu *by_mpidr(struct vm *vm, uint64_t mpidr)
{
	for (unsigned i = 0; i < vm->nvcpus; i++)
		if ((vm->vcpus[i].mpidr & AFF_MASK) == (mpidr & AFF_MASK))
			return &vm->vcpus[i];
	return NULL;
}

struct call {
	uint32_t fid;
	bool is64;
	uint64_t arg[3];
	enum vcpu_power other_before; /* vCPU 1 */
};

static void check_cpu_on(struct fz_vm *f, const struct call *c, uint64_t x0,
			 enum exit_action act)
{
	struct vcpu *t = by_mpidr(f->vm, c->arg[0]);
	int64_t want;

	FZ_CHECK(act == EXIT_RESUME, "CPU_ON action %d", act);
	if (!t || (c->arg[0] & ~AFF_MASK))
		want = INVALID_PARAMETERS;
	else if (t == f->v || c->other_before == VCPU_POWER_ON)
		want = ALREADY_ON;
	else if ((c->arg[1] & 3) || c->arg[1] < GUEST_RAM_BASE ||
		 c->arg[1] + 4 > GUEST_RAM_BASE + FZ_RAM_MAX ||
		 c->arg[1] + 4 < c->arg[1])
		want = INVALID_ADDRESS;
	else
		want = 0;
	FZ_CHECK(res_is(x0, c->is64, want),
		 "CPU_ON(0x%llx, 0x%llx) = 0x%llx, want %lld",
		 (unsigned long long)c->arg[0], (unsigned long long)c->arg[1],
		 (unsigned long long)x0, (long long)want);
	if (want != 0)
		return;
	/* Posted, not applied: the target starts once it applies it. */
	FZ_CHECK(t->power == VCPU_POWER_ON_PENDING,
		 "CPU_ON succeeded but the target is not ON_PENDING");
	FZ_CHECK(vcpu_apply_requests(t) && t->power == VCPU_POWER_ON &&
		     t->regs.pc == c->arg[1] && t->regs.x[0] == c->arg[2] &&
		     t->regs.pstate == (PSR_MODE_EL1H | PSR_DAIF),
		 "CPU_ON succeeded but the target is not at its entry");
}

static void check_affinity_info(struct fz_vm *f, const struct call *c,
				uint64_t x0)
{
	static const int64_t allowed[] = {0, 1, 2, INVALID_PARAMETERS,
					  DISABLED};
	const struct vcpu *t = by_mpidr(f->vm, c->arg[0]);

	FZ_CHECK(res_in(x0, c->is64, allowed, N(allowed)),
		 "AFFINITY_INFO = 0x%llx", (unsigned long long)x0);
	if (c->arg[1] != 0)
		return; /* levels above 0 are deprecated since PSCI 1.0 */
	if (!t)
		FZ_CHECK(res_is(x0, c->is64, INVALID_PARAMETERS),
			 "AFFINITY_INFO of no vCPU = 0x%llx",
			 (unsigned long long)x0);
	else
		/* Bits outside the affinity fields (e.g. MPIDR's RES1 bit 31)
		 * may be ignored or refused: PSCI leaves it open. */
		FZ_CHECK(
		    res_is(x0, c->is64, t->power == VCPU_POWER_ON ? 0 : 1) ||
			((c->arg[0] & ~AFF_MASK) &&
			 res_is(x0, c->is64, INVALID_PARAMETERS)),
		    "AFFINITY_INFO of vCPU %u = 0x%llx", t->id,
		    (unsigned long long)x0);
}

static void check_result(struct fz_vm *f, const struct call *c, uint64_t x0,
			 enum exit_action act)
{
	/* SUCCESS without waiting: a wake-up event was already pending. */
	static const int64_t suspend_now[] = {0, INVALID_PARAMETERS, DENIED,
					      INVALID_ADDRESS};
	static const int64_t tos_type[] = {0, 1, 2};
	uint32_t q = (uint32_t)c->arg[0];

	if (c->fid != 0x84000001 && c->fid != 0xc4000001 &&
	    c->fid != 0x84000002 && c->fid != 0x84000008 &&
	    c->fid != 0x84000009 && c->fid != 0xc4000003 &&
	    c->fid != 0x84000003)
		/* FF-A's MSG_WAIT and direct request/response wait for a
		 * message (EXIT_WFI) when they succeed. */
		FZ_CHECK(act == EXIT_RESUME ||
			     (act == EXIT_WFI && fz_ffa_may_wait(c->fid)),
			 "fid 0x%x: action %d", c->fid, act);
	if (fz_smccc_results(c->fid) != 4) {
		/* FF-A answers in its own terms (fuzz_ffa_abi models them):
		 * an FFA_ERROR carries one of its codes, -1..-10, in w2. */
		int32_t err = (int32_t)f->v->regs.x[2];

		FZ_CHECK((uint32_t)x0 != 0x84000060u ||
			     (err <= -1 && err >= -10),
			 "FF-A fid 0x%08x: FFA_ERROR with w2 %d", c->fid, err);
		return;
	}
	if (!is_known(c->fid)) {
		FZ_CHECK(res_is(x0, c->is64, NOT_SUPPORTED),
			 "unknown fid 0x%08x returned 0x%llx", c->fid,
			 (unsigned long long)x0);
		return;
	}
	switch (c->fid) {
	case 0x80000000:
		FZ_CHECK(x0 == 0x10002, "SMCCC_VERSION 0x%llx",
			 (unsigned long long)x0);
		break;
	case 0x80000001:
		FZ_CHECK(
		    res_is(x0, false,
			   q == 0x80000000 || q == 0x80000001 ? 0
							      : NOT_SUPPORTED),
		    "ARCH_FEATURES(0x%x) = 0x%llx", q, (unsigned long long)x0);
		break;
	case 0x84000000:
		FZ_CHECK(x0 == 0x10001, "PSCI_VERSION 0x%llx",
			 (unsigned long long)x0);
		break;
	case 0x84000001:
	case 0xc4000001:
		FZ_CHECK((act == EXIT_WFI && res_is(x0, c->is64, 0)) ||
			     (act == EXIT_RESUME &&
			      res_in(x0, c->is64, suspend_now, 4)),
			 "CPU_SUSPEND: action %d x0 0x%llx", act,
			 (unsigned long long)x0);
		break;
	case 0x84000002:
		FZ_CHECK(act == EXIT_VCPU_OFF && f->v->power == VCPU_POWER_OFF,
			 "CPU_OFF: action %d", act);
		break;
	case 0x84000003:
	case 0xc4000003:
		check_cpu_on(f, c, x0, act);
		break;
	case 0x84000004:
	case 0xc4000004:
		check_affinity_info(f, c, x0);
		break;
	case 0x84000006:
		FZ_CHECK(res_in(x0, false, tos_type, 3),
			 "MIGRATE_INFO_TYPE 0x%llx", (unsigned long long)x0);
		break;
	case 0x84000008:
		FZ_CHECK(act == EXIT_VM_OFF && f->vm->state == VM_OFF,
			 "SYSTEM_OFF: action %d", act);
		break;
	case 0x84000009:
		FZ_CHECK(act == EXIT_VM_RESET &&
			     f->vm->state == VM_RESET_REQUESTED,
			 "SYSTEM_RESET: action %d", act);
		break;
	case 0x8400000a:
		/* PSCI 1.1: SMCCC_VERSION must be discoverable through it. */
		FZ_CHECK(
		    ((q == 0x80000000 || (is_known(q) && q >> 24 == 0x84) ||
		      (is_known(q) && q >> 24 == 0xc4))
			 ? (int32_t)x0 >= 0
			 : res_is(x0, false, NOT_SUPPORTED)),
		    "PSCI_FEATURES(0x%x) = 0x%llx", q, (unsigned long long)x0);
		break;
	default:
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = fz_in(data, size);
	uint8_t sel = fz_u8(&in), fidsel = fz_u8(&in);
	uint64_t x0 = fz_u64(&in);
	uint8_t argsel = fz_u8(&in);
	bool smc = sel & 1;
	uint16_t imm = (sel & 0x0e) == 0x0e ? fz_u16(&in) : 0;
	struct vcpu_regs old;
	struct fz_vm f;
	struct call c;
	enum exit_action act;
	struct vcpu *other;

	fz_vm_setup_default(&f, 2);
	other = &f.vm->vcpus[1];
	if (sel & 0x10)
		vcpu_reset(other, GUEST_RAM_BASE + 0x1000, 0);
	if (fidsel < 0x40)
		x0 = (x0 & ~0xffffffffull) | known[fidsel % N(known)];
	else if (fidsel < 0x60)
		x0 = (x0 & ~0xffffffffull) | steer_fid[fidsel % N(steer_fid)];
	f.v->regs.x[0] = x0;
	for (unsigned r = 1; r < 31; r++)
		f.v->regs.x[r] =
		    r < 18 ? fz_u64(&in) : 0x5e5e000000000000ull | r;
	/* CPU_ON / AFFINITY_INFO targets and entry points worth hitting. */
	if (argsel & 1)
		f.v->regs.x[1] = (argsel & 2 ? other : f.v)->mpidr |
				 (argsel & 4 ? f.v->regs.x[1] & ~AFF_MASK : 0);
	if (argsel & 8)
		f.v->regs.x[2] = GUEST_RAM_BASE + (f.v->regs.x[2] & 0xffffff);
	if (argsel & 0x10)
		f.v->regs.x[2] &= 0xffffffffull;
	f.v->regs.pc = 0x40001000;
	f.v->exit.esr = esr_make(smc ? EC_SMC64 : EC_HVC64, 1, imm);
	old = f.v->regs;
	c = (struct call){.fid = (uint32_t)x0,
			  .is64 = ((uint32_t)x0 & FN64) != 0,
			  .other_before = other->power};
	for (unsigned i = 0; i < 3; i++)
		c.arg[i] = c.is64 ? old.x[i + 1] : (uint32_t)old.x[i + 1];

	vcpu_note_clear(f.v);
	act = hv_handle_sync(f.v);

	FZ_CHECK(f.v->regs.pc == old.pc + (smc ? 4 : 0), "PC after %s",
		 smc ? "SMC" : "HVC");
	FZ_CHECK(!memcmp(&f.v->regs.x[fz_smccc_results(c.fid)],
			 &old.x[fz_smccc_results(c.fid)],
			 (31 - fz_smccc_results(c.fid)) * sizeof(uint64_t)) &&
		     f.v->regs.sp_el0 == old.sp_el0 &&
		     f.v->regs.pstate == old.pstate,
		 "x%u-x30/SP/PSTATE not preserved by fid 0x%08x",
		 fz_smccc_results(c.fid), c.fid);
	if (imm != 0 || !(c.fid & 0x80000000u)) {
		/* Not an SMCCC fast call: nothing may happen but the error. */
		FZ_CHECK(act == EXIT_RESUME &&
			     res_is(f.v->regs.x[0], true, NOT_SUPPORTED),
			 "imm 0x%x fid 0x%08x: action %d x0 0x%llx", imm, c.fid,
			 act, (unsigned long long)f.v->regs.x[0]);
		FZ_CHECK(other->power == c.other_before, "vCPU 1 changed");
	} else {
		check_result(&f, &c, f.v->regs.x[0], act);
		if (c.fid != 0x84000003 && c.fid != 0xc4000003)
			FZ_CHECK(other->power == c.other_before,
				 "fid 0x%08x changed vCPU 1", c.fid);
	}
	fz_vm_teardown(&f);
	return 0;
}
