/*
 * The physical CPUs: the boot CPU's own set-up, then the others started
 * with the host's PSCI CPU_ON, each set up like the boot CPU (vectors, the
 * same EL2 page tables, its own stack, redistributor and CPU interface)
 * before it enters the scheduler.
 */
#ifndef TARGET_SMP_H
#define TARGET_SMP_H

#include "platform.h"

/* The boot CPU as CPU 0: the distributor, its redistributor and CPU
 * interface, its private interrupts. Returns 0 or -1 (with a message). */
int smp_boot_cpu_init(const struct platform *p);

/* Start the DTB's other CPUs (at most HV_MAX_PCPUS in all), numbered from
 * 1 in the order they come up. Each runs the scheduler once up; a CPU that
 * fails to start is reported and left out. Returns how many CPUs run,
 * the boot CPU included. */
unsigned smp_start_secondaries(const struct platform *p);

/* How many CPUs run (1 until smp_start_secondaries). */
unsigned smp_cpus(void);

/* boot.S's entry for a CPU started with CPU_ON: x0 = its struct smp_boot. */
void secondary_entry(void);
/* ...which calls this once its MMU, stack and TPIDR_EL2 are set. */
_Noreturn void secondary_main(void);

#endif
