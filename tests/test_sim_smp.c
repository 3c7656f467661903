/*
 * Two vCPUs on the simulated physical CPU under the core's scheduler: one
 * Unicorn engine each, one virtual clock, the same guest RAM. The guest
 * (raw words from aarch64-linux-gnu-as, the source in the comments) has
 * vCPU 0 turn vCPU 1 on with PSCI CPU_ON; vCPU 1 runs a routine, writes
 * what it saw in RAM, tries CPU_ON of vCPU 0 (already on) and turns
 * itself off. vCPU 0 then rewrites the routine, makes the new instruction
 * visible (DC CVAU, DSB, IC IALLUIS, DSB, ISB) and turns vCPU 1 on again:
 * vCPU 1 must now run the new instruction, although it is its own engine
 * that translated the old one. PSCI values from DEN0022 (SUCCESS 0,
 * ALREADY_ON -4).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hvsim.h"
#include "sched/sched.h"
#include "sim_cpu.h"
#include "hal.h"
#include "sim_hal.h"
#include "trace.h"
#include "vm/vm.h"

#define IMAGE_SIZE 0x900
#define IMAGE_IPA 0x40080000ull /* RAM base + 0x80000 */
#define RAM_IPA 0x40000000ull
#define RESULTS 0x800 /* vCPU 0's two CPU_ON results */
#define AREA1 0x840   /* what vCPU 1 saw on its first run */
#define AREA2 0x880   /* ... and on its second */
#define MAX_LINES 32

static const uint32_t vcpu0_code[] = {
    0xd2800060, /* mov x0, #0x3 */
    0xf2b88000, /* movk x0, #0xc400, lsl #16: CPU_ON (SMC64) */
    0xd2800021, /* mov x1, #1: target MPIDR, vCPU 1 */
    0x100017a2, /* adr x2, v1_entry (0x300) */
    0x10004183, /* adr x3, area1 (0x840): context id */
    0xd4000002, /* hvc #0 */
    0x10003f49, /* adr x9, results (0x800) */
    0xf9000120, /* str x0, [x9] */
    0x10002f0a, /* adr x10, patch (0x600) */
    0x5280080b, /* mov w11, #0x40 */
    0x72ba500b, /* movk w11, #0xd280, lsl #16: "mov x0, #2" */
    0xb900014b, /* str w11, [x10] */
    0xd50b7b2a, /* dc cvau, x10 */
    0xd5033b9f, /* dsb ish */
    0xd508711f, /* ic ialluis */
    0xd5033b9f, /* dsb ish */
    0xd5033fdf, /* isb */
    0xd2800060, /* mov x0, #0x3 */
    0xf2b88000, /* movk x0, #0xc400, lsl #16: CPU_ON */
    0xd2800021, /* mov x1, #1 */
    0x10001582, /* adr x2, v1_entry */
    0x10004163, /* adr x3, area2 (0x880) */
    0xd4000002, /* hvc #0 */
    0x10003d29, /* adr x9, results */
    0xf9000520, /* str x0, [x9, #8] */
    0xd2800100, /* mov x0, #0x8 */
    0xf2b08000, /* movk x0, #0x8400, lsl #16: SYSTEM_OFF */
    0xd4000002, /* hvc #0 */
    0x14000000, /* b . */
};

static const uint32_t vcpu1_code[] = {
    /* v1_entry (0x300), x0 = context id = its area */
    0xaa0003f3, /* mov x19, x0 */
    0xf9000e60, /* str x0, [x19, #24] */
    0x940000be, /* bl patch */
    0xf9000260, /* str x0, [x19] */
    0xd29e3521, /* mov x1, #0xf1a9 */
    0xf9000661, /* str x1, [x19, #8] */
    0xd2800060, /* mov x0, #0x3 */
    0xf2b88000, /* movk x0, #0xc400, lsl #16: CPU_ON */
    0xd2800001, /* mov x1, #0: vCPU 0, which is on */
    0x10fffee2, /* adr x2, v1_entry */
    0xd2800003, /* mov x3, #0 */
    0xd4000002, /* hvc #0 */
    0xf9000a60, /* str x0, [x19, #16] */
    0xd2800040, /* mov x0, #0x2 */
    0xf2b08000, /* movk x0, #0x8400, lsl #16: CPU_OFF */
    0xd4000002, /* hvc #0 */
    0x14000000, /* b . */
};

static const uint32_t patch_code[] = {
    0xd2800020, /* patch (0x600): mov x0, #1 */
    0xd65f03c0, /* ret */
};

struct smp_run {
	struct sim_trap_record rec[MAX_LINES];
	char line[MAX_LINES][200];
	unsigned n;
	enum sched_stop stop;
	enum vm_state state;
	uint64_t results[2];
	uint64_t area[2][4];
};

static void observe(void *ctx, const struct sim_trap_record *r)
{
	struct smp_run *run = ctx;

	if (run->n < MAX_LINES) {
		run->rec[run->n] = *r;
		trace_format(run->line[run->n], sizeof(run->line[0]), r);
		run->n++;
	}
}

static uint64_t ram_u64(const struct hvsim_machine *m, uint64_t off)
{
	uint64_t v;

	memcpy(&v, m->ram + (IMAGE_IPA - RAM_IPA) + off, sizeof(v));
	return v;
}

static void run_smp(bool precise, struct smp_run *run)
{
	uint8_t *image = calloc(1, IMAGE_SIZE);
	struct hvsim_opts o = {
	    .mem = 64ull << 20, .precise = precise, .vcpus = 2};
	struct hvsim_machine m;
	char err[256];

	assert_non_null(image);
	memset(run, 0, sizeof(*run));
	memcpy(image, vcpu0_code, sizeof(vcpu0_code));
	memcpy(image + 0x300, vcpu1_code, sizeof(vcpu1_code));
	memcpy(image + 0x600, patch_code, sizeof(patch_code));
	memset(&m, 0, sizeof(m));
	assert_int_equal(hvsim_machine_boot(&m, &o, image, IMAGE_SIZE, NULL, 0,
					    err, sizeof(err)),
			 0);
	free(image);
	assert_int_equal(m.ncpus, 2);
	for (unsigned i = 0; i < m.ncpus; i++)
		sim_cpu_set_observer(m.cpus[i], observe, run);
	sim_machine_set_limit(1000000);
	run->stop = sched_run();
	sim_machine_flush();
	run->state = m.vm->state;
	for (unsigned i = 0; i < 2; i++)
		run->results[i] = ram_u64(&m, RESULTS + 8 * i);
	for (unsigned i = 0; i < 4; i++) {
		run->area[0][i] = ram_u64(&m, AREA1 + 8 * i);
		run->area[1][i] = ram_u64(&m, AREA2 + 8 * i);
	}
	hvsim_machine_teardown(&m);
}

static void check_run(const struct smp_run *run)
{
	assert_int_equal(run->stop, SCHED_STOP_DONE);
	assert_int_equal(run->state, VM_OFF);
	/* vCPU 0: CPU_ON of an off vCPU 1 succeeds, twice (vCPU 1 turned
	 * itself off in between). */
	assert_int_equal(run->results[0], 0);
	assert_int_equal(run->results[1], 0);
	for (unsigned k = 0; k < 2; k++) {
		/* The context id arrives in x0. */
		assert_int_equal(run->area[k][3],
				 IMAGE_IPA + (k ? AREA2 : AREA1));
		assert_int_equal(run->area[k][1], 0xf1a9);
		/* CPU_ON of vCPU 0, which is on: ALREADY_ON. */
		assert_int_equal(run->area[k][2], 0xfffffffffffffffcull);
	}
	/* The routine as vCPU 1 first ran it, then as vCPU 0 rewrote it. */
	assert_int_equal(run->area[0][0], 1);
	assert_int_equal(run->area[1][0], 2);
}

/*
 * The exits in the order the hypervisor handled them: each vCPU's HVCs
 * (EC 0x16) with its id, the PSCI function, what it returned, and the
 * virtual time of the exit on the one clock, which counts the
 * instructions of both vCPUs: vCPU 0 runs 6 to its HVC (t 6), vCPU 1 then
 * 12 plus the 2 of the routine (20) and 4 more to CPU_OFF (24), vCPU 0
 * 17 from its resumed HVC to the next (41), and so on.
 */
static void check_trace(const struct smp_run *run)
{
	static const struct {
		int cpu;
		uint64_t fid, result, t;
	} want[] = {
	    {0, 0xc4000003, 0, 6},
	    {1, 0xc4000003, 0xfffffffffffffffcull, 20},
	    {1, 0x84000002, 0xffffffffffffffffull, 24},
	    {0, 0xc4000003, 0, 41},
	    {1, 0xc4000003, 0xfffffffffffffffcull, 55},
	    {1, 0x84000002, 0xffffffffffffffffull, 59},
	    {0, 0x84000008, 0xffffffffffffffffull, 64},
	};
	unsigned k = 0;

	for (unsigned i = 0; i < run->n; i++) {
		if (run->rec[i].ec != 0x16)
			continue;
		assert_true(k < sizeof(want) / sizeof(want[0]));
		assert_int_equal(run->rec[i].cpu, want[k].cpu);
		assert_int_equal(run->rec[i].a, want[k].fid);
		assert_int_equal(run->rec[i].result, want[k].result);
		assert_int_equal(run->rec[i].vtime, want[k].t);
		assert_non_null(
		    strstr(run->line[i], want[k].cpu ? " cpu=1 " : " cpu=0 "));
		k++;
	}
	assert_int_equal(k, sizeof(want) / sizeof(want[0]));
	for (unsigned i = 1; i < run->n; i++)
		assert_int_equal(run->rec[i].seq, run->rec[i - 1].seq + 1);
}

static void test_cpu_on_and_code_patching(void **state)
{
	struct smp_run *run = malloc(sizeof(*run));

	(void)state;
	assert_non_null(run);
	run_smp(false, run);
	check_run(run);
	check_trace(run);
	free(run);
}

/* Same trace twice, and with per-instruction time: one clock, ordered by
 * virtual time only. */
static void test_deterministic(void **state)
{
	struct smp_run *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	run_smp(false, a);
	run_smp(true, b);
	assert_int_equal(a->n, b->n);
	for (unsigned i = 0; i < a->n; i++)
		assert_string_equal(a->line[i], b->line[i]);
	run_smp(false, b);
	assert_int_equal(a->n, b->n);
	for (unsigned i = 0; i < a->n; i++)
		assert_string_equal(a->line[i], b->line[i]);
	free(a);
	free(b);
}

static void boot_words(struct hvsim_machine *m, const uint32_t *words, size_t n)
{
	uint8_t *image = calloc(1, IMAGE_SIZE);
	struct hvsim_opts o = {.mem = 64ull << 20, .vcpus = 2};
	char err[256];

	assert_non_null(image);
	memcpy(image, words, n * 4);
	memset(m, 0, sizeof(*m));
	assert_int_equal(hvsim_machine_boot(m, &o, image, IMAGE_SIZE, NULL, 0,
					    err, sizeof(err)),
			 0);
	free(image);
}

/* vCPU 0 waits with no timer armed and vCPU 1 is off: nothing can ever
 * run, and the CPU goes back to the host with a deadlock, not a hang. */
static const uint32_t wfi_code[] = {
    0xd503207f, /* wfi */
    0x17ffffff, /* b .-4 */
};

static void test_deadlock(void **state)
{
	struct hvsim_machine m;
	const char *msg;

	(void)state;
	boot_words(&m, wfi_code, 2);
	sim_machine_set_limit(1000000);
	assert_int_equal(sched_run(), SCHED_STOP_HOST);
	assert_int_equal(sim_machine_result(&msg), SIM_DEADLOCK);
	assert_non_null(strstr(msg, "no timer is armed"));
	hvsim_machine_teardown(&m);
}

/* With one physical CPU, a kick is one the core should never send: the
 * run ends with an error at the next entry. */
static void test_kick_fails_the_run(void **state)
{
	struct hvsim_machine m;
	const char *msg;

	(void)state;
	boot_words(&m, wfi_code, 2);
	hal_cpu_kick(0);
	sim_machine_set_limit(1000000);
	assert_int_equal(sched_run(), SCHED_STOP_HOST);
	assert_int_equal(sim_machine_result(&msg), SIM_ERROR);
	assert_non_null(strstr(msg, "hal_cpu_kick(0)"));
	assert_int_equal(sim_hal_stats()->kicks, 1);
	hvsim_machine_teardown(&m);
}

/*
 * Time slices: vCPU 1 spins for ever once it has set a flag, vCPU 0 spins
 * until it sees the flag. On one physical CPU only the scheduler's slice
 * (the hypervisor timer, PPI 26) takes the CPU from vCPU 1: 100 counter
 * ticks after vCPU 1 was loaded at t 6 (counter 0), i.e. at t 1600.
 */
static const uint32_t spin_pair_code[] = {
    0xd2800060, /* mov x0, #0x3 */
    0xf2b88000, /* movk x0, #0xc400, lsl #16: CPU_ON */
    0xd2800021, /* mov x1, #1 */
    0x100017a2, /* adr x2, v1e (0x300) */
    0xd2800003, /* mov x3, #0 */
    0xd4000002, /* hvc #0 */
    0x10003f49, /* loop: adr x9, flag (0x800) */
    0xf9400121, /* ldr x1, [x9] */
    0xb4ffffc1, /* cbz x1, loop */
    0xd2800100, /* mov x0, #0x8 */
    0xf2b08000, /* movk x0, #0x8400, lsl #16: SYSTEM_OFF */
    0xd4000002, /* hvc #0 */
    0x14000000, /* b . */
};

static const uint32_t spin_pair_v1[] = {
    0x10002809, /* v1e: adr x9, flag */
    0xd2800021, /* mov x1, #1 */
    0xf9000121, /* str x1, [x9] */
    0x14000000, /* b . */
};

static void test_time_slice(void **state)
{
	uint32_t words[0x310 / 4] = {0};
	struct smp_run *run = malloc(sizeof(*run));
	struct hvsim_machine m;

	(void)state;
	assert_non_null(run);
	memset(run, 0, sizeof(*run));
	memcpy(words, spin_pair_code, sizeof(spin_pair_code));
	memcpy(&words[0x300 / 4], spin_pair_v1, sizeof(spin_pair_v1));
	boot_words(&m, words, sizeof(words) / 4);
	sched_init(100);
	assert_int_equal(sched_add_vm(m.vm, SCHED_SHARED, 0), 0);
	for (unsigned i = 0; i < m.ncpus; i++)
		sim_cpu_set_observer(m.cpus[i], observe, run);
	sim_machine_set_limit(1000000);
	assert_int_equal(sched_run(), SCHED_STOP_DONE);
	sim_machine_flush();
	assert_int_equal(m.vm->state, VM_OFF);
	hvsim_machine_teardown(&m);
	assert_int_equal(run->n, 3);
	assert_int_equal(run->rec[0].cpu, 0);
	assert_int_equal(run->rec[0].a, 0xc4000003);
	/* EXIT_CLASS_IRQ (0x40), INTID 26 */
	assert_int_equal(run->rec[1].cpu, 1);
	assert_int_equal(run->rec[1].ec, 0x40);
	assert_int_equal(run->rec[1].iss, 26);
	assert_int_equal(run->rec[1].vtime, 1600);
	assert_int_equal(run->rec[2].cpu, 0);
	assert_int_equal(run->rec[2].a, 0x84000008);
	free(run);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cpu_on_and_code_patching),
	    cmocka_unit_test(test_deterministic),
	    cmocka_unit_test(test_deadlock),
	    cmocka_unit_test(test_kick_fails_the_run),
	    cmocka_unit_test(test_time_slice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
