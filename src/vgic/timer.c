/*
 * The guest's two EL1 timers, virtual (PPI 27) and physical (PPI 30),
 * forwarded through HW=1 list registers: the physical interrupt is only
 * priority-dropped when it fires and stays active until the guest
 * deactivates its virtual twin, which deactivates it in hardware. The
 * guest's CNTV_CTL/CNTP_CTL are never touched, so they read back exactly
 * what it wrote.
 *
 * While the physical interrupt is active it cannot fire again, so the
 * timer's output is sampled on exits instead: the virtual line follows it,
 * and once the virtual interrupt is neither pending nor active (the guest
 * reprogrammed or disabled its timer without taking the interrupt, say
 * with it disabled in the GIC) the core deactivates the physical one.
 */
#include "hal.h"
#include "vcpu.h"
#include "vgic/vgic_priv.h"
#include "vm/vm.h"

#define CNT_CTL_ENABLE (1ull << 0)
#define CNT_CTL_IMASK (1ull << 1)
#define CNT_CTL_ISTATUS (1ull << 2)

static const struct {
	uint32_t intid;
	uint32_t ctl;
} timers[] = {
    {27, SYSREG_CNTV_CTL_EL0}, /* EL1 virtual timer */
    {30, SYSREG_CNTP_CTL_EL0}, /* EL1 physical timer */
};
#define NTIMERS (sizeof(timers) / sizeof(timers[0]))

/* The timer's interrupt output: enabled, condition met, not masked. */
static bool timer_output(uint32_t ctl_enc)
{
	uint64_t ctl = hal_sysreg_read(ctl_enc);

	return (ctl & (CNT_CTL_ENABLE | CNT_CTL_IMASK | CNT_CTL_ISTATUS)) ==
	       (CNT_CTL_ENABLE | CNT_CTL_ISTATUS);
}

void vgic_timer_init(struct vcpu *v)
{
	for (unsigned i = 0; i < NTIMERS; i++)
		vgic_set_hw(v, timers[i].intid, timers[i].intid);
	v->vgic.phys_active = 0;
}

bool vgic_timer_fired(struct vcpu *v, uint32_t intid)
{
	for (unsigned i = 0; i < NTIMERS; i++) {
		if (timers[i].intid != intid)
			continue;
		(void)vgic_set_line(v->vm, v, intid, true);
		v->vgic.phys_active |= 1u << intid;
		hal_gic_drop(intid);
		return true;
	}
	return false;
}

bool vgic_timer_output_high(struct vcpu *v)
{
	(void)v; /* the loaded vCPU's timers are the live EL1 registers */
	for (unsigned i = 0; i < NTIMERS; i++)
		if (timer_output(timers[i].ctl))
			return true;
	return false;
}

void vgic_timer_sample_slow(struct vcpu *v)
{
	for (unsigned i = 0; i < NTIMERS; i++) {
		uint32_t intid = timers[i].intid;
		const struct vgic_irq *irq = &v->vgic.priv[intid];

		if (!(v->vgic.phys_active & (1u << intid)))
			continue;
		(void)vgic_set_line(v->vm, v, intid,
				    timer_output(timers[i].ctl));
		if (!vgic_irq_pending(irq) && !irq->active) {
			hal_gic_deactivate(intid);
			v->vgic.phys_active &= ~(1u << intid);
		}
	}
}
