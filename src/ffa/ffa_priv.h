/* What the FF-A ABI files share: per-VM state and the result helpers. */
#ifndef HV_FFA_FFA_PRIV_H
#define HV_FFA_FFA_PRIV_H

#include "ffa/ffa.h"
#include "ffa/mem_desc.h"
#include "hal.h"
#include "vm/vm.h"

/* RX/TX buffers: 1..FFA_RXTX_MAX_PAGES pages each. */
#define FFA_RXTX_MAX_PAGES 8u

struct ffa_vm {
	struct vm *vm;	 /* NULL: no VM in this slot */
	bool registered; /* its RAM is in the ownership table */
	uint32_t version;
	bool mapped;
	bool rx_full; /* the hypervisor wrote RX; the VM has not released */
	uint32_t pages;
	uint64_t tx_ipa, rx_ipa, tx_pa, rx_pa;
	/* Direct messaging, per vCPU (msg.c): ready to take a request (in
	 * MSG_WAIT, or after answering one), and the sender's vCPU whose
	 * request it is handling. */
	bool msg_ready[VM_MAX_VCPUS];
	struct vcpu *serving[VM_MAX_VCPUS];
	/* Notifications (notify.c), this VM as the receiver: the FF-A ID
	 * bound to each bit (0: unbound), the bits bound per vCPU, and the
	 * pending ones, global and per vCPU. */
	uint16_t notif_sender[64];
	uint64_t notif_per_vcpu;
	uint64_t notif_pending;
	uint64_t notif_vcpu_pending[VM_MAX_VCPUS];
	/* The sender's side: the receiver's vCPU handling its request, and
	 * whether its call (DIRECT_REQ, or RUN after FFA_INTERRUPT) waits
	 * for the answer. An answer that comes while it does not wait (an
	 * interrupt ended the wait) is kept until its FFA_RUN. */
	struct vcpu *asked[VM_MAX_VCPUS];
	bool answer_wait[VM_MAX_VCPUS];
	bool answered[VM_MAX_VCPUS];
	uint64_t answer[VM_MAX_VCPUS][8];
	/* MSG_SEND2 filled RX while none of its vCPUs waited in MSG_WAIT:
	 * the next MSG_WAIT returns at once (msg2.c, msg.c). */
	bool rx_unseen;
};

extern struct owner_table ffa_owners;

/* The FF-A ID of a VM, its owner-table id (the same number), its state. */
static inline uint16_t ffa_id_of(const struct vm *vm)
{
	return (uint16_t)(vm->id + 1);
}
struct ffa_vm *ffa_vm_of(const struct vm *vm);
/* The state of the VM with FF-A ID id, or NULL (not a VM's ID). */
struct ffa_vm *ffa_vm_by_id(uint32_t id);

/* Results: x0..x7, all unused ones zero (v1.1). */
static inline void ffa_res(struct smccc_call *c, uint64_t x0, uint64_t a1,
			   uint64_t a2, uint64_t a3)
{
	c->nres = 8;
	c->res[0] = x0;
	c->res[1] = a1;
	c->res[2] = a2;
	c->res[3] = a3;
	c->res[4] = c->res[5] = c->res[6] = c->res[7] = 0;
}

/* FFA_ERROR with the status in w2 (a 32-bit field). */
static inline void ffa_err(struct smccc_call *c, int status)
{
	ffa_res(c, FFA_ERROR, 0, (uint32_t)status, 0);
}

static inline void ffa_ok(struct smccc_call *c, uint64_t a2)
{
	ffa_res(c, FFA_SUCCESS, 0, a2, 0);
}

/* Little-endian fields of the buffers, byte by byte (no alignment). */
static inline uint32_t ffa_get16(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}
static inline uint32_t ffa_get32(const uint8_t *p)
{
	return ffa_get16(p) | ffa_get16(p + 2) << 16;
}
static inline uint64_t ffa_get64(const uint8_t *p)
{
	return ffa_get32(p) | (uint64_t)ffa_get32(p + 4) << 32;
}
static inline void ffa_put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}
static inline void ffa_put32(uint8_t *p, uint32_t v)
{
	ffa_put16(p, v);
	ffa_put16(p + 2, v >> 16);
}
static inline void ffa_put64(uint8_t *p, uint64_t v)
{
	ffa_put32(p, (uint32_t)v);
	ffa_put32(p + 4, (uint32_t)(v >> 32));
}

/* The memory transaction descriptor's header at b (DEN0077A v1.1,
 * Table 10.20: sender, attributes, flags, handle, tag, endpoint array of
 * `receivers` entries right after the header), for the descriptors the
 * hypervisor writes: a retrieve response, or a send it forwards. */
void ffa_put_mem_header(uint8_t *b, uint16_t sender, uint16_t attributes,
			uint32_t flags, uint64_t handle, uint64_t tag,
			uint32_t receivers);

/* The composite memory region descriptor at b (total pages, range count)
 * and its constituents, one per range: its PA (secure world) or its
 * borrow-window IPA (a VM's retrieve response), and its page count. */
static inline void ffa_put_composite(uint8_t *b, uint32_t total_pages,
				     const struct owner_range *r, size_t n,
				     bool pa)
{
	ffa_put32(b, total_pages);
	ffa_put32(b + 4, (uint32_t)n);
	for (size_t i = 0; i < n; i++) {
		uint8_t *c =
		    b + FFA_MEM_COMPOSITE_SIZE + FFA_MEM_RANGE_SIZE * i;

		ffa_put64(c, pa ? r[i].pa : r[i].ipa);
		ffa_put32(c + 8, (uint32_t)(r[i].size / FFA_PAGE_SIZE));
	}
}

/* owners.c: the VM's RAM in and out of the ownership table. */
bool ffa_owner_add(struct vm *vm);
void ffa_owner_remove(struct vm *vm);

/* Each ABI, by the file it lives in. */
/* Direct messaging between VMs (msg.c): the action the caller's exit
 * takes (EXIT_WFI while it waits for a message). */
enum exit_action ffa_msg_wait(struct ffa_vm *f, struct vcpu *v,
			      struct smccc_call *c);
enum exit_action ffa_direct_req(struct ffa_vm *f, struct vcpu *v,
				struct smccc_call *c);
enum exit_action ffa_direct_resp(struct ffa_vm *f, struct vcpu *v,
				 struct smccc_call *c);
/* FFA_RUN and FFA_YIELD (msg.c): CPU time given to a vCPU, or given up. */
enum exit_action ffa_run(struct ffa_vm *f, struct vcpu *v,
			 struct smccc_call *c);
enum exit_action ffa_yield(struct ffa_vm *f, struct vcpu *v,
			   struct smccc_call *c);
/* r's RX holds a new message (msg2.c): a vCPU of r waiting in MSG_WAIT
 * is run, or r's next MSG_WAIT returns at once. */
void ffa_msg_wake(struct ffa_vm *r);
/* The scheduler's ffa_wait_interrupted, under the FF-A lock (msg.c). */
bool ffa_msg_interrupted(struct ffa_vm *f, struct vcpu *v);
/* A VM leaves: requests it was handling end with ABORTED (msg.c). */
void ffa_msg_drop_vm(const struct vm *vm);
/* Indirect messaging (msg2.c). */
void ffa_msg_send2(struct ffa_vm *f, struct smccc_call *c);

/* Notifications (notify.c). BITMAP_CREATE/DESTROY and INFO_GET are not
 * a VM's calls (NOT_SUPPORTED, see notify.c). */
#define FFA_NOTIFICATION_BIND 0x8400007Fu
#define FFA_NOTIFICATION_UNBIND 0x84000080u
#define FFA_NOTIFICATION_SET 0x84000081u
#define FFA_NOTIFICATION_GET 0x84000082u
/* FFA_FEATURES feature ID 1: the notification pending interrupt, here
 * SGI 14 of the receiver's vCPU. */
#define FFA_FEATURE_NPI 1u
#define FFA_NOTIF_NPI_SGI 14u
void ffa_notif_bind(struct ffa_vm *f, struct smccc_call *c);
void ffa_notif_unbind(struct ffa_vm *f, struct smccc_call *c);
void ffa_notif_set(struct ffa_vm *f, struct smccc_call *c);
enum exit_action ffa_notif_get(struct ffa_vm *f, struct vcpu *v,
			       struct smccc_call *c);
/* The leaving VM's bindings, and what it set, out of every receiver. */
void ffa_notif_drop_vm(uint16_t id);

void ffa_rxtx_map(struct ffa_vm *f, struct smccc_call *c);
void ffa_rxtx_unmap(struct ffa_vm *f, struct smccc_call *c);
void ffa_rx_release(struct ffa_vm *f, struct smccc_call *c);
void ffa_rxtx_drop(struct ffa_vm *f);

void ffa_mem_send(struct ffa_vm *f, struct smccc_call *c, enum ffa_mem_op op);
void ffa_mem_frag_tx(struct ffa_vm *f, struct smccc_call *c);
void ffa_mem_retrieve(struct ffa_vm *f, struct smccc_call *c);
void ffa_mem_relinquish(struct ffa_vm *f, struct smccc_call *c);
void ffa_mem_reclaim(struct ffa_vm *f, struct smccc_call *c);
void ffa_mem_drop_vm(uint16_t id);

/* Shared by mem.c and mem_secure.c: the sender's constituents as runs of
 * physical pages (contiguous in both spaces, one permission each), and
 * an ownership-table error as an FF-A status. */
struct ffa_mem_runs {
	size_t n;
	struct owner_range r[OWNER_TX_MAX_RANGES]; /* ipa: the borrow window */
	uint64_t sender_ipa[OWNER_TX_MAX_RANGES];
	uint8_t sender_perm[OWNER_TX_MAX_RANGES];
};
int ffa_mem_to_runs(const struct ffa_vm *f, const struct ffa_mem_range *fr,
		    uint32_t nfr, struct ffa_mem_runs *out);
int ffa_mem_status_of(int owner_rc);
/* Memory sent to the secure world (mem_secure.c): a send whose receivers
 * are all secure IDs (m parsed, whole: one fragment), the reclaim of an
 * SPMC-allocated handle, and a VM leaving with memory there. */
void ffa_mem_secure_send(struct ffa_vm *f, struct smccc_call *c,
			 enum ffa_mem_op op, const struct ffa_mem_txn *m,
			 bool whole);
void ffa_mem_secure_reclaim(struct ffa_vm *f, struct smccc_call *c,
			    uint64_t handle, uint32_t flags);
void ffa_mem_secure_drop_vm(uint16_t id);
void ffa_mem_forget(void);

void ffa_partition_info_get(struct ffa_vm *f, struct smccc_call *c);
void ffa_partition_info_get_regs(struct ffa_vm *f, struct smccc_call *c);

/* The hypervisor's pointer to the caller's mapped buffers. */
static inline uint8_t *ffa_tx(const struct ffa_vm *f)
{
	return hal_pa_to_va(f->tx_pa, (size_t)f->pages * FFA_PAGE_SIZE);
}
static inline uint8_t *ffa_rx(const struct ffa_vm *f)
{
	return hal_pa_to_va(f->rx_pa, (size_t)f->pages * FFA_PAGE_SIZE);
}

#endif
