/*
 * Guest exits counted by exception class, printed when the guest stops in
 * hvsim's format and with its class names,
 *   hv: traps: <total> (HVC64 1, DABT_LOW 262, IRQ 3)
 * so harness/qemu-e2e can compare the two ports' counts.
 */
#ifndef TARGET_TRAP_STATS_H
#define TARGET_TRAP_STATS_H

#include <stdint.h>

void trap_stats_sync(uint64_t esr);
void trap_stats_irq(void);
void trap_stats_print(void);

#endif
