/*
 * EL2 stage-1 tables: 4 KiB granule, 39-bit VA from level 1, 2 MiB blocks
 * where alignment allows, pages elsewhere. MAIR index 0 is Device-nGnRnE,
 * index 1 Normal write-back.
 */
#include <stdbool.h>
#include <stddef.h>

#include "asm_defs.h"
#include "cpu.h"
#include "mmu.h"

#define VA_BITS 39
#define ENTRIES 512
#define MAX_TABLES 32

#define DESC_VALID (1ull << 0)
#define DESC_TABLE (1ull << 1) /* table at L1/L2, page at L3 */
#define DESC_ATTR(i) ((uint64_t)(i) << 2)
#define DESC_AP_RW (1ull << 6) /* AP[1] is RES1 in the one-EL regime */
#define DESC_AP_RO (3ull << 6)
#define DESC_SH_INNER (3ull << 8)
#define DESC_AF (1ull << 10)
#define DESC_XN (1ull << 54)
#define DESC_ADDR_MASK 0x0000fffffffff000ull
/* An invalid L3 entry that mapping must leave alone: a stack guard page. */
#define DESC_GUARD (1ull << 58)

#define MAIR_DEVICE_NGNRNE 0x00ull
#define MAIR_NORMAL_WB 0xffull
#define MAIR_VALUE (MAIR_DEVICE_NGNRNE | MAIR_NORMAL_WB << 8)

#define TCR_RES1 ((1ull << 31) | (1ull << 23))
#define TCR_T0SZ (64 - VA_BITS)
#define TCR_IRGN0_WBWA (1ull << 8)
#define TCR_ORGN0_WBWA (1ull << 10)
#define TCR_SH0_INNER (3ull << 12)
#define TCR_PS_SHIFT 16

#define SCTLR_M (1ull << 0)
#define SCTLR_C (1ull << 2)
#define SCTLR_SA (1ull << 3)
#define SCTLR_I (1ull << 12)
#define SCTLR_WXN (1ull << 19)

extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[],
    __data_start[], __image_end[], hv_stacks[];

static uint64_t tables[MAX_TABLES][ENTRIES] __attribute__((aligned(4096)));
static unsigned tables_used = 1; /* tables[0] is the level-1 root */
static struct mmu_regs boot_regs;

static uint64_t leaf_bits(enum mmu_attr attr)
{
	switch (attr) {
	case MMU_DEVICE:
		return DESC_ATTR(0) | DESC_AP_RW | DESC_AF | DESC_XN;
	case MMU_NORMAL_RO:
		return DESC_ATTR(1) | DESC_AP_RO | DESC_SH_INNER | DESC_AF |
		       DESC_XN;
	case MMU_NORMAL_RX:
		return DESC_ATTR(1) | DESC_AP_RO | DESC_SH_INNER | DESC_AF;
	case MMU_NORMAL_RW:
	default:
		return DESC_ATTR(1) | DESC_AP_RW | DESC_SH_INNER | DESC_AF |
		       DESC_XN;
	}
}

static uint64_t *next_table(uint64_t *entry)
{
	uint64_t *t;

	if (*entry & DESC_VALID)
		return (*entry & DESC_TABLE)
			   ? (uint64_t *)(uintptr_t)(*entry & DESC_ADDR_MASK)
			   : NULL; /* a block: already mapped */
	if (tables_used == MAX_TABLES)
		return NULL;
	t = tables[tables_used++];
	*entry = (uint64_t)(uintptr_t)t | DESC_TABLE | DESC_VALID;
	return t;
}

/* Map [pa, end) within the range one entry of 'table' at 'level' spans. */
static int map_level(uint64_t *table, unsigned level, uint64_t pa, uint64_t end,
		     uint64_t bits)
{
	unsigned shift = 39 - 9 * level; /* L1: 30, L2: 21, L3: 12 */
	uint64_t span = 1ull << shift;

	while (pa < end) {
		uint64_t *entry = &table[(pa >> shift) & (ENTRIES - 1)];
		uint64_t next = (pa & ~(span - 1)) + span;
		uint64_t stop = next < end ? next : end;

		if (level == 3) {
			if (!*entry)
				*entry = pa | bits | DESC_TABLE | DESC_VALID;
		} else if (level == 2 && !(pa & (span - 1)) && stop == next &&
			   !*entry) {
			*entry = pa | bits | DESC_VALID; /* 2 MiB block */
		} else {
			uint64_t *t = next_table(entry);

			if (t && map_level(t, level + 1, pa, stop, bits))
				return -1;
			if (!t && !(*entry & DESC_VALID))
				return -1; /* out of tables */
		}
		pa = stop;
	}
	return 0;
}

int mmu_map(uint64_t pa, uint64_t size, enum mmu_attr attr)
{
	uint64_t start = pa & ~0xfffull;
	uint64_t end = (pa + size + 0xfff) & ~0xfffull;
	int err;

	if (size == 0 || end <= start || end > (1ull << VA_BITS))
		return -1;
	err = map_level(tables[0], 1, start, end, leaf_bits(attr));
	dsb_ish(); /* new entries only: no TLB maintenance needed */
	isb();
	return err;
}

/* Reserve the L3 entry of page pa as a guard: never mapped. */
static int guard_page(uint64_t pa)
{
	uint64_t *t = tables[0];

	for (unsigned level = 1; level < 3 && t; level++)
		t = next_table(&t[(pa >> (39 - 9 * level)) & (ENTRIES - 1)]);
	if (!t)
		return -1;
	t[(pa >> 12) & (ENTRIES - 1)] = DESC_GUARD;
	return 0;
}

static int guard_stacks(void)
{
	uint64_t base = (uint64_t)(uintptr_t)hv_stacks;

	for (unsigned cpu = 0; cpu < HV_MAX_CPUS; cpu++)
		for (uint64_t off = 0; off < HV_STACK_GUARD; off += 4096)
			if (guard_page(base + cpu * HV_STACK_SLOT + off))
				return -1;
	return 0;
}

static uint64_t pa_range_bits(void)
{
	uint64_t parange = read_sysreg(id_aa64mmfr0_el1) & 0xf;

	return parange > 5 ? 5 : parange; /* up to 48 bits */
}

int mmu_init(uint64_t dtb, uint64_t dtb_size)
{
	uint64_t text = (uint64_t)(uintptr_t)__text_start;
	uint64_t rodata = (uint64_t)(uintptr_t)__rodata_start;
	uint64_t data = (uint64_t)(uintptr_t)__data_start;

	if (guard_stacks() ||
	    mmu_map(text, (uint64_t)(uintptr_t)__text_end - text,
		    MMU_NORMAL_RX) ||
	    mmu_map(rodata, (uint64_t)(uintptr_t)__rodata_end - rodata,
		    MMU_NORMAL_RO) ||
	    mmu_map(data, (uint64_t)(uintptr_t)__image_end - data,
		    MMU_NORMAL_RW) ||
	    (dtb_size && mmu_map(dtb, dtb_size, MMU_NORMAL_RO)))
		return -1;

	boot_regs.mair = MAIR_VALUE;
	boot_regs.tcr = TCR_RES1 | TCR_T0SZ | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA |
			TCR_SH0_INNER | pa_range_bits() << TCR_PS_SHIFT;
	boot_regs.ttbr0 = (uint64_t)(uintptr_t)tables[0];
	boot_regs.sctlr = read_sysreg(sctlr_el2) | SCTLR_M | SCTLR_C | SCTLR_I |
			  SCTLR_SA | SCTLR_WXN;
	write_sysreg(mair_el2, boot_regs.mair);
	write_sysreg(tcr_el2, boot_regs.tcr);
	write_sysreg(ttbr0_el2, boot_regs.ttbr0);
	isb();
	__asm__ volatile("tlbi alle2" : : : "memory");
	dsb_sy();
	icache_invalidate_all();
	write_sysreg(sctlr_el2, boot_regs.sctlr);
	isb();
	return 0;
}

void mmu_regs_get(struct mmu_regs *r)
{
	*r = boot_regs;
}
