/* Architectural fields the vGIC files share (GICv3, IHI 0069). */
#ifndef HV_VGIC_VGIC_PRIV_H
#define HV_VGIC_VGIC_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "vgic/vgic.h"

struct vm;

#define VGIC_GICD_BASE 0x08000000ull
#define VGIC_GICR_BASE 0x080a0000ull

/* GICD_CTLR with one security state (DS = 1). */
#define VGIC_GICD_CTLR_GRP0 (1u << 0)
#define VGIC_GICD_CTLR_GRP1 (1u << 1)
#define VGIC_GICD_CTLR_ARE (1u << 4)
#define VGIC_GICD_CTLR_DS (1u << 6)

/* GICD_IROUTER<n>: Aff3 [39:32], IRM [31], Aff2/Aff1/Aff0 [23:0]. */
#define VGIC_IROUTER_IRM (1ull << 31)
#define VGIC_MPIDR_AFF_MASK 0xff00ffffffull

/* ICH_VMCR_EL2 */
#define VGIC_VMCR_VENG0 (1ull << 0)
#define VGIC_VMCR_VENG1 (1ull << 1)
#define VGIC_VMCR_VPMR_SHIFT 24

/* ICH_LR<n>_EL2 */
#define VGIC_LR_STATE_PENDING (1ull << 62)
#define VGIC_LR_STATE_ACTIVE (1ull << 63)
#define VGIC_LR_HW (1ull << 61)
#define VGIC_LR_GROUP1 (1ull << 60)
#define VGIC_LR_EOI (1ull << 41) /* HW = 0: maintenance IRQ on deactivate */
#define VGIC_LR_PRIO_SHIFT 48
#define VGIC_LR_PINTID_SHIFT 32
#define VGIC_LR_PINTID_MASK 0x1fffull
#define VGIC_LR_VINTID_MASK 0xffffffffull

/* ICH_HCR_EL2 */
#define VGIC_HCR_EN (1ull << 0)
#define VGIC_HCR_UIE (1ull << 1)
#define VGIC_HCR_NPIE (1ull << 3)

bool vgic_group_enabled(const struct vm *vm, const struct vgic_irq *irq);

/* Identification registers the distributor and every redistributor share:
 * IIDR (Arm's JEP106 code as implementer; product, variant, revision 0)
 * and PIDR2 (ArchRev [7:4] = 3, GICv3; JEDEC [3]; DES_1 [2:0] = 3). */
uint64_t vgic_iidr_read(void *ctx, uint32_t off, unsigned width);
uint64_t vgic_pidr2_read(void *ctx, uint32_t off, unsigned width);

/*
 * Registers with one, two or eight bits per INTID, shared by the
 * distributor (SPIs) and each redistributor's SGI frame (SGIs and PPIs).
 * 'first' is the INTID of bit 0 of the accessed word; v is NULL for the
 * distributor, whose view of private INTIDs is RAZ/WI under affinity
 * routing.
 */
enum vgic_bitop {
	VGIC_IGROUPR,
	VGIC_ISENABLER,
	VGIC_ICENABLER,
	VGIC_ISPENDR,
	VGIC_ICPENDR,
	VGIC_ISACTIVER,
	VGIC_ICACTIVER,
	VGIC_IGRPMODR,
};
uint32_t vgic_bits_read(struct vm *vm, struct vcpu *v, enum vgic_bitop op,
			uint32_t first);
void vgic_bits_write(struct vm *vm, struct vcpu *v, enum vgic_bitop op,
		     uint32_t first, uint32_t val);
uint64_t vgic_prio_read(struct vm *vm, struct vcpu *v, uint32_t first,
			unsigned width);
void vgic_prio_write(struct vm *vm, struct vcpu *v, uint32_t first,
		     unsigned width, uint64_t val);
uint32_t vgic_cfg_read(struct vm *vm, struct vcpu *v, uint32_t first);
void vgic_cfg_write(struct vm *vm, struct vcpu *v, uint32_t first,
		    uint32_t val);

#endif
