#include <stdarg.h>

#include "exit_stats.h"
#include "arch/esr.h"
#include "lib/log.h"

static const char *const class_names[EXIT_NR_CLASSES] = {
    [EC_UNKNOWN] = "UNKNOWN",	[EC_WFX] = "WFX",
    [EC_FP_ASIMD] = "FP_ASIMD", [EC_ILLEGAL_STATE] = "ILLEGAL",
    [EC_SVC64] = "SVC64",	[EC_HVC64] = "HVC64",
    [EC_SMC64] = "SMC64",	[EC_SYSREG] = "SYSREG",
    [EC_IABT_LOW] = "IABT_LOW", [EC_IABT_CUR] = "IABT_CUR",
    [EC_PC_ALIGN] = "PC_ALIGN", [EC_DABT_LOW] = "DABT_LOW",
    [EC_DABT_CUR] = "DABT_CUR", [EC_SP_ALIGN] = "SP_ALIGN",
    [EC_SERROR] = "SERROR",	[EC_BRK64] = "BRK64",
    [EXIT_CLASS_IRQ] = "IRQ",
};

const char *exit_class_name(unsigned cls)
{
	return cls < EXIT_NR_CLASSES ? class_names[cls] : NULL;
}

/* Append at offset n, which may already be past the end (then only the
 * length is counted). */
static size_t append(char *buf, size_t size, size_t n, const char *fmt, ...)
{
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = hv_vsnprintf(buf + (n < size ? n : size), n < size ? size - n : 0,
			 fmt, ap);
	va_end(ap);
	return n + (size_t)k;
}

int exit_stats_format(const struct exit_stats *s, char *buf, size_t size)
{
	uint64_t total = 0;
	const char *sep = " (";
	size_t n;

	for (unsigned c = 0; c < EXIT_NR_CLASSES; c++)
		total += s->count[c];
	n = append(buf, size, 0, "%llu", (unsigned long long)total);
	for (unsigned c = 0; c < EXIT_NR_CLASSES; c++) {
		char unnamed[8];
		const char *name = class_names[c];

		if (!s->count[c])
			continue;
		if (!name) {
			hv_snprintf(unnamed, sizeof(unnamed), "EC_%02x", c);
			name = unnamed;
		}
		n = append(buf, size, n, "%s%s %llu", sep, name,
			   (unsigned long long)s->count[c]);
		sep = ", ";
	}
	if (sep[0] == ',')
		n = append(buf, size, n, ")");
	return (int)n;
}
