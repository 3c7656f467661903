/*
 * Work one vCPU asks of another. A vCPU's registers belong to whichever
 * physical CPU runs it, so no other vCPU writes them: it posts a request
 * (a bit in vcpu.req, its payload beside it) and the target applies it
 * itself, from vcpu_apply_requests, before it is next entered.
 *
 * Order: the poster writes the payload, then sets the bit (release); the
 * target takes every bit at once (acquire) and so sees the payload.
 */
#ifndef HV_VCPU_REQ_H
#define HV_VCPU_REQ_H

#include <stdbool.h>
#include <stdint.h>

#include "vcpu.h"

/*
 * PSCI CPU_ON of target t, from another vCPU. Claims t by moving it from
 * OFF to ON_PENDING; only the claimant writes the payload and posts
 * VCPU_REQ_CPU_ON, then kicks t. Returns the power state t was in: OFF if
 * the request was posted, otherwise ON or ON_PENDING (nothing posted).
 */
enum vcpu_power vcpu_post_cpu_on(struct vcpu *t, uint64_t entry,
				 uint64_t context_id);

/* Make SGI 'intid' pending at target t (a vCPU other than the caller's):
 * posted, then t kicked. */
void vcpu_post_sgi(struct vcpu *t, unsigned intid);

/* Hand x0..x7 to t, which waits for a message (msg_wait): its call
 * returns them when it next runs. Posted, then t kicked. The caller makes
 * sure one message at most is in flight to t (FF-A's own state). */
void vcpu_post_msg(struct vcpu *t, const uint64_t x[8]);
/* The same, from the scheduler of the physical CPU that is about to run t
 * (FF-A ending t's wait for an interrupt): nothing to kick. */
void vcpu_post_msg_here(struct vcpu *t, const uint64_t x[8]);

/*
 * Called for v by the run loop (on the physical CPU that will run it),
 * before entering it: applies the posted requests (CPU_ON: reset at the
 * entry point with x0 = context id; v becomes ON; SGIs: pending in v's
 * interrupt model). Returns whether v may be entered now, i.e. it is ON.
 */
bool vcpu_apply_requests(struct vcpu *v);

/*
 * Whether a scheduler should pick v: it is ON, or it has a request posted
 * that vcpu_apply_requests will act on (which may make it ON). An OFF vCPU
 * with nothing posted is not runnable; an ON vCPU waiting in WFI or
 * CPU_SUSPEND is (the run loop waits for its interrupt).
 */
static inline bool vcpu_runnable(const struct vcpu *v)
{
	return atomic_load_explicit(&v->power, memory_order_acquire) ==
		   VCPU_POWER_ON ||
	       atomic_load_explicit(&v->req, memory_order_acquire) != 0;
}

/*
 * Tell whoever schedules v that it has a new request. The hook point for
 * the scheduler: with none installed (one vCPU runs at a time, on one
 * physical CPU) this does nothing, as the target is not running and finds
 * the request at its next vcpu_apply_requests. A scheduler that runs vCPUs
 * on several physical CPUs installs a hook that makes v runnable in its
 * queues and, if v is running elsewhere, forces it to exit (an IPI): the
 * hook is called from the poster's context and must not block.
 */
typedef void (*vcpu_kick_fn)(struct vcpu *v);
void vcpu_set_kick_hook(vcpu_kick_fn fn);
void vcpu_kick(struct vcpu *v);

/* v waits for t to do something (it polls t's power state, say): if they
 * share a physical CPU, that CPU picks again at v's next exit, so that t
 * gets to run instead of v spinning out its time slice. */
static inline void vcpu_yield_to(struct vcpu *v, struct vcpu *t)
{
	if (t != v && t->pcpu == v->pcpu)
		vcpu_kick(t);
}

#endif
