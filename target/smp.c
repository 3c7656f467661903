/*
 * Bringing up the physical CPUs (see smp.h). QEMU virt with
 * virtualization=on and no EL3 firmware answers PSCI itself, through SMC
 * (the host DTB's /psci says so, and platform.c insists): CPU_ON starts
 * the target at EL2, MMU off, at the entry address with x0 = the context.
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "asm_defs.h"
#include "cpu.h"
#include "gicv3.h"
#include "hal.h"
#include "lib/log.h"
#include "mmu.h"
#include "percpu.h"
#include "run_vm.h"
#include "sched/sched.h"
#include "smp.h"

#define PSCI_CPU_ON_64 0xc4000003ull
#define MPIDR_AFF_MASK 0xff00ffffffull
#define CNT_CTL_ENABLE 1u
/* How long a started CPU may take to say it is up. */
#define ONLINE_TIMEOUT_MS 1000u

struct smp_boot {
	uint64_t mair, tcr, ttbr0, sctlr;
	uint64_t sp;
	struct tgt_cpu *cpu;
} __attribute__((aligned(SMP_BOOT_SIZE)));

_Static_assert(offsetof(struct smp_boot, mair) == SMP_BOOT_MAIR, "mair");
_Static_assert(offsetof(struct smp_boot, tcr) == SMP_BOOT_TCR, "tcr");
_Static_assert(offsetof(struct smp_boot, ttbr0) == SMP_BOOT_TTBR0, "ttbr0");
_Static_assert(offsetof(struct smp_boot, sctlr) == SMP_BOOT_SCTLR, "sctlr");
_Static_assert(offsetof(struct smp_boot, sp) == SMP_BOOT_SP, "sp");
_Static_assert(offsetof(struct smp_boot, cpu) == SMP_BOOT_CPU, "cpu");
_Static_assert(sizeof(struct smp_boot) == SMP_BOOT_SIZE, "size");

extern char hv_stacks[];

struct tgt_cpu tgt_cpus[HV_MAX_CPUS];
static struct smp_boot boot_args[HV_MAX_CPUS];
static const struct platform *plat;
static unsigned ncpus = 1;
static atomic_uint cpus_up;

/* This CPU's private interrupts, the same on every CPU: the guest's EL1
 * timers (forwarded through HW=1 list registers), the vGIC's maintenance
 * interrupt (asked for when more interrupts wait than there are list
 * registers), the hypervisor timer and the scheduler's kick. */
static int cpu_irqs_init(uint64_t mpidr)
{
	if (gicv3_cpu_init(&plat->gic, mpidr))
		return -1;
	/* CNTHP_CTL_EL2 resets to an unknown value: no stray tick. */
	write_sysreg(cnthp_ctl_el2, 0);
	isb();
	gicv3_enable_irq(plat->vtimer_intid, true);
	gicv3_enable_irq(plat->ptimer_intid, true);
	gicv3_enable_irq(plat->gic_maint_intid, true);
	gicv3_enable_irq(plat->hyp_timer_intid, true);
	gicv3_enable_irq(HV_KICK_SGI, true);
	return 0;
}

int smp_boot_cpu_init(const struct platform *p)
{
	uint64_t mpidr = read_sysreg(mpidr_el1) & MPIDR_AFF_MASK;

	plat = p;
	tgt_cpus[0].id = 0;
	tgt_cpus[0].mpidr = mpidr;
	gicv3_dist_init(&p->gic, mpidr);
	return cpu_irqs_init(mpidr);
}

unsigned smp_cpus(void)
{
	return ncpus;
}

static bool wait_up(unsigned want)
{
	uint64_t freq = hal_counter_freq();
	uint64_t end = hal_counter_now() + freq / 1000 * ONLINE_TIMEOUT_MS;

	while (atomic_load_explicit(&cpus_up, memory_order_acquire) < want)
		if (hal_counter_now() > end)
			return false;
	return true;
}

/* CPU_ON for the CPU with this MPIDR as CPU 'id'; true once it is up. */
static bool start_one(uint64_t mpidr, unsigned id)
{
	struct smp_boot *b = &boot_args[id];
	struct tgt_cpu *c = &tgt_cpus[id];
	struct mmu_regs r;
	uint64_t a[18] = {PSCI_CPU_ON_64, mpidr,
			  (uint64_t)(uintptr_t)secondary_entry,
			  (uint64_t)(uintptr_t)b};

	c->id = id;
	c->mpidr = mpidr;
	mmu_regs_get(&r);
	b->mair = r.mair;
	b->tcr = r.tcr;
	b->ttbr0 = r.ttbr0;
	b->sctlr = r.sctlr;
	/* The top of stack slot 'id' (its guard page is at the bottom). */
	b->sp =
	    (uint64_t)(uintptr_t)hv_stacks + (uint64_t)(id + 1) * HV_STACK_SLOT;
	b->cpu = c;
	/* It reads b with its MMU and caches off: from memory. What it reads
	 * later with its caches on is coherent. */
	dcache_clean_range((uint64_t)(uintptr_t)b, sizeof(*b));
	hal_smc_forward(a);
	if (a[0] != 0) {
		hv_printf("CPU %#lx: PSCI CPU_ON failed (%ld)\n",
			  (unsigned long)mpidr, (long)(int32_t)a[0]);
		return false;
	}
	if (!wait_up(id)) {
		hv_printf("CPU %#lx: started but never came up\n",
			  (unsigned long)mpidr);
		return false;
	}
	return true;
}

unsigned smp_start_secondaries(const struct platform *p)
{
	unsigned n =
	    p->ncpus < PLATFORM_MAX_CPUS ? p->ncpus : PLATFORM_MAX_CPUS;

	for (unsigned i = 0; i < n && ncpus < HV_MAX_PCPUS; i++) {
		uint64_t mpidr = p->cpu_mpidr[i] & MPIDR_AFF_MASK;

		if (mpidr == tgt_cpus[0].mpidr)
			continue;
		/* From here on the scheduler's lock is needed; with one CPU
		 * the core does without it. */
		sched_smp();
		if (!start_one(mpidr, ncpus))
			break; /* ids stay dense: a late CPU keeps its own */
		ncpus++;
	}
	return ncpus;
}

_Noreturn void secondary_main(void)
{
	struct tgt_cpu *c = this_cpu();

	if (cpu_irqs_init(c->mpidr)) {
		hv_printf("CPU %u: GIC set-up failed; parked\n", c->id);
		for (;;)
			wfi();
	}
	run_reset_cpu_if();
	atomic_fetch_add_explicit(&cpus_up, 1, memory_order_release);
	/* Until a VM is placed here, and between VMs, sched_run finds
	 * nothing and returns at once: wait for the kick that says there
	 * is something. */
	for (;;)
		if (sched_run() == SCHED_STOP_DONE)
			run_idle();
}
