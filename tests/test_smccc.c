/* HVC/SMC dispatch by SMCCC function ID, and PSCI 1.1. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include "exit.h"
#include "test_vm.h"

/* Function IDs and return codes are written out from SMCCC (DEN0028) and
 * PSCI (DEN0022), never taken from the core's headers. */
#define NOT_SUPPORTED 0xffffffffffffffffull /* -1, sign-extended */
#define PC0 (TEST_RAM_IPA + 0x1000)

/* HVC #0 / SMC #0 from AArch64: EC=0x16 / 0x17, IL, imm16=0. */
#define ESR_HVC0 0x5a000000ull
#define ESR_SMC0 0x5e000000ull

enum conduit { HVC, SMC };

/* Fill every GPR with a recognisable pattern. */
static void poison(struct vcpu *v)
{
	for (unsigned i = 0; i < 31; i++)
		v->regs.x[i] = 0xdead000000000000ull | i;
}

/* Make a call: the port's view is ESR + registers; HVC leaves PC after the
 * instruction, a trapped SMC at it. */
static enum exit_action call(struct vcpu *v, enum conduit c, uint64_t x0,
			     uint64_t x1, uint64_t x2, uint64_t x3)
{
	v->regs.x[0] = x0;
	v->regs.x[1] = x1;
	v->regs.x[2] = x2;
	v->regs.x[3] = x3;
	v->regs.pc = c == HVC ? PC0 + 4 : PC0;
	return test_trap(v, c == HVC ? ESR_HVC0 : ESR_SMC0, 0, 0);
}

static void both_conduits_leave_pc_after_call(void **state)
{
	struct test_vm *t = *state;

	call(t->v, HVC, 0x84000000 /* PSCI_VERSION */, 0, 0, 0);
	assert_int_equal(t->v->regs.pc, PC0 + 4);
	call(t->v, SMC, 0x84000000 /* PSCI_VERSION */, 0, 0, 0);
	assert_int_equal(t->v->regs.pc, PC0 + 4);
}

static void versions(void **state)
{
	struct test_vm *t = *state;

	for (enum conduit c = HVC; c <= SMC; c++) {
		call(t->v, c, 0x80000000 /* SMCCC_VERSION */, 0, 0, 0);
		assert_int_equal(t->v->regs.x[0], 0x10002); /* SMCCC 1.2 */
		call(t->v, c, 0x84000000 /* PSCI_VERSION */, 0, 0, 0);
		assert_int_equal(t->v->regs.x[0], 0x10001);
		/* PSCI 1.1 */ /* PSCI 1.1 */
	}
}

/* Results in x0-x3; x4-x30 untouched; upper half of x0 ignored on input. */
static void calling_convention_preserves_registers(void **state)
{
	struct test_vm *t = *state;

	poison(t->v);
	call(t->v, HVC, 0xffffffff00000000ull | 0x84000000 /* PSCI_VERSION */,
	     7, 8, 9);
	assert_int_equal(t->v->regs.x[0], 0x10001); /* PSCI 1.1 */
	assert_int_equal(t->v->regs.x[1], 0);
	assert_int_equal(t->v->regs.x[2], 0);
	assert_int_equal(t->v->regs.x[3], 0);
	for (unsigned i = 4; i < 31; i++)
		assert_int_equal(t->v->regs.x[i], 0xdead000000000000ull | i);
}

static void unknown_ids_not_supported(void **state)
{
	struct test_vm *t = *state;
	static const uint32_t ids[] = {
	    0x8200ffff, 0xc200ffff, /* SiP, SMC32 and SMC64 */
	    0x8400001f, 0xc400001f, /* unallocated PSCI */
	    0x84000005, 0x84000007, /* MIGRATE*: no Trusted OS */
	    0xc4000000,		    /* PSCI_VERSION has no SMC64 form */
	    0xc4000008,		    /* nor SYSTEM_OFF */
	    0x84010000,		    /* reserved bits set */
	    0x86000000, 0xc5000000, /* hypervisor services */
	    0x80000002, 0x80008000, /* SOC_ID, WORKAROUND_1 */
	    0xbf00ffff, 0xff00ffff, /* trusted OS */
	    0x04000000,		    /* yielding call */
	};

	for (unsigned i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		for (enum conduit c = HVC; c <= SMC; c++) {
			poison(t->v);
			assert_int_equal(call(t->v, c, ids[i], 1, 2, 3),
					 EXIT_RESUME);
			assert_int_equal(t->v->regs.x[0], NOT_SUPPORTED);
			assert_int_equal(t->v->regs.x[5],
					 0xdead000000000000ull | 5);
		}
	}
}

static void nonzero_immediate_rejected(void **state)
{
	struct test_vm *t = *state;

	t->v->regs.x[0] = 0x84000008 /* SYSTEM_OFF */;
	t->v->regs.pc = PC0 + 4;
	assert_int_equal(test_trap(t->v, 0x5a000042 /* HVC #0x42 */, 0, 0),
			 EXIT_RESUME);
	assert_int_equal(t->v->regs.x[0], NOT_SUPPORTED);
	assert_int_equal(t->vm->state, VM_RUNNING);
}

static void arch_features(void **state)
{
	struct test_vm *t = *state;

	call(t->v, HVC, 0x80000001 /* SMCCC_ARCH_FEATURES */,
	     0x80000000 /* SMCCC_VERSION */, 0, 0);
	assert_int_equal(t->v->regs.x[0], 0);
	call(t->v, HVC, 0x80000001 /* SMCCC_ARCH_FEATURES */,
	     0x80000001 /* SMCCC_ARCH_FEATURES */, 0, 0);
	assert_int_equal(t->v->regs.x[0], 0);
	call(t->v, HVC, 0x80000001 /* SMCCC_ARCH_FEATURES */,
	     0x80008000 /* SMCCC_ARCH_WORKAROUND_1 */, 0, 0);
	assert_int_equal(t->v->regs.x[0], NOT_SUPPORTED);
}

static void psci_features_query(void **state)
{
	struct test_vm *t = *state;

	call(t->v, HVC, 0x8400000a /* PSCI_FEATURES */,
	     0x84000003 /* CPU_ON (SMC32) */, 0, 0);
	assert_int_equal(t->v->regs.x[0], 0);
	call(t->v, HVC, 0x8400000a /* PSCI_FEATURES */,
	     0xc4000003 /* CPU_ON (SMC64) */, 0, 0);
	assert_int_equal(t->v->regs.x[0], 0);
	call(t->v, HVC, 0x8400000a /* PSCI_FEATURES */,
	     0x80000000 /* SMCCC_VERSION */, 0, 0);
	assert_int_equal(t->v->regs.x[0], 0);
	call(t->v, HVC, 0x8400000a /* PSCI_FEATURES */,
	     0x84000005 /* MIGRATE */, 0, 0);
	assert_int_equal(t->v->regs.x[0], NOT_SUPPORTED);
	call(t->v, HVC, 0x8400000a /* PSCI_FEATURES */,
	     0xc4000000 /* no SMC64 PSCI_VERSION */, 0, 0);
	assert_int_equal(t->v->regs.x[0], NOT_SUPPORTED);
	/* The SMC32 form truncates the argument to 32 bits. */
	call(t->v, HVC, 0x8400000a /* PSCI_FEATURES */,
	     0x1234567800000000ull | 0x84000000 /* PSCI_VERSION */, 0, 0);
	assert_int_equal(t->v->regs.x[0], 0);
}

static void migrate_info_type(void **state)
{
	struct test_vm *t = *state;

	call(t->v, HVC, 0x84000006 /* MIGRATE_INFO_TYPE */, 0, 0, 0);
	/* 2: no Trusted OS, or one that needs no migration */
	assert_int_equal(t->v->regs.x[0], 2);
}

static void system_off_and_reset(void **state)
{
	struct test_vm *t = *state;

	assert_int_equal(
	    call(t->v, HVC, 0x84000009 /* SYSTEM_RESET */, 0, 0, 0),
	    EXIT_VM_RESET);
	assert_int_equal(t->vm->state, VM_RESET_REQUESTED);
	assert_int_equal(call(t->v, SMC, 0x84000008 /* SYSTEM_OFF */, 0, 0, 0),
			 EXIT_VM_OFF);
	assert_int_equal(t->vm->state, VM_OFF);
}

static void single_vcpu_affinity_and_cpu_on(void **state)
{
	struct test_vm *t = *state;

	call(t->v, HVC, 0x84000004 /* AFFINITY_INFO */, 0, 0, 0);
	assert_int_equal(t->v->regs.x[0], 0 /* ON */);
	call(t->v, HVC, 0xc4000004 /* AFFINITY_INFO (SMC64) */, 0, 0, 0);
	assert_int_equal(t->v->regs.x[0], 0 /* ON */);
	call(t->v, HVC, 0x84000004 /* AFFINITY_INFO */, 1, 0, 0);
	assert_int_equal((int64_t)t->v->regs.x[0], -2 /* INVALID_PARAMETERS */);
	call(t->v, HVC, 0x84000004 /* AFFINITY_INFO */, 0, 4, 0);
	assert_int_equal((int64_t)t->v->regs.x[0], -2 /* INVALID_PARAMETERS */);
	call(t->v, HVC, 0xc4000003 /* CPU_ON (SMC64) */, 0, TEST_RAM_IPA, 0);
	assert_int_equal((int64_t)t->v->regs.x[0], -4 /* ALREADY_ON */);
	call(t->v, HVC, 0xc4000003 /* CPU_ON (SMC64) */, 1, TEST_RAM_IPA, 0);
	assert_int_equal((int64_t)t->v->regs.x[0], -2 /* INVALID_PARAMETERS */);
}

int main(void)
{
#define T1(f)                                                                  \
	cmocka_unit_test_setup_teardown(f, test_vm_setup_up,                   \
					test_vm_teardown_state)
	const struct CMUnitTest tests[] = {
	    T1(both_conduits_leave_pc_after_call),
	    T1(versions),
	    T1(calling_convention_preserves_registers),
	    T1(unknown_ids_not_supported),
	    T1(nonzero_immediate_rejected),
	    T1(arch_features),
	    T1(psci_features_query),
	    T1(migrate_info_type),
	    T1(system_off_and_reset),
	    T1(single_vcpu_affinity_and_cpu_on),
	};
	return cmocka_run_group_tests_name("smccc_psci", tests, NULL, NULL);
}
