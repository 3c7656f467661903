/*
 * Data aborts through the real exit path: syndrome -> access record ->
 * device on the VM's bus -> register write-back and PC advance, or an
 * external abort injected into the guest.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arch/esr.h"
#include "exit.h"
#include "hal.h"
#include "sim_hal.h"
#include "test_vm.h"

#define PC0 (GUEST_RAM_BASE + 0x3000)
#define SCR GUEST_SCRATCH_BASE

struct acc {
	unsigned sas, srt;
	bool sse, sf, wnr;
	unsigned fsc;
};

static enum exit_action dabt(struct vcpu *v, uint64_t ipa, struct acc a)
{
	uint32_t iss = ISS_DABT_ISV | (a.sas << ISS_DABT_SAS_SHIFT) |
		       (a.srt << ISS_DABT_SRT_SHIFT) |
		       (a.sse ? ISS_DABT_SSE : 0) | (a.sf ? ISS_DABT_SF : 0) |
		       (a.wnr ? ISS_DABT_WNR : 0) | (a.fsc ? a.fsc : 0x07);
	uint64_t va = 0xffff000000000000ull | ipa; /* FAR is the VA */

	v->regs.pc = PC0;
	return test_trap(v, esr_make(EC_DABT_LOW, 1, iss), va,
			 (ipa >> 12) << 4);
}

static void store(struct vcpu *v, uint64_t ipa, unsigned sas, uint64_t val)
{
	v->regs.x[7] = val;
	dabt(v, ipa,
	     (struct acc){.sas = sas, .srt = 7, .sf = true, .wnr = true});
	assert_int_equal(v->regs.pc, PC0 + 4);
}

static void assert_sea(const struct vcpu *v, uint64_t ipa, bool wnr)
{
	uint64_t esr = hal_sysreg_read(SYSREG_ESR_EL1);

	assert_int_equal(v->regs.pc, TEST_VBAR + 0x200);
	assert_int_equal(esr >> 26, EC_DABT_CUR);
	assert_int_equal(esr & 0x3f, FSC_SEA);
	assert_int_equal((esr & ISS_DABT_WNR) != 0, wnr);
	assert_int_equal(hal_sysreg_read(SYSREG_FAR_EL1),
			 0xffff000000000000ull | ipa);
	assert_int_equal(hal_sysreg_read(SYSREG_ELR_EL1), PC0);
}

static void every_width_round_trips(void **state)
{
	struct test_vm *t = *state;
	static const uint64_t vals[4] = {0xa5, 0xbeef, 0xdeadbeef,
					 0x0123456789abcdefull};

	for (unsigned sas = 0; sas < 4; sas++) {
		uint64_t ipa = SCR + 8 * sas;

		store(t->v, ipa, sas,
		      vals[sas] | 0xff00000000000000ull * (sas < 3));
		t->v->regs.x[3] = ~0ull;
		dabt(t->v, ipa,
		     (struct acc){.sas = sas, .srt = 3, .sf = sas == 3});
		assert_int_equal(t->v->regs.pc, PC0 + 4);
		assert_int_equal(t->v->regs.x[3], vals[sas]);
		assert_string_equal(t->v->note.what, "mmio.read");
	}
}

static void sign_extension_honours_sf(void **state)
{
	struct test_vm *t = *state;

	store(t->v, SCR, 0, 0x80);
	/* LDRSB Wt: sign-extend to 32 bits, upper half cleared. */
	t->v->regs.x[1] = ~0ull;
	dabt(t->v, SCR, (struct acc){.sas = 0, .srt = 1, .sse = true});
	assert_int_equal(t->v->regs.x[1], 0xffffff80ull);
	/* LDRSB Xt. */
	dabt(t->v, SCR,
	     (struct acc){.sas = 0, .srt = 1, .sse = true, .sf = true});
	assert_int_equal(t->v->regs.x[1], 0xffffffffffffff80ull);
	/* LDRSW Xt. */
	store(t->v, SCR + 8, 2, 0x80000001);
	dabt(t->v, SCR + 8,
	     (struct acc){.sas = 2, .srt = 1, .sse = true, .sf = true});
	assert_int_equal(t->v->regs.x[1], 0xffffffff80000001ull);
	/* LDR Wt zero-extends and clears the upper half. */
	t->v->regs.x[1] = ~0ull;
	dabt(t->v, SCR + 8, (struct acc){.sas = 2, .srt = 1});
	assert_int_equal(t->v->regs.x[1], 0x80000001ull);
}

static void xzr_source_and_destination(void **state)
{
	struct test_vm *t = *state;

	store(t->v, SCR, 3, ~0ull);
	t->v->regs.x[30] = 0x77;
	dabt(t->v, SCR,
	     (struct acc){.sas = 3, .srt = 31, .sf = true, .wnr = true});
	assert_int_equal(t->v->regs.pc, PC0 + 4);
	t->v->regs.x[3] = 1;
	dabt(t->v, SCR, (struct acc){.sas = 3, .srt = 3, .sf = true});
	assert_int_equal(t->v->regs.x[3], 0); /* XZR stored zero */
	dabt(t->v, SCR, (struct acc){.sas = 3, .srt = 31, .sf = true});
	assert_int_equal(t->v->regs.pc, PC0 + 4);
	assert_int_equal(t->v->regs.x[30], 0x77); /* x30 is not XZR */
}

static void pl011_output_reaches_console(void **state)
{
	struct test_vm *t = *state;
	size_t len;

	for (const char *s = "hi\n"; *s; s++)
		store(t->v, GUEST_UART_BASE, 2, (uint8_t)*s);
	assert_string_equal(sim_guest_uart_text(t->vm->id, &len), "hi\n");
	/* PeriphID0 reads through a W register. */
	dabt(t->v, GUEST_UART_BASE + 0xfe0, (struct acc){.sas = 2, .srt = 4});
	assert_int_equal(t->v->regs.x[4], 0x11);
}

static void unclaimed_ipa_gets_external_abort(void **state)
{
	struct test_vm *t = *state;

	t->v->regs.x[5] = 0x1234;
	t->v->regs.pstate = PSR_MODE_EL1H;
	dabt(t->v, 0x0c000000, (struct acc){.sas = 2, .srt = 5});
	assert_sea(t->v, 0x0c000000, false);
	assert_int_equal(t->v->regs.x[5], 0x1234);
	assert_string_equal(t->v->note.what, "mmio.no_device");
	t->v->regs.pstate = PSR_MODE_EL1H;
	dabt(t->v, 0x0c000008, (struct acc){.sas = 3, .srt = 5, .wnr = true});
	assert_sea(t->v, 0x0c000008, true);
}

static void unaligned_and_bad_width_abort(void **state)
{
	struct test_vm *t = *state;

	dabt(t->v, SCR + 2, (struct acc){.sas = 2, .srt = 1}); /* unaligned */
	assert_sea(t->v, SCR + 2, false);
	assert_string_equal(t->v->note.what, "mmio.bad_access");
	dabt(t->v, GUEST_UART_BASE,
	     (struct acc){.sas = 3, .srt = 1, .sf = true});
	assert_sea(t->v, GUEST_UART_BASE, false); /* PL011 has no 64-bit regs */
}

static void permission_fault_and_s1ptw_abort(void **state)
{
	struct test_vm *t = *state;

	dabt(t->v, GUEST_RAM_BASE + 0x5000,
	     (struct acc){.sas = 2, .srt = 1, .wnr = true, .fsc = 0x0f});
	assert_sea(t->v, GUEST_RAM_BASE + 0x5000, true);
	assert_string_equal(t->v->note.what, "dabt.denied");

	t->v->regs.pc = PC0;
	test_trap(
	    t->v,
	    esr_make(EC_DABT_LOW, 1, ISS_DABT_S1PTW | ISS_DABT_ISV | 0x07),
	    0xffff000000000000ull | SCR, (SCR >> 12) << 4);
	assert_sea(t->v, SCR, false);
}

static void missing_syndrome_aborts(void **state)
{
	struct test_vm *t = *state;

	t->v->regs.pc = PC0;
	test_trap(t->v, esr_make(EC_DABT_LOW, 1, 0x07),
		  0xffff000000000000ull | SCR, (SCR >> 12) << 4);
	assert_sea(t->v, SCR, false);
}

static void cache_maintenance_is_skipped(void **state)
{
	struct test_vm *t = *state;

	t->v->regs.pc = PC0;
	test_trap(t->v,
		  esr_make(EC_DABT_LOW, 1, ISS_DABT_CM | ISS_DABT_WNR | 0x07),
		  SCR, (SCR >> 12) << 4);
	assert_int_equal(t->v->regs.pc, PC0 + 4);
}

static void instruction_abort_injects(void **state)
{
	struct test_vm *t = *state;
	uint64_t esr;

	t->v->regs.pc = SCR;
	t->v->regs.pstate = PSR_MODE_EL1H;
	test_trap(t->v, esr_make(EC_IABT_LOW, 1, 0x07), SCR, (SCR >> 12) << 4);
	esr = hal_sysreg_read(SYSREG_ESR_EL1);
	assert_int_equal(esr >> 26, EC_IABT_CUR);
	assert_int_equal(esr & 0x3f, FSC_SEA);
	assert_int_equal(hal_sysreg_read(SYSREG_ELR_EL1), SCR);
	assert_int_equal(t->v->regs.pc, TEST_VBAR + 0x200);
}

int main(void)
{
#define T(f)                                                                   \
	cmocka_unit_test_setup_teardown(f, test_vm_setup_up,                   \
					test_vm_teardown_state)
	const struct CMUnitTest tests[] = {
	    T(every_width_round_trips),
	    T(sign_extension_honours_sf),
	    T(xzr_source_and_destination),
	    T(pl011_output_reaches_console),
	    T(unclaimed_ipa_gets_external_abort),
	    T(unaligned_and_bad_width_abort),
	    T(permission_fault_and_s1ptw_abort),
	    T(missing_syndrome_aborts),
	    T(cache_maintenance_is_skipped),
	    T(instruction_abort_injects),
	};
	return cmocka_run_group_tests_name("trap_mmio", tests, NULL, NULL);
}
