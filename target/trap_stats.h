/*
 * Guest exits counted by kind, printed when the guest powers off as
 *   hv: traps <name>=<count> ...
 * so harness/qemu-e2e can compare them with hvsim's counts.
 */
#ifndef TARGET_TRAP_STATS_H
#define TARGET_TRAP_STATS_H

#include <stdint.h>

void trap_stats_sync(uint64_t esr);
void trap_stats_irq(void);
void trap_stats_print(void);

#endif
