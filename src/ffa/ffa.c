/*
 * FF-A dispatch and discovery: FFA_VERSION, FFA_FEATURES, FFA_ID_GET,
 * FFA_SPM_ID_GET, and the forwarding of calls addressed to the secure
 * world. Buffers are in rxtx.c, partition discovery in partinfo.c, memory
 * transactions in mem.c.
 */
#include "ffa/ffa_priv.h"
#include "lib/mem.h"
#include "lib/spinlock.h"

#define VERSION_RESERVED (1u << 31)
#define VERSION_MAJOR(v) (((v) >> 16) & 0x7fffu)
#define VERSION_MINOR(v) ((v)&0xffffu)
/* FFA_FEATURES: w1 bit 31 clear names a feature ID in bits [7:0]. */
#define FEATURES_IS_FID (1u << 31)

static struct ffa_vm vms[HV_MAX_VMS];
/* One lock over all FF-A state: a transaction touches several VMs' state,
 * their Stage-2 tables and the ownership table at once. */
static struct spinlock lock;

struct ffa_vm *ffa_vm_of(const struct vm *vm)
{
	return &vms[vm->id];
}

struct ffa_vm *ffa_vm_by_id(uint32_t id)
{
	if (id == 0 || id > HV_MAX_VMS || !vms[id - 1].vm)
		return NULL;
	return &vms[id - 1];
}

/* The functions this relayer implements, for FFA_FEATURES. */
static const uint32_t implemented[] = {
    FFA_ERROR,
    FFA_SUCCESS,
    FFA_SUCCESS_64,
    FFA_VERSION,
    FFA_FEATURES,
    FFA_RX_RELEASE,
    FFA_RXTX_MAP,
    FFA_RXTX_MAP_64,
    FFA_RXTX_UNMAP,
    FFA_PARTITION_INFO_GET,
    FFA_ID_GET,
    FFA_MEM_DONATE,
    FFA_MEM_DONATE_64,
    FFA_MEM_LEND,
    FFA_MEM_LEND_64,
    FFA_MEM_SHARE,
    FFA_MEM_SHARE_64,
    FFA_MEM_RETRIEVE_REQ,
    FFA_MEM_RETRIEVE_REQ_64,
    FFA_MEM_RELINQUISH,
    FFA_MEM_RECLAIM,
    FFA_SPM_ID_GET,
    FFA_PARTITION_INFO_GET_REGS,
    FFA_MEM_FRAG_TX,
    FFA_MSG_WAIT,
    FFA_MSG_SEND_DIRECT_REQ,
    FFA_MSG_SEND_DIRECT_REQ_64,
    FFA_MSG_SEND_DIRECT_RESP,
    FFA_MSG_SEND_DIRECT_RESP_64,
};

static void version(struct ffa_vm *f, struct smccc_call *c)
{
	uint32_t want = (uint32_t)smccc_arg(c, 1);

	/* The answer is the version itself in w0, not FFA_SUCCESS; a
	 * caller whose major version differs cannot talk to us at all. */
	if ((want & VERSION_RESERVED) || VERSION_MAJOR(want) != 1) {
		ffa_res(c, (uint32_t)FFA_NOT_SUPPORTED, 0, 0, 0);
		return;
	}
	/* A v1.0 caller is recorded as such; a newer minor gets ours. */
	f->version = VERSION_MINOR(want) >= 1 ? FFA_VERSION_1_1 : want;
	ffa_res(c, FFA_VERSION_1_1, 0, 0, 0);
}

static void features(struct smccc_call *c)
{
	uint32_t q = (uint32_t)smccc_arg(c, 1);

	/* Feature IDs (notification interrupts, schedule receiver,
	 * managed exit): none, as there are no notifications. */
	if (!(q & FEATURES_IS_FID)) {
		ffa_err(c, FFA_NOT_SUPPORTED);
		return;
	}
	for (unsigned i = 0; i < sizeof(implemented) / sizeof(implemented[0]);
	     i++) {
		if (implemented[i] == q) {
			/* RXTX_MAP: w2 [1:0] = 0, buffers are 4 KiB
			 * aligned and sized in 4 KiB units; no other
			 * function has properties to report. */
			ffa_ok(c, 0);
			return;
		}
	}
	ffa_err(c, FFA_NOT_SUPPORTED);
}

/* Forwards x0..x17 to EL3 with the sender ID the caller cannot forge. */
static void forward(struct ffa_vm *f, struct smccc_call *c)
{
	uint64_t a[18];

	for (unsigned i = 0; i < 18; i++)
		a[i] = smccc_arg(c, i);
	a[0] = c->fid;
	a[1] = ((uint32_t)ffa_id_of(f->vm) << 16) | (a[1] & 0xffffu);
	hal_smc_forward(a);
	c->nres = 8;
	for (unsigned i = 0; i < 8; i++)
		c->res[i] = a[i];
}

static enum exit_action direct_req(struct ffa_vm *f, struct vcpu *v,
				   struct smccc_call *c)
{
	uint32_t w1 = (uint32_t)smccc_arg(c, 1);

	/* w1 [31:16] is the sender and must be the caller; a secure
	 * endpoint's messages are the SPMC's. */
	if ((w1 >> 16) != ffa_id_of(f->vm)) {
		ffa_err(c, FFA_INVALID_PARAMETERS);
		return EXIT_RESUME;
	}
	if (w1 & FFA_SECURE_BIT) {
		forward(f, c);
		return EXIT_RESUME;
	}
	return ffa_direct_req(f, v, c);
}

static void spm_id_get(struct ffa_vm *f, struct smccc_call *c)
{
	/* The SPMC's ID is the secure world's to say. */
	forward(f, c);
	if ((uint32_t)c->res[0] != FFA_SUCCESS)
		ffa_err(c, FFA_NOT_SUPPORTED);
}

static enum exit_action dispatch(struct ffa_vm *f, struct vcpu *v,
				 struct smccc_call *c)
{
	switch (c->fid) {
	case FFA_MSG_WAIT:
		return ffa_msg_wait(f, v, c);
	case FFA_MSG_SEND_DIRECT_REQ:
	case FFA_MSG_SEND_DIRECT_REQ_64:
		return direct_req(f, v, c);
	case FFA_MSG_SEND_DIRECT_RESP:
	case FFA_MSG_SEND_DIRECT_RESP_64:
		return ffa_direct_resp(f, v, c);
	case FFA_VERSION:
		version(f, c);
		break;
	case FFA_FEATURES:
		features(c);
		break;
	case FFA_ID_GET:
		ffa_ok(c, ffa_id_of(f->vm));
		break;
	case FFA_SPM_ID_GET:
		spm_id_get(f, c);
		break;
	case FFA_PARTITION_INFO_GET:
		ffa_partition_info_get(f, c);
		break;
	case FFA_PARTITION_INFO_GET_REGS:
		ffa_partition_info_get_regs(f, c);
		break;
	case FFA_RXTX_MAP:
	case FFA_RXTX_MAP_64:
		ffa_rxtx_map(f, c);
		break;
	case FFA_RXTX_UNMAP:
		ffa_rxtx_unmap(f, c);
		break;
	case FFA_RX_RELEASE:
		ffa_rx_release(f, c);
		break;
	case FFA_MEM_DONATE:
	case FFA_MEM_DONATE_64:
		ffa_mem_send(f, c, FFA_MEM_OP_DONATE);
		break;
	case FFA_MEM_LEND:
	case FFA_MEM_LEND_64:
		ffa_mem_send(f, c, FFA_MEM_OP_LEND);
		break;
	case FFA_MEM_SHARE:
	case FFA_MEM_SHARE_64:
		ffa_mem_send(f, c, FFA_MEM_OP_SHARE);
		break;
	case FFA_MEM_FRAG_TX:
		ffa_mem_frag_tx(f, c);
		break;
	case FFA_MEM_RETRIEVE_REQ:
	case FFA_MEM_RETRIEVE_REQ_64:
		ffa_mem_retrieve(f, c);
		break;
	case FFA_MEM_RELINQUISH:
		ffa_mem_relinquish(f, c);
		break;
	case FFA_MEM_RECLAIM:
		ffa_mem_reclaim(f, c);
		break;
	default:
		/* RX_ACQUIRE is the hypervisor's call to the SPMC, never a
		 * VM's; the rest is not implemented. */
		ffa_err(c, FFA_NOT_SUPPORTED);
		break;
	}
	return EXIT_RESUME;
}

enum exit_action ffa_call(struct vcpu *v, struct smccc_call *c)
{
	enum exit_action act;

	v->note.what = "ffa";
	spin_lock(&lock);
	act = dispatch(ffa_vm_of(v->vm), v, c);
	spin_unlock(&lock);
	return act;
}

void ffa_vm_attach(struct vm *vm)
{
	struct ffa_vm *f = &vms[vm->id];

	spin_lock(&lock);
	memset(f, 0, sizeof(*f));
	f->vm = vm;
	f->version = FFA_VERSION_1_1;
	f->registered = ffa_owner_add(vm);
	spin_unlock(&lock);
}

void ffa_vm_detach(struct vm *vm)
{
	struct ffa_vm *f = &vms[vm->id];
	unsigned i;

	spin_lock(&lock);
	if (!f->vm) {
		spin_unlock(&lock);
		return;
	}
	ffa_mem_drop_vm(ffa_id_of(vm));
	ffa_rxtx_drop(f);
	/* A request from the leaving VM can no longer be answered. */
	for (unsigned k = 0; k < HV_MAX_VMS; k++)
		for (unsigned c = 0; c < VM_MAX_VCPUS; c++)
			if (vms[k].serving[c] && vms[k].serving[c]->vm == vm)
				vms[k].serving[c] = NULL;
	if (f->registered)
		ffa_owner_remove(vm);
	memset(f, 0, sizeof(*f));
	for (i = 0; i < HV_MAX_VMS && !vms[i].vm; i++)
		;
	if (i == HV_MAX_VMS)
		ffa_mem_forget();
	spin_unlock(&lock);
}
