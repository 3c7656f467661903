/* Physical GICv3 state for the simulated CPU (see fake_gic.h). */
#include "fake_gic.h"

#include <string.h>

#include "sim_hal.h"

static uint64_t bit(uint32_t intid)
{
	return 1ull << (intid % 64);
}

static void assign(uint64_t *map, uint32_t intid, bool on)
{
	if (intid >= FGIC_NR_INTIDS)
		return;
	if (on)
		map[intid / 64] |= bit(intid);
	else
		map[intid / 64] &= ~bit(intid);
}

void fgic_reset(struct fake_gic *g)
{
	memset(g, 0, sizeof(*g));
	memset(g->prio, FGIC_DEFAULT_PRIO, sizeof(g->prio));
	memset(g->enabled, 0xff, sizeof(g->enabled));
	g->pmr = 0xff;
}

void fgic_raise(struct fake_gic *g, uint32_t intid)
{
	assign(g->latched, intid, true);
}

void fgic_set_enabled(struct fake_gic *g, uint32_t intid, bool on)
{
	assign(g->enabled, intid, on);
}

bool fgic_is_pending(const struct fake_gic *g, uint32_t intid)
{
	return intid < FGIC_NR_INTIDS &&
	       ((g->latched[intid / 64] | g->level[intid / 64]) & bit(intid));
}

static uint32_t best_signaled(const struct fake_gic *g)
{
	uint32_t best = FGIC_SPURIOUS;
	unsigned best_prio = g->pmr;

	for (unsigned w = 0; w < FGIC_WORDS; w++) {
		uint64_t cand = (g->latched[w] | g->level[w]) & g->enabled[w] &
				~g->active[w];

		while (cand) {
			uint32_t i = w * 64 + (uint32_t)__builtin_ctzll(cand);

			cand &= cand - 1;
			if (g->prio[i] < best_prio) {
				best = i;
				best_prio = g->prio[i];
			}
		}
	}
	return best;
}

bool fgic_irq_signaled(const struct fake_gic *g)
{
	return best_signaled(g) != FGIC_SPURIOUS;
}

uint32_t fgic_ack(struct fake_gic *g)
{
	uint32_t intid;

	if (g->sample)
		g->sample(g->sample_ctx);
	intid = best_signaled(g);

	if (intid == FGIC_SPURIOUS) {
		g->spurious++;
		return intid;
	}
	g->acks++;
	assign(g->active, intid, true);
	assign(g->latched, intid, false); /* a level input stays pending */
	return intid;
}

void fgic_eoi(struct fake_gic *g, uint32_t intid)
{
	g->eois++;
	fgic_deactivate(g, intid);
}

void fgic_deactivate(struct fake_gic *g, uint32_t intid)
{
	assign(g->active, intid, false);
}

void fgic_activate(struct fake_gic *g, uint32_t intid)
{
	assign(g->active, intid, true);
}

static uint32_t hal_ack(void *ctx)
{
	return fgic_ack(ctx);
}

static void hal_eoi(void *ctx, uint32_t intid)
{
	fgic_eoi(ctx, intid);
}

/* The fake CPU interface keeps no running priority: dropping it changes
 * nothing it models, and the interrupt stays active. */
static void hal_drop(void *ctx, uint32_t intid)
{
	struct fake_gic *g = ctx;

	(void)intid;
	g->drops++;
}

static void hal_deactivate(void *ctx, uint32_t intid)
{
	fgic_deactivate(ctx, intid);
}

static void hal_activate(void *ctx, uint32_t intid)
{
	fgic_activate(ctx, intid);
}

void fgic_attach_hal(struct fake_gic *g)
{
	struct sim_gic_backend b = {.ctx = g,
				    .ack = hal_ack,
				    .eoi = hal_eoi,
				    .drop = hal_drop,
				    .deactivate = hal_deactivate,
				    .activate = hal_activate,
				    .num_lrs = 4};

	sim_hal_set_gic_backend(g ? &b : NULL);
}
