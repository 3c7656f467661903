/*
 * The list registers as a cache of the interrupt model.
 *
 * vgic_flush() runs right before a vCPU enters the guest: it ranks every
 * interrupt the vCPU could need (active ones first, since the guest must be
 * able to deactivate them; then pending ones by priority, then INTID) and
 * writes as many as there are list registers. If some did not fit, it asks
 * for a maintenance interrupt when the guest has consumed what it was given,
 * so the rest get in without waiting for an unrelated exit.
 *
 * vgic_sync() runs right after the vCPU exits: the state of each LR (empty,
 * pending, active, pending+active) goes back into the model. An edge's
 * pending event belongs to the LR while it is there; a level interrupt's
 * pending state is recomputed from its line, so one still asserted after
 * the guest deactivated it is pending again, and nothing is ever lost.
 */
#include "hal.h"
#include "vcpu.h"
#include "vgic/vgic_priv.h"
#include "vm/vm.h"

struct candidate {
	uint16_t intid;
	uint8_t priority;
	bool active;
	bool pending;
};

/* Does c go into the list registers before d? */
static bool ranks_before(const struct candidate *c, const struct candidate *d)
{
	if (c->active != d->active)
		return c->active;
	if (c->priority != d->priority)
		return c->priority < d->priority;
	return c->intid < d->intid;
}

/* Consider intid for v's list registers; insert it in rank order. */
static unsigned consider(struct vm *vm, struct vcpu *v, uint32_t intid,
			 struct candidate *out, unsigned n)
{
	const struct vgic_irq *irq = vgic_irq_get(vm, v, intid);
	struct candidate c;
	unsigned j;

	if (intid >= VGIC_NR_PRIVATE && irq->target != v->id)
		return n;
	c.intid = (uint16_t)intid;
	c.priority = irq->priority;
	c.active = irq->active;
	c.pending = vgic_irq_pending(irq) && irq->enabled &&
		    vgic_group_enabled(vm, irq);
	/* A forwarded interrupt that is active cannot be pending in its LR
	 * as well: its physical side is still active. */
	if (irq->hw && c.active)
		c.pending = false;
	if (!c.pending && !c.active)
		return n;
	for (j = n; j > 0 && ranks_before(&c, &out[j - 1]); j--)
		out[j] = out[j - 1];
	out[j] = c;
	return n + 1;
}

/* Interrupts that need a list register for v: pending ones the
 * distributor would forward (enabled, group enabled, routed here) and
 * every active one, sorted by rank. Only INTIDs in the work bitmaps can
 * be either, so only those are looked at. */
static unsigned collect(struct vm *vm, struct vcpu *v, struct candidate *out)
{
	unsigned n = 0;

	for (uint32_t w = v->vgic.work_priv; w; w &= w - 1)
		n = consider(vm, v, (uint32_t)__builtin_ctz(w), out, n);
	for (uint64_t w = vm->gicd.work_spi; w; w &= w - 1)
		n = consider(vm, v,
			     VGIC_NR_PRIVATE + (uint32_t)__builtin_ctzll(w),
			     out, n);
	return n;
}

static uint64_t lr_value(struct vcpu *v, struct vgic_irq *irq,
			 const struct candidate *c)
{
	uint64_t lr = c->intid | ((uint64_t)c->priority << VGIC_LR_PRIO_SHIFT);

	if (irq->group1)
		lr |= VGIC_LR_GROUP1;
	if (c->active)
		lr |= VGIC_LR_STATE_ACTIVE;
	if (c->pending) {
		lr |= VGIC_LR_STATE_PENDING;
		/* The event now lives in the LR; sync gives it back if the
		 * guest has not acknowledged it. */
		if (irq->edge) {
			irq->pending_latch = false;
			vgic_track(v->vm, v, c->intid);
		}
	}
	if (irq->hw)
		lr |=
		    VGIC_LR_HW | ((uint64_t)(irq->pintid & VGIC_LR_PINTID_MASK)
				  << VGIC_LR_PINTID_SHIFT);
	else if (!irq->edge && irq->line_level)
		/* Deactivation of a level interrupt whose line is high
		 * exits, so it is pending again at once if the line stays
		 * high. A low line can only rise through the hypervisor,
		 * which flushes then: no exit is needed for that. */
		lr |= VGIC_LR_EOI;
	return lr;
}

static void flush(struct vcpu *v, bool force);
static void sync_lrs(struct vcpu *v);

/* The common exit has no interrupt work at all: it pays these two
 * compares, not the ranking's stack frame. */
void vgic_flush(struct vcpu *v)
{
	/* Empty LRs stay empty (a guest cannot fill one), and nothing changed
	 * that could need one. */
	if (v->vgic.nr_lr == 0 && v->vgic.flushed_gen == v->vm->gicd.gen)
		return;
	flush(v, false);
}

void vgic_flush_all(struct vcpu *v)
{
	flush(v, true);
}

/* Write LR i unless it already holds val (force: its content is unknown,
 * as when another vCPU ran here). */
static void put_lr(struct vgic_cpu *gc, unsigned i, uint64_t val, bool force)
{
	if (force || gc->lr_val[i] != val)
		hal_gic_lr_write(i, val);
	gc->lr_val[i] = val;
}

static void flush(struct vcpu *v, bool force)
{
	struct vm *vm = v->vm;
	struct vgic_cpu *gc = &v->vgic;
	struct candidate cand[VGIC_NR_INTIDS];
	unsigned nlr, n, used, i;
	bool any_pending = false;
	uint64_t trap = 0;

	/* A flush moves edge events into the LRs: flushing again before a
	 * sync brought them back would drop them (a vCPU loaded, then a
	 * request applied, before it ever ran). */
	if (gc->unsynced)
		sync_lrs(v);
	gc->flushed_gen = vm->gicd.gen;
	nlr = hal_gic_num_lrs();
	if (nlr > VGIC_MAX_LRS)
		nlr = VGIC_MAX_LRS;
	n = collect(vm, v, cand);
	used = n < nlr ? n : nlr;
	gc->lr_written_pending = 0;
	for (i = 0; i < used; i++) {
		struct vgic_irq *irq = vgic_irq_get(vm, v, cand[i].intid);

		put_lr(gc, i, lr_value(v, irq, &cand[i]), force);
		gc->lr_intid[i] = cand[i].intid;
		if (cand[i].pending)
			gc->lr_written_pending |= (uint16_t)(1u << i);
		any_pending |= cand[i].pending;
	}
	for (; i < nlr; i++)
		put_lr(gc, i, 0, force);
	gc->nr_lr = (uint8_t)used;
	gc->unsynced = used != 0;

	/* More work than LRs: NPIE fires once no LR is pending any more.
	 * If every LR holds an active interrupt, wait instead for all but
	 * one to be deactivated (UIE): NPIE would fire at once. */
	if (n > used)
		trap = any_pending ? VGIC_HCR_NPIE : VGIC_HCR_UIE;
	if (force || trap != gc->hcr_trap) {
		uint64_t hcr = hal_sysreg_read(SYSREG_ICH_HCR_EL2) &
			       ~(VGIC_HCR_NPIE | VGIC_HCR_UIE);

		hal_sysreg_write(SYSREG_ICH_HCR_EL2, hcr | trap | VGIC_HCR_EN);
		gc->hcr_trap = trap;
	}
}

void vgic_sync(struct vcpu *v)
{
	if (v->vgic.nr_lr)
		sync_lrs(v);
}

static void sync_lrs(struct vcpu *v)
{
	struct vgic_cpu *gc = &v->vgic;

	for (unsigned i = 0; i < gc->nr_lr; i++) {
		uint64_t lr = hal_gic_lr_read(i);
		struct vgic_irq *irq = vgic_irq_get(v->vm, v, gc->lr_intid[i]);

		gc->lr_val[i] = lr;
		irq->active = (lr & VGIC_LR_STATE_ACTIVE) != 0;
		if ((gc->lr_written_pending >> i) & 1u) {
			if (lr & VGIC_LR_STATE_PENDING) {
				if (irq->edge)
					irq->pending_latch = true;
			} else if (!irq->edge) {
				/* Acknowledged: a level interrupt's latch
				 * (ISPENDR) is consumed; its line alone
				 * decides from now. */
				irq->pending_latch = false;
			}
		}
		vgic_track(v->vm, v, gc->lr_intid[i]);
	}
	gc->unsynced = false;
	/* nr_lr stays: the next flush rewrites the LRs from the model, and
	 * a second sync before it reads the same values to the same effect. */
}
