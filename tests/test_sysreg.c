/* The trapped system-register table and its accessors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include "bus_access.h"
#include "exit.h"
#include "hal.h"
#include "sim_hal.h"
#include "sysreg/sysreg.h"
#include "test_vm.h"
#include "vgic/vgic.h"

#define PC0 (TEST_RAM_IPA + 0x2000)

/* A system register by its architectural encoding. */
struct sr {
	unsigned op0, op1, crn, crm, op2;
};
#define SR(op0, op1, crn, crm, op2) ((struct sr){op0, op1, crn, crm, op2})

#define ID_AA64PFR0_EL1 SR(3, 0, 0, 4, 0)
#define ID_AA64DFR0_EL1 SR(3, 0, 0, 5, 0)
#define ID_AA64ISAR1_EL1 SR(3, 0, 0, 6, 1)
#define MDSCR_EL1 SR(2, 0, 0, 2, 2)
#define OSLAR_EL1 SR(2, 0, 1, 0, 4)
#define OSLSR_EL1 SR(2, 0, 1, 1, 4)
#define OSDLR_EL1 SR(2, 0, 1, 3, 4)
#define ICC_SGI1R_EL1 SR(3, 0, 12, 11, 5)
#define ESR_EL1 SR(3, 0, 5, 2, 0)
#define ELR_EL1 SR(3, 0, 4, 0, 1)
#define ICH_LR0_EL2 SR(3, 4, 12, 12, 0)

/* The key the host HAL stores a register under. */
static uint32_t key(struct sr r)
{
	return SYSREG_ENC(r.op0, r.op1, r.crn, r.crm, r.op2);
}

/* A trapped MSR/MRS from AArch64 as the Arm ARM encodes it: EC=0x18 and IL
 * (0x62000000), ISS Op0 [21:20], Op2 [19:17], Op1 [16:14], CRn [13:10],
 * Rt [9:5], CRm [4:1], Direction [0] (1 = MRS). Checked against whole
 * literal syndromes in trapped_syndromes_literal. */
static uint64_t sysreg_esr(struct sr r, unsigned rt, bool is_read)
{
	uint32_t iss = (r.op0 << 20) | (r.op2 << 17) | (r.op1 << 14) |
		       (r.crn << 10) | (rt << 5) | (r.crm << 1) |
		       (is_read ? 1u : 0u);

	return 0x62000000ull | iss;
}

static uint64_t mrs(struct vcpu *v, struct sr r, unsigned rt)
{
	v->regs.pc = PC0;
	test_trap(v, sysreg_esr(r, rt, true), 0, 0);
	return vcpu_get_x(v, rt);
}

static void msr(struct vcpu *v, struct sr r, unsigned rt, uint64_t val)
{
	v->regs.pc = PC0;
	vcpu_set_x(v, rt, val);
	test_trap(v, sysreg_esr(r, rt, false), 0, 0);
}

static void assert_emulated(const struct vcpu *v)
{
	assert_int_equal(v->regs.pc, PC0 + 4);
	assert_int_equal(v->regs.pstate & 0xf, 0x5); /* still EL1h */
}

static void assert_undef(const struct vcpu *v)
{
	assert_int_equal(v->regs.pc, TEST_VBAR + 0x200);
	assert_int_equal(hal_sysreg_read(key(ELR_EL1)), PC0);
	/* EC=0x00 (unknown reason), IL */
	assert_int_equal(hal_sysreg_read(key(ESR_EL1)), 0x02000000);
}

/* Whole syndromes: MRS x3, ID_AA64PFR0_EL1 and MSR OSLAR_EL1, x1. */
static void trapped_syndromes_literal(void **state)
{
	struct test_vm *t = *state;

	assert_int_equal(sysreg_esr(ID_AA64PFR0_EL1, 3, true), 0x62300069);
	assert_int_equal(sysreg_esr(OSLAR_EL1, 1, false), 0x62280420);
	sim_sysreg_set(key(ID_AA64PFR0_EL1), 0x11);
	/* A CPU with these ID values: the hypervisor reads them once,
	 * when it starts (ID registers do not change after reset). */
	assert_int_equal(sysreg_init(), 0);
	t->v->regs.pc = PC0;
	t->v->regs.x[3] = 0;
	test_trap(t->v, 0x62300069, 0, 0);
	assert_emulated(t->v);
	/* EL0/EL1 AArch64 only (0x11), GIC system registers (bits 27:24 = 1) */
	assert_int_equal(t->v->regs.x[3], 0x1000011);
	t->v->regs.pc = PC0;
	t->v->regs.x[1] = 0;
	test_trap(t->v, 0x62280420, 0, 0); /* OSLK=0: unlock */
	assert_emulated(t->v);
	assert_int_equal(mrs(t->v, OSLSR_EL1, 0), 0x8); /* OSLM=0b10, OSLK=0 */
}

static void table_is_sorted(void **state)
{
	(void)state;
	assert_int_equal(sysreg_init(), 0);
	assert_true(sysreg_table_size() > 100);
}

static bool dummy(struct vcpu *v, const struct sysreg_desc *d, uint64_t *val,
		  bool is_read)
{
	(void)v;
	(void)d;
	(void)val;
	(void)is_read;
	return true;
}

static void order_check_catches_unsorted_and_duplicates(void **state)
{
	const struct sysreg_desc sorted[] = {
	    {1, "a", dummy, 0}, {5, "b", dummy, 0}, {9, "c", dummy, 0}};
	const struct sysreg_desc swapped[] = {
	    {1, "a", dummy, 0}, {9, "c", dummy, 0}, {5, "b", dummy, 0}};
	const struct sysreg_desc dup[] = {
	    {1, "a", dummy, 0}, {5, "b", dummy, 0}, {5, "b", dummy, 0}};

	(void)state;
	assert_int_equal(sysreg_table_check(sorted, 3), -1);
	assert_int_equal(sysreg_table_check(swapped, 3), 2);
	assert_int_equal(sysreg_table_check(dup, 3), 2);
	assert_int_equal(sysreg_table_check(sorted, 0), -1);
	assert_ptr_equal(sysreg_table_find(sorted, 3, 9), &sorted[2]);
	assert_ptr_equal(sysreg_table_find(sorted, 3, 1), &sorted[0]);
	assert_null(sysreg_table_find(sorted, 3, 4));
	assert_null(sysreg_table_find(sorted, 3, 10));
	assert_null(sysreg_table_find(sorted, 0, 1));
}

static void every_entry_is_found_by_lookup(void **state)
{
	(void)state;
	/* Walk the whole 16-bit encoding space: lookups agree with a linear
	 * scan, so binary search and table order are consistent. */
	size_t found = 0;

	for (uint32_t enc = 0; enc < 0x10000; enc++)
		if (sysreg_find(enc)) {
			assert_int_equal(sysreg_find(enc)->enc, enc);
			found++;
		}
	assert_int_equal(found, sysreg_table_size());
}

static void id_registers_are_sanitised(void **state)
{
	struct test_vm *t = *state;
	uint64_t pfr0, dfr0, isar1;

	sim_sysreg_set(key(ID_AA64PFR0_EL1), 0x1111111111111122ull);
	sim_sysreg_set(key(ID_AA64DFR0_EL1), 0x0000000f10f05f06ull);
	sim_sysreg_set(key(ID_AA64ISAR1_EL1), 0xffffffffull);
	/* A CPU with these ID values: the hypervisor reads them once,
	 * when it starts (ID registers do not change after reset). */
	assert_int_equal(sysreg_init(), 0);
	pfr0 = mrs(t->v, ID_AA64PFR0_EL1, 3);
	assert_emulated(t->v);
	assert_int_equal(pfr0 & 0xff, 0x11);	     /* EL0/EL1 AArch64 only */
	assert_int_equal((pfr0 >> 8) & 0xf, 0);	     /* no EL2 */
	assert_int_equal((pfr0 >> 24) & 0xf, 1);     /* GICv3 sysregs */
	assert_int_equal((pfr0 >> 32) & 0xf, 0);     /* no SVE */
	assert_int_equal((pfr0 >> 28) & 0xf, 0);     /* no RAS */
	assert_int_equal((pfr0 >> 16) & 0xff, 0x11); /* FP, AdvSIMD kept */
	dfr0 = mrs(t->v, ID_AA64DFR0_EL1, 4);
	assert_int_equal((dfr0 >> 8) & 0xf, 0);	 /* no PMU */
	assert_int_equal((dfr0 >> 32) & 0xf, 0); /* no SPE */
	assert_int_equal((dfr0 >> 12) & 0xf, 5); /* BRPs kept */
	isar1 = mrs(t->v, ID_AA64ISAR1_EL1, 5);
	assert_int_equal(isar1 & 0xff000ff0ull, 0); /* no pointer auth */
	/* Unallocated and AArch32 ID registers read as zero. */
	t->v->regs.x[6] = 0x55;
	assert_int_equal(mrs(t->v, SR(3, 0, 0, 3, 7), 6), 0);
	assert_emulated(t->v);
	assert_int_equal(mrs(t->v, SR(3, 0, 0, 1, 0), 6), 0);
}

static void id_register_writes_undef(void **state)
{
	struct test_vm *t = *state;

	msr(t->v, ID_AA64PFR0_EL1, 1, 0);
	assert_undef(t->v);
}

static void unknown_register_undefs(void **state)
{
	struct test_vm *t = *state;

	t->v->regs.x[2] = 0x1234;
	mrs(t->v, SR(2, 0, 0, 15, 3), 2);
	assert_undef(t->v);
	assert_int_equal(t->v->regs.x[2], 0x1234); /* destination untouched */
	msr(t->v, SR(3, 7, 15, 15, 7), 2, 1);
	assert_undef(t->v);
}

static void os_lock(void **state)
{
	struct test_vm *t = *state;

	/* OSLK resets to 1; OSLM says the lock is implemented. */
	assert_int_equal(mrs(t->v, OSLSR_EL1, 0), 0xa);
	msr(t->v, OSLAR_EL1, 1, 0);
	assert_emulated(t->v);
	assert_int_equal(mrs(t->v, OSLSR_EL1, 0), 0x8);
	msr(t->v, OSLAR_EL1, 1, 1);
	assert_int_equal(mrs(t->v, OSLSR_EL1, 0), 0xa);
	/* OSLAR is write-only, OSLSR read-only. */
	mrs(t->v, OSLAR_EL1, 0);
	assert_undef(t->v);
	msr(t->v, OSLSR_EL1, 0, 0);
	assert_undef(t->v);
	msr(t->v, OSDLR_EL1, 0, 3);
	assert_int_equal(mrs(t->v, OSDLR_EL1, 1), 1);
}

static void breakpoints_hold_values_up_to_brps(void **state)
{
	struct test_vm *t = *state;
	/* BRPs = 2 (3 breakpoints), WRPs = 1 (2 watchpoints). */
	sim_sysreg_set(key(ID_AA64DFR0_EL1), 0x00102006);
	/* A CPU with these ID values: the hypervisor reads them once,
	 * when it starts (ID registers do not change after reset). */
	assert_int_equal(sysreg_init(), 0);
	msr(t->v, SR(2, 0, 0, 2, 4), 0, 0xfeed0000); /* DBGBVR2 */
	assert_emulated(t->v);
	assert_int_equal(mrs(t->v, SR(2, 0, 0, 2, 4), 1), 0xfeed0000);
	msr(t->v, SR(2, 0, 0, 1, 7), 0, 0x1e5); /* DBGWCR1 */
	assert_int_equal(mrs(t->v, SR(2, 0, 0, 1, 7), 1), 0x1e5);
	msr(t->v, SR(2, 0, 0, 3, 4), 0, 1); /* DBGBVR3: absent */
	assert_undef(t->v);
	mrs(t->v, SR(2, 0, 0, 2, 6), 1); /* DBGWVR2: absent */
	assert_undef(t->v);
}

static void mdscr_reaches_live_register(void **state)
{
	struct test_vm *t = *state;

	msr(t->v, MDSCR_EL1, 9, 1u << 13);
	assert_emulated(t->v);
	assert_int_equal(hal_sysreg_read(key(MDSCR_EL1)), 1u << 13);
	assert_int_equal(mrs(t->v, MDSCR_EL1, 10), 1u << 13);
}

static void xzr_as_source_and_destination(void **state)
{
	struct test_vm *t = *state;

	msr(t->v, OSDLR_EL1, 0, 1);
	msr(t->v, OSDLR_EL1, 31, 0x1); /* XZR: writes zero */
	assert_int_equal(mrs(t->v, OSDLR_EL1, 0), 0);
	for (unsigned i = 0; i < 31; i++)
		t->v->regs.x[i] = i;
	mrs(t->v, OSLSR_EL1, 31); /* result discarded */
	assert_emulated(t->v);
	for (unsigned i = 0; i < 31; i++)
		assert_int_equal(t->v->regs.x[i], i);
}

static void sgi_to_self_is_injected(void **state)
{
	struct test_vm *t = *state;

	test_vm_gic_enable(t, 5, 0x80);
	/* INTID 5, Aff3.2.1 = 0, TargetList bit 0 (this vCPU). */
	msr(t->v, ICC_SGI1R_EL1, 2, (5ull << 24) | 1);
	assert_emulated(t->v);
	/* In the LRs when the exit ends: pending [62], Group 1 [60],
	 * priority 0x80 [55:48], edge (no EOI maintenance [41]), vINTID 5. */
	assert_int_equal(hal_sysreg_read(key(ICH_LR0_EL2)),
			 0x5080000000000005ull);
	/* GICR_ISPENDR0 of vCPU 0 agrees, once the LRs are read back as a
	 * guest's access to it would (through an exit). */
	vgic_sync(t->v);
	assert_int_equal(bus_rd(&t->vm->bus, 0x080b0200, 4), 1u << 5);
	/* Reads of the write-only register UNDEF. */
	mrs(t->v, ICC_SGI1R_EL1, 2);
	assert_undef(t->v);
}

static void sgi_to_absent_cpu_is_dropped(void **state)
{
	struct test_vm *t = *state;

	test_vm_gic_enable(t, 5, 0x80);
	test_vm_gic_enable(t, 3, 0x80);
	msr(t->v, ICC_SGI1R_EL1, 2, (5ull << 24) | 2);
	assert_emulated(t->v);
	assert_int_equal(bus_rd(&t->vm->bus, 0x080b0200, 4), 0);
	/* IRM: everyone but self, i.e. nobody here. */
	msr(t->v, ICC_SGI1R_EL1, 2, (1ull << 40) | (3ull << 24));
	assert_int_equal(bus_rd(&t->vm->bus, 0x080b0200, 4), 0);
	assert_int_equal(hal_sysreg_read(key(ICH_LR0_EL2)), 0);
}

int main(void)
{
#define T(f)                                                                   \
	cmocka_unit_test_setup_teardown(f, test_vm_setup_up,                   \
					test_vm_teardown_state)
	const struct CMUnitTest tests[] = {
	    T(table_is_sorted),
	    T(trapped_syndromes_literal),
	    cmocka_unit_test(order_check_catches_unsorted_and_duplicates),
	    cmocka_unit_test(every_entry_is_found_by_lookup),
	    T(id_registers_are_sanitised),
	    T(id_register_writes_undef),
	    T(unknown_register_undefs),
	    T(os_lock),
	    T(breakpoints_hold_values_up_to_brps),
	    T(mdscr_reaches_live_register),
	    T(xzr_as_source_and_destination),
	    T(sgi_to_self_is_injected),
	    T(sgi_to_absent_cpu_is_dropped),
	};
	return cmocka_run_group_tests_name("sysreg", tests, NULL, NULL);
}
