/* Per-exception-class exit counters of the bare-metal port. */
#include "trap_stats.h"
#include "arch/esr.h"
#include "exit_stats.h"
#include "lib/log.h"

void trap_stats_print(void)
{
	struct exit_stats sum = {{0}};
	char line[640];

	for (unsigned c = 0; c < HV_MAX_CPUS; c++)
		for (unsigned i = 0; i < EXIT_NR_CLASSES; i++)
			sum.count[i] += tgt_cpus[c].stats.count[i];
	exit_stats_format(&sum, line, sizeof(line));
	hv_printf("traps: %s\n", line);
}
