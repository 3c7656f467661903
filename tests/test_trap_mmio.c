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

#include "exit.h"
#include "hal.h"
#include "sim_hal.h"
#include "test_vm.h"

#define PC0 (TEST_RAM_IPA + 0x3000)
#define SCR TEST_SCRATCH_IPA
#define VA_TOP 0xffff000000000000ull /* FAR is the guest VA */

struct acc {
	unsigned sas, srt;
	bool sse, sf, wnr;
	unsigned fsc;
};

/* A Stage-2 data abort from EL1 as the Arm ARM encodes it: EC=0x24
 * (DABT_LOW) in [31:26], IL [25], then the ISS: ISV [24], SAS [23:22],
 * SSE [21], SRT [20:16], SF [15], WnR [6], DFSC [5:0] (default 0x07,
 * translation fault at level 3). HPFAR_EL2.FIPA [43:4] holds IPA[51:12]. */
static enum exit_action dabt(struct vcpu *v, uint64_t ipa, struct acc a)
{
	uint32_t iss = (1u << 24) | (a.sas << 22) | (a.srt << 16) |
		       (a.sse ? 1u << 21 : 0) | (a.sf ? 1u << 15 : 0) |
		       (a.wnr ? 1u << 6 : 0) | (a.fsc ? a.fsc : 0x07);

	v->regs.pc = PC0;
	return test_trap(v, 0x92000000ull /* EC=0x24, IL */ | iss, VA_TOP | ipa,
			 (ipa >> 12) << 4);
}

static void store(struct vcpu *v, uint64_t ipa, unsigned sas, uint64_t val)
{
	v->regs.x[7] = val;
	dabt(v, ipa,
	     (struct acc){.sas = sas, .srt = 7, .sf = true, .wnr = true});
	assert_int_equal(v->regs.pc, PC0 + 4);
}

#define ESR_EL1 SYSREG_ENC(3, 0, 5, 2, 0)
#define FAR_EL1 SYSREG_ENC(3, 0, 6, 0, 0)
#define ELR_EL1 SYSREG_ENC(3, 0, 4, 0, 1)

/* What the guest's EL1 sees for the external abort the core injects:
 * ESR_EL1 = EC=0x25 (DABT_CUR, taken from EL1h), IL, DFSC=0x10 (synchronous
 * external abort, not on a walk), and WnR (bit 6) kept from the access. */
static void assert_sea(const struct vcpu *v, uint64_t ipa, bool wnr)
{
	assert_int_equal(v->regs.pc, TEST_VBAR + 0x200); /* current EL, SPx */
	assert_int_equal(hal_sysreg_read(ESR_EL1),
			 wnr ? 0x96000050 : 0x96000010);
	assert_int_equal(hal_sysreg_read(FAR_EL1), VA_TOP | ipa);
	assert_int_equal(hal_sysreg_read(ELR_EL1), PC0);
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
		store(t->v, TEST_UART_IPA, 2, (uint8_t)*s);
	assert_string_equal(sim_guest_uart_text(t->vm->id, &len), "hi\n");
	/* UARTPeriphID0 (offset 0xfe0, 0x11 for the PL011) reads through a W
	 * register. */
	dabt(t->v, TEST_UART_IPA + 0xfe0, (struct acc){.sas = 2, .srt = 4});
	assert_int_equal(t->v->regs.x[4], 0x11);
}

static void unclaimed_ipa_gets_external_abort(void **state)
{
	struct test_vm *t = *state;

	t->v->regs.x[5] = 0x1234;
	t->v->regs.pstate = 0x5; /* EL1h */
	dabt(t->v, 0x0c000000, (struct acc){.sas = 2, .srt = 5});
	assert_sea(t->v, 0x0c000000, false);
	assert_int_equal(t->v->regs.x[5], 0x1234);
	assert_string_equal(t->v->note.what, "mmio.no_device");
	t->v->regs.pstate = 0x5;
	dabt(t->v, 0x0c000008, (struct acc){.sas = 3, .srt = 5, .wnr = true});
	assert_sea(t->v, 0x0c000008, true);
}

static void unaligned_and_bad_width_abort(void **state)
{
	struct test_vm *t = *state;

	dabt(t->v, SCR + 2, (struct acc){.sas = 2, .srt = 1}); /* unaligned */
	assert_sea(t->v, SCR + 2, false);
	assert_string_equal(t->v->note.what, "mmio.bad_access");
	dabt(t->v, TEST_UART_IPA, (struct acc){.sas = 3, .srt = 1, .sf = true});
	assert_sea(t->v, TEST_UART_IPA, false); /* PL011 has no 64-bit regs */
}

static void permission_fault_and_s1ptw_abort(void **state)
{
	struct test_vm *t = *state;

	/* DFSC=0x0f: permission fault, level 3 */
	dabt(t->v, TEST_RAM_IPA + 0x5000,
	     (struct acc){.sas = 2, .srt = 1, .wnr = true, .fsc = 0x0f});
	assert_sea(t->v, TEST_RAM_IPA + 0x5000, true);
	assert_string_equal(t->v->note.what, "dabt.denied");

	t->v->regs.pc = PC0;
	/* EC=0x24, IL, ISV, S1PTW (bit 7), DFSC=0x07 */
	test_trap(t->v, 0x93000087, VA_TOP | SCR, (SCR >> 12) << 4);
	assert_sea(t->v, SCR, false);
}

static void missing_syndrome_aborts(void **state)
{
	struct test_vm *t = *state;

	t->v->regs.pc = PC0;
	/* EC=0x24, IL, ISV=0, DFSC=0x07 */
	test_trap(t->v, 0x92000007, VA_TOP | SCR, (SCR >> 12) << 4);
	assert_sea(t->v, SCR, false);
}

static void cache_maintenance_is_skipped(void **state)
{
	struct test_vm *t = *state;

	t->v->regs.pc = PC0;
	/* DC CIVAC: EC=0x24, IL, CM (bit 8), WnR, DFSC=0x07 */
	test_trap(t->v, 0x92000147, SCR, (SCR >> 12) << 4);
	assert_int_equal(t->v->regs.pc, PC0 + 4);
}

static void instruction_abort_injects(void **state)
{
	struct test_vm *t = *state;
	uint64_t esr;

	t->v->regs.pc = SCR;
	t->v->regs.pstate = 0x5; /* EL1h */
	/* EC=0x20 (IABT_LOW), IL, IFSC=0x07 */
	test_trap(t->v, 0x82000007, SCR, (SCR >> 12) << 4);
	esr = hal_sysreg_read(ESR_EL1);
	/* EC=0x21 (IABT_CUR), IL, IFSC=0x10 (synchronous external abort) */
	assert_int_equal(esr, 0x86000010);
	assert_int_equal(hal_sysreg_read(FAR_EL1), SCR);
	assert_int_equal(hal_sysreg_read(ELR_EL1), SCR);
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
