/*
 * Exit dispatch. Synchronous exits go through a table indexed by ESR.EC
 * with every slot filled: an EC we do not expect from a guest gets an UNDEF
 * injected, it never stops the hypervisor.
 */
#include "exit.h"
#include "arch/esr.h"
#include "hal.h"
#include "trap/handlers.h"
#include "trap/inject.h"
#include "vgic/lr.h"

#define VTIMER_PPI 27u
#define VTIMER_PRIO 0xa0u
#define CNTV_CTL_IMASK (1ull << 1)

static const exit_handler_fn exit_handlers[EC_COUNT] = {
    [0 ... EC_COUNT - 1] = handle_unknown_ec,
    [EC_WFX] = handle_wfx,
    [EC_HVC64] = handle_hvc,
    [EC_SMC64] = handle_smc,
    [EC_SYSREG] = handle_sysreg,
    [EC_IABT_LOW] = handle_iabt,
    [EC_DABT_LOW] = handle_dabt,
};

exit_handler_fn exit_handler_for(unsigned ec)
{
	return exit_handlers[ec & ESR_EC_MASK];
}

enum exit_action hv_handle_sync(struct vcpu *v)
{
	v->note.what = "";
	v->note.a = v->note.b = v->note.result = 0;
	return exit_handlers[esr_ec(v->exit.esr)](v);
}

enum exit_action handle_unknown_ec(struct vcpu *v)
{
	vcpu_note(v, "undef.ec", esr_ec(v->exit.esr), v->exit.esr, 0);
	inject_undef(v);
	return EXIT_RESUME;
}

/*
 * The only physical interrupt routed to guests so far is the virtual timer.
 * It is level triggered on the physical side, so it is masked at the timer
 * (CNTV_CTL_EL0.IMASK, as Linux does in its own handler) before the
 * physical INTID is completed; the guest unmasks when it reprograms.
 */
enum exit_action hv_handle_irq(struct vcpu *v)
{
	uint32_t intid = hal_gic_ack();

	v->note.what = "irq.spurious";
	v->note.a = intid;
	v->note.b = v->note.result = 0;
	if (intid >= 1020)
		return EXIT_RESUME;
	if (intid == VTIMER_PPI) {
		uint64_t ctl = hal_sysreg_read(SYSREG_CNTV_CTL_EL0);

		hal_sysreg_write(SYSREG_CNTV_CTL_EL0, ctl | CNTV_CTL_IMASK);
		v->note.what = "irq.vtimer";
		v->note.result =
		    (uint64_t)vgic_lr_inject(VTIMER_PPI, false, 0, VTIMER_PRIO);
	} else {
		v->note.what = "irq.unrouted";
	}
	hal_gic_eoi(intid);
	return EXIT_RESUME;
}
