/*
 * The run loop shared by every port. Each round flushes the interrupt
 * model into the list registers, enters the guest through the port's world
 * switch, syncs the list registers back and handles the exit. The model in
 * memory is the truth: the list registers only cache it while the guest
 * runs, so a vCPU can stop on any exit and resume later with nothing lost.
 */
#include "run.h"
#include "hal.h"
#include "sched/sched.h"
#include "vcpu_req.h"
#include "vgic/vgic.h"

/* Exits other than synchronous ones and SErrors (which the EC table also
 * handles, as ESR.EC 0x2f). */
static enum exit_action handle_async(struct vcpu *v, enum hal_exit kind)
{
	if (kind == HAL_EXIT_IRQ)
		return hv_handle_irq(v);
	/* HAL_EXIT_FIQ: every interrupt is Group 1, so none is signalled as
	 * FIQ; one that is anyway is not the guest's business. */
	vcpu_note(v, "fiq.ignored", 0, 0, 0);
	return EXIT_RESUME;
}

static inline bool is_sync(enum hal_exit kind)
{
	return kind == HAL_EXIT_SYNC || kind == HAL_EXIT_SERROR;
}

enum run_stop hv_run_vcpu_slice(struct vcpu *v, const atomic_bool *resched,
				enum exit_action *act)
{
	/* Read once: it only changes before a second CPU starts, which is
	 * before any CPU runs a guest. In a register, the two tests per
	 * exit cost one instruction each. */
	const unsigned smp = sched_is_smp;

	for (;;) {
		enum hal_exit kind;

		/* Work other vCPUs posted (an SGI, say) goes into the
		 * model, and from there into the list registers. A CPU
		 * told to pick again has a request posted to the vCPU it
		 * runs too, so the common exit pays this one test. */
		if (atomic_load_explicit(&v->req, memory_order_relaxed)) {
			(void)vcpu_apply_requests(v);
			vgic_flush(v);
			if (atomic_load_explicit(resched, memory_order_relaxed))
				return RUN_RESCHED;
		}
		if (smp)
			spin_unlock(&sched_big_lock);
		kind = hal_vcpu_enter(v);
		if (smp)
			spin_lock(&sched_big_lock);
		/* One test on the common path; hv_handle_sync has this one
		 * call site in a port, so it can be inlined here. */
		if (is_sync(kind)) {
			*act = hv_handle_sync(v);
		} else if (kind == HAL_EXIT_HOST) {
			/* The guest ran up to here: what it did to its list
			 * registers goes back into the model, which may change
			 * before the vCPU runs again. */
			vgic_sync(v);
			return RUN_HOST;
		} else {
			*act = handle_async(v, kind);
		}
		v->exit.action = *act;
		if (*act != EXIT_RESUME)
			return RUN_ACTION;
	}
}
