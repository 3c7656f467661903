/*
 * The Unicorn engine end to end with the real core: small guests (raw
 * binaries; instruction words from aarch64-linux-gnu-as, the source in the
 * comments) whose exits must be reported with exact virtual times and the
 * syndromes hardware would give. Every guest runs in both PC-tracking
 * modes, which must agree trap for trap.
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
#include "mm/stage2.h"
#include "sim_cpu.h"
#include "sim_hal.h"
#include "trace.h"
#include "vm/vm.h"

#define MAX_RECORDS 64
#define IMAGE_SIZE 0xc00
#define VEC_SYNC 0xa00 /* guests put VBAR_EL1 at image + 0x800 */
#define VEC_IRQ 0xa80

struct chunk {
	uint32_t offset;
	const uint32_t *words;
	size_t n;
};

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

typedef void (*prepare_fn)(struct hvsim_machine *m);

/* Virtual time a run may take (instructions). */
static uint64_t run_limit = 1000000;

static void run_prepared(const struct chunk *chunks, size_t nchunks,
			 bool precise, prepare_fn prep, struct run *run)
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
	if (prep) {
		/* The scheduler loads the vCPU (its EL2 controls too) when it
		 * first runs: run it for no time, then change them. */
		assert_int_equal(sim_cpu_run(m.cpu, 0), SIM_LIMIT);
		prep(&m);
	}
	run->result = sim_cpu_run(m.cpu, run_limit);
	run->st = *sim_cpu_stats(m.cpu);
	hvsim_machine_teardown(&m);
}

static void run_guest(const struct chunk *chunks, size_t nchunks, bool precise,
		      struct run *run)
{
	run_prepared(chunks, nchunks, precise, NULL, run);
}

/* Run in both modes; they must produce the same trace. */
static void run_both(const struct chunk *chunks, size_t nchunks,
		     struct run *run)
{
	struct run *precise = malloc(sizeof(*precise));

	run_guest(chunks, nchunks, true, precise);
	run_guest(chunks, nchunks, false, run);
	assert_int_equal(run->n, precise->n);
	for (unsigned i = 0; i < run->n; i++)
		assert_string_equal(run->line[i], precise->line[i]);
	assert_int_equal(run->st.vtime, precise->st.vtime);
	free(precise);
}

#define CHUNK(off, arr)                                                        \
	{                                                                      \
		(off), (arr), sizeof(arr) / sizeof((arr)[0])                   \
	}

/*
 * Instruction counts around traps: an exit counts its own instruction once,
 * and the rest of its block only if it runs.
 */
static const uint32_t time_code[] = {
    0xd2800020, /*  1 mov x0, #1 */
    0xd2800041, /*  2 mov x1, #2 */
    0xd4000002, /*  3 hvc #0                 -> t=3 */
    0xd28000a3, /*  4 mov x3, #5 */
    0xf1000463, /*    1: subs x3, x3, #1     (5 times) */
    0x54ffffe1, /*    b.ne 1b                (-> 14) */
    0xd2a16004, /* 15 movz x4, #0xb00, lsl #16 */
    0xb9000081, /* 16 str w1, [x4]           -> t=16, mid-block */
    0x910004a5, /* 17 add x5, x5, #1 */
    0xd5380406, /* 18 mrs x6, id_aa64pfr0_el1 -> t=18, block goes on */
    0x910004a5, /* 19 add x5, x5, #1 */
    0xd53be047, /* 20 mrs x7, cntvct_el0     19 retired: counter 1 */
    0xd4000002, /* 21 hvc #0                 -> t=21 */
    0xb9400088, /* 22 ldr w8, [x4]           -> t=22 */
    0xaa0703e0, /* 23 mov x0, x7 */
    0xd4000002, /* 24 hvc #0                 -> t=24, x0 = 1 */
    0xd2b08000, /* 25 movz x0, #0x8400, lsl #16 */
    0xf2800100, /* 26 movk x0, #8 */
    0xd4000002, /* 27 hvc #0                 SYSTEM_OFF */
};

static void test_virtual_time_is_exact(void **state)
{
	static const struct chunk img[] = {CHUNK(0, time_code)};
	static const uint64_t t[] = {3, 16, 18, 21, 22, 24, 27};
	static const unsigned ec[] = {EC_HVC64, EC_DABT_LOW, EC_SYSREG,
				      EC_HVC64, EC_DABT_LOW, EC_HVC64,
				      EC_HVC64};
	struct run *run = malloc(sizeof(*run));

	(void)state;
	run_both(img, 1, run);
	assert_int_equal(run->result, SIM_VM_OFF);
	assert_int_equal(run->n, 7);
	for (unsigned i = 0; i < run->n; i++) {
		assert_int_equal(run->rec[i].vtime, t[i]);
		assert_int_equal(run->rec[i].ec, ec[i]);
	}
	/* The guest read CNTVCT after 19 instructions: 19 / 16 = 1. */
	assert_int_equal(run->rec[5].a, 1);
	assert_int_equal(run->st.vtime, 27);
	assert_int_equal(run->st.idle, 0);
	/* HVC reports the next instruction, a data abort the faulting one. */
	assert_int_equal(run->rec[0].pc, 0x4008000c);
	assert_int_equal(run->rec[1].pc, 0x4008001c);
	assert_int_equal(run->rec[2].pc, 0x40080024);
	free(run);
}

/* Data aborts: the syndrome hardware reports for each access form. */
static const uint32_t dabt_code[] = {
    0x10004000, /* adr x0, vec (image + 0x800) */
    0xd518c000, /* msr vbar_el1, x0 */
    0xd2a16004, /* movz x4, #0xb00, lsl #16 (scratch device) */
    0x39400081, /* ldrb w1, [x4] */
    0x79800482, /* ldrsh x2, [x4, #2] */
    0xf9000483, /* str x3, [x4, #8] */
    0x889ffc85, /* stlr w5, [x4] */
    0xf8408486, /* ldr x6, [x4], #8 (writeback: no syndrome) */
    0xd2a18009, /* movz x9, #0xc00, lsl #16 (nothing there) */
    0xb9401127, /* ldr w7, [x9, #0x10] */
    0xd4000421, /* svc #0x21 (the sim delivers it to EL1) */
    0xd4200440, /* brk #0x22 (likewise) */
    0xaa0c03e0, /* mov x0, x12 (exceptions the guest took) */
    0xd4000002, /* hvc #0 */
    0xd2b08000, /* movz x0, #0x8400, lsl #16 */
    0xf2800100, /* movk x0, #8 */
    0xd4000002, /* hvc #0: SYSTEM_OFF */
};

/* Count the exception, skip the instruction unless it was an SVC. */
static const uint32_t skip_vector[] = {
    0xd538520a, /* mrs x10, esr_el1 */
    0x9100058c, /* add x12, x12, #1 */
    0xd35afd4d, /* lsr x13, x10, #26 */
    0xf10055bf, /* cmp x13, #0x15 */
    0x54000080, /* b.eq 1f */
    0xd538402b, /* mrs x11, elr_el1 */
    0x9100116b, /* add x11, x11, #4 */
    0xd518402b, /* msr elr_el1, x11 */
    0xd69f03e0, /* 1: eret */
};

static void test_data_abort_syndromes(void **state)
{
	static const struct chunk img[] = {CHUNK(0, dabt_code),
					   CHUNK(VEC_SYNC, skip_vector)};
	/* ISV | SAS | SSE | SRT | SF | AR | WnR | DFSC (level-1 translation
	 * fault: nothing is mapped in the first GiB of IPA space). */
	static const uint32_t iss[] = {
	    0x1000000 | 1 << 16 | 0x05, /* ldrb w1 */
	    0x1000000 | 1 << 22 | 1 << 21 | 2 << 16 | 1 << 15 | 0x05,
	    0x1000000 | 3 << 22 | 3 << 16 | 1 << 15 | 1 << 6 | 0x05,
	    0x1000000 | 2 << 22 | 5 << 16 | 1 << 14 | 1 << 6 | 0x05,
	    0x05,				  /* post-index */
	    0x1000000 | 2 << 22 | 7 << 16 | 0x05, /* ldr w7 */
	};
	struct run *run = malloc(sizeof(*run));

	(void)state;
	run_both(img, 2, run);
	assert_int_equal(run->result, SIM_VM_OFF);
	assert_int_equal(run->n, 8);
	for (unsigned i = 0; i < 6; i++) {
		assert_int_equal(run->rec[i].ec, EC_DABT_LOW);
		assert_int_equal(run->rec[i].iss, iss[i]);
		assert_int_equal(run->rec[i].pc,
				 0x4008000c + 4 * i + (i == 5 ? 4 : 0));
	}
	/* The sim delivered SVC and BRK; the core injected two aborts. */
	assert_int_equal(run->st.guest_exceptions, 2);
	assert_int_equal(run->rec[6].a, 4);
	free(run);
}

/* WFI with the virtual timer armed: time jumps to the deadline, the
 * physical PPI 27 exits to the core, the core's virtual interrupt is taken
 * at the guest's IRQ vector and acknowledged through ICC_IAR1_EL1. */
static const uint32_t wfi_code[] = {
    0x10004000, /* adr x0, vec */
    0xd518c000, /* msr vbar_el1, x0 */
    0xd2801fe1, /* mov x1, #0xff */
    0xd5184601, /* msr icc_pmr_el1, x1 */
    0xd2800021, /* mov x1, #1 */
    0xd518cce1, /* msr icc_igrpen1_el1, x1 */
    /* As a driver would: Group 1 on in GICD_CTLR, PPI 27 in Group 1 and
     * enabled in the redistributor (vCPU 0's SGI frame at 0x080b0000). */
    0xd2a10003, /* mov x3, #0x08000000 */
    0x52800041, /* mov w1, #2 */
    0xb9000061, /* str w1, [x3]: GICD_CTLR.EnableGrp1 */
    0xd2a10163, /* mov x3, #0x080b0000 */
    0x52a10001, /* mov w1, #(1 << 27) */
    0xb9008061, /* str w1, [x3, #0x80]: GICR_IGROUPR0 */
    0xb9010061, /* str w1, [x3, #0x100]: GICR_ISENABLER0 */
    0xd53be042, /* mrs x2, cntvct_el0 (13 retired: 0) */
    0x91002842, /* add x2, x2, #10 */
    0xd51be342, /* msr cntv_cval_el0, x2 (deadline: time 160) */
    0xd2800021, /* mov x1, #1 */
    0xd51be321, /* msr cntv_ctl_el0, x1 */
    0xd50342ff, /* msr daifclr, #2 */
    0xd503207f, /* 2: wfi */
    0xb4fffff4, /* cbz x20, 2b */
    0xaa1403e0, /* mov x0, x20 */
    0xd4000002, /* hvc #0 */
    0xd2b08000, /* movz x0, #0x8400, lsl #16 */
    0xf2800100, /* movk x0, #8 */
    0xd4000002, /* hvc #0: SYSTEM_OFF */
};

static const uint32_t irq_vector[] = {
    0xd538cc14, /* mrs x20, icc_iar1_el1 */
    0xd51be33f, /* msr cntv_ctl_el0, xzr */
    0xd518cc34, /* msr icc_eoir1_el1, x20 */
    0xd69f03e0, /* eret */
};

static void test_wfi_timer_interrupt(void **state)
{
	static const struct chunk img[] = {CHUNK(0, wfi_code),
					   CHUNK(VEC_IRQ, irq_vector)};
	struct run *run = malloc(sizeof(*run));

	(void)state;
	run_both(img, 2, run);
	assert_int_equal(run->result, SIM_VM_OFF);
	assert_int_equal(run->n, 6);
	for (unsigned i = 0; i < 3; i++) /* the three GIC register writes */
		assert_int_equal(run->rec[i].ec, 0x24);
	assert_int_equal(run->rec[3].ec, EC_WFX);
	assert_int_equal(run->rec[3].vtime, 20);
	assert_int_equal(run->rec[3].iss, 0x1e00000); /* CV, COND = AL, WFI */
	assert_int_equal(run->rec[3].action, EXIT_WFI);
	/* The timer fires at time 160 (counter 10) while the CPU idles
	 * with the vCPU blocked: the hypervisor takes PPI 27 there, not as
	 * an exit of the guest, which is entered with it pending and takes
	 * it at once (7 instructions to its HVC). */
	assert_int_equal(run->rec[4].ec, EC_HVC64);
	assert_int_equal(run->rec[4].vtime, 167);
	assert_int_equal(run->rec[4].a, 27); /* the guest acknowledged 27 */
	assert_int_equal(run->st.virqs, 1);
	assert_int_equal(run->st.idle, 160 - 20);
	free(run);
}

/* A WFI nothing can wake is reported, not waited on forever. */
static const uint32_t deadlock_code[] = {
    0xd503207f, /* wfi */
    0x17ffffff, /* b .-4 */
};

static void test_wfi_deadlock(void **state)
{
	static const struct chunk img[] = {CHUNK(0, deadlock_code)};
	struct run run;

	(void)state;
	run_guest(img, 1, false, &run);
	assert_int_equal(run.result, SIM_DEADLOCK);
	assert_int_equal(run.n, 1);
	assert_int_equal(run.rec[0].action, EXIT_WFI);
}

/* The instruction limit stops a guest that never exits. */
static const uint32_t spin_code[] = {
    0x14000000, /* b . */
};

static void test_limit(void **state)
{
	static const struct chunk img[] = {CHUNK(0, spin_code)};
	struct run run;

	(void)state;
	run_guest(img, 1, false, &run);
	assert_int_equal(run.result, SIM_LIMIT);
	assert_int_equal(run.n, 0);
	assert_true(run.st.vtime >= 1000000 && run.st.vtime < 1000010);
}

static volatile sig_atomic_t host_signal;

static void watch_signal(struct hvsim_machine *m)
{
	sim_cpu_watch_flag(m->cpu, &host_signal);
}

/* A flag the host's signal handler raised ends the run before the next
 * block: the spinning guest, whose limit is a million instructions, runs
 * none of them. */
static void test_signal_flag_stops_at_once(void **state)
{
	static const struct chunk img[] = {CHUNK(0, spin_code)};
	struct run run;

	(void)state;
	host_signal = 15;
	run_prepared(img, 1, false, watch_signal, &run);
	host_signal = 0;
	assert_int_equal(run.result, SIM_LIMIT);
	assert_int_equal(run.n, 0);
	assert_true(run.st.vtime < 8);
}

/*
 * ldr x0, [x0] twice: when the second one faults, the first also matches
 * the faulting address with the registers Unicorn leaves. The instruction
 * before them decides: had the first one faulted, x0 would still hold what
 * "ldr x0, [x1]" loaded, and it does not.
 */
static const uint32_t chase_code[] = {
    0x10004000,		    /* adr x0, vec */
    0xd518c000,		    /* msr vbar_el1, x0 */
    0x10000101,		    /* adr x1, ptr */
    0xf9400020,		    /* ldr x0, [x1] */
    0xf9400000,		    /* ldr x0, [x0] */
    0xf9400000,		    /* ldr x0, [x0] (the scratch ID register) */
    0xd4000002,		    /* hvc #0 */
    0xd2b08000,		    /* movz x0, #0x8400, lsl #16 */
    0xf2800100,		    /* movk x0, #8 */
    0xd4000002,		    /* hvc #0 */
    0x40080030, 0x00000000, /* ptr: .quad ptr2 */
    0x0b000100, 0x00000000, /* ptr2: .quad 0x0b000100 */
};

static void test_pointer_chase_fault(void **state)
{
	static const struct chunk img[] = {CHUNK(0, chase_code),
					   CHUNK(VEC_SYNC, skip_vector)};
	struct run *run = malloc(sizeof(*run));

	(void)state;
	run_both(img, 2, run);
	assert_int_equal(run->result, SIM_VM_OFF);
	assert_int_equal(run->rec[0].ec, EC_DABT_LOW);
	assert_int_equal(run->rec[0].pc, 0x40080014);
	assert_int_equal(run->rec[1].a, 0x54434831); /* W0 of the ID value */
	assert_int_equal(run->st.pc_guesses, 0);
	free(run);
}

/*
 * Here nothing decides: "mov x0, x0" may or may not have changed x0, so
 * either store to the read-only DTB page could be the one that faulted (a
 * permission fault is reported at the access, with the PC of its block).
 * The guess is counted (and hvsim warns); the hypervisor injects an
 * external abort, which the guest's vector skips.
 */
static const uint32_t undecidable_code[] = {
    0x10004000, /* adr x0, vec (image + 0x800) */
    0xd518c000, /* msr vbar_el1, x0 */
    0xd2a87c00, /* movz x0, #0x43e0, lsl #16 (the DTB, read-only) */
    0xf9000001, /* str x1, [x0] */
    0xaa0003e0, /* mov x0, x0 */
    0xf9000002, /* str x2, [x0] */
    0xd2b08000, /* movz x0, #0x8400, lsl #16 */
    0xf2800100, /* movk x0, #8 */
    0xd4000002, /* hvc #0: SYSTEM_OFF */
};

static void test_undecidable_fault_is_counted(void **state)
{
	static const struct chunk img[] = {CHUNK(0, undecidable_code),
					   CHUNK(VEC_SYNC, skip_vector)};
	struct run *run = malloc(sizeof(*run));

	(void)state;
	/* Both modes: after a guess the engine turns precise, and the time of
	 * the block's unexecuted rest must still be given back first. */
	run_both(img, 2, run);
	assert_int_equal(run->result, SIM_VM_OFF);
	assert_int_equal(run->st.pc_guesses, 1);
	assert_int_equal(run->rec[0].pc, 0x4008000c); /* the first: right */
	assert_int_equal(run->rec[1].pc, 0x40080014);
	free(run);
}

/*
 * The same two accesses to the scratch device, which no region maps: the
 * TLB fill hook refuses them, Unicorn stops at each instruction itself and
 * nothing has to be decided.
 */
static const uint32_t mmio_pair_code[] = {
    0xd2a16000, /* movz x0, #0xb00, lsl #16 */
    0xf9400001, /* ldr x1, [x0] */
    0xaa0003e0, /* mov x0, x0 */
    0xf9400002, /* ldr x2, [x0] */
    0xd2b08000, /* movz x0, #0x8400, lsl #16 */
    0xf2800100, /* movk x0, #8 */
    0xd4000002, /* hvc #0: SYSTEM_OFF */
};

static void test_mmio_faults_are_exact(void **state)
{
	static const struct chunk img[] = {CHUNK(0, mmio_pair_code)};
	struct run *run = malloc(sizeof(*run));

	(void)state;
	run_both(img, 1, run);
	assert_int_equal(run->result, SIM_VM_OFF);
	assert_int_equal(run->st.pc_guesses, 0);
	assert_int_equal(run->rec[0].pc, 0x40080004);
	assert_int_equal(run->rec[0].vtime, 2);
	assert_int_equal(run->rec[1].pc, 0x4008000c);
	assert_int_equal(run->rec[1].vtime, 4);
	free(run);
}

/*
 * The same ambiguity, but the two stores differ in size: Unicorn reports
 * the faulting access's size, and only the byte store matches a 1-byte
 * fault. Nothing is guessed.
 */
static const uint32_t sized_code[] = {
    0xd2a16000, /* movz x0, #0xb00, lsl #16 (scratch device) */
    0x39000001, /* strb w1, [x0] */
    0xaa0003e0, /* mov x0, x0 */
    0xb9000002, /* str w2, [x0] */
    0xd2b08000, /* movz x0, #0x8400, lsl #16 */
    0xf2800100, /* movk x0, #8 */
    0xd4000002, /* hvc #0: SYSTEM_OFF */
};

static void test_fault_size_decides(void **state)
{
	static const struct chunk img[] = {CHUNK(0, sized_code)};
	struct run *run = malloc(sizeof(*run));

	(void)state;
	run_both(img, 1, run);
	assert_int_equal(run->result, SIM_VM_OFF);
	assert_int_equal(run->st.pc_guesses, 0);
	assert_int_equal(run->rec[0].pc, 0x40080004);
	assert_int_equal(run->rec[1].pc, 0x4008000c);
	free(run);
}

/*
 * Controls the hypervisor does not use today: a trapped WFE (reported the
 * way a trapped WFI is), an SMC that is not trapped (it reaches the fake
 * EL3), and a Stage-2 change made while the guest is loaded (the page the
 * guest then writes has become read-only).
 */
static const uint32_t controls_code[] = {
    0x10004000, /* 1 adr x0, vec */
    0xd518c000, /* 2 msr vbar_el1, x0 */
    0xd28000e1, /* 3 mov x1, #7 */
    0xd503205f, /* 4 wfe                      -> t=4 */
    0x91000421, /* 5 add x1, x1, #1 */
    0xd40000a3, /* 6 smc #5 (to EL3: x0 = -1) */
    0xaa0003e2, /* 7 mov x2, x0 */
    0xd2a80203, /* 8 movz x3, #0x4010, lsl #16 */
    0xf9000061, /* 9 str x1, [x3]             -> permission fault */
    0xaa0203e0, /* mov x0, x2 */
    0xd4000002, /* hvc #0 */
    0xd2b08000, /* movz x0, #0x8400, lsl #16 */
    0xf2800100, /* movk x0, #8 */
    0xd4000002, /* hvc #0: SYSTEM_OFF */
};

#define HCR_TWE (1ull << 14)
#define HCR_TSC (1ull << 19)
#define RO_PAGE 0x40100000ull

static void change_controls(struct hvsim_machine *m)
{
	uint64_t hcr = sim_sysreg_get(SYSREG_HCR_EL2);

	sim_sysreg_set(SYSREG_HCR_EL2, (hcr | HCR_TWE) & ~HCR_TSC);
	assert_int_equal(
	    stage2_protect(&m->vm->s2, RO_PAGE, 0x1000, S2_PERM_R | S2_PERM_X),
	    0);
}

static void test_wfe_smc_and_stage2_change(void **state)
{
	static const struct chunk img[] = {CHUNK(0, controls_code),
					   CHUNK(VEC_SYNC, skip_vector)};
	struct run runs[2];

	(void)state;
	for (int precise = 0; precise < 2; precise++) {
		struct run *run = &runs[precise];

		run_prepared(img, 2, precise, change_controls, run);
		assert_int_equal(run->result, SIM_VM_OFF);
		assert_int_equal(run->rec[0].ec, EC_WFX);
		assert_int_equal(run->rec[0].iss, 0x1e00001); /* WFE */
		assert_int_equal(run->rec[0].vtime, 4);
		assert_int_equal(run->rec[0].pc, 0x4008000c);
		/* Level-3 permission fault, write, valid syndrome. */
		assert_int_equal(run->rec[1].ec, EC_DABT_LOW);
		assert_int_equal(run->rec[1].iss, 0x1000000 | 3 << 22 |
						      1 << 16 | 1 << 15 |
						      1 << 6 | 0x0f);
		assert_int_equal(run->rec[1].vtime, 9);
		assert_int_equal(run->rec[2].a, 0xffffffff); /* SMC32 result */
		assert_true(run->st.remaps >= 1);
	}
	assert_int_equal(runs[0].n, runs[1].n);
	for (unsigned i = 0; i < runs[0].n; i++)
		assert_string_equal(runs[0].line[i], runs[1].line[i]);
}

/*
 * HCR_EL2.HCD makes HVC UNDEFINED at EL1 (Arm ARM, HCR_EL2.HCD): the HVC
 * never reaches the hypervisor, the guest takes EC 0x00 (IL set) at its
 * own vector with ELR_EL1 at the HVC, and reports the syndrome with an SMC.
 */
static const uint32_t hcd_code[] = {
    0x10004000, /* 1 adr x0, vec */
    0xd518c000, /* 2 msr vbar_el1, x0 */
    0xd2b08000, /* 3 mov x0, #0x84000000 */
    0xd4000002, /* 4 hvc #0 (UNDEFINED: skip_vector) */
    0xaa0a03e0, /* mov x0, x10 */
    0xd4000003, /* smc #0                    report: ESR_EL1 */
    0xd2b08000, /* mov x0, #0x84000000 */
    0xf2800100, /* movk x0, #8 */
    0xd4000003, /* smc #0: SYSTEM_OFF */
};

#define HCR_HCD (1ull << 29)

static void disable_hvc(struct hvsim_machine *m)
{
	(void)m;
	sim_sysreg_set(SYSREG_HCR_EL2,
		       sim_sysreg_get(SYSREG_HCR_EL2) | HCR_HCD);
}

static void test_hvc_undefined_under_hcd(void **state)
{
	static const struct chunk img[] = {CHUNK(0, hcd_code),
					   CHUNK(VEC_SYNC, skip_vector)};
	struct run *run = malloc(sizeof(*run));

	(void)state;
	for (int precise = 0; precise < 2; precise++) {
		run_prepared(img, 2, precise, disable_hvc, run);
		assert_int_equal(run->result, SIM_VM_OFF);
		assert_int_equal(run->st.traps.count[EC_HVC64], 0);
		assert_int_equal(run->st.guest_exceptions, 1);
		assert_int_equal(run->rec[0].ec, EC_SMC64);
		assert_int_equal(run->rec[0].a, 0x02000000); /* EC 0, IL */
	}
	free(run);
}

/*
 * IC IALLU in a block entered straight from an exception the sim handled
 * in its interrupt hook (the SMC), the block ending at an UNDEF: the sim
 * stops the run to drop its translations and must go on after the IC. It
 * once restarted the block from its start, ran the increment again and
 * met the IC again, for ever (a hostile program that QEMU finished).
 */
static const uint32_t ic_after_smc_code[] = {
    0x10004000, /*  1 adr x0, vec (image + 0x800) */
    0xd518c000, /*  2 msr vbar_el1, x0 */
    0xd2a800c5, /*  3 mov x5, #0x40060000 */
    0xf90000bf, /*  4 str xzr, [x5] */
    0xd2b00000, /*  5 mov x0, #0x80000000 */
    0xd4000003, /*  6 smc #0 */
    0xf94000a6, /*  7 ldr x6, [x5] */
    0x910004c6, /*  8 add x6, x6, #1 */
    0xf90000a6, /*  9 str x6, [x5] */
    0xd508751f, /* 10 ic iallu */
    0xaa0603e0, /* 11 mov x0, x6 */
    0xb90010a6, /* 12 str w6, [x5, #16] */
    0xd5393a27, /* 13 mrs x7, s3_1_c3_c10_1 (UNDEF: skip_vector, 9) */
    0xd4000002, /* 23 hvc #0                 report: the count */
    0xd2b08000, /* 24 mov x0, #0x84000000 */
    0xf2800100, /* 25 movk x0, #8 */
    0xd4000002, /* 26 hvc #0                 SYSTEM_OFF */
};

static void test_ic_iallu_after_smc_runs_once(void **state)
{
	static const struct chunk img[] = {CHUNK(0, ic_after_smc_code),
					   CHUNK(VEC_SYNC, skip_vector)};
	static const uint64_t t[] = {6, 23, 26};
	static const unsigned ec[] = {EC_SMC64, EC_HVC64, EC_HVC64};
	struct run *run = malloc(sizeof(*run));

	(void)state;
	run_limit = 10000; /* the bug looped: fail fast */
	run_both(img, 2, run);
	run_limit = 1000000;
	assert_int_equal(run->result, SIM_VM_OFF);
	assert_int_equal(run->n, 3);
	for (unsigned i = 0; i < run->n; i++) {
		assert_int_equal(run->rec[i].vtime, t[i]);
		assert_int_equal(run->rec[i].ec, ec[i]);
	}
	assert_int_equal(run->rec[1].a, 1); /* the block ran once */
	assert_int_equal(run->st.vtime, 26);
	free(run);
}

/* A guest whose vector table is unmapped loops between an abort and its
 * injection without executing anything: a guest error, not a hang. */
static const uint32_t no_vectors_code[] = {
    0xd2a18009, /* movz x9, #0xc00, lsl #16 */
    0xb9400127, /* ldr w7, [x9] (nothing there; VBAR_EL1 is 0) */
};

static void test_exception_loop_stops(void **state)
{
	static const struct chunk img[] = {CHUNK(0, no_vectors_code)};
	struct run *run = malloc(sizeof(*run));

	(void)state;
	run_guest(img, 1, false, run);
	assert_int_equal(run->result, SIM_ERROR);
	assert_true(run->st.traps_total >= 10000);
	assert_true(run->st.traps_total < 10010);
	free(run);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_virtual_time_is_exact),
	    cmocka_unit_test(test_data_abort_syndromes),
	    cmocka_unit_test(test_wfi_timer_interrupt),
	    cmocka_unit_test(test_wfi_deadlock),
	    cmocka_unit_test(test_limit),
	    cmocka_unit_test(test_signal_flag_stops_at_once),
	    cmocka_unit_test(test_pointer_chase_fault),
	    cmocka_unit_test(test_undecidable_fault_is_counted),
	    cmocka_unit_test(test_mmio_faults_are_exact),
	    cmocka_unit_test(test_fault_size_decides),
	    cmocka_unit_test(test_wfe_smc_and_stage2_change),
	    cmocka_unit_test(test_hvc_undefined_under_hcd),
	    cmocka_unit_test(test_exception_loop_stops),
	    cmocka_unit_test(test_ic_iallu_after_smc_runs_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
