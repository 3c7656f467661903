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

/* Every ABI this relayer implements (abis[], below, sorted by function
 * ID): the dispatch searches it, and FFA_FEATURES reports from it. */
struct ffa_abi;
static const struct ffa_abi *find_abi(uint32_t fid);

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

static void features(struct ffa_vm *f, struct smccc_call *c)
{
	uint32_t q = (uint32_t)smccc_arg(c, 1);

	(void)f;
	/* Feature IDs: only the notification pending interrupt (notify.c:
	 * no VM schedules others, so no schedule receiver interrupt; no
	 * managed exit). Bits [30:8] are MBZ. */
	if (!(q & FEATURES_IS_FID)) {
		if (q == FFA_FEATURE_NPI)
			ffa_ok(c, FFA_NOTIF_NPI_SGI);
		else
			ffa_err(c, FFA_NOT_SUPPORTED);
		return;
	}
	/* RXTX_MAP: w2 [1:0] = 0, buffers are 4 KiB aligned and sized in
	 * 4 KiB units; no other function has properties to report. */
	if (find_abi(q))
		ffa_ok(c, 0);
	else
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

static void id_get(struct ffa_vm *f, struct smccc_call *c)
{
	ffa_ok(c, ffa_id_of(f->vm));
}

/* FFA_SUCCESS, FFA_ERROR and FFA_INTERRUPT are answers: FFA_FEATURES
 * reports them, but a VM has no call of its own to answer here. */
static void answer(struct ffa_vm *f, struct smccc_call *c)
{
	(void)f;
	ffa_err(c, FFA_NOT_SUPPORTED);
}

static void mem_donate(struct ffa_vm *f, struct smccc_call *c)
{
	ffa_mem_send(f, c, FFA_MEM_OP_DONATE);
}

static void mem_lend(struct ffa_vm *f, struct smccc_call *c)
{
	ffa_mem_send(f, c, FFA_MEM_OP_LEND);
}

static void mem_share(struct ffa_vm *f, struct smccc_call *c)
{
	ffa_mem_send(f, c, FFA_MEM_OP_SHARE);
}

/* An ABI answers at once (now), or may make the calling vCPU wait and
 * so needs it (call). */
struct ffa_abi {
	uint32_t fid;
	void (*now)(struct ffa_vm *f, struct smccc_call *c);
	enum exit_action (*call)(struct ffa_vm *f, struct vcpu *v,
				 struct smccc_call *c);
};

#define NOW(id, fn)                                                            \
	{                                                                      \
		.fid = (id), .now = (fn)                                       \
	}
#define WAITS(id, fn)                                                          \
	{                                                                      \
		.fid = (id), .call = (fn)                                      \
	}

static const struct ffa_abi abis[] = {
    NOW(FFA_ERROR, answer),
    NOW(FFA_SUCCESS, answer),
    NOW(FFA_INTERRUPT, answer),
    NOW(FFA_VERSION, version),
    NOW(FFA_FEATURES, features),
    NOW(FFA_RX_RELEASE, ffa_rx_release),
    NOW(FFA_RXTX_MAP, ffa_rxtx_map),
    NOW(FFA_RXTX_UNMAP, ffa_rxtx_unmap),
    NOW(FFA_PARTITION_INFO_GET, ffa_partition_info_get),
    NOW(FFA_ID_GET, id_get),
    WAITS(FFA_MSG_WAIT, ffa_msg_wait),
    WAITS(FFA_YIELD, ffa_yield),
    WAITS(FFA_RUN, ffa_run),
    WAITS(FFA_MSG_SEND_DIRECT_REQ, direct_req),
    WAITS(FFA_MSG_SEND_DIRECT_RESP, ffa_direct_resp),
    NOW(FFA_MEM_DONATE, mem_donate),
    NOW(FFA_MEM_LEND, mem_lend),
    NOW(FFA_MEM_SHARE, mem_share),
    NOW(FFA_MEM_RETRIEVE_REQ, ffa_mem_retrieve),
    NOW(FFA_MEM_RELINQUISH, ffa_mem_relinquish),
    NOW(FFA_MEM_RECLAIM, ffa_mem_reclaim),
    NOW(FFA_MEM_FRAG_TX, ffa_mem_frag_tx),
    NOW(FFA_NOTIFICATION_BIND, ffa_notif_bind),
    NOW(FFA_NOTIFICATION_UNBIND, ffa_notif_unbind),
    NOW(FFA_NOTIFICATION_SET, ffa_notif_set),
    WAITS(FFA_NOTIFICATION_GET, ffa_notif_get), /* needs the vCPU */
    NOW(FFA_SPM_ID_GET, spm_id_get),
    NOW(FFA_MSG_SEND2, ffa_msg_send2),
    NOW(FFA_SUCCESS_64, answer),
    NOW(FFA_RXTX_MAP_64, ffa_rxtx_map),
    WAITS(FFA_MSG_SEND_DIRECT_REQ_64, direct_req),
    WAITS(FFA_MSG_SEND_DIRECT_RESP_64, ffa_direct_resp),
    NOW(FFA_MEM_DONATE_64, mem_donate),
    NOW(FFA_MEM_LEND_64, mem_lend),
    NOW(FFA_MEM_SHARE_64, mem_share),
    NOW(FFA_MEM_RETRIEVE_REQ_64, ffa_mem_retrieve),
    NOW(FFA_PARTITION_INFO_GET_REGS, ffa_partition_info_get_regs),
};

#define NABIS (sizeof(abis) / sizeof(abis[0]))

static const struct ffa_abi *find_abi(uint32_t fid)
{
	size_t lo = 0, hi = NABIS;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (abis[mid].fid == fid)
			return &abis[mid];
		if (abis[mid].fid < fid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

long ffa_abi_table_check(void)
{
	for (size_t i = 1; i < NABIS; i++)
		if (abis[i - 1].fid >= abis[i].fid)
			return (long)i;
	return -1;
}

static enum exit_action dispatch(struct ffa_vm *f, struct vcpu *v,
				 struct smccc_call *c)
{
	const struct ffa_abi *a = find_abi(c->fid);

	/* RX_ACQUIRE and NOTIFICATION_BITMAP_CREATE/DESTROY are the
	 * hypervisor's calls to the SPMC, NOTIFICATION_INFO_GET the
	 * receivers' scheduler's (notify.c): never a VM's. */
	if (!a) {
		ffa_err(c, FFA_NOT_SUPPORTED);
		return EXIT_RESUME;
	}
	if (a->call)
		return a->call(f, v, c);
	a->now(f, c);
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

bool ffa_wait_interrupted(struct vcpu *v)
{
	bool ended;

	spin_lock(&lock);
	ended = ffa_msg_interrupted(ffa_vm_of(v->vm), v);
	spin_unlock(&lock);
	return ended;
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
	ffa_notif_drop_vm(ffa_id_of(vm));
	ffa_rxtx_drop(f);
	ffa_msg_drop_vm(vm);
	if (f->registered)
		ffa_owner_remove(vm);
	memset(f, 0, sizeof(*f));
	for (i = 0; i < HV_MAX_VMS && !vms[i].vm; i++)
		;
	if (i == HV_MAX_VMS)
		ffa_mem_forget();
	spin_unlock(&lock);
}
