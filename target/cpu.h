/*
 * Inline access to the physical CPU for the target port: system registers
 * by name or by generic encoding, barriers, cache and TLB maintenance.
 */
#ifndef TARGET_CPU_H
#define TARGET_CPU_H

#include <stdint.h>

#define read_sysreg(reg)                                                       \
	({                                                                     \
		uint64_t __val;                                                \
		__asm__ volatile("mrs %0, " #reg : "=r"(__val));               \
		__val;                                                         \
	})

#define write_sysreg(reg, val)                                                 \
	__asm__ volatile("msr " #reg ", %0"                                    \
			 :                                                     \
			 : "r"((uint64_t)(val))                                \
			 : "memor"                                             \
			   "y")

/* GICv3 CPU interface registers by encoding (no assembler name needed). */
#define ICC_IAR1_EL1 S3_0_C12_C12_0
#define ICC_EOIR1_EL1 S3_0_C12_C12_1
#define ICC_HPPIR1_EL1 S3_0_C12_C12_2
#define ICC_BPR1_EL1 S3_0_C12_C12_3
#define ICC_CTLR_EL1 S3_0_C12_C12_4
#define ICC_IGRPEN1_EL1 S3_0_C12_C12_7
#define ICC_DIR_EL1 S3_0_C12_C11_1
#define ICC_SGI1R_EL1 S3_0_C12_C11_5
#define ICC_PMR_EL1 S3_0_C4_C6_0
#define ICC_SRE_EL2 S3_4_C12_C9_5

static inline void isb(void)
{
	__asm__ volatile("isb" : : : "memory");
}

static inline void dsb_ish(void)
{
	__asm__ volatile("dsb ish" : : : "memory");
}

static inline void dsb_sy(void)
{
	__asm__ volatile("dsb sy" : : : "memory");
}

static inline void wfi(void)
{
	__asm__ volatile("wfi" : : : "memory");
}

/* Smallest D-cache line, from CTR_EL0.DminLine. */
static inline uint64_t dcache_line_size(void)
{
	return 4ull << ((read_sysreg(ctr_el0) >> 16) & 0xf);
}

/* Clean [pa, pa+len) to the point of coherency, so that a guest running
 * with its caches off sees what the hypervisor wrote through its own. */
static inline void dcache_clean_range(uint64_t pa, uint64_t len)
{
	uint64_t line = dcache_line_size();
	uint64_t end = pa + len;

	for (uint64_t a = pa & ~(line - 1); a < end; a += line)
		__asm__ volatile("dc cvac, %0" : : "r"(a) : "memory");
	dsb_sy();
}

static inline void icache_invalidate_all(void)
{
	__asm__ volatile("ic iallu" : : : "memory");
	dsb_sy();
	isb();
}

static inline unsigned current_el(void)
{
	return (unsigned)(read_sysreg(CurrentEL) >> 2) & 3u;
}

#endif
