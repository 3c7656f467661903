/*
 * The virtual GICv3: every interrupt's state lives here, in memory, per vCPU
 * (SGIs and PPIs) and per VM (SPIs). The list registers are only a cache of
 * it: vgic_flush() writes the highest-priority work for the vCPU into them
 * before it runs, vgic_sync() reads back what the guest did (acknowledge,
 * deactivate) when it exits. The distributor and redistributor registers
 * the guest sees (gicd.c, gicr.c) read and write this state.
 *
 * One security state (GICD_CTLR.DS = 1) and affinity routing always on
 * (ARE RAO/WI), as a guest of a hypervisor sees a GICv3; no LPIs.
 */
#ifndef HV_VGIC_VGIC_H
#define HV_VGIC_VGIC_H

#include <stdbool.h>
#include <stdint.h>

#include "dev/mmio.h"

struct vm;
struct vcpu;

#define VGIC_NR_SGIS 16u
#define VGIC_NR_PRIVATE 32u /* SGIs 0..15 and PPIs 16..31, per vCPU */
#define VGIC_NR_SPIS 64u    /* SPIs 32..95, per VM */
#define VGIC_NR_INTIDS (VGIC_NR_PRIVATE + VGIC_NR_SPIS)
#define VGIC_MAX_LRS 16u
#define VGIC_NO_TARGET 0xffu

/* Distributor and redistributor frames in the guest-physical map. */
#define VGIC_GICD_SIZE 0x10000u
#define VGIC_GICR_STRIDE 0x20000u /* RD_base frame + SGI_base frame */

struct vgic_irq {
	uint8_t priority;
	uint8_t target;	 /* SPIs: the vCPU IROUTER names, or VGIC_NO_TARGET */
	uint16_t pintid; /* hw: the physical INTID the guest deactivates */
	bool enabled;
	bool group1;
	bool grpmod; /* IGRPMODR: stored for read-back (one security state) */
	bool edge;   /* ICFGR: edge-triggered, else level-sensitive */
	bool pending_latch; /* edge event, or ISPENDR; level: until acked */
	bool line_level;    /* level-sensitive input, as the device drives it */
	bool active;
	bool hw; /* forwarded physical interrupt: LR.HW with pINTID */
};

struct vgic_dist {
	/* Bumped by every change to interrupt state outside the list
	 * registers, so a vCPU whose LRs are empty and whose model did not
	 * change skips its flush: the common exit pays a compare, not a scan
	 * of every INTID. */
	uint32_t gen;
	/* Bit n: SPI 32 + n may need a list register (latched, line high or
	 * active), so a flush looks at these and not at every SPI. */
	uint64_t work_spi;
	uint32_t ctlr; /* EnableGrp0/EnableGrp1 as the guest wrote them */
	struct vgic_irq spi[VGIC_NR_SPIS];
	uint64_t irouter[VGIC_NR_SPIS];
	struct mmio_device dev;
};

struct vgic_cpu {
	struct vgic_irq priv[VGIC_NR_PRIVATE];
	/* What the last flush put in the list registers. */
	uint16_t lr_intid[VGIC_MAX_LRS];
	uint16_t lr_written_pending; /* bit i: LR i went in pending */
	uint8_t nr_lr;
	bool unsynced; /* the LRs hold a flush no sync has read back yet */
	uint32_t flushed_gen; /* vgic_dist.gen at the last flush */
	/* What each LR holds as far as we know (written at flush, read back
	 * at sync): a flush writes only the LRs that change. */
	uint64_t lr_val[VGIC_MAX_LRS];
	uint64_t hcr_trap;    /* the NPIE/UIE bits the last flush asked for */
	uint32_t work_priv;   /* bit n: private INTID n may need an LR */
	uint32_t phys_active; /* bit n: forwarded PPI n is active physically */
	bool sleep;	      /* GICR_WAKER.ProcessorSleep */
	/* Virtual CPU interface state that a world switch moves. */
	uint64_t vmcr;
	/* Active priorities: with 5 preemption bits (ICH_VTR_EL2.PREbits,
	 * Cortex-A57 and QEMU) only AP0R0/AP1R0 exist. */
	uint64_t ap0r;
	uint64_t ap1r;
	struct mmio_device rdist; /* this vCPU's RD + SGI frames */
};

/* Reset state: everything disabled, inactive, not pending, priority 0,
 * Group 0, SGIs edge and PPIs/SPIs level; redistributors asleep. Registers
 * the GICD and each vCPU's GICR on the VM's bus. */
int vgic_init(struct vm *vm);

/* The state of intid as seen by vCPU v (v may be NULL for SPIs only).
 * NULL for an INTID that is not modelled (or private without a vCPU). */
struct vgic_irq *vgic_irq_get(struct vm *vm, struct vcpu *v, uint32_t intid);

/* Is the interrupt pending: latched, or level-sensitive with its line
 * high? */
static inline bool vgic_irq_pending(const struct vgic_irq *irq)
{
	return irq->pending_latch || (!irq->edge && irq->line_level);
}

/*
 * A device or timer drives an interrupt input. For a level-sensitive
 * interrupt 'level' is the line; for an edge-triggered one a rising call
 * (level = true) latches one pending event. v names the vCPU for private
 * INTIDs and is ignored for SPIs. Returns the vCPU that should notice (the
 * target), or NULL.
 */
struct vcpu *vgic_set_line(struct vm *vm, struct vcpu *v, uint32_t intid,
			   bool level);

/* Make intid pending once, as an edge or a GICD_ISPENDR write would: SGIs,
 * and one-shot events. */
void vgic_inject(struct vm *vm, struct vcpu *v, uint32_t intid);

/* Record that interrupt state changed outside a flush/sync. */
static inline void vgic_changed(struct vm *vm);

/* After any change to intid's pending, line or active state: keep the
 * work bitmaps (work_priv, work_spi) in step. */
void vgic_track(struct vm *vm, struct vcpu *v, uint32_t intid);
/* Kick the vCPU intid's state belongs to (v for a private one, the
 * routing target for an SPI) unless it is the one this CPU runs. */
void vgic_kick_owner(struct vm *vm, struct vcpu *v, uint32_t intid);

/* A device's interrupt output: the one way a device model drives the
 * vGIC. The device sets its current level after any change of state;
 * only a change reaches the vGIC. */
struct vgic_line {
	struct vm *vm;
	uint32_t intid;
	bool level;
};
void vgic_line_init(struct vgic_line *l, struct vm *vm, uint32_t intid);
void vgic_line_set(struct vgic_line *l, bool level);

/* Link a private interrupt of v to a physical one (e.g. the virtual timer
 * PPI 27 to the physical PPI 27): the guest's deactivation of the virtual
 * INTID then deactivates the physical one. */
void vgic_set_hw(struct vcpu *v, uint32_t intid, uint32_t pintid);

/* Would v take an interrupt now (pending, enabled, group enabled in the
 * distributor and in ICH_VMCR, above the priority mask)? A WFI returns only
 * for such an interrupt. Reads the saved VMCR, so sync first. */
bool vgic_vcpu_has_deliverable(struct vm *vm, struct vcpu *v);

/* Model -> list registers, for the vCPU about to run on this CPU. */
void vgic_flush(struct vcpu *v);
/* The same when the LRs may hold another vCPU's state (vcpu_load). */
void vgic_flush_all(struct vcpu *v);
/* List registers -> model, right after v exited. */
void vgic_sync(struct vcpu *v);

/* Forwarded timer interrupts (timer.c). vgic_timer_init links the EL1
 * timers' PPIs to their physical twins; vgic_timer_fired takes a physical
 * timer interrupt for v (false: intid is not a timer's); vgic_timer_sample
 * runs on exits, after the LRs are synced. */
void vgic_timer_init(struct vcpu *v);
bool vgic_timer_fired(struct vcpu *v, uint32_t intid);
void vgic_timer_sample_slow(struct vcpu *v);
/* Is one of v's EL1 timers firing now (enabled, condition met, not
 * masked), whether or not the guest's GIC would deliver its interrupt? */
bool vgic_timer_output_high(struct vcpu *v);

/* World switch of ICH_VMCR_EL2 and ICH_AP0R/AP1R<n>_EL2. */
void vgic_vcpu_load(struct vcpu *v);
void vgic_vcpu_put(struct vcpu *v);

/* Device models (gicd.c, gicr.c). */
void vgic_gicd_init(struct vm *vm, uint64_t base);
void vgic_gicr_init(struct vcpu *v, uint64_t base);

/* IROUTER resolution, also used when a route or an MPIDR changes. */
uint8_t vgic_route_target(const struct vm *vm, uint64_t irouter);

/* struct vm embeds a struct vgic_dist named gicd (vm/vm.h); only the
 * counter is touched here, through this accessor. */
struct vgic_dist *vgic_dist_of(struct vm *vm);
static inline void vgic_changed(struct vm *vm)
{
	vgic_dist_of(vm)->gen++;
}

#endif
