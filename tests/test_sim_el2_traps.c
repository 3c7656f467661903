/*
 * Which EL1 system register accesses the simulated CPU sends to EL2, given
 * the trap controls in the fake EL2 registers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "arch/sysreg_enc.h"
#include "el2_traps.h"
#include "sim_hal.h"

#define HCR_IMO (1ull << 4)
#define HCR_TWI (1ull << 13)
#define HCR_TWE (1ull << 14)
#define HCR_TID1 (1ull << 16)
#define HCR_TID2 (1ull << 17)
#define HCR_TID3 (1ull << 18)
#define HCR_TSC (1ull << 19)
#define HCR_TACR (1ull << 21)
#define HCR_TTLB (1ull << 25)
#define HCR_TVM (1ull << 26)
#define HCR_HCD (1ull << 29)
#define HCR_TRVM (1ull << 30)
#define MDCR_TDA (1ull << 9)
#define MDCR_TDOSA (1ull << 10)
#define MDCR_TDRA (1ull << 11)

#define ID_AA64PFR0 SYSREG_ENC(3, 0, 0, 4, 0)
#define ID_AA64MMFR0 SYSREG_ENC(3, 0, 0, 7, 0)
#define REVIDR SYSREG_ENC(3, 0, 0, 0, 6)
#define CTR_EL0 SYSREG_ENC(3, 3, 0, 0, 1)
#define MDSCR SYSREG_ENC(2, 0, 0, 2, 2)
#define DBGBVR0 SYSREG_ENC(2, 0, 0, 0, 4)
#define MDRAR SYSREG_ENC(2, 0, 1, 0, 0)
#define UNALLOC_DBG SYSREG_ENC(2, 0, 1, 15, 7)
#define CNTFRQ SYSREG_ENC(3, 3, 14, 0, 0)
#define CNTPCT SYSREG_ENC(3, 3, 14, 0, 1)
#define CNTVCT SYSREG_ENC(3, 3, 14, 0, 2)
#define CNTP_CTL SYSREG_ENC(3, 3, 14, 2, 1)
#define CNTV_TVAL SYSREG_ENC(3, 3, 14, 3, 0)
#define ICC_IAR1 SYSREG_ENC(3, 0, 12, 12, 0)
#define ICC_PMR SYSREG_ENC(3, 0, 4, 6, 0)
#define TLBI_VMALLE1 SYSREG_ENC(1, 0, 8, 7, 0)

static int reset(void **state)
{
	(void)state;
	sim_hal_reset();
	return 0;
}

static void set_hcr(uint64_t v)
{
	sim_sysreg_set(SYSREG_HCR_EL2, v);
}

static void test_id_registers(void **state)
{
	(void)state;
	assert_int_equal(el2_route_sysreg(ID_AA64PFR0, true), ROUTE_NATIVE);
	set_hcr(HCR_TID3);
	assert_int_equal(el2_route_sysreg(ID_AA64PFR0, true), ROUTE_TRAP);
	assert_int_equal(el2_route_sysreg(ID_AA64MMFR0, true), ROUTE_TRAP);
	/* TID3 traps reads; ID registers have no writes to trap. */
	assert_int_equal(el2_route_sysreg(ID_AA64PFR0, false), ROUTE_NATIVE);
	/* MIDR/MPIDR always read the virtualised values. */
	assert_int_equal(el2_route_sysreg(SYSREG_MIDR_EL1, true),
			 ROUTE_VIRT_ID);
	assert_int_equal(el2_route_sysreg(SYSREG_MPIDR_EL1, true),
			 ROUTE_VIRT_ID);
	assert_int_equal(el2_route_sysreg(REVIDR, true), ROUTE_NATIVE);
	set_hcr(HCR_TID1 | HCR_TID2);
	assert_int_equal(el2_route_sysreg(REVIDR, true), ROUTE_TRAP);
	assert_int_equal(el2_route_sysreg(CTR_EL0, true), ROUTE_TRAP);
	assert_int_equal(el2_route_sysreg(ID_AA64PFR0, true), ROUTE_NATIVE);
}

static void test_debug_registers(void **state)
{
	(void)state;
	assert_int_equal(el2_route_sysreg(MDSCR, true), ROUTE_NATIVE);
	sim_sysreg_set(SYSREG_MDCR_EL2, MDCR_TDA);
	assert_int_equal(el2_route_sysreg(MDSCR, true), ROUTE_TRAP);
	assert_int_equal(el2_route_sysreg(DBGBVR0, false), ROUTE_TRAP);
	/* An unallocated encoding is UNDEFINED at EL1 before any trap. */
	assert_int_equal(el2_route_sysreg(UNALLOC_DBG, true), ROUTE_NATIVE);
	/* The A57 has 6 breakpoints and 4 watchpoints. */
	assert_int_equal(el2_route_sysreg(SYSREG_ENC(2, 0, 0, 5, 4), true),
			 ROUTE_TRAP);
	assert_int_equal(el2_route_sysreg(SYSREG_ENC(2, 0, 0, 6, 4), true),
			 ROUTE_NATIVE);
	assert_int_equal(el2_route_sysreg(SYSREG_ENC(2, 0, 0, 3, 7), true),
			 ROUTE_TRAP);
	assert_int_equal(el2_route_sysreg(SYSREG_ENC(2, 0, 0, 4, 7), true),
			 ROUTE_NATIVE);
	/* OS lock registers follow TDOSA, MDRAR follows TDRA. */
	assert_int_equal(el2_route_sysreg(SYSREG_OSLAR_EL1, false),
			 ROUTE_NATIVE);
	assert_int_equal(el2_route_sysreg(MDRAR, true), ROUTE_NATIVE);
	sim_sysreg_set(SYSREG_MDCR_EL2, MDCR_TDOSA | MDCR_TDRA);
	assert_int_equal(el2_route_sysreg(SYSREG_OSLAR_EL1, false), ROUTE_TRAP);
	assert_int_equal(el2_route_sysreg(SYSREG_OSLSR_EL1, true), ROUTE_TRAP);
	assert_int_equal(el2_route_sysreg(SYSREG_OSDLR_EL1, true), ROUTE_TRAP);
	assert_int_equal(el2_route_sysreg(MDRAR, true), ROUTE_TRAP);
	assert_int_equal(el2_route_sysreg(MDSCR, true), ROUTE_NATIVE);
}

static void test_timer_and_counter(void **state)
{
	(void)state;
	/* The counter and virtual timer never reach Unicorn's own. */
	assert_int_equal(el2_route_sysreg(CNTVCT, true), ROUTE_TIMER);
	assert_int_equal(el2_route_sysreg(CNTFRQ, true), ROUTE_TIMER);
	assert_int_equal(el2_route_sysreg(CNTV_TVAL, false), ROUTE_TIMER);
	assert_int_equal(el2_route_sysreg(SYSREG_CNTKCTL_EL1, false),
			 ROUTE_TIMER);
	/* Counters and CNTFRQ are read-only at EL1. */
	assert_int_equal(el2_route_sysreg(CNTFRQ, false), ROUTE_UNDEF);
	assert_int_equal(el2_route_sysreg(CNTVCT, false), ROUTE_UNDEF);
	/* EL1 physical counter/timer access is controlled by CNTHCTL_EL2. */
	assert_int_equal(el2_route_sysreg(CNTPCT, true), ROUTE_TRAP);
	assert_int_equal(el2_route_sysreg(CNTP_CTL, true), ROUTE_TRAP);
	sim_sysreg_set(SYSREG_CNTHCTL_EL2, 3);
	assert_int_equal(el2_route_sysreg(CNTPCT, true), ROUTE_TIMER);
	assert_int_equal(el2_route_sysreg(CNTP_CTL, true), ROUTE_TIMER);
}

static void test_gic_cpu_interface(void **state)
{
	(void)state;
	assert_int_equal(el2_route_sysreg(SYSREG_ICC_SGI1R_EL1, false),
			 ROUTE_GIC);
	set_hcr(HCR_IMO);
	assert_int_equal(el2_route_sysreg(SYSREG_ICC_SGI1R_EL1, false),
			 ROUTE_TRAP);
	assert_int_equal(el2_route_sysreg(ICC_IAR1, true), ROUTE_GIC);
	assert_int_equal(el2_route_sysreg(ICC_PMR, false), ROUTE_GIC);
	/* ICH_HCR_EL2.TALL1 and TC trap the virtual interface. */
	sim_sysreg_set(SYSREG_ICH_HCR_EL2, 1ull << 12);
	assert_int_equal(el2_route_sysreg(ICC_IAR1, true), ROUTE_TRAP);
	assert_int_equal(el2_route_sysreg(ICC_PMR, false), ROUTE_GIC);
	sim_sysreg_set(SYSREG_ICH_HCR_EL2, 1ull << 10);
	assert_int_equal(el2_route_sysreg(ICC_PMR, false), ROUTE_TRAP);
	assert_int_equal(el2_route_sysreg(ICC_IAR1, true), ROUTE_GIC);
}

static void test_other_controls(void **state)
{
	(void)state;
	assert_int_equal(el2_route_sysreg(SYSREG_ACTLR_EL1, true),
			 ROUTE_NATIVE);
	assert_int_equal(el2_route_sysreg(SYSREG_SCTLR_EL1, false),
			 ROUTE_NATIVE);
	assert_int_equal(el2_route_sysreg(TLBI_VMALLE1, false), ROUTE_NATIVE);
	set_hcr(HCR_TACR | HCR_TVM | HCR_TTLB);
	assert_int_equal(el2_route_sysreg(SYSREG_ACTLR_EL1, true), ROUTE_TRAP);
	assert_int_equal(el2_route_sysreg(SYSREG_SCTLR_EL1, false), ROUTE_TRAP);
	assert_int_equal(el2_route_sysreg(SYSREG_SCTLR_EL1, true),
			 ROUTE_NATIVE); /* reads need TRVM */
	assert_int_equal(el2_route_sysreg(TLBI_VMALLE1, false), ROUTE_TRAP);
	set_hcr(HCR_TRVM);
	assert_int_equal(el2_route_sysreg(SYSREG_TTBR0_EL1, true), ROUTE_TRAP);
	assert_int_equal(el2_route_sysreg(SYSREG_VBAR_EL1, true), ROUTE_NATIVE);
	/* Instruction traps. */
	assert_false(el2_traps_wfi());
	set_hcr(HCR_TWI | HCR_TSC | HCR_HCD);
	assert_true(el2_traps_wfi());
	assert_false(el2_traps_wfe());
	assert_true(el2_traps_smc());
	assert_true(el2_hvc_disabled());
	set_hcr(HCR_TWE);
	assert_true(el2_traps_wfe());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_id_registers, reset),
	    cmocka_unit_test_setup(test_debug_registers, reset),
	    cmocka_unit_test_setup(test_timer_and_counter, reset),
	    cmocka_unit_test_setup(test_gic_cpu_interface, reset),
	    cmocka_unit_test_setup(test_other_controls, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
