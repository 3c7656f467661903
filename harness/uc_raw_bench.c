/*
 * The ceiling for hvsim's trap rate, in two figures on the same Cortex-A57
 * model hvsim uses:
 * - HVC: exceptions per second Unicorn turns around when the interrupt
 *   hook does nothing but count ("hvc #0; b .-4" at EL1);
 * - MMIO: loads from unmapped memory per second, each ending the run as
 *   hvsim's Stage-2 data aborts do, restarted at the next instruction
 *   ("ldr w1, [x0]; b .-4").
 * Everything hvsim adds per trap (syndrome, register pull and push, the
 * core's handler, the vGIC, the timers, the trace) shows as the distance
 * from these.
 *
 *   uc_raw_bench [TRAPS]     default 1000000
 *
 * Wall-clock time is allowed here: it is a benchmark report.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unicorn/unicorn.h>

#define CODE_BASE 0x40000000ull
#define PAGE 0x1000u

struct counter {
	unsigned long long traps, want;
};

static void count_trap(uc_engine *uc, uint32_t intno, void *opaque)
{
	struct counter *c = opaque;

	(void)intno;
	if (++c->traps >= c->want)
		uc_emu_stop(uc);
}

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail(const char *what, uc_err e)
{
	fprintf(stderr, "uc_raw_bench: %s: %s\n", what, uc_strerror(e));
	return 1;
}

/* An A57 engine running the two instructions at CODE_BASE; NULL (after
 * saying why) if Unicorn refuses. */
static uc_engine *engine(const uint32_t code[2])
{
	uc_engine *uc;
	uc_err e = uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &uc);

	if (e != UC_ERR_OK) {
		fail("uc_open", e);
		return NULL;
	}
	if ((e = uc_ctl_set_cpu_model(uc, UC_CPU_ARM64_A57)) != UC_ERR_OK ||
	    (e = uc_mem_map(uc, CODE_BASE, PAGE, UC_PROT_ALL)) != UC_ERR_OK ||
	    (e = uc_mem_write(uc, CODE_BASE, code, 8)) != UC_ERR_OK) {
		fail("setting up the engine", e);
		uc_close(uc);
		return NULL;
	}
	return uc;
}

static void report(const char *what, unsigned long long n, double secs,
		   const char *how)
{
	printf("unicorn raw: %llu %s in %.3f s: %.0f traps/s (%s)\n", n, what,
	       secs, (double)n / (secs > 1e-9 ? secs : 1e-9), how);
}

/* Unmapped loads, each a stopped run restarted past the load. */
static int mmio_rate(unsigned long long want)
{
	static const uint32_t code[] = {0xb9400001u /* ldr w1, [x0] */,
					0x17ffffffu /* b .-4 */};
	uint64_t dev = 0x09000000, pc = CODE_BASE;
	unsigned long long n = 0;
	uc_engine *uc = engine(code);
	uc_err e;
	double t0;

	if (!uc)
		return 1;
	if ((e = uc_reg_write(uc, UC_ARM64_REG_X0, &dev)) != UC_ERR_OK)
		return fail("setting x0", e);
	t0 = seconds();
	while (n < want) {
		e = uc_emu_start(uc, pc, 0, 0, 0);
		if (e != UC_ERR_READ_UNMAPPED)
			return fail("expected an unmapped read", e);
		n++;
		pc = CODE_BASE + 4; /* the load "completed": on to the branch */
	}
	report("unmapped loads", n, seconds() - t0,
	       "each a stopped and restarted run, like hvsim's MMIO");
	uc_close(uc);
	return 0;
}

int main(int argc, char **argv)
{
	static const uint32_t code[] = {0xd4000002u /* hvc #0 */,
					0x17ffffffu /* b .-4 */};
	struct counter c = {0, argc > 1 ? strtoull(argv[1], NULL, 0) : 1000000};
	uc_engine *uc;
	uc_hook h;
	uc_err e;
	double t0;

	if (c.want == 0)
		c.want = 1;
	uc = engine(code);
	if (!uc)
		return 1;
	e = uc_hook_add(uc, &h, UC_HOOK_INTR, (void *)count_trap, &c, 1, 0);
	if (e != UC_ERR_OK)
		return fail("adding the interrupt hook", e);
	t0 = seconds();
	/* The hook stops the run; an exception loop keeps the PC inside. */
	while (c.traps < c.want) {
		uint64_t pc = CODE_BASE;

		uc_reg_read(uc, UC_ARM64_REG_PC, &pc);
		if (pc < CODE_BASE || pc >= CODE_BASE + sizeof(code))
			pc = CODE_BASE;
		e = uc_emu_start(uc, pc, 0, 0, 0);
		if (e != UC_ERR_OK)
			return fail("uc_emu_start", e);
	}
	report("HVC traps", c.traps, seconds() - t0,
	       "interrupt hook that only counts");
	uc_close(uc);
	return mmio_rate(c.want / 10 ? c.want / 10 : 1);
}
