/*
 * FF-A v1.1 (DEN0077A) for guests: the hypervisor is the relayer between
 * the VMs, which are the partitions. A VM's FF-A ID is vm->id + 1; the
 * hypervisor is ID 0; IDs with bit 15 set are the secure world's, and the
 * calls addressed to them are forwarded to EL3.
 *
 * Every VM's RAM is registered in one page-ownership table (mm/owner.h)
 * at creation; memory transactions and RX/TX buffers change ownership
 * only through it. What is implemented, every check and its test:
 * src/ffa/README.md.
 */
#ifndef HV_FFA_FFA_H
#define HV_FFA_FFA_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/owner.h"
#include "smccc/smccc.h"

/* Function IDs (DEN0077A v1.1, function ID table), SMC32 unless _64. */
#define FFA_ERROR 0x84000060u
#define FFA_SUCCESS 0x84000061u
#define FFA_SUCCESS_64 0xC4000061u
#define FFA_INTERRUPT 0x84000062u
#define FFA_VERSION 0x84000063u
#define FFA_FEATURES 0x84000064u
#define FFA_RX_RELEASE 0x84000065u
#define FFA_RXTX_MAP 0x84000066u
#define FFA_RXTX_MAP_64 0xC4000066u
#define FFA_RXTX_UNMAP 0x84000067u
#define FFA_PARTITION_INFO_GET 0x84000068u
#define FFA_ID_GET 0x84000069u
#define FFA_MSG_WAIT 0x8400006Bu
#define FFA_YIELD 0x8400006Cu
#define FFA_RUN 0x8400006Du
#define FFA_MSG_SEND_DIRECT_REQ 0x8400006Fu
#define FFA_MSG_SEND_DIRECT_REQ_64 0xC400006Fu
#define FFA_MSG_SEND_DIRECT_RESP 0x84000070u
#define FFA_MSG_SEND_DIRECT_RESP_64 0xC4000070u
#define FFA_MEM_DONATE 0x84000071u
#define FFA_MEM_DONATE_64 0xC4000071u
#define FFA_MEM_LEND 0x84000072u
#define FFA_MEM_LEND_64 0xC4000072u
#define FFA_MEM_SHARE 0x84000073u
#define FFA_MEM_SHARE_64 0xC4000073u
#define FFA_MEM_RETRIEVE_REQ 0x84000074u
#define FFA_MEM_RETRIEVE_REQ_64 0xC4000074u
#define FFA_MEM_RETRIEVE_RESP 0x84000075u
#define FFA_MEM_RELINQUISH 0x84000076u
#define FFA_MEM_RECLAIM 0x84000077u
#define FFA_MEM_FRAG_RX 0x8400007Au
#define FFA_MEM_FRAG_TX 0x8400007Bu
#define FFA_RX_ACQUIRE 0x84000084u
#define FFA_SPM_ID_GET 0x84000085u
#define FFA_MSG_SEND2 0x84000086u
#define FFA_PARTITION_INFO_GET_REGS 0xC400008Bu

#define FFA_BUSY (-4)
#define FFA_ABORTED (-8)

#define FFA_VERSION_1_1 0x00010001u
#define FFA_HYP_ID 0u
#define FFA_SECURE_BIT 0x8000u

/* Function numbers 0x60..0xEF of the standard service are FF-A's. */
static inline bool ffa_owns_fid(uint32_t fid)
{
	uint32_t fnum = fid & SMCCC_FNUM_MASK;

	return fnum >= 0x60u && fnum <= 0xEFu;
}

enum exit_action ffa_call(struct vcpu *v, struct smccc_call *c);

/*
 * For the scheduler, on the physical CPU about to run v, which waits in an
 * FF-A call (v->msg_wait) and has an interrupt it could take: ends the
 * wait so that the call returns FFA_INTERRUPT (posted to v), unless FF-A
 * has already handed v a message, which then wins (the interrupt stays
 * pending for the guest). Returns whether v may now be entered.
 */
bool ffa_wait_interrupted(struct vcpu *v);

/*
 * VM lifecycle hooks (vm_create / vm_destroy). attach registers the VM's
 * RAM in the ownership table when it fits (FFA_OWNER_MAX_PAGES in all);
 * a VM that does not fit gets DENIED from every memory ABI. detach
 * unwinds every transaction the VM takes part in and gives back its
 * buffers before its RAM leaves the table.
 */
void ffa_vm_attach(struct vm *vm);
void ffa_vm_detach(struct vm *vm);

/* Index of the first ABI out of strictly increasing function-ID order in
 * the dispatch table, or -1 if it is sorted (its lookup is a binary
 * search): for tests. */
long ffa_abi_table_check(void);

/* The ownership table, for tests and invariant checks. */
const struct owner_table *ffa_owner_table(void);

/* Where a borrower maps the page at pa: the IPA window above RAM. */
#define FFA_BORROW_IPA_BASE (1ull << 38)

#endif
