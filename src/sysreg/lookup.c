/* Order check and binary search over a sorted descriptor table. */
#include "sysreg/sysreg.h"

long sysreg_table_check(const struct sysreg_desc *t, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (t[i].enc <= t[i - 1].enc)
			return (long)i;
	return -1;
}

const struct sysreg_desc *sysreg_table_find(const struct sysreg_desc *t,
					    size_t n, uint32_t enc)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t[mid].enc == enc)
			return &t[mid];
		if (t[mid].enc < enc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
