/* Per-exception-class exit counters. */
#include "trap_stats.h"
#include "arch/esr.h"
#include "lib/log.h"
#include "lib/mem.h"

static const char *const ec_names[EC_COUNT] = {
    [EC_UNKNOWN] = "unknown",	[EC_WFX] = "wfx",
    [EC_FP_ASIMD] = "fp",	[EC_ILLEGAL_STATE] = "illegal",
    [EC_SVC64] = "svc64",	[EC_HVC64] = "hvc64",
    [EC_SMC64] = "smc64",	[EC_SYSREG] = "sysreg",
    [EC_IABT_LOW] = "iabt",	[EC_IABT_CUR] = "iabt_cur",
    [EC_PC_ALIGN] = "pc_align", [EC_DABT_LOW] = "dabt",
    [EC_DABT_CUR] = "dabt_cur", [EC_SP_ALIGN] = "sp_align",
    [EC_SERROR] = "serror",	[EC_BRK64] = "brk64",
};

static uint64_t sync_count[EC_COUNT];
static uint64_t irq_count;

void trap_stats_sync(uint64_t esr)
{
	sync_count[esr_ec(esr)]++;
}

void trap_stats_irq(void)
{
	irq_count++;
}

void trap_stats_print(void)
{
	char line[512];
	size_t n = (size_t)hv_snprintf(line, sizeof(line), "traps");

	for (unsigned ec = 0; ec < EC_COUNT; ec++) {
		if (!sync_count[ec] || n >= sizeof(line))
			continue;
		if (ec_names[ec])
			n += (size_t)hv_snprintf(line + n, sizeof(line) - n,
						 " %s=%lu", ec_names[ec],
						 (unsigned long)sync_count[ec]);
		else
			n += (size_t)hv_snprintf(line + n, sizeof(line) - n,
						 " ec%#x=%lu", ec,
						 (unsigned long)sync_count[ec]);
	}
	if (irq_count && n < sizeof(line))
		hv_snprintf(line + n, sizeof(line) - n, " irq=%lu",
			    (unsigned long)irq_count);
	hv_printf("%s\n", line);
}
