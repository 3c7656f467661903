/*
 * Each physical CPU's own data, found through TPIDR_EL2. The vCPU it runs
 * comes first: vectors.S reaches it with one load on every guest exit.
 * CPUs are numbered in bring-up order (0 boots), as the HAL asks.
 */
#ifndef TARGET_PERCPU_H
#define TARGET_PERCPU_H

#include <stdint.h>

#include "asm_defs.h"
#include "cpu.h"
#include "exit_stats.h"
#include "hal.h"

struct vcpu;

struct tgt_cpu {
	struct vcpu *current; /* TGT_CPU_CURRENT: hal_current_vcpu */
	unsigned id;	      /* hal_cpu_id */
	uint64_t mpidr;	      /* affinity fields only (Aff3..Aff0) */
	uint64_t gicr_sgi;    /* its redistributor's SGI/PPI frame */
	/* Exits it took, by class: each CPU counts its own without a lock;
	 * trap_stats_print adds them up. */
	struct exit_stats stats;
};

_Static_assert(__builtin_offsetof(struct tgt_cpu, current) == TGT_CPU_CURRENT,
	       "vectors.S finds the current vCPU there");
_Static_assert(HV_MAX_CPUS == HV_MAX_PCPUS, "asm_defs.h and hal.h agree");

extern struct tgt_cpu tgt_cpus[HV_MAX_CPUS];

/* Not volatile: TPIDR_EL2 never changes once a CPU is up, and code never
 * moves between CPUs, so the compiler may read it once per function (out
 * of the exit loop, on the hot path). */
static inline struct tgt_cpu *this_cpu(void)
{
	struct tgt_cpu *c;

	__asm__("mrs %0, tpidr_el2" : "=r"(c));
	return c;
}

#endif
