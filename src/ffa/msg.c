/*
 * FF-A messaging between VMs and CPU time (DEN0077A v1.1, "Direct
 * messaging", "CPU cycle management"):
 *
 * - FFA_MSG_SEND_DIRECT_REQ from one VM's vCPU n runs the receiver's vCPU
 *   n, which must be waiting for a message (FFA_MSG_WAIT, or its previous
 *   FFA_MSG_SEND_DIRECT_RESP); the sender waits until the receiver answers
 *   with FFA_MSG_SEND_DIRECT_RESP, whose registers its call returns.
 * - An interrupt the waiting vCPU could take ends either wait: the call
 *   returns FFA_INTERRUPT (ffa_wait_interrupted, from the scheduler). A
 *   sender so interrupted resumes its request with FFA_RUN naming the
 *   receiver's vCPU (w1 of its FFA_INTERRUPT); an answer that came in the
 *   meantime is kept and returned by that FFA_RUN.
 * - FFA_RUN of a vCPU waiting in FFA_MSG_WAIT ends its wait with FFA_RUN;
 *   FFA_YIELD gives up the caller's turn on its physical CPU.
 *
 * Each side's registers are written by posting them to it (vcpu_post_msg),
 * never directly: the other vCPU may be running on another CPU. Called
 * under the FF-A lock, so the ready/serving/asked state of every vCPU
 * changes one call at a time, and so a message and an interrupt ending
 * the same wait are decided in one order.
 */
#include "ffa/ffa.h"
#include "ffa/ffa_priv.h"
#include "lib/mem.h"
#include "vcpu_req.h"
#include "vgic/vgic.h"

#define TARGET_VCPU_MASK 0xffffu

/* x0..x7 of a direct message: the function ID as called (32 or 64-bit),
 * w1 source/destination, w2 flags (0: a partition message), x3..x7. */
static void message(const struct smccc_call *c, uint64_t m[8])
{
	m[0] = c->fid;
	m[1] = (uint32_t)smccc_arg(c, 1);
	m[2] = 0;
	for (unsigned i = 3; i < 8; i++)
		m[i] = smccc_arg(c, i);
}

/* FFA_RUN/FFA_INTERRUPT target information: endpoint ID [31:16], vCPU
 * index [15:0]. */
static uint32_t target_info(const struct vcpu *t)
{
	return (uint32_t)ffa_id_of(t->vm) << 16 | t->id;
}

/* What a wait returns when it is ended by something other than a message:
 * fid, w1, and zeros. */
static void wake_value(uint64_t m[8], uint32_t fid, uint32_t w1)
{
	memset(m, 0, 8 * sizeof(m[0]));
	m[0] = fid;
	m[1] = w1;
}

/* The call returns m now. */
static void answer_now(struct smccc_call *c, const uint64_t m[8])
{
	c->nres = 8;
	for (unsigned i = 0; i < 8; i++)
		c->res[i] = m[i];
}

/* An interrupt v could take is pending already, as WFI would see it
 * (trap/wfx.c). Only here, at the exit, is the model in sync with the
 * list registers: the scheduler's test while v waits sees interrupts that
 * come later, as they reach the model. */
static bool irq_now(struct vcpu *v)
{
	return vgic_vcpu_has_deliverable(v->vm, v) || vgic_timer_output_high(v);
}

/* v waits for a message: its call returns what is posted to it, or
 * FFA_INTERRUPT at once if an interrupt is pending. */
static enum exit_action wait_for_message(struct ffa_vm *f, struct vcpu *v,
					 struct smccc_call *c)
{
	uint64_t m[8];

	if (irq_now(v)) {
		wake_value(m, FFA_INTERRUPT, 0);
		answer_now(c, m);
		return EXIT_RESUME;
	}
	f->msg_ready[v->id] = true;
	v->msg_wait = true;
	return EXIT_WFI;
}

/* v waits for the answer to its request (f->asked), the same way. */
static enum exit_action wait_for_answer(struct ffa_vm *f, struct vcpu *v,
					struct smccc_call *c)
{
	uint64_t m[8];

	if (irq_now(v)) {
		wake_value(m, FFA_INTERRUPT, target_info(f->asked[v->id]));
		answer_now(c, m);
		return EXIT_RESUME;
	}
	f->answer_wait[v->id] = true;
	v->msg_wait = true;
	return EXIT_WFI;
}

enum exit_action ffa_msg_wait(struct ffa_vm *f, struct vcpu *v,
			      struct smccc_call *c)
{
	uint64_t m[8];

	/* A request being handled is answered with DIRECT_RESP, which
	 * waits for the next one itself; a request of its own that an
	 * interrupt suspended is resumed with FFA_RUN. */
	if (f->serving[v->id] || f->asked[v->id]) {
		ffa_err(c, FFA_DENIED);
		return EXIT_RESUME;
	}
	/* A message reached RX while no vCPU of the VM waited: this wait
	 * is run at once, as a waiting vCPU would have been. */
	if (f->rx_unseen) {
		f->rx_unseen = false;
		wake_value(m, FFA_RUN, target_info(v));
		answer_now(c, m);
		return EXIT_RESUME;
	}
	return wait_for_message(f, v, c);
}

void ffa_msg_wake(struct ffa_vm *r)
{
	uint64_t m[8];

	for (unsigned n = 0; n < r->vm->nvcpus; n++) {
		struct vcpu *t = &r->vm->vcpus[n];

		if (!r->msg_ready[n])
			continue;
		r->msg_ready[n] = false;
		wake_value(m, FFA_RUN, target_info(t));
		vcpu_post_msg(t, m);
		return;
	}
	r->rx_unseen = true;
}

enum exit_action ffa_direct_req(struct ffa_vm *f, struct vcpu *v,
				struct smccc_call *c)
{
	uint32_t w1 = (uint32_t)smccc_arg(c, 1);
	struct ffa_vm *r;
	uint64_t m[8];

	if ((w1 >> 16) != ffa_id_of(f->vm) || (w1 & 0xffffu) == (w1 >> 16)) {
		ffa_err(c, FFA_INVALID_PARAMETERS);
		return EXIT_RESUME;
	}
	r = ffa_vm_by_id(w1 & 0xffffu);
	/* Execution context n of a receiver takes requests from context n
	 * of the sender. */
	if (!r || v->id >= r->vm->nvcpus) {
		ffa_err(c, FFA_INVALID_PARAMETERS);
		return EXIT_RESUME;
	}
	/* One request per vCPU: an interrupted one is resumed by FFA_RUN. */
	if (f->asked[v->id]) {
		ffa_err(c, FFA_DENIED);
		return EXIT_RESUME;
	}
	if (!r->msg_ready[v->id]) {
		ffa_err(c, FFA_BUSY);
		return EXIT_RESUME;
	}
	message(c, m);
	r->msg_ready[v->id] = false;
	r->serving[v->id] = v;
	f->asked[v->id] = &r->vm->vcpus[v->id];
	vcpu_post_msg(f->asked[v->id], m);
	/* The sender's answer is the receiver's DIRECT_RESP. */
	return wait_for_answer(f, v, c);
}

/* The answer m for sender s: to its waiting call, or kept for its RUN. */
static void deliver_answer(struct vcpu *s, const uint64_t m[8])
{
	struct ffa_vm *sf = ffa_vm_of(s->vm);

	if (sf->answer_wait[s->id]) {
		sf->answer_wait[s->id] = false;
		sf->asked[s->id] = NULL;
		vcpu_post_msg(s, m);
		return;
	}
	for (unsigned i = 0; i < 8; i++)
		sf->answer[s->id][i] = m[i];
	sf->answered[s->id] = true;
}

enum exit_action ffa_direct_resp(struct ffa_vm *f, struct vcpu *v,
				 struct smccc_call *c)
{
	uint32_t w1 = (uint32_t)smccc_arg(c, 1);
	struct vcpu *s = f->serving[v->id];
	uint64_t m[8];

	if ((w1 >> 16) != ffa_id_of(f->vm)) {
		ffa_err(c, FFA_INVALID_PARAMETERS);
		return EXIT_RESUME;
	}
	/* Only the request being handled can be answered, to its sender. */
	if (!s || (w1 & 0xffffu) != ffa_id_of(s->vm)) {
		ffa_err(c, FFA_DENIED);
		return EXIT_RESUME;
	}
	message(c, m);
	f->serving[v->id] = NULL;
	deliver_answer(s, m);
	return wait_for_message(f, v, c);
}

bool ffa_msg_interrupted(struct ffa_vm *f, struct vcpu *v)
{
	uint64_t m[8];
	unsigned n = v->id;

	if (f->msg_ready[n]) {
		/* Not ready for requests until it waits again. */
		f->msg_ready[n] = false;
		wake_value(m, FFA_INTERRUPT, 0);
	} else if (f->answer_wait[n] && f->asked[n]) {
		/* w1 names the receiver's vCPU, for the FFA_RUN that resumes
		 * the request. */
		f->answer_wait[n] = false;
		wake_value(m, FFA_INTERRUPT, target_info(f->asked[n]));
	} else {
		/* A message was posted first: it ends the wait. */
		return false;
	}
	vcpu_post_msg_here(v, m);
	return true;
}

/* Calls to a secure endpoint's vCPU are the SPMC's, x0..x17 as they are
 * (FFA_RUN's w1 names the target, not the caller). */
static void forward_run(struct smccc_call *c)
{
	uint64_t a[18];

	for (unsigned i = 0; i < 18; i++)
		a[i] = smccc_arg(c, i);
	a[0] = c->fid;
	hal_smc_forward(a);
	c->nres = 8;
	for (unsigned i = 0; i < 8; i++)
		c->res[i] = a[i];
}

enum exit_action ffa_run(struct ffa_vm *f, struct vcpu *v, struct smccc_call *c)
{
	uint32_t w1 = (uint32_t)smccc_arg(c, 1);
	unsigned n = w1 & TARGET_VCPU_MASK;
	struct ffa_vm *t;
	struct vcpu *tv;
	uint64_t m[8];

	if ((w1 >> 16) & FFA_SECURE_BIT) {
		forward_run(c);
		return EXIT_RESUME;
	}
	t = ffa_vm_by_id(w1 >> 16);
	if (!t || n >= t->vm->nvcpus) {
		ffa_err(c, FFA_INVALID_PARAMETERS);
		return EXIT_RESUME;
	}
	tv = &t->vm->vcpus[n];
	/* The caller's own request, suspended by an interrupt: its answer
	 * if it came, else the caller waits for it again. */
	if (f->asked[v->id] == tv) {
		if (!f->answered[v->id])
			return wait_for_answer(f, v, c);
		f->answered[v->id] = false;
		f->asked[v->id] = NULL;
		answer_now(c, f->answer[v->id]);
		return EXIT_RESUME;
	}
	/* A vCPU waiting in MSG_WAIT is run: its call returns FFA_RUN. The
	 * post's kick makes a CPU the caller shares with it pick again at
	 * the caller's exit, so the caller gives it its turn. */
	if (t->msg_ready[n]) {
		t->msg_ready[n] = false;
		wake_value(m, FFA_RUN, w1);
		vcpu_post_msg(tv, m);
		ffa_ok(c, 0);
		return EXIT_RESUME;
	}
	/* Off, or blocked on a request of its own: not in a state to be
	 * run. Otherwise it runs already (the caller itself included) or
	 * waits for an interrupt: busy, retry. */
	if (t->vm->state != VM_RUNNING || t->answer_wait[n] ||
	    atomic_load_explicit(&tv->power, memory_order_acquire) !=
		VCPU_POWER_ON) {
		ffa_err(c, FFA_DENIED);
		return EXIT_RESUME;
	}
	ffa_err(c, FFA_BUSY);
	return EXIT_RESUME;
}

/* Any other vCPU sharing v's physical CPU is kicked: that CPU picks
 * again at v's exit, and round-robin gives the others their turn before
 * v's next one. With none, v simply goes on. */
static void give_way(struct vcpu *v)
{
	for (uint32_t id = 1; id <= HV_MAX_VMS; id++) {
		struct ffa_vm *o = ffa_vm_by_id(id);

		for (unsigned n = 0; o && n < o->vm->nvcpus; n++) {
			struct vcpu *t = &o->vm->vcpus[n];

			if (t != v && t->pcpu == v->pcpu) {
				vcpu_yield_to(v, t);
				return;
			}
		}
	}
}

enum exit_action ffa_yield(struct ffa_vm *f, struct vcpu *v,
			   struct smccc_call *c)
{
	/* w2/w3 are a timeout (a hint for the scheduler, which resumes the
	 * caller at its next turn); x4..x7 are MBZ. */
	for (unsigned i = 4; i < 8; i++)
		if (smccc_arg(c, i) != 0) {
			ffa_err(c, FFA_INVALID_PARAMETERS);
			return EXIT_RESUME;
		}
	/* A request being handled is answered, not yielded from. */
	if (f->serving[v->id]) {
		ffa_err(c, FFA_DENIED);
		return EXIT_RESUME;
	}
	give_way(v);
	ffa_ok(c, 0);
	return EXIT_RESUME;
}

void ffa_msg_drop_vm(const struct vm *vm)
{
	uint64_t m[8];

	wake_value(m, FFA_ERROR, 0);
	m[2] = (uint32_t)FFA_ABORTED;
	for (uint32_t id = 1; id <= HV_MAX_VMS; id++) {
		struct ffa_vm *o = ffa_vm_by_id(id);

		if (!o || o->vm == vm)
			continue;
		for (unsigned n = 0; n < VM_MAX_VCPUS; n++) {
			/* A request from the leaving VM can no longer be
			 * answered. */
			if (o->serving[n] && o->serving[n]->vm == vm)
				o->serving[n] = NULL;
			/* One to it will never be: a waiting sender's call
			 * ends with ABORTED; an interrupted one is free again
			 * (its FFA_RUN of the gone VM is INVALID_PARAMETERS).
			 */
			if (!o->asked[n] || o->asked[n]->vm != vm)
				continue;
			if (o->answer_wait[n])
				vcpu_post_msg(&o->vm->vcpus[n], m);
			o->answer_wait[n] = false;
			o->answered[n] = false;
			o->asked[n] = NULL;
		}
	}
}
