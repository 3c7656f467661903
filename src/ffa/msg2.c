/*
 * FF-A v1.1 indirect messaging (DEN0077A v1.1, "Indirect messaging",
 * FFA_MSG_SEND2): the sender writes a message into its TX buffer behind
 * the partition message header; the hypervisor copies it into the
 * receiver's RX buffer, which is then the receiver's (rx_full) until its
 * FFA_RX_RELEASE; a vCPU of the receiver waiting in FFA_MSG_WAIT is run
 * (ffa_msg_wake).
 *
 * Partition message header, v1.1 (20 bytes, little-endian): flags 0 (4,
 * MBZ), reserved 4 (4, MBZ), payload offset from the start of the buffer
 * 8 (4), sender [31:16] and receiver [15:0] IDs 12 (4), payload size 16
 * (4).
 */
#include "ffa/ffa.h"
#include "ffa/ffa_priv.h"
#include "lib/mem.h"

#define HDR_FLAGS 0u
#define HDR_RESERVED 4u
#define HDR_OFFSET 8u
#define HDR_IDS 12u
#define HDR_SIZE 16u
#define HDR_LEN_V11 20u

struct msg_hdr {
	uint32_t flags, reserved, offset, ids, size;
};

/* One read of each field: another vCPU of the sender may write TX while
 * it is checked, so every check and the copy use these values. */
static void read_hdr(const uint8_t *tx, struct msg_hdr *h)
{
	h->flags = ffa_get32(tx + HDR_FLAGS);
	h->reserved = ffa_get32(tx + HDR_RESERVED);
	h->offset = ffa_get32(tx + HDR_OFFSET);
	h->ids = ffa_get32(tx + HDR_IDS);
	h->size = ffa_get32(tx + HDR_SIZE);
}

static uint64_t buf_size(const struct ffa_vm *f)
{
	return (uint64_t)f->pages * FFA_PAGE_SIZE;
}

/* The header as checked, zeros up to the payload, the payload. */
static void copy_msg(const struct ffa_vm *f, struct ffa_vm *r,
		     const struct msg_hdr *h)
{
	uint8_t *rx = ffa_rx(r);

	ffa_put32(rx + HDR_FLAGS, 0);
	ffa_put32(rx + HDR_RESERVED, 0);
	ffa_put32(rx + HDR_OFFSET, h->offset);
	ffa_put32(rx + HDR_IDS, h->ids);
	ffa_put32(rx + HDR_SIZE, h->size);
	memset(rx + HDR_LEN_V11, 0, h->offset - HDR_LEN_V11);
	memcpy(rx + h->offset, ffa_tx(f) + h->offset, h->size);
}

void ffa_msg_send2(struct ffa_vm *f, struct smccc_call *c)
{
	uint32_t w1 = (uint32_t)smccc_arg(c, 1);
	uint32_t flags = (uint32_t)smccc_arg(c, 2);
	struct msg_hdr h;
	struct ffa_vm *r;
	uint64_t end;

	/* w1 [31:16] names a sender only when the hypervisor forwards a
	 * VM's message; w2's flags are a secure instance's (Hafnium). */
	if ((w1 >> 16) != 0 || flags != 0) {
		ffa_err(c, FFA_INVALID_PARAMETERS);
		return;
	}
	/* The header is v1.1's: a v1.0 caller has no indirect messages. */
	if (f->version < FFA_VERSION_1_1) {
		ffa_err(c, FFA_NOT_SUPPORTED);
		return;
	}
	if (!f->mapped) {
		ffa_err(c, FFA_DENIED);
		return;
	}
	read_hdr(ffa_tx(f), &h);
	/* The sender is the caller, the receiver another VM; the MBZ
	 * words are zero; the payload starts after the header and ends
	 * inside TX (64-bit sum: no wrap). */
	end = (uint64_t)h.offset + h.size;
	if ((h.ids >> 16) != ffa_id_of(f->vm) ||
	    (h.ids & 0xffffu) == (h.ids >> 16) || h.flags != 0 ||
	    h.reserved != 0 || h.offset < HDR_LEN_V11 || end > buf_size(f)) {
		ffa_err(c, FFA_INVALID_PARAMETERS);
		return;
	}
	/* Secure receivers' buffers are the SPMC's: only VMs here. */
	r = ffa_vm_by_id(h.ids & 0xffffu);
	if (!r) {
		ffa_err(c, FFA_INVALID_PARAMETERS);
		return;
	}
	/* No RX, or RX still the receiver's: not ready for a message. */
	if (!r->mapped || r->rx_full) {
		ffa_err(c, FFA_BUSY);
		return;
	}
	if (end > buf_size(r)) {
		ffa_err(c, FFA_INVALID_PARAMETERS);
		return;
	}
	copy_msg(f, r, &h);
	r->rx_full = true;
	ffa_msg_wake(r);
	ffa_ok(c, 0);
}
