/*
 * The FF-A fuzz targets' machine: up to three real VMs over static host
 * memory, each with its FF-A buffers, and the invariant checked after
 * every call: the ownership table and every VM's Stage-2 (read with the
 * sim's own walker, sim/s2walk.h) agree page by page, no VM maps anything
 * the table does not account for, and the sim's isolation checker holds.
 */
#ifndef FUZZ_FFA_WORLD_H
#define FUZZ_FFA_WORLD_H

#include <stdbool.h>
#include <stdint.h>

#include "vm/vm.h"

#define FW_VMS 3
#define FW_RAM_PAGES 64u
#define FW_RAM_SIZE (FW_RAM_PAGES * 4096u)
#define FW_RAM_PA(i) (0x80000000ull + (uint64_t)(i)*0x100000ull)
#define FW_RAM_IPA 0x40000000ull
#define FW_WINDOW(pa) ((1ull << 38) + (pa))

struct fw {
	unsigned n;
	struct vm *vm[FW_VMS];
};

void fw_setup(struct fw *w, unsigned nvms);
void fw_teardown(struct fw *w);
/* Destroys VM i and creates it again (same RAM). */
void fw_recreate(struct fw *w, unsigned i);
/* Host pointer to VM i's RAM page at ipa. */
uint8_t *fw_ram(unsigned i, uint64_t ipa);
/* HVC from VM i with x0..x7; returns its registers afterwards, having
 * checked the answer's shape and the invariant. */
const uint64_t *fw_call(struct fw *w, unsigned i, const uint64_t x[8]);
void fw_check(const struct fw *w);

#endif
