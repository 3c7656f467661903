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

/* Counted inline: an exit pays one increment, not a call. */
extern struct exit_stats trap_stats;

static inline void trap_stats_sync(uint64_t esr)
{
	trap_stats.count[(esr >> 26) & 0x3f]++; /* ESR_EL2.EC */
}

static inline void trap_stats_irq(void)
{
	trap_stats.count[EXIT_CLASS_IRQ]++;
}

void trap_stats_print(void);

#endif
