/* Virtual interrupts through the GICv3 list registers (ICH_LR<n>_EL2). */
#ifndef HV_VGIC_LR_H
#define HV_VGIC_LR_H

#include <stdbool.h>
#include <stdint.h>

#define ICH_LR_STATE_SHIFT 62
#define ICH_LR_PENDING (1ull << 62)
#define ICH_LR_ACTIVE (1ull << 63)
#define ICH_LR_STATE_MASK (3ull << 62)
#define ICH_LR_HW (1ull << 61)
#define ICH_LR_GROUP1 (1ull << 60)
#define ICH_LR_PRIO_SHIFT 48
#define ICH_LR_PINTID_SHIFT 32
#define ICH_LR_VINTID_MASK 0xffffffffull

#define ICH_HCR_EN (1ull << 0)

#define ICH_VMCR_VENG0 (1ull << 0)
#define ICH_VMCR_VENG1 (1ull << 1)
#define ICH_VMCR_VPMR_SHIFT 24

/* Make vintid pending for the current vCPU. If an LR already holds it
 * (pending or active), pending is added there. HV_ENOMEM when every LR is
 * in use. 'hw' links it to physical pintid (deactivated by the guest). */
int vgic_lr_inject(uint32_t vintid, bool hw, uint32_t pintid, uint8_t prio);
/* True if some LR holds a pending interrupt. */
bool vgic_lr_any_pending(void);
/* True if a pending LR would be signalled to the vCPU: its group is enabled
 * (ICH_VMCR_EL2.VENG0/1) and its priority beats the priority mask (VPMR).
 * Only such an interrupt wakes a WFI; an undeliverable one must not turn
 * WFI into a busy loop. */
bool vgic_lr_can_wake(void);

#endif
