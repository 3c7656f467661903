/*
 * What the hypervisor learns about the machine from the host DTB. Nothing
 * has a built-in default: a DTB without memory, a PL011, a GICv3, CPUs or
 * an SMC PSCI conduit is refused with a message naming what is missing.
 */
#ifndef TARGET_PLATFORM_H
#define TARGET_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>

#include "gicv3.h"

#define PLATFORM_MAX_CPUS 8

struct platform {
	uint64_t ram_base, ram_size; /* the memory bank holding hv.elf */
	uint64_t uart_base, uart_size;
	uint32_t uart_intid;	     /* 0 if the DTB gives none */
	uint64_t rtc_base, rtc_size; /* arm,pl031; 0 if none (optional) */
	struct gic_desc gic;
	uint64_t gicd_size;
	uint32_t vtimer_intid, ptimer_intid, hyp_timer_intid;
	uint32_t gic_maint_intid; /* the vGIC's maintenance interrupt */
	unsigned ncpus;
	uint64_t cpu_mpidr[PLATFORM_MAX_CPUS];
};

/* Returns 0 or -1; on -1 *why says what is missing or malformed. */
int platform_parse(const void *fdt, uint64_t image_start, uint64_t image_end,
		   struct platform *p, const char **why);

/* Total size from a DTB header, 0 if fdt does not point at one. Reads only
 * aligned words, so it is safe before the MMU is on. */
uint32_t platform_fdt_size(const void *fdt);

#endif
