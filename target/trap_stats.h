/*
 * Guest exits counted by exception class, printed when the guest stops in
 * hvsim's format and with its class names,
 *   hv: traps: <total> (HVC64 1, DABT_LOW 262, IRQ 3)
 * so harness/qemu-e2e can compare the two ports' counts.
 */
#ifndef TARGET_TRAP_STATS_H
#define TARGET_TRAP_STATS_H

#include <stdint.h>

#include "exit_stats.h"

#include "percpu.h"

/* Counted inline, each CPU in its own counters: an exit pays one
 * increment, no call and no atomic. */
static inline void trap_stats_sync(struct tgt_cpu *c, uint64_t esr)
{
	c->stats.count[(esr >> 26) & 0x3f]++; /* ESR_EL2.EC */
}

static inline void trap_stats_irq(struct tgt_cpu *c)
{
	c->stats.count[EXIT_CLASS_IRQ]++;
}

/* Every CPU's counts added up. Call when no guest runs. */
void trap_stats_print(void);

#endif
