/*
 * Exception entry and return on the simulated CPU, checked against the
 * Arm ARM (D1.10 "Exception entry", D1.11 "Exception return", "Illegal
 * exception returns from AArch64 state"): small raw guests whose
 * instruction words come from aarch64-linux-gnu-as (source in the
 * comments). A guest reports a value with "hvc #0": the trace record's
 * a is its x0.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hal.h"
#include "hvsim.h"
#include "mm/stage2.h"
#include "sim_cpu.h"
#include "sim_hal.h"
#include "trace.h"
#include "vm/vm.h"

#define MAX_RECORDS 32
#define IMAGE_SIZE 0xc00
#define GUEST_PC(off) (0x40080000ull + (off)) /* RAM base + 0x80000 */

struct chunk {
	uint32_t offset;
	const uint32_t *words;
	size_t n;
};

#define CHUNK(off, arr)                                                        \
	{                                                                      \
		(off), (arr), sizeof(arr) / sizeof((arr)[0])                   \
	}

struct run {
	struct sim_trap_record rec[MAX_RECORDS];
	char line[MAX_RECORDS][160];
	unsigned n;
	enum sim_result result;
	struct sim_stats st;
};

static void observe(void *ctx, const struct sim_trap_record *r)
{
	struct run *run = ctx;

	if (run->n < MAX_RECORDS) {
		run->rec[run->n] = *r;
		trace_format(run->line[run->n], sizeof(run->line[0]), r);
		run->n++;
	}
}

static void run_guest(const struct chunk *chunks, size_t nchunks, bool precise,
		      struct run *run)
{
	uint8_t *image = calloc(1, IMAGE_SIZE);
	struct hvsim_opts o = {.mem = 64ull << 20, .precise = precise};
	struct hvsim_machine m;
	char err[256];

	memset(run, 0, sizeof(*run));
	for (size_t i = 0; i < nchunks; i++)
		memcpy(image + chunks[i].offset, chunks[i].words,
		       chunks[i].n * 4);
	memset(&m, 0, sizeof(m));
	assert_int_equal(hvsim_machine_boot(&m, &o, image, IMAGE_SIZE, NULL, 0,
					    err, sizeof(err)),
			 0);
	free(image);
	sim_cpu_set_observer(m.cpu, observe, run);
	run->result = sim_cpu_run(m.cpu, 100000);
	run->st = *sim_cpu_stats(m.cpu);
	hvsim_machine_teardown(&m);
}

/* Both PC-tracking modes, which must agree trap for trap. */
static struct run *run_both(const struct chunk *chunks, size_t nchunks)
{
	struct run *run = malloc(sizeof(*run));
	struct run *precise = malloc(sizeof(*precise));

	run_guest(chunks, nchunks, true, precise);
	run_guest(chunks, nchunks, false, run);
	assert_int_equal(run->n, precise->n);
	for (unsigned i = 0; i < run->n; i++)
		assert_string_equal(run->line[i], precise->line[i]);
	free(precise);
	return run;
}

/* The values a guest reported with "hvc #0", in order, before the
 * SYSTEM_OFF call that ends it; other exits are skipped. */
static void assert_reports(const struct run *run, const uint64_t *want,
			   unsigned n)
{
	unsigned k = 0;

	assert_int_equal(run->result, SIM_VM_OFF);
	for (unsigned i = 0; i + 1 < run->n; i++) {
		if (run->rec[i].ec != 0x16) /* HVC64 */
			continue;
		assert_true(k < n);
		assert_int_equal(run->rec[i].a, want[k]);
		k++;
	}
	assert_int_equal(k, n);
}

/*
 * At EL1t the stack pointer is SP_EL0. An exception taken from there
 * enters EL1h on SP_EL1 and leaves SP_EL0 alone; ERET to EL1t selects
 * SP_EL0 again. Both kinds of entry: one the simulated CPU performs (SVC)
 * and one the hypervisor injects (a load from an IPA nobody claims).
 */
static const uint32_t el1t_code[] = {
    0x10004000, /* adr x0, vbar (image + 0x800) */
    0xd518c000, /* msr vbar_el1, x0 */
    0xd2a800e1, /* mov x1, #0x40070000 */
    0xd5184101, /* msr sp_el0, x1 */
    0xd2a800c2, /* mov x2, #0x40060000 */
    0x9100005f, /* mov sp, x2 */
    0xd50040bf, /* msr spsel, #0          (EL1t: SP is SP_EL0) */
    0xd4000021, /* svc #1                 (handler reports twice) */
    0x910003e0, /* mov x0, sp */
    0xd4000002, /* hvc #0                 report 3: SP_EL0 */
    0xd2a18009, /* mov x9, #0xc000000     (no device there) */
    0xb9400127, /* ldr w7, [x9]           (the core injects an abort) */
    0x910003e0, /* mov x0, sp */
    0xd4000002, /* hvc #0                 report 6: SP_EL0 */
    0xd50041bf, /* msr spsel, #1 */
    0x910003e0, /* mov x0, sp */
    0xd4000002, /* hvc #0                 report 7: SP_EL1 */
    0xd2b08000, /* mov x0, #0x84000000 */
    0xf2800100, /* movk x0, #0x8 */
    0xd4000002, /* hvc #0                 SYSTEM_OFF */
};

/* At VBAR + 0x000 (current EL with SP_EL0): report SP_EL0 and SP, skip
 * the instruction unless it was the SVC, return. */
static const uint32_t el1t_vector[] = {
    0xd5384100, /* mrs x0, sp_el0 */
    0xd4000002, /* hvc #0 */
    0x910003e0, /* mov x0, sp */
    0xd4000002, /* hvc #0 */
    0xd538520a, /* mrs x10, esr_el1 */
    0xd35afd4d, /* lsr x13, x10, #26 */
    0xf10055bf, /* cmp x13, #0x15 */
    0x54000080, /* b.eq 1f */
    0xd538402b, /* mrs x11, elr_el1 */
    0x9100116b, /* add x11, x11, #4 */
    0xd518402b, /* msr elr_el1, x11 */
    0xd69f03e0, /* 1: eret */
};

static void test_sp_el0_survives_exception_from_el1t(void **state)
{
	static const struct chunk img[] = {CHUNK(0, el1t_code),
					   CHUNK(0x800, el1t_vector)};
	static const uint64_t want[] = {
	    0x40070000, 0x40060000, /* in the handler: SP_EL0, SP = SP_EL1 */
	    0x40070000,		    /* back at EL1t */
	    0x40070000, 0x40060000, /* the injected abort, likewise */
	    0x40070000, 0x40060000,
	};
	struct run *run;

	(void)state;
	run = run_both(img, 2);
	assert_reports(run, want, 7);
	/* The hypervisor injected the abort for the load (EC 0x24 to EL2);
	 * the guest took it at the vector for the current EL with SP_EL0,
	 * whose first report's HVC returns to VBAR + 0x008. */
	assert_int_equal(run->rec[3].ec, 0x24);
	assert_int_equal(run->rec[3].pc, GUEST_PC(0x2c));
	assert_int_equal(run->rec[4].pc, GUEST_PC(0x808));
	free(run);
}

/*
 * ERET from EL1 with SPSR_EL1.M = EL2h (0b1001) is an illegal exception
 * return: PSTATE.IL is set, the mode stays EL1h, the PC becomes ELR_EL1,
 * and the instruction there takes an Illegal Execution state exception
 * to EL1 instead of executing.
 */
static const uint32_t illegal_eret_code[] = {
    0x10004000, /* adr x0, vbar (image + 0x800) */
    0xd518c000, /* msr vbar_el1, x0 */
    0xd2807921, /* mov x1, #0x3c9          (DAIF, M = EL2h) */
    0xd5184001, /* msr spsr_el1, x1 */
    0x10000062, /* adr x2, 1f */
    0xd5184022, /* msr elr_el1, x2 */
    0xd69f03e0, /* eret */
    0xd2800660, /* 1: mov x0, #0x33        (never executes) */
    0xd2800ee0, /* mov x0, #0x77 */
    0xd4000002, /* hvc #0                  report 4 */
    0xd2b08000, /* mov x0, #0x84000000 */
    0xf2800100, /* movk x0, #0x8 */
    0xd4000002, /* hvc #0                  SYSTEM_OFF */
};

/* At VBAR + 0x200 (current EL with SP_ELx): report ESR, ELR and SPSR,
 * then return past the instruction with IL clear. */
static const uint32_t illegal_vector[] = {
    0xd5385200, /* mrs x0, esr_el1 */
    0xd4000002, /* hvc #0 */
    0xd5384020, /* mrs x0, elr_el1 */
    0xd4000002, /* hvc #0 */
    0xd5384000, /* mrs x0, spsr_el1 */
    0xd4000002, /* hvc #0 */
    0xd538402b, /* mrs x11, elr_el1 */
    0x9100116b, /* add x11, x11, #4 */
    0xd518402b, /* msr elr_el1, x11 */
    0xd28078ac, /* mov x12, #0x3c5 */
    0xd518400c, /* msr spsr_el1, x12 */
    0xd69f03e0, /* eret */
};

static void test_illegal_eret_takes_illegal_state_exception(void **state)
{
	/* SPSR_EL1.M values an ERET from EL1 cannot return to: EL2h, EL3h
	 * (above the current EL), M[1] = 1 (reserved), EL0 with SPSel = 1. */
	static const uint32_t modes[] = {0x9, 0xd, 0x6, 0x1};
	static const uint64_t want[] = {
	    0x3a000000, /* ESR_EL1: EC 0x0E (Illegal Execution state), IL */
	    0x4008001c, /* ELR_EL1: the instruction at the return address */
	    0x001003c5, /* SPSR_EL1: IL (bit 20), DAIF, M = EL1h (unchanged) */
	    0x77,
	};
	uint32_t code[sizeof(illegal_eret_code) / 4];
	const struct chunk img[] = {CHUNK(0, code),
				    CHUNK(0xa00, illegal_vector)};

	(void)state;
	for (unsigned i = 0; i < 4; i++) {
		struct run *run;

		memcpy(code, illegal_eret_code, sizeof(code));
		/* mov x1, #(0x3c0 | M): MOVZ X1 with imm16 in [20:5] */
		code[2] = 0xd2800001u | (0x3c0u | modes[i]) << 5;
		run = run_both(img, 2);
		assert_reports(run, want, 4);
		assert_int_equal(run->st.guest_exceptions, 1);
		free(run);
	}
}

/*
 * DC ZVA is a write for Stage-2 (Arm ARM, "DC ZVA": it behaves as a set of
 * byte stores to the block): to the scratch device, to an IPA nothing
 * claims, and to the read-only DTB (the last 2 MiB of 64 MiB of RAM), it
 * takes a data abort to EL2 with ISV = 0, CM = 0, WnR = 1, at its own PC,
 * with FAR = Xt. The hypervisor has no syndrome to emulate it and injects
 * a synchronous external abort, which the guest reports.
 */
static const uint32_t zva_code[] = {
    0x10004000, /* adr x0, vbar (image + 0x800) */
    0xd518c000, /* msr vbar_el1, x0 */
    0xd2a16004, /* mov x4, #0xb000000 */
    0x91004084, /* add x4, x4, #0x10 */
    0xd50b7424, /* dc zva, x4              (0x10) */
    0xd2a18009, /* mov x9, #0xc000000 */
    0x91008129, /* add x9, x9, #0x20 */
    0xd50b7429, /* dc zva, x9              (0x1c) */
    0xd2a87c0a, /* mov x10, #0x43e00000 */
    0x9100214a, /* add x10, x10, #0x8 */
    0xd50b742a, /* dc zva, x10             (0x28) */
    0xaa0c03e0, /* mov x0, x12             (exceptions taken) */
    0xd4000002, /* hvc #0 */
    0xd2b08000, /* mov x0, #0x84000000 */
    0xf2800100, /* movk x0, #0x8 */
    0xd4000002, /* hvc #0                  SYSTEM_OFF */
};

/* At VBAR + 0x200: report ESR_EL1 and FAR_EL1, count, skip. */
static const uint32_t report_vector[] = {
    0xd5385200, /* mrs x0, esr_el1 */
    0xd4000002, /* hvc #0 */
    0xd5386000, /* mrs x0, far_el1 */
    0xd4000002, /* hvc #0 */
    0x9100058c, /* add x12, x12, #1 */
    0xd538402b, /* mrs x11, elr_el1 */
    0x9100116b, /* add x11, x11, #4 */
    0xd518402b, /* msr elr_el1, x11 */
    0xd69f03e0, /* eret */
};

static void test_dc_zva_stage2_aborts(void **state)
{
	static const struct chunk img[] = {CHUNK(0, zva_code),
					   CHUNK(0xa00, report_vector)};
	/* ESR_EL2.ISS: WnR (bit 6) | DFSC; ISV, CM, the rest 0. */
	static const uint32_t iss[] = {
	    0x45, /* level-1 translation fault: nothing mapped below 1 GiB */
	    0x45,
	    0x4f, /* level-3 permission fault: the DTB page is read-only */
	};
	static const uint64_t far[] = {0xb000010, 0xc000020, 0x43e00008};
	struct run *run = malloc(sizeof(*run));

	(void)state;
	/* Exact in precise mode; with per-block accounting a DC ZVA that is
	 * not last in its block is a late redirect (see uc_sysreg.c). */
	run_guest(img, 2, true, run);
	assert_int_equal(run->result, SIM_VM_OFF);
	assert_int_equal(run->n, 11);
	for (unsigned i = 0; i < 3; i++) {
		const struct sim_trap_record *abt = &run->rec[3 * i];

		assert_int_equal(abt->ec, 0x24); /* data abort, lower EL */
		assert_int_equal(abt->iss, iss[i]);
		assert_int_equal(abt->pc, GUEST_PC(0x10 + 12 * i));
		/* The IPA the hypervisor took from HPFAR_EL2 and FAR_EL2
		 * (the guest's MMU is off: IPA = VA). */
		assert_int_equal(abt->a, far[i]);
		/* The guest's view: ESR_EL1 = EC 0x25 (data abort, same
		 * EL), IL, ISS = WnR | DFSC 0x10 (synchronous external
		 * abort); FAR_EL1 = Xt. */
		assert_int_equal(run->rec[3 * i + 1].a, 0x96000050);
		assert_int_equal(run->rec[3 * i + 2].a, far[i]);
	}
	assert_int_equal(run->rec[9].a, 3);
	assert_int_equal(run->st.late_redirects, 0);
	free(run);
}

/*
 * Pair and writeback forms to MMIO have no instruction syndrome: hardware
 * reports ISV = 0 (Arm ARM, ISS encoding for a Data Abort), the hypervisor
 * cannot emulate them and injects a synchronous external abort. The
 * aborted instruction writes nothing back, so x4 keeps its value.
 */
static const uint32_t pair_code[] = {
    0x10004000, /* adr x0, vbar (image + 0x800) */
    0xd518c000, /* msr vbar_el1, x0 */
    0xd2a16004, /* mov x4, #0xb000000      (scratch device) */
    0xd2800021, /* mov x1, #1 */
    0xd2800042, /* mov x2, #2 */
    0xa9810881, /* stp x1, x2, [x4, #16]!  (0x14) */
    0xa8c21885, /* ldp x5, x6, [x4], #32   (0x18) */
    0x293f0881, /* stp w1, w2, [x4, #-8]   (0x1c: below the device) */
    0xadc20480, /* ldp q0, q1, [x4, #64]!  (0x20) */
    0xaa0403e0, /* mov x0, x4 */
    0xd4000002, /* hvc #0                  x4 */
    0xaa0c03e0, /* mov x0, x12 */
    0xd4000002, /* hvc #0                  exceptions taken */
    0xd2b08000, /* mov x0, #0x84000000 */
    0xf2800100, /* movk x0, #0x8 */
    0xd4000002, /* hvc #0                  SYSTEM_OFF */
};

static void test_pair_and_writeback_to_mmio(void **state)
{
	static const struct chunk img[] = {CHUNK(0, pair_code),
					   CHUNK(0xa00, report_vector)};
	/* ESR_EL2.ISS: ISV = 0; WnR for the stores; DFSC 0x05 (level-1
	 * translation fault: no Stage-2 mapping below 1 GiB). */
	static const uint32_t iss[] = {0x45, 0x05, 0x45, 0x05};
	static const uint64_t far[] = {0xb000010, 0xb000000, 0xafffff8,
				       0xb000040};
	/* ESR_EL1: EC 0x25, IL, DFSC 0x10 (external abort), WnR as above. */
	static const uint64_t esr_el1[] = {0x96000050, 0x96000010, 0x96000050,
					   0x96000010};
	struct run *run;

	(void)state;
	run = run_both(img, 2);
	assert_int_equal(run->result, SIM_VM_OFF);
	assert_int_equal(run->n, 15);
	for (unsigned i = 0; i < 4; i++) {
		const struct sim_trap_record *abt = &run->rec[3 * i];

		assert_int_equal(abt->ec, 0x24);
		assert_int_equal(abt->iss, iss[i]);
		assert_int_equal(abt->pc, GUEST_PC(0x14 + 4 * i));
		assert_int_equal(abt->a, far[i]);
		assert_int_equal(run->rec[3 * i + 1].a, esr_el1[i]);
		assert_int_equal(run->rec[3 * i + 2].a, far[i]);
	}
	assert_int_equal(run->rec[12].a, 0xb000000); /* no writeback */
	assert_int_equal(run->rec[13].a, 4);
	assert_int_equal(run->st.pc_guesses, 0);
	free(run);
}

/*
 * The guest's code changes under a translation Unicorn keeps running (it
 * does not always notice the write; hardware may run stale instructions
 * too until an IC IVAU). Here the test rewrites the block behind
 * Unicorn's back between two runs: the old block's STP then faults on the
 * scratch device although memory now holds NOPs. The abort must still
 * reach the core as one without a syndrome, FAR = the address; the PC is
 * exact with per-instruction tracking and a counted guess (the block
 * start) without.
 */
static const uint32_t stale_code[] = {
    0x10004000, /* adr x0, vbar (image + 0x800) */
    0xd518c000, /* msr vbar_el1, x0 */
    0x100007c4, /* adr x4, buf (image + 0x100, RAM) */
    0xd2800021, /* mov x1, #1 */
    0xd2800042, /* mov x2, #2 */
    0x94000013, /* bl blk                  (translated, stores to RAM) */
    0xd4000002, /* hvc #0                  t = 11: the run pauses */
    0xd2a16004, /* mov x4, #0xb000000      (scratch device) */
    0x94000010, /* bl blk                  (the stale translation) */
    0xaa0703e0, /* mov x0, x7 */
    0xd4000002, /* hvc #0                  report x7 */
    0xaa0c03e0, /* mov x0, x12 */
    0xd4000002, /* hvc #0                  report x12 */
    0xd2b08000, /* mov x0, #0x84000000 */
    0xf2800100, /* movk x0, #0x8 */
    0xd4000002, /* hvc #0                  SYSTEM_OFF */
};

static const uint32_t stale_blk[] = {
    0x910004e7, /* blk: add x7, x7, #1     (0x60) */
    0xa9000881, /* stp x1, x2, [x4] */
    0x910004e7, /* add x7, x7, #1 */
    0xd65f03c0, /* ret */
};

static void run_rewritten(bool precise, struct run *run)
{
	static const struct chunk img[] = {CHUNK(0, stale_code),
					   CHUNK(0x60, stale_blk),
					   CHUNK(0xa00, report_vector)};
	uint8_t *image = calloc(1, IMAGE_SIZE);
	struct hvsim_opts o = {.mem = 64ull << 20, .precise = precise};
	struct hvsim_machine m;
	struct s2_attrs attrs;
	uint64_t pa = 0;
	uint32_t *code;
	char err[256];

	memset(run, 0, sizeof(*run));
	for (size_t i = 0; i < 3; i++)
		memcpy(image + img[i].offset, img[i].words, img[i].n * 4);
	memset(&m, 0, sizeof(m));
	assert_int_equal(hvsim_machine_boot(&m, &o, image, IMAGE_SIZE, NULL, 0,
					    err, sizeof(err)),
			 0);
	free(image);
	sim_cpu_set_observer(m.cpu, observe, run);
	assert_int_equal(sim_cpu_run(m.cpu, 11), SIM_LIMIT);
	assert_int_equal(run->n, 1);
	/* add, stp, add -> nop, nop, nop (0xd503201f) */
	assert_int_equal(
	    stage2_lookup(&m.vm->s2, GUEST_PC(0x60), &pa, &attrs, NULL), 0);
	code = hal_pa_to_va(pa, 12);
	assert_non_null(code);
	for (unsigned i = 0; i < 3; i++)
		code[i] = 0xd503201f;
	run->result = sim_cpu_run(m.cpu, 100000);
	run->st = *sim_cpu_stats(m.cpu);
	hvsim_machine_teardown(&m);
}

static void test_code_rewritten_under_translation(void **state)
{
	struct run *run = malloc(sizeof(*run));

	(void)state;
	for (int precise = 1; precise >= 0; precise--) {
		run_rewritten(precise, run);
		assert_int_equal(run->result, SIM_VM_OFF);
		assert_int_equal(run->n, 7);
		assert_int_equal(run->rec[1].ec, 0x24);
		assert_int_equal(run->rec[1].iss, 0x45); /* ISV = 0, WnR */
		assert_int_equal(run->rec[1].a, 0xb000000);
		assert_int_equal(run->rec[1].pc,
				 GUEST_PC(precise ? 0x64 : 0x60));
		assert_int_equal(run->rec[2].a, 0x96000050); /* ESR_EL1 */
		assert_int_equal(run->rec[3].a, 0xb000000);  /* FAR_EL1 */
		/* Both adds of the first pass and the stale block's first
		 * one ran; its second is now a NOP. */
		assert_int_equal(run->rec[4].a, 3);
		assert_int_equal(run->rec[5].a, 1);
		assert_int_equal(run->st.pc_guesses, precise ? 0 : 1);
	}
	free(run);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sp_el0_survives_exception_from_el1t),
	    cmocka_unit_test(test_illegal_eret_takes_illegal_state_exception),
	    cmocka_unit_test(test_dc_zva_stage2_aborts),
	    cmocka_unit_test(test_pair_and_writeback_to_mmio),
	    cmocka_unit_test(test_code_rewritten_under_translation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
