/* Per-exception-class exit counters. */
#include "trap_stats.h"
#include "arch/esr.h"
#include "lib/log.h"

#define CLASS_IRQ EC_COUNT /* physical IRQ exits, after the 64 ECs */
#define NR_CLASSES (EC_COUNT + 1)

/* The names hvsim prints (sim_ec_name); other classes print as EC_xx. */
static const char *const class_names[NR_CLASSES] = {
    [EC_UNKNOWN] = "UNKNOWN",	[EC_WFX] = "WFX",
    [EC_FP_ASIMD] = "FP_ASIMD", [EC_ILLEGAL_STATE] = "ILLEGAL",
    [EC_SVC64] = "SVC64",	[EC_HVC64] = "HVC64",
    [EC_SMC64] = "SMC64",	[EC_SYSREG] = "SYSREG",
    [EC_IABT_LOW] = "IABT_LOW", [EC_IABT_CUR] = "IABT_CUR",
    [EC_PC_ALIGN] = "PC_ALIGN", [EC_DABT_LOW] = "DABT_LOW",
    [EC_DABT_CUR] = "DABT_CUR", [EC_SP_ALIGN] = "SP_ALIGN",
    [EC_SERROR] = "SERROR",	[EC_BRK64] = "BRK64",
    [CLASS_IRQ] = "IRQ",
};

static uint64_t counts[NR_CLASSES];

void trap_stats_sync(uint64_t esr)
{
	counts[esr_ec(esr)]++;
}

void trap_stats_irq(void)
{
	counts[CLASS_IRQ]++;
}

void trap_stats_print(void)
{
	char line[640];
	uint64_t total = 0;
	size_t n = 0;

	for (unsigned c = 0; c < NR_CLASSES; c++) {
		char unnamed[8];
		const char *name = class_names[c];

		if (!counts[c] || n >= sizeof(line))
			continue;
		total += counts[c];
		if (!name) {
			hv_snprintf(unnamed, sizeof(unnamed), "EC_%02x", c);
			name = unnamed;
		}
		n += (size_t)hv_snprintf(line + n, sizeof(line) - n, "%s%s %lu",
					 n ? ", " : "", name,
					 (unsigned long)counts[c]);
	}
	if (n >= sizeof(line))
		n = sizeof(line) - 1;
	line[n] = '\0';
	hv_printf("traps: %lu (%s)\n", (unsigned long)total, line);
}
