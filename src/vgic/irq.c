/*
 * Interrupt state in memory: lookup, reset, input lines, routing, and the
 * question a WFI asks. Nothing here touches a list register.
 */
#include "hal.h"
#include "hv_err.h"
#include "vcpu.h"
#include "vcpu_req.h"
#include "vgic/vgic.h"
#include "vgic/vgic_priv.h"
#include "vm/vm.h"

struct vgic_dist *vgic_dist_of(struct vm *vm)
{
	return &vm->gicd;
}

/* The vCPU an interrupt's state belongs to: v for a private one, the
 * routing target for an SPI (NULL: none). */
static struct vcpu *owner_of(struct vm *vm, struct vcpu *v, uint32_t intid,
			     const struct vgic_irq *irq)
{
	if (intid < VGIC_NR_PRIVATE)
		return v;
	return irq->target < vm->nvcpus ? &vm->vcpus[irq->target] : NULL;
}

void vgic_kick_owner(struct vm *vm, struct vcpu *v, uint32_t intid)
{
	const struct vgic_irq *irq = vgic_irq_get(vm, v, intid);
	struct vcpu *t = irq ? owner_of(vm, v, intid, irq) : NULL;

	/* The vCPU this CPU runs flushes at the end of the exit; any other
	 * must be told, wherever it is, as its list registers (or its
	 * wait in WFI) do not show the change. */
	if (t && t != hal_current_vcpu())
		vcpu_kick(t);
}

void vgic_track(struct vm *vm, struct vcpu *v, uint32_t intid)
{
	const struct vgic_irq *irq = vgic_irq_get(vm, v, intid);
	bool work;

	if (!irq)
		return;
	work = irq->pending_latch || irq->line_level || irq->active;
	/* An SPI may belong to a vCPU another CPU runs, whoever changed it
	 * (a device, any vCPU through the distributor). A private
	 * interrupt changes here for the vCPU this CPU runs, or through
	 * another vCPU's redistributor, which kicks it (gicr.c). */
	if (work && intid >= VGIC_NR_PRIVATE)
		vgic_kick_owner(vm, v, intid);
	if (intid < VGIC_NR_PRIVATE) {
		uint32_t bit = 1u << intid;

		v->vgic.work_priv =
		    work ? v->vgic.work_priv | bit : v->vgic.work_priv & ~bit;
	} else {
		uint64_t bit = 1ull << (intid - VGIC_NR_PRIVATE);

		vm->gicd.work_spi =
		    work ? vm->gicd.work_spi | bit : vm->gicd.work_spi & ~bit;
	}
}

struct vgic_irq *vgic_irq_get(struct vm *vm, struct vcpu *v, uint32_t intid)
{
	if (intid < VGIC_NR_PRIVATE)
		return v ? &v->vgic.priv[intid] : NULL;
	if (intid < VGIC_NR_INTIDS)
		return &vm->gicd.spi[intid - VGIC_NR_PRIVATE];
	return NULL;
}

static void irq_reset(struct vgic_irq *irq, bool edge)
{
	*irq = (struct vgic_irq){.edge = edge, .target = VGIC_NO_TARGET};
}

uint8_t vgic_route_target(const struct vm *vm, uint64_t irouter)
{
	/* Interrupt_Routing_Mode = 1: any participating PE. We pick the
	 * first vCPU that is on, so the choice is deterministic. */
	if (irouter & VGIC_IROUTER_IRM) {
		for (unsigned i = 0; i < vm->nvcpus; i++)
			if (vm->vcpus[i].power == VCPU_POWER_ON)
				return (uint8_t)i;
		return 0;
	}
	for (unsigned i = 0; i < vm->nvcpus; i++)
		if ((vm->vcpus[i].mpidr & VGIC_MPIDR_AFF_MASK) ==
		    (irouter & VGIC_MPIDR_AFF_MASK))
			return (uint8_t)i;
	/* No such PE: the SPI stays pending in the distributor until the
	 * guest routes it somewhere real. */
	return VGIC_NO_TARGET;
}

int vgic_init(struct vm *vm)
{
	int err;

	vm->gicd.ctlr = 0;
	vm->gicd.work_spi = 0;
	for (unsigned i = 0; i < VGIC_NR_SPIS; i++) {
		irq_reset(&vm->gicd.spi[i], false);
		vm->gicd.irouter[i] = 0;
		vm->gicd.spi[i].target = vgic_route_target(vm, 0);
	}
	vgic_gicd_init(vm, VGIC_GICD_BASE);
	err = mmio_bus_add(&vm->bus, &vm->gicd.dev);
	for (unsigned c = 0; c < vm->nvcpus && err == HV_OK; c++) {
		struct vcpu *v = &vm->vcpus[c];
		struct vgic_cpu *gc = &v->vgic;

		for (unsigned i = 0; i < VGIC_NR_PRIVATE; i++)
			irq_reset(&gc->priv[i], i < VGIC_NR_SGIS);
		gc->nr_lr = 0;
		gc->work_priv = 0;
		gc->sleep = true;
		gc->vmcr = 0;
		gc->ap0r = gc->ap1r = 0;
		vgic_gicr_init(v, VGIC_GICR_BASE + c * VGIC_GICR_STRIDE);
		vgic_timer_init(v);
		err = mmio_bus_add(&vm->bus, &gc->rdist);
	}
	return err;
}

struct vcpu *vgic_set_line(struct vm *vm, struct vcpu *v, uint32_t intid,
			   bool level)
{
	struct vgic_irq *irq = vgic_irq_get(vm, v, intid);

	if (!irq)
		return NULL;
	if (level != irq->line_level)
		vgic_changed(vm);
	if (irq->edge) {
		/* A rising edge latches one event; a second one before the
		 * first is acknowledged merges with it, as on hardware. */
		if (level && !irq->line_level)
			irq->pending_latch = true;
	}
	irq->line_level = level;
	vgic_track(vm, v, intid);
	if (intid < VGIC_NR_PRIVATE)
		return v;
	return irq->target < vm->nvcpus ? &vm->vcpus[irq->target] : NULL;
}

void vgic_inject(struct vm *vm, struct vcpu *v, uint32_t intid)
{
	struct vgic_irq *irq = vgic_irq_get(vm, v, intid);

	if (!irq)
		return;
	irq->pending_latch = true;
	vgic_track(vm, v, intid);
	vgic_changed(vm);
}

void vgic_line_init(struct vgic_line *l, struct vm *vm, uint32_t intid)
{
	l->vm = vm;
	l->intid = intid;
	l->level = false;
}

void vgic_line_set(struct vgic_line *l, bool level)
{
	if (!l->vm || level == l->level)
		return;
	l->level = level;
	(void)vgic_set_line(l->vm, NULL, l->intid, level);
}

void vgic_set_hw(struct vcpu *v, uint32_t intid, uint32_t pintid)
{
	if (intid >= VGIC_NR_PRIVATE)
		return;
	v->vgic.priv[intid].hw = true;
	v->vgic.priv[intid].pintid = (uint16_t)pintid;
	vgic_changed(v->vm);
}

/* Group enables in the distributor (GICD_CTLR) and the vCPU's interface
 * (ICH_VMCR_EL2.VENG0/1) both gate delivery. */
bool vgic_group_enabled(const struct vm *vm, const struct vgic_irq *irq)
{
	return (vm->gicd.ctlr &
		(irq->group1 ? VGIC_GICD_CTLR_GRP1 : VGIC_GICD_CTLR_GRP0)) != 0;
}

bool vgic_vcpu_has_deliverable(struct vm *vm, struct vcpu *v)
{
	/* While loaded, the guest's priority mask and group enables are
	 * live in ICH_VMCR_EL2 (ICC_PMR/IGRPEN writes go there). */
	uint64_t vmcr =
	    v->loaded ? hal_sysreg_read(SYSREG_ICH_VMCR_EL2) : v->vgic.vmcr;
	unsigned pmr = (unsigned)(vmcr >> VGIC_VMCR_VPMR_SHIFT) & 0xffu;

	uint64_t work =
	    v->vgic.work_priv | ((vm->gicd.work_spi) << VGIC_NR_PRIVATE);
	uint64_t spi_high = vm->gicd.work_spi >> (64 - VGIC_NR_PRIVATE);

	/* Only INTIDs in the work bitmaps can be pending: SPIs 32..63 ride in
	 * the upper half of 'work', SPIs 64..95 in 'spi_high'. */
	for (unsigned pass = 0; pass < 2; pass++) {
		for (; work; work &= work - 1) {
			uint32_t intid =
			    (uint32_t)__builtin_ctzll(work) + (pass ? 64u : 0u);
			const struct vgic_irq *irq = vgic_irq_get(vm, v, intid);
			uint64_t eng =
			    irq->group1 ? VGIC_VMCR_VENG1 : VGIC_VMCR_VENG0;

			if (intid >= VGIC_NR_PRIVATE && irq->target != v->id)
				continue;
			if (vgic_irq_pending(irq) && !irq->active &&
			    irq->enabled && vgic_group_enabled(vm, irq) &&
			    (vmcr & eng) && irq->priority < pmr)
				return true;
		}
		work = spi_high;
	}
	return false;
}

void vgic_vcpu_load(struct vcpu *v)
{
	struct vgic_cpu *gc = &v->vgic;

	hal_sysreg_write(SYSREG_ICH_VMCR_EL2, gc->vmcr);
	hal_sysreg_write(SYSREG_ICH_AP0R0_EL2, gc->ap0r);
	hal_sysreg_write(SYSREG_ICH_AP1R0_EL2, gc->ap1r);
	/* A forwarded timer interrupt the guest has not deactivated yet is
	 * active again, as it was when the vCPU was put. */
	for (uint32_t b = gc->phys_active; b; b &= b - 1)
		hal_gic_activate((uint32_t)__builtin_ctz(b));
}

void vgic_vcpu_put(struct vcpu *v)
{
	struct vgic_cpu *gc = &v->vgic;

	gc->vmcr = hal_sysreg_read(SYSREG_ICH_VMCR_EL2);
	gc->ap0r = hal_sysreg_read(SYSREG_ICH_AP0R0_EL2);
	gc->ap1r = hal_sysreg_read(SYSREG_ICH_AP1R0_EL2);
	/* The physical PPI is this CPU's, not the vCPU's: left active, it
	 * would keep the next vCPU's timer from firing. phys_active keeps
	 * the state for vgic_vcpu_load. */
	for (uint32_t b = gc->phys_active; b; b &= b - 1)
		hal_gic_deactivate((uint32_t)__builtin_ctz(b));
}
