/*
 * The physical GICv3: the distributor set up once at boot, each CPU's
 * redistributor and system-register CPU interface by that CPU, used by the
 * HAL (EOImode=1, so priority drop and deactivation are separate writes).
 * SPIs are routed to the boot CPU; PPIs and SGIs act on the calling CPU's
 * redistributor (percpu.h).
 */
#ifndef TARGET_GICV3_H
#define TARGET_GICV3_H

#include <stdbool.h>
#include <stdint.h>

struct gic_desc {
	uint64_t gicd_base;
	uint64_t gicr_base;
	uint64_t gicr_size;
};

/* The distributor, once, before any CPU's part: every SPI off, Group 1,
 * and routed to the boot CPU (boot_mpidr) when enabled. Returns 0. */
int gicv3_dist_init(const struct gic_desc *g, uint64_t boot_mpidr);
/* The calling CPU's redistributor and CPU interface. Returns 0, or -1
 * (with a message) if it has no redistributor or the system-register
 * interface cannot be enabled. */
int gicv3_cpu_init(const struct gic_desc *g, uint64_t mpidr);
/* Enable (or disable) one PPI/SGI on this CPU, or one SPI (routed to the
 * boot CPU). */
void gicv3_enable_irq(uint32_t intid, bool on);
/* Make an SGI/PPI of this CPU, or an SPI, active (ISACTIVER). */
void gicv3_activate(uint32_t intid);
/* Raise SGI intid (0..15, Group 1) on the CPU with this MPIDR. */
void gicv3_send_sgi(uint64_t mpidr, uint32_t intid);

uint32_t gicv3_ack(void);
void gicv3_eoi(uint32_t intid);
void gicv3_drop(uint32_t intid);
void gicv3_deactivate(uint32_t intid);
/* The highest-priority pending INTID without acknowledging it. */
uint32_t gicv3_pending(void);
unsigned gicv3_num_lrs(void);

#endif
