/*
 * FF-A v1.1 notifications between VMs (DEN0077A v1.1, "Notifications"):
 * a receiver binds notifications (bits 0..63 of its VM bitmap) to one
 * sender each, globally or per vCPU; the bound sender sets them; the
 * receiver gets (and so clears) the pending ones, told of them by the
 * notification pending interrupt (NPI).
 *
 * Who does what, and why:
 * - Each VM's bitmap exists from ffa_vm_attach to ffa_vm_detach (its
 *   fields in struct ffa_vm). FFA_NOTIFICATION_BITMAP_CREATE/DESTROY are
 *   the hypervisor's calls to the SPMC for VMs, never a VM's: they are not
 *   in the ABI table, so a VM gets NOT_SUPPORTED (as Hafnium answers any
 *   caller but the hypervisor). Nor are they forwarded to an SPMC: secure
 *   partitions are not endpoints of this relayer (not listed, memory is
 *   never sent to them), so no SP can bind to a VM, the SP and SPM
 *   bitmaps of a GET are 0 and a secure sender ID is refused.
 * - FFA_NOTIFICATION_INFO_GET is the call of the receivers' scheduler at
 *   the non-secure instance. Here the hypervisor schedules every vCPU and
 *   raises the NPI at the receiver itself, so no VM is anyone's scheduler:
 *   INFO_GET is NOT_SUPPORTED from a VM (Hafnium answers so to every VM
 *   but its primary), and so is the schedule receiver interrupt (feature
 *   ID 2) that would tell a scheduler to ask.
 * - The NPI is SGI 14 of the receiver's vCPU (FFA_FEATURES feature ID 1
 *   reports it): SGIs 0-7 are Linux's IPIs, 8 and 9 Hafnium's schedule
 *   receiver and IPI, 15 the fixture runtime's doorbell. It goes to the
 *   vCPU a per-vCPU notification names, or for a global one to the first
 *   vCPU that is on (vCPU 0 if none is), and is made pending by posting
 *   it (vcpu_post_sgi), as the receiver is another VM's vCPU that may run
 *   on another CPU.
 *
 * Errors follow the spec's tables, with Hafnium's choices where the
 * table leaves room: a notification already bound (to anyone) cannot be
 * bound again, only unbound first; unbinding needs every bit bound to
 * the named sender and none pending. src/ffa/README.md lists each check.
 *
 * Called under the FF-A lock (ffa_call, ffa_vm_detach).
 */
#include "ffa/ffa_priv.h"
#include "vcpu_req.h"

/* w1: sender [31:16], receiver [15:0]; GET: vCPU ID [31:16]. */
#define W1_HIGH(w1) ((w1) >> 16)
#define W1_LOW(w1) ((w1)&0xffffu)
/* BIND w2 and SET w2 bit 0: per-vCPU notification. */
#define FLAG_PER_VCPU 1u
/* SET w2: bit 1 delays the schedule receiver interrupt (there is none
 * here, so it changes nothing), [15:2] reserved, [31:16] the vCPU ID. */
#define SET_RESERVED 0xfffcu
/* GET w2: which bitmaps; [31:4] MBZ. */
#define GET_SP 1u
#define GET_VM 2u
#define GET_SPM 4u
#define GET_HYP 8u

static uint64_t bitmap_of(const struct smccc_call *c)
{
	return (uint32_t)smccc_arg(c, 3) | (uint64_t)(uint32_t)smccc_arg(c, 4)
					       << 32;
}

/* The VM named as the other side of a binding, or NULL: the hypervisor,
 * a secure ID, an unknown ID and the caller itself are no sender here. */
static struct ffa_vm *other_vm(const struct ffa_vm *f, uint32_t id)
{
	struct ffa_vm *o = ffa_vm_by_id(id);

	return o == f ? NULL : o;
}

/* Every bit of bits bound to sender id (0: unbound). */
static bool all_bound_to(const struct ffa_vm *f, uint64_t bits, uint16_t id)
{
	for (unsigned n = 0; n < 64; n++)
		if ((bits >> n & 1) && f->notif_sender[n] != id)
			return false;
	return true;
}

static uint64_t pending_of(const struct ffa_vm *f)
{
	uint64_t p = f->notif_pending;

	for (unsigned c = 0; c < VM_MAX_VCPUS; c++)
		p |= f->notif_vcpu_pending[c];
	return p;
}

void ffa_notif_bind(struct ffa_vm *f, struct smccc_call *c)
{
	uint32_t w1 = (uint32_t)smccc_arg(c, 1);
	uint32_t flags = (uint32_t)smccc_arg(c, 2);
	uint64_t bits = bitmap_of(c);

	if ((flags & ~FLAG_PER_VCPU) || W1_LOW(w1) != ffa_id_of(f->vm) ||
	    !other_vm(f, W1_HIGH(w1)) || !bits) {
		ffa_err(c, FFA_INVALID_PARAMETERS);
		return;
	}
	/* Only a bound notification can be pending, so "already bound"
	 * covers "pending" too. */
	if (!all_bound_to(f, bits, 0)) {
		ffa_err(c, FFA_DENIED);
		return;
	}
	for (unsigned n = 0; n < 64; n++)
		if (bits >> n & 1)
			f->notif_sender[n] = (uint16_t)W1_HIGH(w1);
	/* Unbound bits are global (unbind and drop_vm clear the kind). */
	if (flags & FLAG_PER_VCPU)
		f->notif_per_vcpu |= bits;
	ffa_ok(c, 0);
}

void ffa_notif_unbind(struct ffa_vm *f, struct smccc_call *c)
{
	uint32_t w1 = (uint32_t)smccc_arg(c, 1);
	uint64_t bits = bitmap_of(c);

	if ((uint32_t)smccc_arg(c, 2) || W1_LOW(w1) != ffa_id_of(f->vm) ||
	    !other_vm(f, W1_HIGH(w1)) || !bits) {
		ffa_err(c, FFA_INVALID_PARAMETERS);
		return;
	}
	/* Only the named sender's bindings go, and not while one of them
	 * still has something for the receiver to get. */
	if (!all_bound_to(f, bits, (uint16_t)W1_HIGH(w1)) ||
	    (pending_of(f) & bits)) {
		ffa_err(c, FFA_DENIED);
		return;
	}
	for (unsigned n = 0; n < 64; n++)
		if (bits >> n & 1)
			f->notif_sender[n] = 0;
	f->notif_per_vcpu &= ~bits;
	ffa_ok(c, 0);
}

/* The vCPU a global notification interrupts: the first that is on, so a
 * receiver that never started its secondaries still hears it. */
static struct vcpu *global_target(struct vm *vm)
{
	for (unsigned i = 0; i < vm->nvcpus; i++)
		if (atomic_load_explicit(&vm->vcpus[i].power,
					 memory_order_acquire) == VCPU_POWER_ON)
			return &vm->vcpus[i];
	return &vm->vcpus[0];
}

void ffa_notif_set(struct ffa_vm *f, struct smccc_call *c)
{
	uint32_t w1 = (uint32_t)smccc_arg(c, 1);
	uint32_t flags = (uint32_t)smccc_arg(c, 2);
	bool per_vcpu = flags & FLAG_PER_VCPU;
	uint32_t vcpu = W1_HIGH(flags);
	uint64_t bits = bitmap_of(c);
	struct ffa_vm *r;

	/* The sender is the caller; a vCPU ID means a per-vCPU one. */
	if (W1_HIGH(w1) != ffa_id_of(f->vm) || (flags & SET_RESERVED) ||
	    (!per_vcpu && vcpu) || !bits) {
		ffa_err(c, FFA_INVALID_PARAMETERS);
		return;
	}
	r = other_vm(f, W1_LOW(w1));
	if (!r) {
		ffa_err(c, FFA_INVALID_PARAMETERS);
		return;
	}
	/* Every bit bound to the caller, and of the kind it was bound as. */
	if (!all_bound_to(r, bits, ffa_id_of(f->vm)) ||
	    (per_vcpu ? ~r->notif_per_vcpu & bits : r->notif_per_vcpu & bits)) {
		ffa_err(c, FFA_DENIED);
		return;
	}
	if (per_vcpu && vcpu >= r->vm->nvcpus) {
		ffa_err(c, FFA_INVALID_PARAMETERS);
		return;
	}
	if (per_vcpu)
		r->notif_vcpu_pending[vcpu] |= bits;
	else
		r->notif_pending |= bits;
	vcpu_post_sgi(per_vcpu ? &r->vm->vcpus[vcpu] : global_target(r->vm),
		      FFA_NOTIF_NPI_SGI);
	ffa_ok(c, 0);
}

enum exit_action ffa_notif_get(struct ffa_vm *f, struct vcpu *v,
			       struct smccc_call *c)
{
	uint32_t w1 = (uint32_t)smccc_arg(c, 1);
	uint32_t flags = (uint32_t)smccc_arg(c, 2);
	uint64_t vm_bits = 0;

	/* The receiver is the caller, asking for its own vCPU's. */
	if ((flags & ~(GET_SP | GET_VM | GET_SPM | GET_HYP)) ||
	    W1_LOW(w1) != ffa_id_of(f->vm) || W1_HIGH(w1) != v->id) {
		ffa_err(c, FFA_INVALID_PARAMETERS);
		return EXIT_RESUME;
	}
	if (flags & GET_VM) {
		vm_bits = f->notif_pending | f->notif_vcpu_pending[v->id];
		f->notif_pending = 0;
		f->notif_vcpu_pending[v->id] = 0;
	}
	/* w2/w3 SP, w4/w5 VM, w6 SPM, w7 hypervisor: no SP can bind to a
	 * VM here, and neither the SPMC nor the hypervisor signals one. */
	ffa_res(c, FFA_SUCCESS, 0, 0, 0);
	c->res[4] = (uint32_t)vm_bits;
	c->res[5] = vm_bits >> 32;
	return EXIT_RESUME;
}

void ffa_notif_drop_vm(uint16_t id)
{
	for (uint32_t k = 1; k <= HV_MAX_VMS; k++) {
		struct ffa_vm *r = ffa_vm_by_id(k);
		uint64_t gone = 0;

		if (!r)
			continue;
		for (unsigned n = 0; n < 64; n++)
			if (r->notif_sender[n] == id) {
				r->notif_sender[n] = 0;
				gone |= 1ull << n;
			}
		/* What the leaving sender set is no longer anyone's. */
		r->notif_per_vcpu &= ~gone;
		r->notif_pending &= ~gone;
		for (unsigned cpu = 0; cpu < VM_MAX_VCPUS; cpu++)
			r->notif_vcpu_pending[cpu] &= ~gone;
	}
}
