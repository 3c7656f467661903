/*
 * The hypervisor's own EL2 stage-1 translation: an identity map. Entries
 * are only ever added to the live tables, never changed, so no
 * break-before-make is needed: the image is mapped W^X (text RX, rodata R,
 * the rest RW, all XN but text) before the MMU goes on, and RAM and devices
 * are added once the DTB has named them.
 */
#ifndef TARGET_MMU_H
#define TARGET_MMU_H

#include <stdint.h>

enum mmu_attr {
	MMU_NORMAL_RW = 0, /* write-back cacheable, execute-never */
	MMU_NORMAL_RO,
	MMU_NORMAL_RX,
	MMU_DEVICE, /* nGnRnE, execute-never */
};

/* The EL2 translation registers as mmu_init left them on the boot CPU: a
 * secondary CPU loads the same values (the same tables) before it turns
 * its own MMU on. */
struct mmu_regs {
	uint64_t mair, tcr, ttbr0, sctlr;
};

/* Map hv.elf and [dtb, dtb+dtb_size) and turn on the MMU and caches. */
int mmu_init(uint64_t dtb, uint64_t dtb_size);
/* What mmu_init wrote (all zero before it ran). */
void mmu_regs_get(struct mmu_regs *r);
/* Add an identity mapping. Pages already mapped keep their attributes
 * (the image stays W^X inside RAM). Returns 0, or -1 when out of table
 * pages or beyond the 39-bit address space. */
int mmu_map(uint64_t pa, uint64_t size, enum mmu_attr attr);

#endif
