/*
 * PSCI 1.1 (DEN0022D) power management: CPU_ON posted to the target and
 * applied by it, the power states AFFINITY_INFO reports, CPU_OFF, and
 * CPU_SUSPEND's argument checks and wake-up. Function IDs, return codes and
 * power_state encodings are written out from the spec, never taken from the
 * core's headers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "exit.h"
#include "hal.h"
#include "test_vm.h"
#include "vcpu_req.h"
#include "vgic/vgic.h"

#define CPU_SUSPEND32 0x84000001u
#define CPU_SUSPEND64 0xc4000001u
#define CPU_OFF 0x84000002u
#define CPU_ON32 0x84000003u
#define CPU_ON64 0xc4000003u
#define AFFINITY_INFO32 0x84000004u
#define AFFINITY_INFO64 0xc4000004u
#define PSCI_FEATURES 0x8400000au

#define SUCCESS 0
#define NOT_SUPPORTED (-1)
#define INVALID_PARAMETERS (-2)
#define ALREADY_ON (-4)
#define ON_PENDING (-5)
#define INVALID_ADDRESS (-9)

/* AFFINITY_INFO results. */
#define AFF_ON 0
#define AFF_OFF 1
#define AFF_ON_PENDING 2

#define ESR_HVC0 0x5a000000ull /* HVC #0 from AArch64: EC 0x16, IL */
#define ICH_VMCR_EL2 SYSREG_ENC(3, 4, 12, 11, 7)
#define PC0 (TEST_RAM_IPA + 0x1000)
#define RAM_END (TEST_RAM_IPA + (16u << 20)) /* the SMP test VM: 16 MiB */

/* Make a call on v over HVC #0; returns the action, x0 as a signed value
 * in *ret. */
static enum exit_action call(struct vcpu *v, uint64_t fid, uint64_t x1,
			     uint64_t x2, uint64_t x3, int64_t *ret)
{
	enum exit_action act;

	v->regs.x[0] = fid;
	v->regs.x[1] = x1;
	v->regs.x[2] = x2;
	v->regs.x[3] = x3;
	v->regs.pc = PC0 + 4;
	act = test_trap(v, ESR_HVC0, 0, 0);
	*ret = (int64_t)v->regs.x[0];
	return act;
}

/* x0 of a call that must resume the caller. */
static int64_t ret_of(struct vcpu *v, uint64_t fid, uint64_t x1, uint64_t x2,
		      uint64_t x3)
{
	int64_t r;

	assert_int_equal(call(v, fid, x1, x2, x3, &r), EXIT_RESUME);
	return r;
}

static void poison(struct vcpu *v)
{
	for (unsigned i = 0; i < 31; i++)
		v->regs.x[i] = 0xdead000000000000ull | i;
	v->regs.pc = 0xdead0000;
	v->regs.pstate = 0x5;
}

/* CPU_ON writes nothing of the target's: the target's own
 * vcpu_apply_requests puts it at its entry point. */
static void cpu_on_is_posted_to_the_target(void **state)
{
	struct test_vm *t = *state;
	struct vcpu *v1 = &t->vm->vcpus[1];
	struct vcpu_regs before;

	poison(v1);
	before = v1->regs;
	assert_false(vcpu_runnable(v1));
	assert_int_equal(
	    ret_of(t->v, CPU_ON64, 1, TEST_RAM_IPA + 0x800, 0xabcd), SUCCESS);
	assert_memory_equal(&v1->regs, &before, sizeof(before));
	assert_int_equal(ret_of(t->v, AFFINITY_INFO64, 1, 0, 0),
			 AFF_ON_PENDING);
	assert_true(vcpu_runnable(v1));

	assert_true(vcpu_apply_requests(v1));
	assert_int_equal(v1->regs.pc, TEST_RAM_IPA + 0x800);
	assert_int_equal(v1->regs.x[0], 0xabcd);
	assert_int_equal(v1->regs.x[5], 0);
	assert_int_equal(v1->regs.pstate, 0x3c5 /* EL1h, DAIF masked */);
	assert_int_equal(ret_of(t->v, AFFINITY_INFO64, 1, 0, 0), AFF_ON);
	assert_true(vcpu_runnable(v1));
	/* Applied once: a second pass changes nothing. */
	v1->regs.pc = TEST_RAM_IPA + 0x900;
	assert_true(vcpu_apply_requests(v1));
	assert_int_equal(v1->regs.pc, TEST_RAM_IPA + 0x900);
}

static void cpu_on_pending_then_already_on(void **state)
{
	struct test_vm *t = *state;
	struct vcpu *v1 = &t->vm->vcpus[1];

	assert_int_equal(ret_of(t->v, CPU_ON64, 1, TEST_RAM_IPA, 1), SUCCESS);
	assert_int_equal(ret_of(t->v, CPU_ON64, 1, TEST_RAM_IPA + 4, 2),
			 ON_PENDING);
	assert_int_equal(ret_of(t->v, CPU_ON32, 1, TEST_RAM_IPA + 4, 2),
			 ON_PENDING);
	/* The second call did not replace the first one's payload. */
	assert_true(vcpu_apply_requests(v1));
	assert_int_equal(v1->regs.pc, TEST_RAM_IPA);
	assert_int_equal(v1->regs.x[0], 1);
	assert_int_equal(ret_of(t->v, CPU_ON64, 1, TEST_RAM_IPA + 4, 2),
			 ALREADY_ON);
	assert_int_equal(ret_of(t->v, CPU_ON64, 0, TEST_RAM_IPA + 4, 2),
			 ALREADY_ON); /* the caller itself */
}

static void cpu_on_rejects_bad_targets_and_entries(void **state)
{
	struct test_vm *t = *state;
	struct vcpu *v1 = &t->vm->vcpus[1];

	/* No vCPU with that affinity; bits outside Aff3..Aff0 set (MPIDR's
	 * RES1 bit 31, bits 63:40). */
	assert_int_equal(ret_of(t->v, CPU_ON64, 2, TEST_RAM_IPA, 0),
			 INVALID_PARAMETERS);
	assert_int_equal(ret_of(t->v, CPU_ON64, 0x100, TEST_RAM_IPA, 0),
			 INVALID_PARAMETERS);
	assert_int_equal(ret_of(t->v, CPU_ON64, 0x80000001, TEST_RAM_IPA, 0),
			 INVALID_PARAMETERS);
	assert_int_equal(
	    ret_of(t->v, CPU_ON64, (1ull << 40) | 1, TEST_RAM_IPA, 0),
	    INVALID_PARAMETERS);
	/* Entry outside RAM, misaligned, or in the last 4 bytes' reach. */
	assert_int_equal(ret_of(t->v, CPU_ON64, 1, 0x1000, 0), INVALID_ADDRESS);
	assert_int_equal(ret_of(t->v, CPU_ON64, 1, TEST_RAM_IPA + 2, 0),
			 INVALID_ADDRESS);
	assert_int_equal(ret_of(t->v, CPU_ON64, 1, RAM_END, 0),
			 INVALID_ADDRESS);
	/* The SMC32 form sees only the low 32 bits of the entry. */
	assert_int_equal(ret_of(t->v, CPU_ON32, 1, 0x100000000ull | 0x1000, 0),
			 INVALID_ADDRESS);
	/* Nothing was claimed or posted. */
	assert_int_equal(ret_of(t->v, AFFINITY_INFO64, 1, 0, 0), AFF_OFF);
	assert_false(vcpu_runnable(v1));
	assert_false(vcpu_apply_requests(v1));
	/* The last word of RAM is a valid entry. */
	assert_int_equal(ret_of(t->v, CPU_ON64, 1, RAM_END - 4, 0), SUCCESS);
}

static void cpu_off_on_cycle(void **state)
{
	struct test_vm *t = *state;
	struct vcpu *v1 = &t->vm->vcpus[1];
	int64_t r;

	assert_int_equal(ret_of(t->v, CPU_ON64, 1, TEST_RAM_IPA, 0), SUCCESS);
	assert_true(vcpu_apply_requests(v1));
	/* CPU_OFF does not return to its caller. */
	assert_int_equal(call(v1, CPU_OFF, 0, 0, 0, &r), EXIT_VCPU_OFF);
	assert_int_equal(ret_of(t->v, AFFINITY_INFO32, 1, 0, 0), AFF_OFF);
	assert_false(vcpu_runnable(v1));
	assert_false(vcpu_apply_requests(v1));

	v1->regs.x[7] = 0x77;
	assert_int_equal(ret_of(t->v, CPU_ON64, 1, TEST_RAM_IPA + 0x2000, 0x55),
			 SUCCESS);
	assert_int_equal(v1->regs.x[7], 0x77);
	assert_true(vcpu_apply_requests(v1));
	assert_int_equal(v1->regs.pc, TEST_RAM_IPA + 0x2000);
	assert_int_equal(v1->regs.x[0], 0x55);
	assert_int_equal(v1->regs.x[7], 0);
	assert_int_equal(ret_of(t->v, AFFINITY_INFO32, 1, 0, 0), AFF_ON);
}

static struct vcpu *kicked[4];
static unsigned nkicked;

static void record_kick(struct vcpu *v)
{
	if (nkicked < 4)
		kicked[nkicked] = v;
	nkicked++;
}

/* The scheduler's hook hears of each request posted, once. */
static void cpu_on_kicks_the_target(void **state)
{
	struct test_vm *t = *state;

	nkicked = 0;
	vcpu_set_kick_hook(record_kick);
	assert_int_equal(ret_of(t->v, CPU_ON64, 1, 0x1000, 0), INVALID_ADDRESS);
	assert_int_equal(nkicked, 0);
	assert_int_equal(ret_of(t->v, CPU_ON64, 1, TEST_RAM_IPA, 0), SUCCESS);
	assert_int_equal(ret_of(t->v, CPU_ON64, 1, TEST_RAM_IPA, 0),
			 ON_PENDING);
	vcpu_set_kick_hook(NULL);
	assert_int_equal(nkicked, 1);
	assert_ptr_equal(kicked[0], &t->vm->vcpus[1]);
}

static void affinity_info_levels(void **state)
{
	struct test_vm *t = *state;
	struct vcpu *v1 = &t->vm->vcpus[1];
	int64_t r;

	/* Level 1: Aff0 is ignored, the cluster (Aff1 = 0) has vCPU 0 on. */
	assert_int_equal(ret_of(t->v, AFFINITY_INFO64, 0x1, 1, 0), AFF_ON);
	assert_int_equal(ret_of(t->v, AFFINITY_INFO64, 0xff, 1, 0), AFF_ON);
	assert_int_equal(ret_of(t->v, AFFINITY_INFO64, 0x100, 1, 0),
			 INVALID_PARAMETERS); /* no cluster 1 */
	assert_int_equal(ret_of(t->v, AFFINITY_INFO64, 0, 4, 0),
			 INVALID_PARAMETERS);
	assert_int_equal(ret_of(t->v, AFFINITY_INFO64, 0x80000000, 0, 0),
			 INVALID_PARAMETERS);
	assert_int_equal(ret_of(t->v, AFFINITY_INFO64, 2, 0, 0),
			 INVALID_PARAMETERS);

	/* vCPU 0 off, vCPU 0 being turned on by vCPU 1. */
	assert_int_equal(ret_of(t->v, CPU_ON64, 1, TEST_RAM_IPA, 0), SUCCESS);
	assert_true(vcpu_apply_requests(v1));
	assert_int_equal(call(t->v, CPU_OFF, 0, 0, 0, &r), EXIT_VCPU_OFF);
	assert_int_equal(ret_of(v1, AFFINITY_INFO64, 0, 0, 0), AFF_OFF);
	assert_int_equal(ret_of(v1, CPU_ON64, 0, TEST_RAM_IPA, 0), SUCCESS);
	assert_int_equal(ret_of(v1, AFFINITY_INFO64, 0, 0, 0), AFF_ON_PENDING);
	assert_int_equal(ret_of(v1, AFFINITY_INFO64, 0, 1, 0), AFF_ON);
	/* vCPU 1 off too: the cluster is ON_PENDING only. */
	assert_int_equal(call(v1, CPU_OFF, 0, 0, 0, &r), EXIT_VCPU_OFF);
	assert_int_equal(ret_of(v1, AFFINITY_INFO64, 0, 1, 0), AFF_ON_PENDING);
	assert_int_equal(ret_of(v1, AFFINITY_INFO64, 1, 0, 0), AFF_OFF);
}

/* power_state, original format: [31:26] and [23:17] must be zero. */
static void cpu_suspend_reserved_bits(void **state)
{
	struct test_vm *t = *state;
	static const uint32_t bad[] = {1u << 17, 1u << 23,   1u << 26,
				       1u << 31, 0x00fe0000, 0xfc000000};

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(
		    ret_of(t->v, CPU_SUSPEND64, bad[i], TEST_RAM_IPA, 0),
		    INVALID_PARAMETERS);
		assert_int_equal(ret_of(t->v, CPU_SUSPEND32, bad[i] | 1u << 16,
					TEST_RAM_IPA, 0),
				 INVALID_PARAMETERS);
	}
}

static void cpu_suspend_standby_waits(void **state)
{
	struct test_vm *t = *state;
	int64_t r;

	/* Standby, StateID and PowerLevel set; the entry point is not an
	 * argument of a standby state. */
	assert_int_equal(call(t->v, CPU_SUSPEND64, 0x0300ffff, 0x2, 0, &r),
			 EXIT_WFI);
	assert_int_equal(r, SUCCESS);
	assert_int_equal(t->v->regs.pc, PC0 + 4);
	/* power_state is 32 bits: the upper half of x1 is not part of it. */
	assert_int_equal(
	    call(t->v, CPU_SUSPEND64, 0xffffffff00000000ull, 0, 0, &r),
	    EXIT_WFI);
	assert_int_equal(r, SUCCESS);
}

/* A powerdown state (StateType 1) needs an entry point the vCPU can
 * start at. */
static void cpu_suspend_powerdown_entry(void **state)
{
	struct test_vm *t = *state;
	int64_t r;

	assert_int_equal(ret_of(t->v, CPU_SUSPEND64, 0x10000, 0x1000, 0),
			 INVALID_ADDRESS);
	assert_int_equal(
	    ret_of(t->v, CPU_SUSPEND64, 0x10000, TEST_RAM_IPA + 2, 0),
	    INVALID_ADDRESS);
	assert_int_equal(ret_of(t->v, CPU_SUSPEND64, 0x10000, RAM_END, 0),
			 INVALID_ADDRESS);
	assert_int_equal(
	    call(t->v, CPU_SUSPEND64, 0x1010000, TEST_RAM_IPA + 0x800, 7, &r),
	    EXIT_WFI);
	assert_int_equal(r, SUCCESS);
}

/* An interrupt the vCPU can take is already pending: the standby ends at
 * once, the call returning SUCCESS. */
static void cpu_suspend_returns_with_pending_interrupt(void **state)
{
	struct test_vm *t = *state;
	int64_t r;

	hal_sysreg_write(ICH_VMCR_EL2, (0xffull << 24) | 2); /* VPMR, VENG1 */
	test_vm_gic_enable(t, 27, 0xa0);
	vgic_inject(t->vm, t->v, 27);
	assert_int_equal(call(t->v, CPU_SUSPEND64, 0, 0, 0, &r), EXIT_RESUME);
	assert_int_equal(r, SUCCESS);
	assert_int_equal(t->v->regs.pc, PC0 + 4);
	assert_int_equal(
	    call(t->v, CPU_SUSPEND32, 0x10000, TEST_RAM_IPA, 0, &r),
	    EXIT_RESUME);
	assert_int_equal(r, SUCCESS);
	/* Masked by the priority mask: not a reason to wake. */
	hal_sysreg_write(ICH_VMCR_EL2, (0xa0ull << 24) | 2);
	assert_int_equal(call(t->v, CPU_SUSPEND64, 0, 0, 0, &r), EXIT_WFI);
}

static void features_of_every_function(void **state)
{
	struct test_vm *t = *state;
	static const uint32_t implemented[] = {
	    0x84000000, 0x84000001, 0xc4000001, 0x84000002, 0x84000003,
	    0xc4000003, 0x84000004, 0xc4000004, 0x84000006, 0x84000008,
	    0x84000009, 0x8400000a, 0x80000000 /* SMCCC_VERSION */};
	static const uint32_t absent[] = {
	    0xc4000002, 0x84000005, 0xc4000005, 0x84000007, 0xc4000007,
	    0x8400000b, 0x8400000e, 0xc400000e, 0x84000012, 0xc4000000};

	for (unsigned i = 0; i < sizeof(implemented) / sizeof(*implemented);
	     i++)
		assert_int_equal(
		    ret_of(t->v, PSCI_FEATURES, implemented[i], 0, 0), 0);
	for (unsigned i = 0; i < sizeof(absent) / sizeof(*absent); i++)
		assert_int_equal(ret_of(t->v, PSCI_FEATURES, absent[i], 0, 0),
				 NOT_SUPPORTED);
}

/* PSCI_FEATURES(CPU_SUSPEND) is a flags word: bit 1 clear says the
 * original power_state format (so bits 23:17 are reserved, as checked
 * above, rather than StateID bits), bit 0 clear platform-coordinated. */
static void suspend_features_say_original_format(void **state)
{
	struct test_vm *t = *state;

	assert_int_equal(ret_of(t->v, PSCI_FEATURES, CPU_SUSPEND32, 0, 0), 0);
	assert_int_equal(ret_of(t->v, PSCI_FEATURES, CPU_SUSPEND64, 0, 0), 0);
	/* In the extended format 0x00020000 would be StateID bits. */
	assert_int_equal(ret_of(t->v, CPU_SUSPEND32, 0x00020000, 0, 0),
			 INVALID_PARAMETERS);
}

int main(void)
{
#define T(f)                                                                   \
	cmocka_unit_test_setup_teardown(f, test_vm_setup_smp,                  \
					test_vm_teardown_state)
	const struct CMUnitTest tests[] = {
	    T(cpu_on_is_posted_to_the_target),
	    T(cpu_on_pending_then_already_on),
	    T(cpu_on_rejects_bad_targets_and_entries),
	    T(cpu_off_on_cycle),
	    T(cpu_on_kicks_the_target),
	    T(affinity_info_levels),
	    T(cpu_suspend_reserved_bits),
	    T(cpu_suspend_standby_waits),
	    T(cpu_suspend_powerdown_entry),
	    T(cpu_suspend_returns_with_pending_interrupt),
	    T(features_of_every_function),
	    T(suspend_features_say_original_format),
	};
	return cmocka_run_group_tests_name("psci", tests, NULL, NULL);
}
