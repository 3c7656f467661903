/*
 * FF-A direct messaging between VMs (DEN0077A v1.1, "Direct messaging"):
 * FFA_MSG_SEND_DIRECT_REQ from one VM's vCPU n runs the receiver's vCPU n,
 * which must be waiting for a message (FFA_MSG_WAIT, or its previous
 * FFA_MSG_SEND_DIRECT_RESP); the sender waits until the receiver answers
 * with FFA_MSG_SEND_DIRECT_RESP, whose registers its call returns. Each
 * side's registers are written by posting them to it (vcpu_post_msg),
 * never directly: the other vCPU may be running on another CPU.
 *
 * Called under the FF-A lock, so the ready/serving state of every vCPU
 * changes one call at a time.
 */
#include "ffa/ffa.h"
#include "ffa/ffa_priv.h"
#include "vcpu_req.h"

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

/* v waits for a message: its call returns what is posted to it. */
static enum exit_action wait_for_message(struct ffa_vm *f, struct vcpu *v)
{
	f->msg_ready[v->id] = true;
	v->msg_wait = true;
	return EXIT_WFI;
}

enum exit_action ffa_msg_wait(struct ffa_vm *f, struct vcpu *v,
			      struct smccc_call *c)
{
	/* A request being handled is answered with DIRECT_RESP, which
	 * waits for the next one itself. */
	if (f->serving[v->id]) {
		ffa_err(c, FFA_DENIED);
		return EXIT_RESUME;
	}
	return wait_for_message(f, v);
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
	if (!r->msg_ready[v->id]) {
		ffa_err(c, FFA_BUSY);
		return EXIT_RESUME;
	}
	message(c, m);
	r->msg_ready[v->id] = false;
	r->serving[v->id] = v;
	vcpu_post_msg(&r->vm->vcpus[v->id], m);
	/* The sender's answer is the receiver's DIRECT_RESP. */
	v->msg_wait = true;
	return EXIT_WFI;
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
	vcpu_post_msg(s, m);
	return wait_for_message(f, v);
}
