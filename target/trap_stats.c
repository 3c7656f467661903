/* Per-exception-class exit counters of the bare-metal port. */
#include "trap_stats.h"
#include "arch/esr.h"
#include "exit_stats.h"
#include "lib/log.h"

static struct exit_stats stats;

void trap_stats_sync(uint64_t esr)
{
	stats.count[esr_ec(esr)]++;
}

void trap_stats_irq(void)
{
	stats.count[EXIT_CLASS_IRQ]++;
}

void trap_stats_print(void)
{
	char line[640];

	exit_stats_format(&stats, line, sizeof(line));
	hv_printf("traps: %s\n", line);
}
