/*
 * The per-INTID register families of the GICv3 (one, two or eight bits per
 * INTID). The distributor and every redistributor's SGI frame have the same
 * semantics over different INTIDs, so both call these. An INTID nobody
 * models reads as zero and ignores writes, as the architecture requires for
 * unimplemented interrupts.
 */
#include "vgic/vgic_priv.h"
#include "vm/vm.h"

/* Priority bits held per INTID: 5, the virtual CPU interface's width on
 * Cortex-A57 and QEMU (ICH_VTR_EL2.PRIbits = 4); lower bits are RAZ/WI. */
#define PRIO_MASK 0xf8u
#define ICFGR_EDGE 2u /* Int_config[1]: 1 = edge-triggered */

static bool bit_get(const struct vgic_irq *irq, enum vgic_bitop op)
{
	switch (op) {
	case VGIC_IGROUPR:
		return irq->group1;
	case VGIC_ISENABLER:
	case VGIC_ICENABLER:
		return irq->enabled;
	case VGIC_ISPENDR:
	case VGIC_ICPENDR:
		return vgic_irq_pending(irq);
	case VGIC_ISACTIVER:
	case VGIC_ICACTIVER:
		return irq->active;
	case VGIC_IGRPMODR:
		return irq->grpmod;
	}
	return false;
}

/* Called for each bit set in the written value (IGROUPR and IGRPMODR for
 * every bit: they are plain read/write). */
static void bit_set(struct vgic_irq *irq, enum vgic_bitop op, bool one)
{
	switch (op) {
	case VGIC_IGROUPR:
		irq->group1 = one;
		break;
	case VGIC_IGRPMODR:
		irq->grpmod = one;
		break;
	case VGIC_ISENABLER:
		irq->enabled |= one;
		break;
	case VGIC_ICENABLER:
		irq->enabled &= !one;
		break;
	case VGIC_ISPENDR:
		irq->pending_latch |= one;
		break;
	case VGIC_ICPENDR:
		/* Clears the latch only: a level-sensitive interrupt whose
		 * line is still high stays pending. */
		irq->pending_latch &= !one;
		break;
	case VGIC_ISACTIVER:
		irq->active |= one;
		break;
	case VGIC_ICACTIVER:
		irq->active &= !one;
		break;
	}
}

uint32_t vgic_bits_read(struct vm *vm, struct vcpu *v, enum vgic_bitop op,
			uint32_t first)
{
	uint32_t val = 0;

	for (unsigned i = 0; i < 32; i++) {
		const struct vgic_irq *irq = vgic_irq_get(vm, v, first + i);

		if (irq && bit_get(irq, op))
			val |= 1u << i;
	}
	return val;
}

void vgic_bits_write(struct vm *vm, struct vcpu *v, enum vgic_bitop op,
		     uint32_t first, uint32_t val)
{
	vgic_changed(vm);
	for (unsigned i = 0; i < 32; i++) {
		struct vgic_irq *irq = vgic_irq_get(vm, v, first + i);
		bool one = (val >> i) & 1u;

		if (!irq)
			continue;
		if (one || op == VGIC_IGROUPR || op == VGIC_IGRPMODR) {
			bit_set(irq, op, one);
			vgic_track(vm, v, first + i);
		}
	}
}

uint64_t vgic_prio_read(struct vm *vm, struct vcpu *v, uint32_t first,
			unsigned width)
{
	uint64_t val = 0;

	for (unsigned i = 0; i < width; i++) {
		const struct vgic_irq *irq = vgic_irq_get(vm, v, first + i);

		if (irq)
			val |= (uint64_t)irq->priority << (8 * i);
	}
	return val;
}

void vgic_prio_write(struct vm *vm, struct vcpu *v, uint32_t first,
		     unsigned width, uint64_t val)
{
	vgic_changed(vm);
	for (unsigned i = 0; i < width; i++) {
		struct vgic_irq *irq = vgic_irq_get(vm, v, first + i);

		if (irq)
			irq->priority = (uint8_t)(val >> (8 * i)) & PRIO_MASK;
	}
}

uint32_t vgic_cfg_read(struct vm *vm, struct vcpu *v, uint32_t first)
{
	uint32_t val = 0;

	for (unsigned i = 0; i < 16; i++) {
		const struct vgic_irq *irq = vgic_irq_get(vm, v, first + i);

		if (irq && irq->edge)
			val |= ICFGR_EDGE << (2 * i);
	}
	return val;
}

void vgic_cfg_write(struct vm *vm, struct vcpu *v, uint32_t first, uint32_t val)
{
	vgic_changed(vm);
	for (unsigned i = 0; i < 16; i++) {
		struct vgic_irq *irq = vgic_irq_get(vm, v, first + i);

		/* SGIs are always edge-triggered: their field is RO. */
		if (irq && first + i >= VGIC_NR_SGIS)
			irq->edge = (val >> (2 * i)) & ICFGR_EDGE;
	}
}

uint64_t vgic_iidr_read(void *ctx, uint32_t off, unsigned width)
{
	(void)ctx;
	(void)off;
	(void)width;
	return 0x0000043bu;
}

uint64_t vgic_pidr2_read(void *ctx, uint32_t off, unsigned width)
{
	(void)ctx;
	(void)off;
	(void)width;
	return 0x3bu;
}
