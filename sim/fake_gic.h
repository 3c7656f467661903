/*
 * The physical GICv3 of the simulated machine, reduced to what routing
 * needs: per-INTID enable, priority, pending (edge latch or input level)
 * and active state for SGIs, PPIs and a few SPIs of one CPU, and the
 * CPU interface the hypervisor acknowledges and completes through
 * (hal_gic_ack/hal_gic_eoi).
 */
#ifndef SIM_FAKE_GIC_H
#define SIM_FAKE_GIC_H

#include <stdbool.h>
#include <stdint.h>

#define FGIC_NR_INTIDS 128u
#define FGIC_SPURIOUS 1023u
#define FGIC_DEFAULT_PRIO 0xa0u

#define FGIC_PPI_MAINT 25u
#define FGIC_PPI_HYPTIMER 26u
#define FGIC_PPI_VTIMER 27u
#define FGIC_PPI_PTIMER 30u

#define FGIC_WORDS (FGIC_NR_INTIDS / 64)

/* Per-INTID state as bitmaps (bit n of word n / 64): the CPU interface is
 * asked "anything to signal?" at every event check, which must be cheap. */
struct fake_gic {
	uint8_t prio[FGIC_NR_INTIDS];
	uint64_t enabled[FGIC_WORDS];
	uint64_t latched[FGIC_WORDS]; /* edge or software pending */
	uint64_t level[FGIC_WORDS];   /* input line of a level interrupt */
	uint64_t active[FGIC_WORDS];
	uint8_t pmr;
	unsigned long acks, eois, drops, spurious;
	/* Called before an acknowledge to bring the level inputs up to date
	 * (the CPU model's timers), or NULL: a line that fell since it was
	 * last set is not pending any more, one that rose is. */
	void (*sample)(void *ctx);
	void *sample_ctx;
};

/* Every interrupt enabled at FGIC_DEFAULT_PRIO, nothing pending: the
 * hypervisor on the host port does not program a distributor. */
void fgic_reset(struct fake_gic *g);

/* The input line of a level interrupt: set at every event check. */
static inline void fgic_set_level(struct fake_gic *g, uint32_t intid, bool high)
{
	uint64_t b = 1ull << (intid % 64);

	if (intid >= FGIC_NR_INTIDS)
		return;
	if (high)
		g->level[intid / 64] |= b;
	else
		g->level[intid / 64] &= ~b;
}
void fgic_raise(struct fake_gic *g, uint32_t intid);
void fgic_set_enabled(struct fake_gic *g, uint32_t intid, bool on);

bool fgic_is_pending(const struct fake_gic *g, uint32_t intid);
/* The CPU interface signals an IRQ: something pending, enabled, not
 * active, above the priority mask. */
bool fgic_irq_signaled(const struct fake_gic *g);

/* Acknowledge: highest priority signaled INTID becomes active (lowest
 * INTID wins ties), or FGIC_SPURIOUS. */
uint32_t fgic_ack(struct fake_gic *g);
/* Priority drop and deactivation (EOImode 0), or deactivation alone. */
void fgic_eoi(struct fake_gic *g, uint32_t intid);
void fgic_deactivate(struct fake_gic *g, uint32_t intid);
/* Make intid active, as a write to GICR_ISACTIVER0 does for a PPI. */
void fgic_activate(struct fake_gic *g, uint32_t intid);

/* Register g as the HAL's GIC CPU interface (NULL to detach). */
void fgic_attach_hal(struct fake_gic *g);

#endif
