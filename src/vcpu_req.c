/* Requests posted to a vCPU by other vCPUs, applied by the vCPU itself. */
#include "vcpu_req.h"

static _Atomic(vcpu_kick_fn) kick_hook;

void vcpu_set_kick_hook(vcpu_kick_fn fn)
{
	atomic_store_explicit(&kick_hook, fn, memory_order_release);
}

void vcpu_kick(struct vcpu *v)
{
	vcpu_kick_fn fn =
	    atomic_load_explicit(&kick_hook, memory_order_acquire);

	if (fn)
		fn(v);
}

enum vcpu_power vcpu_post_cpu_on(struct vcpu *t, uint64_t entry,
				 uint64_t context_id)
{
	enum vcpu_power was = VCPU_POWER_OFF;

	/* Two CPU_ONs of the same target race here: one wins, the other
	 * sees ON_PENDING and reports it, as PSCI requires. */
	if (!atomic_compare_exchange_strong_explicit(
		&t->power, &was, VCPU_POWER_ON_PENDING, memory_order_acq_rel,
		memory_order_acquire))
		return was;
	t->on_req.entry = entry;
	t->on_req.context_id = context_id;
	atomic_fetch_or_explicit(&t->req, VCPU_REQ_CPU_ON,
				 memory_order_release);
	vcpu_kick(t);
	return VCPU_POWER_OFF;
}

void vcpu_post_sgi(struct vcpu *t, unsigned intid)
{
	atomic_fetch_or_explicit(&t->sgi_req, 1u << (intid & 15u),
				 memory_order_relaxed);
	atomic_fetch_or_explicit(&t->req, VCPU_REQ_SGI, memory_order_release);
	vcpu_kick(t);
}

void vcpu_post_msg_here(struct vcpu *t, const uint64_t x[8])
{
	for (unsigned i = 0; i < 8; i++)
		t->msg[i] = x[i];
	atomic_fetch_or_explicit(&t->req, VCPU_REQ_MSG, memory_order_release);
}

void vcpu_post_msg(struct vcpu *t, const uint64_t x[8])
{
	vcpu_post_msg_here(t, x);
	vcpu_kick(t);
}

bool vcpu_apply_requests(struct vcpu *v)
{
	unsigned req =
	    atomic_exchange_explicit(&v->req, 0u, memory_order_acquire);

	if (req & VCPU_REQ_MSG) {
		for (unsigned i = 0; i < 8; i++)
			v->regs.x[i] = v->msg[i];
		v->msg_wait = false;
	}
	if (req & VCPU_REQ_SGI) {
		unsigned sgis = atomic_exchange_explicit(&v->sgi_req, 0u,
							 memory_order_relaxed);

		for (; sgis; sgis &= sgis - 1)
			vgic_inject(v->vm, v, (uint32_t)__builtin_ctz(sgis));
	}
	/* Only the winner of OFF -> ON_PENDING posts CPU_ON, and the vCPU
	 * stays ON_PENDING until here, so the payload is stable. */
	if (req & VCPU_REQ_CPU_ON) {
		vcpu_reset(v, v->on_req.entry, v->on_req.context_id);
		v->msg_wait = false;
	}
	return atomic_load_explicit(&v->power, memory_order_acquire) ==
	       VCPU_POWER_ON;
}
