/* Per-exception-class exit counters of the bare-metal port. */
#include "trap_stats.h"
#include "arch/esr.h"
#include "exit_stats.h"
#include "lib/log.h"

struct exit_stats trap_stats;

void trap_stats_print(void)
{
	char line[640];

	exit_stats_format(&trap_stats, line, sizeof(line));
	hv_printf("traps: %s\n", line);
}
