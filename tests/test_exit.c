/* The EC-indexed exit table, UNDEF injection, WFx and PC-advance rules. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bus_access.h"
#include "exit.h"
#include "exit_stats.h"
#include "hal.h"
#include "test_vm.h"
#include "trap/handlers.h"
#include "trap/inject.h"
#include "vgic/vgic.h"

/* Registers by their Op0, Op1, CRn, CRm, Op2 (Arm ARM). */
#define ESR_EL1 SYSREG_ENC(3, 0, 5, 2, 0)
#define ELR_EL1 SYSREG_ENC(3, 0, 4, 0, 1)
#define SPSR_EL1 SYSREG_ENC(3, 0, 4, 0, 0)
#define ICH_VMCR_EL2 SYSREG_ENC(3, 4, 12, 11, 7)
/* ICH_LR<n>_EL2: CRm = 0b110:n[3], Op2 = n[2:0] */
#define ICH_LR_EL2(n) SYSREG_ENC(3, 4, 12, 12 + ((n) >> 3), (n)&7)

/* WFI/WFE from AArch64: EC=0x01, IL, ISS.TI 0 = WFI, 1 = WFE. */
#define ESR_WFI 0x06000000ull
#define ESR_WFE 0x06000001ull

/*
 * What vm_activate_vcpu (run by the test VM's setup) asks of EL2, as the
 * guest's isolation depends on it: HCR_EL2.TID3 [18], TSC [19], TACR [21],
 * TWI [13]; MDCR_EL2.TPMCR [5], TPM [6] (every PMU access traps, and
 * UNDEFs: no PMU is described) and HPMD [17] (nothing counts at EL2).
 */
static void el2_traps_hide_the_pmu(void **state)
{
	struct test_vm *t = *state;
	uint64_t hcr = hal_sysreg_read(SYSREG_ENC(3, 4, 1, 1, 0));
	uint64_t mdcr = hal_sysreg_read(SYSREG_ENC(3, 4, 1, 1, 1));

	assert_int_equal(hcr & 0x2c2000, 0x2c2000);
	assert_int_equal(mdcr & 0x20060, 0x20060);
	/* PMCCNTR_EL0 (op0 3, op1 3, CRn 9, CRm 13, op2 0) read into x0:
	 * ISS = Op0 [21:20] | Op2 [19:17] | Op1 [16:14] | CRn [13:10] |
	 * Rt [9:5] | CRm [4:1] | Direction [0] = 0x32641b; EC 0x18, IL. */
	t->v->regs.pc = TEST_RAM_IPA + 0x40;
	test_trap(t->v, 0x6232641bull, 0, 0);
	/* UNDEF at the current-EL synchronous vector. */
	assert_int_equal(t->v->regs.pc, TEST_VBAR + 0x200);
}

static void table_has_no_holes(void **state)
{
	(void)state;
	for (unsigned ec = 0; ec < 64; ec++) /* EC is 6 bits */
		assert_non_null(exit_handler_for(ec));
	/* Out-of-range values are masked, never index past the table. */
	assert_ptr_equal(exit_handler_for(0x40), exit_handler_for(0));
}

static void known_ecs_have_handlers(void **state)
{
	(void)state;
	assert_ptr_equal(exit_handler_for(0x16), handle_hvc);	 /* HVC64 */
	assert_ptr_equal(exit_handler_for(0x17), handle_smc);	 /* SMC64 */
	assert_ptr_equal(exit_handler_for(0x18), handle_sysreg); /* MSR/MRS */
	assert_ptr_equal(exit_handler_for(0x24), handle_dabt);	 /* DABT_LOW */
	assert_ptr_equal(exit_handler_for(0x20), handle_iabt);	 /* IABT_LOW */
	assert_ptr_equal(exit_handler_for(0x01), handle_wfx);	 /* WFI/WFE */
}

static void check_undef_at(struct vcpu *v, uint64_t fault_pc,
			   uint64_t old_pstate, uint64_t vector)
{
	/* EC=0x00 (unknown reason), IL, ISS=0 */
	assert_int_equal(hal_sysreg_read(ESR_EL1), 0x02000000);
	assert_int_equal(hal_sysreg_read(ELR_EL1), fault_pc);
	assert_int_equal(hal_sysreg_read(SPSR_EL1), old_pstate);
	assert_int_equal(v->regs.pc, TEST_VBAR + vector);
	assert_int_equal(v->regs.pstate, 0x3c5); /* EL1h, D A I F masked */
}

/* Every EC without a handler, including reserved ones, injects UNDEF. */
static void unknown_and_reserved_ecs_inject_undef(void **state)
{
	struct test_vm *t = *state;
	/* unknown, unallocated ones, SVC64 (0x15), SError (0x2f) */
	static const unsigned ecs[] = {0x00, 0x02, 0x0a, 0x10, 0x1f,
				       0x15, 0x2d, 0x2f, 0x3f};

	for (unsigned i = 0; i < sizeof(ecs) / sizeof(ecs[0]); i++) {
		uint64_t pc = TEST_RAM_IPA + 0x100 + 8 * i;
		uint64_t ps = 0x5; /* EL1h, interrupts unmasked */

		t->v->regs.pc = pc;
		t->v->regs.pstate = ps;
		assert_int_equal(
		    test_trap(t->v,
			      (ecs[i] << 26) | 0x02000000 /* IL */ | 0x1234, 0,
			      0),
		    EXIT_RESUME);
		check_undef_at(t->v, pc, ps, 0x200);
		assert_string_equal(t->v->note.what, "undef.ec");
	}
}

static void undef_vector_depends_on_mode(void **state)
{
	(void)state;
	/* M[3:0]: EL1t 0b0100, EL1h 0b0101, EL0t 0b0000; M[4] (nRW) AArch32 */
	assert_int_equal(inject_vector_offset(0x4), 0x000);  /* current, SP0 */
	assert_int_equal(inject_vector_offset(0x5), 0x200);  /* current, SPx */
	assert_int_equal(inject_vector_offset(0x0), 0x400);  /* lower, A64 */
	assert_int_equal(inject_vector_offset(0x10), 0x600); /* lower, A32 */
	assert_int_equal(inject_vector_offset(0x13), 0x600); /* A32 svc */
}

static void undef_from_el0_goes_to_lower_vector(void **state)
{
	struct test_vm *t = *state;

	t->v->regs.pc = 0x1000;
	t->v->regs.pstate = 0x0; /* EL0t */
	test_trap(t->v, 0xfe000000 /* EC=0x3f, IL */, 0, 0);
	check_undef_at(t->v, 0x1000, 0x0, 0x400);
}

static void wfi_idles_without_pending_interrupt(void **state)
{
	struct test_vm *t = *state;

	t->v->regs.pc = TEST_RAM_IPA + 0x40;
	assert_int_equal(test_trap(t->v, ESR_WFI, 0, 0), EXIT_WFI);
	assert_int_equal(t->v->regs.pc, TEST_RAM_IPA + 0x44);
}

static void wfi_returns_when_interrupt_pending(void **state)
{
	struct test_vm *t = *state;

	/* Group 1 enabled, priority mask open. */
	hal_sysreg_write(ICH_VMCR_EL2, (0xffull << 24) | 2); /* VPMR, VENG1 */
	test_vm_gic_enable(t, 27, 0xa0);
	vgic_inject(t->vm, t->v, 27);
	t->v->regs.pc = TEST_RAM_IPA + 0x40;
	assert_int_equal(test_trap(t->v, ESR_WFI, 0, 0), EXIT_RESUME);
	assert_int_equal(t->v->regs.pc, TEST_RAM_IPA + 0x44);
}

/* A pending interrupt the guest cannot take does not end a WFI. */
static void wfi_ignores_undeliverable_interrupts(void **state)
{
	struct test_vm *t = *state;

	vgic_inject(t->vm, t->v, 27);
	hal_sysreg_write(ICH_VMCR_EL2, (0xffull << 24) | 2); /* VPMR, VENG1 */
	/* Pending but not enabled in the redistributor. */
	t->v->regs.pc = TEST_RAM_IPA + 0x40;
	assert_int_equal(test_trap(t->v, ESR_WFI, 0, 0), EXIT_WFI);
	test_vm_gic_enable(t, 27, 0xa0);
	bus_wr(&t->vm->bus, 0x08000000, 4, 0); /* GICD_CTLR: Group 1 off */
	assert_int_equal(test_trap(t->v, ESR_WFI, 0, 0), EXIT_WFI);
	bus_wr(&t->vm->bus, 0x08000000, 4, 0x2);
	hal_sysreg_write(ICH_VMCR_EL2, 0xffull << 24); /* VENG1 off */
	assert_int_equal(test_trap(t->v, ESR_WFI, 0, 0), EXIT_WFI);
	/* Group 1 on, but the priority mask (0xa0) does not let 0xa0 in. */
	hal_sysreg_write(ICH_VMCR_EL2, (0xa0ull << 24) | 2);
	assert_int_equal(test_trap(t->v, ESR_WFI, 0, 0), EXIT_WFI);
	hal_sysreg_write(ICH_VMCR_EL2, (0xa1ull << 24) | 2);
	assert_int_equal(test_trap(t->v, ESR_WFI, 0, 0), EXIT_RESUME);
}

static void wfe_yields(void **state)
{
	struct test_vm *t = *state;

	t->v->regs.pc = TEST_RAM_IPA + 0x80;
	assert_int_equal(test_trap(t->v, ESR_WFE, 0, 0), EXIT_RESUME);
	assert_int_equal(t->v->regs.pc, TEST_RAM_IPA + 0x84);
}

/* IL=0 means a 16-bit instruction: the PC advances by 2, not 4. */
static void pc_advance_follows_il(void **state)
{
	struct test_vm *t = *state;

	t->v->regs.pc = 0x2000;
	test_trap(t->v, 0x04000001 /* WFE, IL=0 */, 0, 0);
	assert_int_equal(t->v->regs.pc, 0x2002);
}

/*
 * Every exit brackets its handler with the vGIC: the LRs go back into the
 * model before it (so a guest's acknowledge is seen) and the model into
 * the LRs after it (so what the handler made pending is delivered).
 */
static void exits_sync_and_flush_the_lrs(void **state)
{
	struct test_vm *t = *state;
	/* ICH_LR0_EL2 (S3_4_C12_C12_0); HVC #0 with x0 = PSCI_VERSION. */
	uint32_t lr0 = SYSREG_ENC(3, 4, 12, 12, 0);
	uint64_t hvc = 0x5a000000; /* EC 0x16 HVC64, IL */

	test_vm_gic_enable(t, 27, 0xa0);
	vgic_inject(t->vm, t->v, 27);
	t->v->regs.x[0] = 0x84000000;
	test_trap(t->v, hvc, 0, 0);
	/* Pending [62], HW [61] (the timer's interrupt is forwarded: its
	 * physical twin, pINTID 27 in [44:32], is deactivated with it),
	 * Group 1 [60], priority 0xa0 [55:48], vINTID 27. */
	assert_int_equal(hal_sysreg_read(lr0), 0x70a0001b0000001bull);
	/* The guest acknowledges it: pending -> active [63]. */
	hal_sysreg_write(lr0, 0xb0a0001b0000001bull);
	t->v->regs.x[0] = 0x84000000;
	test_trap(t->v, hvc, 0, 0);
	/* GICR_ISACTIVER0 / ISPENDR0 (SGI frame of vCPU 0) see it. */
	assert_int_equal(bus_rd(&t->vm->bus, 0x080b0300, 4), 1u << 27);
	assert_int_equal(bus_rd(&t->vm->bus, 0x080b0200, 4), 0);
	assert_int_equal(hal_sysreg_read(lr0), 0xb0a0001b0000001bull);
	/* Deactivated: the LR empties and the model follows. */
	hal_sysreg_write(lr0, 0);
	t->v->regs.x[0] = 0x84000000;
	test_trap(t->v, hvc, 0, 0);
	assert_int_equal(bus_rd(&t->vm->bus, 0x080b0300, 4), 0);
	assert_int_equal(hal_sysreg_read(lr0), 0);
}

static void stats_summary_names_every_class(void **state)
{
	struct exit_stats st = {0};
	char buf[128], small[8];

	(void)state;
	assert_int_equal(exit_stats_format(&st, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "0");
	st.count[0x16] = 3; /* HVC64 */
	st.count[0x3a] = 1; /* no name: printed as its number */
	st.count[EXIT_CLASS_IRQ] = 2;
	exit_stats_format(&st, buf, sizeof(buf));
	assert_string_equal(buf, "6 (HVC64 3, EC_3a 1, IRQ 2)");
	/* Truncation reports the full length and stays terminated. */
	assert_int_equal(exit_stats_format(&st, small, sizeof(small)),
			 (int)strlen(buf));
	assert_string_equal(small, "6 (HVC6");
	assert_string_equal(exit_class_name(0x24), "DABT_LOW");
	assert_null(exit_class_name(EXIT_NR_CLASSES));
}

int main(void)
{
#define T(f)                                                                   \
	cmocka_unit_test_setup_teardown(f, test_vm_setup_up,                   \
					test_vm_teardown_state)
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(table_has_no_holes),
	    T(el2_traps_hide_the_pmu),
	    cmocka_unit_test(stats_summary_names_every_class),
	    cmocka_unit_test(known_ecs_have_handlers),
	    cmocka_unit_test(undef_vector_depends_on_mode),
	    T(unknown_and_reserved_ecs_inject_undef),
	    T(undef_from_el0_goes_to_lower_vector),
	    T(wfi_idles_without_pending_interrupt),
	    T(wfi_returns_when_interrupt_pending),
	    T(wfi_ignores_undeliverable_interrupts),
	    T(wfe_yields),
	    T(pc_advance_follows_il),
	    T(exits_sync_and_flush_the_lrs),
	};
	return cmocka_run_group_tests_name("exit", tests, NULL, NULL);
}
