/*
 * The physical GICv3: distributor and this CPU's redistributor set up at
 * boot, the system-register CPU interface used by the HAL (EOImode=1, so
 * priority drop and deactivation are separate writes).
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

/* Returns 0, or -1 (with a message) if this CPU has no redistributor or
 * the system-register interface cannot be enabled. */
int gicv3_init(const struct gic_desc *g, uint64_t mpidr);
/* Enable (or disable) one PPI on this CPU or one SPI routed to it. */
void gicv3_enable_irq(uint32_t intid, bool on);

uint32_t gicv3_ack(void);
void gicv3_eoi(uint32_t intid);
void gicv3_drop(uint32_t intid);
void gicv3_deactivate(uint32_t intid);
/* Set a private interrupt of this CPU active (GICR_ISACTIVER0). */
void gicv3_activate(uint32_t intid);
/* The highest-priority pending INTID without acknowledging it. */
uint32_t gicv3_pending(void);
unsigned gicv3_num_lrs(void);

#endif
