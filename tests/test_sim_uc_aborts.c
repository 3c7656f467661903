/*
 * Data aborts the simulated CPU must report to EL2 as hardware does, for
 * accesses that have no instruction syndrome (Arm ARM, ISS encoding for an
 * exception from a Data Abort: ISV = 0), and what the guest then sees from
 * the hypervisor (it injects a synchronous external abort). Raw guests
 * whose instruction words come from aarch64-linux-gnu-as.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hal.h"
#include "mm/stage2.h"
#include "uc/uc_guest.h"
#include "vm/vm.h"

/*
 * DC ZVA is a write for Stage-2 (Arm ARM, "DC ZVA": it behaves as a set of
 * byte stores to the block): to the scratch device, to an IPA nothing
 * claims, and to the read-only DTB (the last 2 MiB of 64 MiB of RAM), it
 * takes a data abort to EL2 with ISV = 0, CM = 0, WnR = 1, at its own PC,
 * with FAR = Xt. The hypervisor has no syndrome to emulate it and injects
 * a synchronous external abort, which the guest reports. (With its MMU
 * off the guest's accesses are Device-nGnRnE, and hardware would take a
 * Stage-1 Alignment fault to EL1 first; the sim does not model that, see
 * sim/README.md. What is checked is the Stage-2 abort a DC ZVA to Normal
 * memory takes.)
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
 * reach the core as one without a syndrome, FAR = the address. The PC is
 * exact in both modes: no region maps the device, so the TLB fill hook
 * refuses the access and Unicorn stops at the STP itself.
 *
 * With a store to read-only memory instead (a permission fault, which
 * Unicorn reports at the access with the PC of its block), the sim must
 * search the block for the instruction and finds none in what memory now
 * holds: the PC is then exact with per-instruction tracking and a counted
 * guess (the block start) without.
 */
static const uint32_t stale_code[] = {
    0x10004000, /* adr x0, vbar (image + 0x800) */
    0xd518c000, /* msr vbar_el1, x0 */
    0x100007c4, /* adr x4, buf (image + 0x100, RAM) */
    0xd2800021, /* mov x1, #1 */
    0xd2800042, /* mov x2, #2 */
    0x94000013, /* bl blk                  (translated, stores to RAM) */
    0xd4000002, /* hvc #0                  t = 11: the run pauses */
    0xd2a16004, /* mov x4, #0xb000000      (scratch device; STALE_TARGET) */
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

#define STALE_TARGET 7		   /* the word of stale_code that points x4 */
#define MOV_X4_SCRATCH 0xd2a16004u /* mov x4, #0xb000000 */
#define MOV_X4_DTB 0xd2a87c04u	   /* mov x4, #0x43e00000 (read-only) */

static void run_rewritten(uint32_t mov_x4, bool precise, struct run *run)
{
	static uint32_t image[sizeof(stale_code) / sizeof(stale_code[0])];
	static const struct chunk img[] = {CHUNK(0, image),
					   CHUNK(0x60, stale_blk),
					   CHUNK(0xa00, report_vector)};
	struct hvsim_machine m;
	struct s2_attrs attrs;
	uint64_t pa = 0;
	uint32_t *code;

	memcpy(image, stale_code, sizeof(image));
	image[STALE_TARGET] = mov_x4;
	guest_boot(&m, img, 3, precise, run);
	assert_int_equal(sim_cpu_run(m.cpu, 11), SIM_LIMIT);
	assert_int_equal(run->n, 1);
	/* add, stp, add -> nop, nop, nop (0xd503201f) */
	assert_int_equal(
	    stage2_lookup(&m.vm->s2, GUEST_PC(0x60), &pa, &attrs, NULL), 0);
	code = hal_pa_to_va(pa, 12);
	assert_non_null(code);
	for (unsigned i = 0; i < 3; i++)
		code[i] = 0xd503201f;
	guest_finish(&m, run, 100000);
}

static void test_code_rewritten_under_translation(void **state)
{
	struct run *run = malloc(sizeof(*run));

	(void)state;
	for (int precise = 1; precise >= 0; precise--) {
		run_rewritten(MOV_X4_SCRATCH, precise, run);
		assert_int_equal(run->result, SIM_VM_OFF);
		assert_int_equal(run->n, 7);
		assert_int_equal(run->rec[1].ec, 0x24);
		assert_int_equal(run->rec[1].iss, 0x45); /* ISV = 0, WnR */
		assert_int_equal(run->rec[1].a, 0xb000000);
		assert_int_equal(run->rec[1].pc, GUEST_PC(0x64));
		assert_int_equal(run->rec[2].a, 0x96000050); /* ESR_EL1 */
		assert_int_equal(run->rec[3].a, 0xb000000);  /* FAR_EL1 */
		/* Both adds of the first pass and the stale block's first
		 * one ran; its second is now a NOP. */
		assert_int_equal(run->rec[4].a, 3);
		assert_int_equal(run->rec[5].a, 1);
		assert_int_equal(run->st.pc_guesses, 0);
	}
	free(run);
}

static void test_stale_store_to_read_only_memory(void **state)
{
	struct run *run = malloc(sizeof(*run));

	(void)state;
	for (int precise = 1; precise >= 0; precise--) {
		run_rewritten(MOV_X4_DTB, precise, run);
		assert_int_equal(run->result, SIM_VM_OFF);
		assert_int_equal(run->n, 7);
		assert_int_equal(run->rec[1].ec, 0x24);
		/* ISV = 0, WnR, DFSC 0x0f (level-3 permission fault). */
		assert_int_equal(run->rec[1].iss, 0x4f);
		assert_int_equal(run->rec[1].a, 0x43e00000);
		assert_int_equal(run->rec[1].pc,
				 GUEST_PC(precise ? 0x64 : 0x60));
		assert_int_equal(run->rec[2].a, 0x96000050); /* ESR_EL1 */
		assert_int_equal(run->rec[3].a, 0x43e00000); /* FAR_EL1 */
		assert_int_equal(run->rec[4].a, 3);
		assert_int_equal(run->rec[5].a, 1);
		assert_int_equal(run->st.pc_guesses, precise ? 0 : 1);
	}
	free(run);
}

/*
 * The same after an abort the PC search already took in that block: the
 * block's first pass stores to the read-only DTB page (a permission fault,
 * reported at the access, so the sim searches the block; the hypervisor
 * injects an external abort), then the test rewrites the block to NOPs
 * behind Unicorn's back and the old translation runs again. The second
 * abort must be found stale like the first time the block is searched
 * (ISV = 0 at the block start, a counted guess), not from what the first
 * search read there.
 */
static const uint32_t researched_code[] = {
    0x10004000, /* adr x0, vbar (image + 0x800) */
    0xd518c000, /* msr vbar_el1, x0 */
    0xd2a87c04, /* mov x4, #0x43e00000     (the DTB, read-only) */
    0xd2800021, /* mov x1, #1 */
    0x94000014, /* bl blk                  (its store aborts) */
    0xd4000002, /* hvc #0                  t = 10: the run pauses */
    0x94000012, /* bl blk                  (the stale translation) */
    0xaa0703e0, /* mov x0, x7 */
    0xd4000002, /* hvc #0                  report x7 */
    0xaa0c03e0, /* mov x0, x12 */
    0xd4000002, /* hvc #0                  report x12 */
    0xd2b08000, /* mov x0, #0x84000000 */
    0xf2800100, /* movk x0, #0x8 */
    0xd4000002, /* hvc #0                  SYSTEM_OFF */
};

static const uint32_t researched_blk[] = {
    0x910004e7, /* blk: add x7, x7, #1     (0x60) */
    0xf9000081, /* str x1, [x4] */
    0x910004e7, /* add x7, x7, #1 */
    0xd65f03c0, /* ret */
};

static void test_code_rewritten_after_a_search(void **state)
{
	static const struct chunk img[] = {CHUNK(0, researched_code),
					   CHUNK(0x60, researched_blk),
					   CHUNK(0xa00, report_vector)};
	struct run *run = malloc(sizeof(*run));
	struct hvsim_machine m;
	struct s2_attrs attrs;
	uint64_t pa = 0;
	uint32_t *code;

	(void)state;
	assert_non_null(run);
	guest_boot(&m, img, 3, false, run);
	assert_int_equal(sim_cpu_run(m.cpu, 19), SIM_LIMIT);
	assert_int_equal(run->n, 4);
	/* ISV, SAS 3 (doubleword), SRT 1, SF, WnR, DFSC 0x0f (level-3
	 * permission fault); the PC of the STR. */
	assert_int_equal(run->rec[0].ec, 0x24);
	assert_int_equal(run->rec[0].iss, 0x1c1804f);
	assert_int_equal(run->rec[0].pc, GUEST_PC(0x64));
	assert_int_equal(run->rec[1].a, 0x96000050); /* ESR_EL1 */
	assert_int_equal(run->rec[2].a, 0x43e00000); /* FAR_EL1 */
	/* add, str, add -> nop, nop, nop (0xd503201f) */
	assert_int_equal(
	    stage2_lookup(&m.vm->s2, GUEST_PC(0x60), &pa, &attrs, NULL), 0);
	code = hal_pa_to_va(pa, 12);
	assert_non_null(code);
	for (unsigned i = 0; i < 3; i++)
		code[i] = 0xd503201f;
	guest_finish(&m, run, 100000);
	assert_int_equal(run->result, SIM_VM_OFF);
	assert_int_equal(run->n, 10);
	assert_int_equal(run->rec[4].ec, 0x24);
	assert_int_equal(run->rec[4].iss, 0x4f); /* ISV = 0, WnR */
	assert_int_equal(run->rec[4].pc, GUEST_PC(0x60));
	assert_int_equal(run->rec[5].a, 0x96000050); /* ESR_EL1 */
	assert_int_equal(run->rec[6].a, 0x43e00000); /* FAR_EL1 */
	/* Both adds of the first pass and the stale block's first one. */
	assert_int_equal(run->rec[7].a, 3);
	assert_int_equal(run->rec[8].a, 2);
	assert_int_equal(run->st.pc_guesses, 1);
	free(run);
}

/*
 * Two stores of one block to the read-only DTB page (the last 2 MiB of
 * RAM) cover the faulting IPA with the registers Unicorn leaves; the
 * second one did not fault, as the load between them has not run: x5
 * still holds the DTB's first doubleword, not the one at +0x10 the load
 * would have read. The PC search must tell that from the memory the load
 * reads (no guess), and report the first store.
 */
static const uint32_t ro_pair_code[] = {
    0x10004000, /* adr x0, vbar (image + 0x800) */
    0xd518c000, /* msr vbar_el1, x0 */
    0xd2a87c0a, /* mov x10, #0x43e00000    (the DTB, read-only) */
    0x9100414d, /* add x13, x10, #0x10 */
    0xd2800021, /* mov x1, #1 */
    0xf9400145, /* ldr x5, [x10] */
    0xf9000141, /* str x1, [x10]           (0x18: faults) */
    0xaa0a03ea, /* mov x10, x10 */
    0xf94001a5, /* ldr x5, [x13] */
    0xf9000141, /* str x1, [x10]           (0x24: faults after the eret) */
    0xaa0c03e0, /* mov x0, x12 */
    0xd4000002, /* hvc #0                  exceptions taken */
    0xd2b08000, /* mov x0, #0x84000000 */
    0xf2800100, /* movk x0, #0x8 */
    0xd4000002, /* hvc #0                  SYSTEM_OFF */
};

static void test_two_stores_to_read_only_memory(void **state)
{
	static const struct chunk img[] = {CHUNK(0, ro_pair_code),
					   CHUNK(0xa00, report_vector)};
	struct run *run;

	(void)state;
	run = run_both(img, 2);
	assert_int_equal(run->result, SIM_VM_OFF);
	assert_int_equal(run->n, 8);
	for (unsigned i = 0; i < 2; i++) {
		const struct sim_trap_record *abt = &run->rec[3 * i];

		/* ISV, SAS 3, SRT 1, SF, WnR, DFSC 0x0f (level-3
		 * permission fault). */
		assert_int_equal(abt->ec, 0x24);
		assert_int_equal(abt->iss, 0x1c1804f);
		assert_int_equal(abt->pc, GUEST_PC(0x18 + 12 * i));
		assert_int_equal(abt->a, 0x43e00000);
		assert_int_equal(run->rec[3 * i + 1].a, 0x96000050);
		assert_int_equal(run->rec[3 * i + 2].a, 0x43e00000);
	}
	assert_int_equal(run->rec[6].a, 2);
	assert_int_equal(run->st.pc_guesses, 0);
	free(run);
}

/*
 * An access that starts in memory Stage-2 lets it read (the last word of
 * RAM, in the read-only DTB page) and runs on into an IPA nothing maps
 * faults on its second part: FAR and HPFAR give the first byte that
 * faults, the start of the next page, not the address in the register.
 * An LDP has no syndrome (ISV = 0); the hypervisor injects an external
 * abort with that FAR.
 */
static const uint32_t crossing_code[] = {
    0x10004000, /* adr x0, vbar (image + 0x800) */
    0xd518c000, /* msr vbar_el1, x0 */
    0xd2a88004, /* mov x4, #0x44000000     (the end of RAM) */
    0xd1001084, /* sub x4, x4, #4 */
    0x29401885, /* ldp w5, w6, [x4]        (0x10) */
    0xaa0c03e0, /* mov x0, x12 */
    0xd4000002, /* hvc #0                  exceptions taken */
    0xd2b08000, /* mov x0, #0x84000000 */
    0xf2800100, /* movk x0, #0x8 */
    0xd4000002, /* hvc #0                  SYSTEM_OFF */
};

static void test_access_crossing_into_unmapped_ipa(void **state)
{
	static const struct chunk img[] = {CHUNK(0, crossing_code),
					   CHUNK(0xa00, report_vector)};
	struct run *run;

	(void)state;
	run = run_both(img, 2);
	assert_int_equal(run->result, SIM_VM_OFF);
	assert_int_equal(run->n, 5);
	assert_int_equal(run->rec[0].ec, 0x24);
	/* ISV = 0, WnR = 0, DFSC 0x06 (level-2 translation fault). */
	assert_int_equal(run->rec[0].iss, 0x06);
	assert_int_equal(run->rec[0].pc, GUEST_PC(0x10));
	assert_int_equal(run->rec[0].a, 0x44000000);
	assert_int_equal(run->rec[1].a, 0x96000010); /* ESR_EL1: read */
	assert_int_equal(run->rec[2].a, 0x44000000); /* FAR_EL1 */
	assert_int_equal(run->rec[3].a, 1);
	assert_int_equal(run->st.pc_guesses, 0);
	free(run);
}

/*
 * An IPA nothing maps, then mapped by the hypervisor (without a TLB flush,
 * as a new mapping needs none): the first load aborts (no device there:
 * the hypervisor injects an external abort, which the vector skips), the
 * same load after the mapping reads the memory now behind it, without an
 * exit. The sim remembers the last IPA page no region held; a new region
 * must end that.
 */
static const uint32_t late_map_code[] = {
    0x10004000, /* adr x0, vbar (image + 0x800) */
    0xd518c000, /* msr vbar_el1, x0 */
    0xd2a88004, /* mov x4, #0x44000000     (past the end of RAM) */
    0xf9408085, /* ldr x5, [x4, #0x100]    (0x0c: aborts) */
    0xd4000002, /* hvc #0                  the run pauses */
    0xf9408085, /* ldr x5, [x4, #0x100]    (reads the new mapping) */
    0xaa0503e0, /* mov x0, x5 */
    0xd4000002, /* hvc #0                  report x5 */
    0xaa0c03e0, /* mov x0, x12 */
    0xd4000002, /* hvc #0                  exceptions taken */
    0xd2b08000, /* mov x0, #0x84000000 */
    0xf2800100, /* movk x0, #0x8 */
    0xd4000002, /* hvc #0                  SYSTEM_OFF */
};

static const uint32_t late_map_data[] = {0x5a5a1234, 0};

static void test_access_after_a_late_mapping(void **state)
{
	static const struct chunk img[] = {CHUNK(0, late_map_code),
					   CHUNK(0x100, late_map_data),
					   CHUNK(0xa00, report_vector)};
	const struct s2_attrs ro = {.perm = S2_PERM_R,
				    .memtype = S2_MEM_NORMAL};
	struct run *run = malloc(sizeof(*run));
	struct hvsim_machine m;
	struct s2_attrs attrs;
	uint64_t pa = 0;
	unsigned pause;

	(void)state;
	assert_non_null(run);
	guest_boot(&m, img, 3, false, run);
	assert_int_equal(sim_cpu_run(m.cpu, 14), SIM_LIMIT);
	/* The abort, ESR_EL1 and FAR_EL1 reported, then the pause. */
	assert_int_equal(run->n, 4);
	assert_int_equal(run->rec[0].ec, 0x24);
	assert_int_equal(run->rec[0].pc, GUEST_PC(0x0c));
	assert_int_equal(run->rec[2].a, 0x44000100); /* FAR_EL1 */
	pause = run->n;
	assert_int_equal(
	    stage2_lookup(&m.vm->s2, GUEST_PC(0x100), &pa, &attrs, NULL), 0);
	assert_int_equal(
	    stage2_map(&m.vm->s2, 0x44000000, pa & ~0xfffull, 0x1000, ro), 0);
	guest_finish(&m, run, 100000);
	assert_int_equal(run->result, SIM_VM_OFF);
	assert_int_equal(run->n, pause + 3);
	assert_int_equal(run->rec[pause].a, 0x5a5a1234); /* no exit before */
	assert_int_equal(run->rec[pause + 1].a, 1);
	free(run);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dc_zva_stage2_aborts),
	    cmocka_unit_test(test_pair_and_writeback_to_mmio),
	    cmocka_unit_test(test_code_rewritten_under_translation),
	    cmocka_unit_test(test_stale_store_to_read_only_memory),
	    cmocka_unit_test(test_code_rewritten_after_a_search),
	    cmocka_unit_test(test_two_stores_to_read_only_memory),
	    cmocka_unit_test(test_access_crossing_into_unmapped_ipa),
	    cmocka_unit_test(test_access_after_a_late_mapping),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
