/*
 * Exception entry from EL0 and alignment faults in the Unicorn engine: a
 * guest (raw binary; words from aarch64-linux-gnu-as, the source in the
 * comments) takes each kind of exception at its own EL1 vectors and reports
 * the marker of the vector used (0x200: current EL with SP_EL1, 0x400:
 * lower EL, AArch64), then ESR_EL1, ELR_EL1, SPSR_EL1 and FAR_EL1 as HVC
 * function IDs, which the trace records. The values are the ones the Arm
 * ARM gives for each case.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arch/esr.h"
#include "hvsim.h"
#include "sim_cpu.h"
#include "sim_hal.h"
#include "trace.h"

#define IMAGE_SIZE 0x1000
#define MAX_RECORDS 128
#define MAX_REPORTS 80

struct run {
	char line[MAX_RECORDS][160];
	unsigned n;
	uint64_t report[MAX_REPORTS]; /* HVC function IDs, in order */
	unsigned nreports;
	unsigned dabt_traps;
	enum sim_result result;
	struct sim_stats st;
};

static void observe(void *ctx, const struct sim_trap_record *r)
{
	struct run *run = ctx;

	if (run->n < MAX_RECORDS)
		trace_format(run->line[run->n++], sizeof(run->line[0]), r);
	if (r->ec == EC_HVC64 && run->nreports < MAX_REPORTS)
		run->report[run->nreports++] = r->a;
	if (r->ec == EC_DABT_LOW)
		run->dabt_traps++;
}

/* Starts at EL1h with the MMU off (every data access is Device memory). */
static const uint32_t code[] = {
    0x10004000, /* adr x0, 40080800 */
    0xd518c000, /* msr vbar_el1, x0 */
    0xd2810301, /* mov x1, #0x818 */
    0xf2a61a01, /* movk x1, #0x30d0, lsl #16 */
    0xd5181001, /* msr sctlr_el1, x1 */
    0xd5033fdf, /* isb */
    0x300002c3, /* adr x3, 40080071 */
    0x885f7c64, /* ldxr w4, [x3] */
    0x1000007e, /* adr x30, 4008002c */
    0x91000bc2, /* add x2, x30, #0x2 */
    0xd61f0040, /* br x2 */
    0xd518401f, /* msr spsr_el1, xzr */
    0x10000061, /* adr x1, 4008003c */
    0xd5184021, /* msr elr_el1, x1 */
    0xd69f03e0, /* eret */
    0xd4000421, /* svc #0x21 */
    0x00000000, /* udf #0 */
    0xd4000002, /* hvc #0x0 */
    0xd4200060, /* brk #0x3 */
    0xd53b0025, /* mrs x5, ctr_el0 */
    0xd5381006, /* mrs x6, sctlr_el1 */
    0xd503207f, /* wfi */
    0xd2a18008, /* mov x8, #0xc000000 */
    0xf9000107, /* str x7, [x8] */
    0x5000008a, /* adr x10, 40080072 */
    0x885f7d49, /* ldxr w9, [x10] */
    0xd4001fe1, /* svc #0xff */
    0xd503201f, /* nop */
};

/* VBAR_EL1 + 0x200: current EL, SP_ELx, synchronous. */
static const uint32_t cur_vector[] = {
    0xd2804000, /* mov x0, #0x200 */
    0x14000080, /* b 40080c04 */
};

/* VBAR_EL1 + 0x400: lower EL, AArch64, synchronous; and the common
 * report: the marker, ESR, ELR, SPSR, FAR, then skip (SVC: ELR is past it
 * already; PC alignment: resume at x30) or power off after SVC #0xff. */
static const uint32_t lower_vector[] = {
    0xd2808000, /* mov x0, #0x400 */
    0xd4000002, /* hvc #0x0 */
    0xd5385200, /* mrs x0, esr_el1 */
    0xd4000002, /* hvc #0x0 */
    0xd5384020, /* mrs x0, elr_el1 */
    0xd4000002, /* hvc #0x0 */
    0xd5384000, /* mrs x0, spsr_el1 */
    0xd4000002, /* hvc #0x0 */
    0xd5386000, /* mrs x0, far_el1 */
    0xd4000002, /* hvc #0x0 */
    0xd5385209, /* mrs x9, esr_el1 */
    0x92403d20, /* and x0, x9, #0xffff */
    0xf103fc1f, /* cmp x0, #0xff */
    0x54000180, /* b.eq 40080c64 */
    0xd35afd29, /* lsr x9, x9, #26 */
    0xf100553f, /* cmp x9, #0x15 */
    0x540000c0, /* b.eq 40080c58 */
    0xf100893f, /* cmp x9, #0x22 */
    0x540000a0, /* b.eq 40080c5c */
    0xd5384029, /* mrs x9, elr_el1 */
    0x91001129, /* add x9, x9, #0x4 */
    0xd5184029, /* msr elr_el1, x9 */
    0xd69f03e0, /* eret */
    0xd518403e, /* msr elr_el1, x30 */
    0xd69f03e0, /* eret */
    0xd2b08000, /* mov x0, #0x84000000 */
    0xf2800100, /* movk x0, #0x8 */
    0xd4000002, /* hvc #0x0 */
};

static void run_image(const uint32_t *main_code, size_t main_bytes,
		      const uint32_t *cur_vec, size_t cur_bytes,
		      const uint32_t *lower_vec, size_t lower_bytes,
		      bool precise, struct run *run)
{
	uint8_t *image = calloc(1, IMAGE_SIZE);
	struct hvsim_opts o = {.mem = 64ull << 20, .precise = precise};
	struct hvsim_machine m;
	char err[256];

	memset(run, 0, sizeof(*run));
	memcpy(image, main_code, main_bytes);
	memcpy(image + 0xa00, cur_vec, cur_bytes);
	memcpy(image + 0xc00, lower_vec, lower_bytes);
	memset(&m, 0, sizeof(m));
	assert_int_equal(hvsim_machine_boot(&m, &o, image, IMAGE_SIZE, NULL, 0,
					    err, sizeof(err)),
			 0);
	free(image);
	sim_cpu_set_observer(m.cpu, observe, run);
	run->result = sim_cpu_run(m.cpu, 1000000);
	run->st = *sim_cpu_stats(m.cpu);
	hvsim_machine_teardown(&m);
}

static void run_guest(bool precise, struct run *run)
{
	run_image(code, sizeof(code), cur_vector, sizeof(cur_vector),
		  lower_vector, sizeof(lower_vector), precise, run);
}

static struct run *the_run;

/* One run per PC-tracking mode; they must agree trap for trap. */
static int setup(void **state)
{
	struct run *precise = malloc(sizeof(*precise));

	(void)state;
	the_run = malloc(sizeof(*the_run));
	run_guest(true, precise);
	run_guest(false, the_run);
	assert_int_equal(the_run->n, precise->n);
	for (unsigned i = 0; i < the_run->n; i++)
		assert_string_equal(the_run->line[i], precise->line[i]);
	free(precise);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(the_run);
	return 0;
}

#define IMG 0x40080000ull
#define SPSR_EL1H_MASKED 0x3c5 /* the boot PSTATE: EL1h, DAIF set */
#define SPSR_EL0T 0x0	       /* what the guest ERETs to EL0 with */
#define NO_FAR (~0ull)

/* The k-th exception the guest took, as it reported it. */
static void expect(unsigned k, uint64_t vector, uint64_t esr, uint64_t elr,
		   uint64_t spsr, uint64_t far)
{
	const uint64_t *r = &the_run->report[5 * k];

	assert_true(the_run->nreports >= 5 * k + 5);
	assert_int_equal(r[0], vector);
	assert_int_equal(r[1], esr);
	assert_int_equal(r[2], elr);
	assert_int_equal(r[3], spsr);
	if (far != NO_FAR)
		assert_int_equal(r[4], far);
}

static void test_runs_to_the_end(void **state)
{
	(void)state;
	assert_int_equal(the_run->result, SIM_VM_OFF);
	/* 12 exceptions of 5 reports each, and SYSTEM_OFF. */
	assert_int_equal(the_run->nreports, 12 * 5 + 1);
	assert_int_equal(the_run->report[60], 0x84000008);
}

/* br to a misaligned address at EL1: EC 0x22, ELR = FAR = the target. */
static void test_pc_alignment_el1(void **state)
{
	(void)state;
	expect(1, 0x200, 0x8a000000, IMG + 0x2e, SPSR_EL1H_MASKED, IMG + 0x2e);
}

/* LDXR must be aligned whatever SCTLR_EL1.A says: EC 0x25
 * (data abort, same EL), IL, DFSC 0x21 (alignment), ISV = 0, FAR = the
 * address. (QEMU 7.2 does not always raise it; the architecture does.) */
static void test_exclusive_alignment_el1(void **state)
{
	(void)state;
	expect(0, 0x200, 0x96000021, IMG + 0x1c, SPSR_EL1H_MASKED, IMG + 0x71);
}

/* SVC #0x21 at EL0, reached with ERET: EC 0x15 at VBAR + 0x400, ELR past
 * it, SPSR = EL0's PSTATE. The handler's ERET returns to EL0. */
static void test_svc_from_el0(void **state)
{
	(void)state;
	expect(2, 0x400, 0x56000021, IMG + 0x40, SPSR_EL0T, NO_FAR);
}

/* UDF, and HVC (UNDEFINED at EL0): EC 0x00 with IL, ELR = the insn. */
static void test_undef_from_el0(void **state)
{
	(void)state;
	expect(3, 0x400, 0x02000000, IMG + 0x40, SPSR_EL0T, NO_FAR);
	expect(4, 0x400, 0x02000000, IMG + 0x44, SPSR_EL0T, NO_FAR);
}

static void test_brk_from_el0(void **state)
{
	(void)state;
	expect(5, 0x400, 0xf2000003, IMG + 0x48, SPSR_EL0T, NO_FAR);
}

/* MRS CTR_EL0 with SCTLR_EL1.UCT = 0 traps to EL1 (EC 0x18: op0 3, op2 1,
 * op1 3, CRn 0, Rt 5, CRm 0, read); MRS SCTLR_EL1 is UNDEFINED at EL0. */
static void test_sysreg_from_el0(void **state)
{
	(void)state;
	expect(6, 0x400, 0x6232c0a1, IMG + 0x4c, SPSR_EL0T, NO_FAR);
	expect(7, 0x400, 0x02000000, IMG + 0x50, SPSR_EL0T, NO_FAR);
}

/* WFI with SCTLR_EL1.nTWI = 0 and nothing pending: EC 0x01, CV, COND AL,
 * TI = WFI. */
static void test_wfi_from_el0(void **state)
{
	(void)state;
	expect(8, 0x400, 0x07e00000, IMG + 0x54, SPSR_EL0T, NO_FAR);
}

/* A store to an unclaimed IPA: the hypervisor's synchronous external
 * abort reaches EL1 as a data abort from a lower EL (EC 0x24, WnR). */
static void test_hypervisor_abort_to_el0(void **state)
{
	(void)state;
	assert_int_equal(the_run->dabt_traps, 1);
	expect(9, 0x400, 0x92000050, IMG + 0x5c, SPSR_EL0T, 0x0c000000);
}

/* A misaligned LDXR at EL0: EC 0x24, DFSC 0x21. */
static void test_alignment_fault_el0(void **state)
{
	(void)state;
	expect(10, 0x400, 0x92000021, IMG + 0x64, SPSR_EL0T, IMG + 0x72);
	expect(11, 0x400, 0x560000ff, IMG + 0x6c, SPSR_EL0T, NO_FAR);
}

/* The Cortex-A57's IMPLEMENTATION DEFINED registers and an unallocated
 * one (CBAR_EL1, which Unicorn implements, is left out: see sim/README.md,
 * "Not modelled"), MRS then MSR of each; the vector counts UNDEFs in x20,
 * reported by the HVC. */
static const uint32_t impdef_code[] = {
    0x10004000, /* adr x0, 40080800 */
    0xd518c000, /* msr vbar_el1, x0 */
    0xd2800014, /* mov x20, #0x0 */
    0xd539f201, /* mrs x1, s3_1_c15_c2_0 */
    0xd539f221, /* mrs x1, s3_1_c15_c2_1 */
    0xd539f241, /* mrs x1, s3_1_c15_c2_2 */
    0xd539b041, /* mrs x1, s3_1_c11_c0_2 */
    0xd539b061, /* mrs x1, s3_1_c11_c0_3 */
    0xd539f001, /* mrs x1, s3_1_c15_c0_0 */
    0xd539f261, /* mrs x1, s3_1_c15_c2_3 */
    0xd539f401, /* mrs x1, s3_1_c15_c4_0 */
    0xd519f201, /* msr s3_1_c15_c2_0, x1 */
    0xd519f221, /* msr s3_1_c15_c2_1, x1 */
    0xd519f241, /* msr s3_1_c15_c2_2, x1 */
    0xd519b041, /* msr s3_1_c11_c0_2, x1 */
    0xd519b061, /* msr s3_1_c11_c0_3, x1 */
    0xd519f001, /* msr s3_1_c15_c0_0, x1 */
    0xd519f261, /* msr s3_1_c15_c2_3, x1 */
    0xd519f401, /* msr s3_1_c15_c4_0, x1 */
    0xaa1403e0, /* mov x0, x20 */
    0xd4000002, /* hvc #0x0 */
    0xd2b08000, /* mov x0, #0x84000000 */
    0xf2800100, /* movk x0, #0x8 */
    0xd4000002, /* hvc #0x0 */
};

static const uint32_t count_vector[] = {
    0x91000694, /* add x20, x20, #0x1 */
    0xd5384035, /* mrs x21, elr_el1 */
    0x910012b5, /* add x21, x21, #0x4 */
    0xd5184035, /* msr elr_el1, x21 */
    0xd69f03e0, /* eret */
};

/* HCR_EL2.TIDCP (set for every guest) traps the IMPLEMENTATION DEFINED
 * space (op0 3, CRn 11 and 15) to EL2, where none of these registers is
 * emulated: all 16 accesses are SYSREG exits (EC 0x18) and become UNDEFs
 * in the guest, whatever the CPU underneath has. */
static void test_impdef_registers_undef_under_tidcp(void **state)
{
	struct run *run = malloc(sizeof(*run));

	(void)state;
	for (int precise = 0; precise < 2; precise++) {
		run_image(impdef_code, sizeof(impdef_code), count_vector,
			  sizeof(count_vector), count_vector,
			  sizeof(count_vector), precise, run);
		assert_int_equal(run->result, SIM_VM_OFF);
		assert_int_equal(run->nreports, 2);
		assert_int_equal(run->report[0], 16);
		assert_int_equal(run->st.traps.count[0x18], 16);
	}
	free(run);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_runs_to_the_end),
	    cmocka_unit_test(test_pc_alignment_el1),
	    cmocka_unit_test(test_exclusive_alignment_el1),
	    cmocka_unit_test(test_svc_from_el0),
	    cmocka_unit_test(test_undef_from_el0),
	    cmocka_unit_test(test_brk_from_el0),
	    cmocka_unit_test(test_sysreg_from_el0),
	    cmocka_unit_test(test_wfi_from_el0),
	    cmocka_unit_test(test_hypervisor_abort_to_el0),
	    cmocka_unit_test(test_alignment_fault_el0),
	};

	const struct CMUnitTest standalone[] = {
	    cmocka_unit_test(test_impdef_registers_undef_under_tidcp),
	};

	return cmocka_run_group_tests(tests, setup, teardown) |
	       cmocka_run_group_tests(standalone, NULL, NULL);
}
