/*
 * FFA_RXTX_MAP, FFA_RXTX_UNMAP, FFA_RX_RELEASE. A VM's buffers are pages of
 * its own RAM that become the hypervisor's in the ownership table while
 * mapped (the VM keeps its mapping), so no memory transaction can name
 * them; they come back to the VM on unmap.
 *
 * RX ownership: the hypervisor is RX's only producer (partition info,
 * retrieve responses, indirect messages); once it writes RX, RX is the
 * VM's (rx_full) until FFA_RX_RELEASE. FFA_RX_ACQUIRE is the producer's
 * call to the SPMC at the non-secure physical instance (Hafnium answers
 * it only from the hypervisor), so a VM calling it gets NOT_SUPPORTED:
 * it is not in the ABI table (ffa.c).
 */
#include "ffa/ffa_priv.h"

#define MAP_PAGES_MASK 0x3fu

static bool page_aligned(uint64_t a)
{
	return (a & (FFA_PAGE_SIZE - 1)) == 0;
}

/* [ipa, ipa + size) is the VM's RAM, physically contiguous: its PA. */
static bool ram_pa(const struct vm *vm, uint64_t ipa, uint64_t size,
		   uint64_t *pa)
{
	uint64_t first = 0, p;

	if (ipa < vm->ram_ipa || ipa - vm->ram_ipa >= vm->ram_size ||
	    size > vm->ram_size - (ipa - vm->ram_ipa))
		return false;
	for (uint64_t off = 0; off < size; off += FFA_PAGE_SIZE) {
		if (stage2_lookup(&vm->s2, ipa + off, &p, NULL, NULL) != 0)
			return false;
		if (off == 0)
			first = p;
		else if (p != first + off)
			return false;
	}
	*pa = first;
	return true;
}

static void set_range(struct owner_range *r, uint64_t pa, uint64_t ipa,
		      uint32_t pages)
{
	r->pa = pa;
	r->ipa = ipa;
	r->size = (uint64_t)pages * FFA_PAGE_SIZE;
}

void ffa_rxtx_map(struct ffa_vm *f, struct smccc_call *c)
{
	uint64_t tx = smccc_arg(c, 1), rx = smccc_arg(c, 2);
	uint32_t w3 = (uint32_t)smccc_arg(c, 3);
	uint32_t pages = w3 & MAP_PAGES_MASK;
	uint64_t size = (uint64_t)pages * FFA_PAGE_SIZE, tx_pa, rx_pa;
	struct owner_range r[2];
	int rc;

	if (f->mapped) {
		ffa_err(c, FFA_DENIED);
		return;
	}
	if ((w3 & ~MAP_PAGES_MASK) != 0 || pages == 0 ||
	    pages > FFA_RXTX_MAX_PAGES || !page_aligned(tx) ||
	    !page_aligned(rx) || (tx < rx + size && rx < tx + size)) {
		ffa_err(c, FFA_INVALID_PARAMETERS);
		return;
	}
	if (!f->registered || !ram_pa(f->vm, tx, size, &tx_pa) ||
	    !ram_pa(f->vm, rx, size, &rx_pa)) {
		ffa_err(c, FFA_DENIED);
		return;
	}
	set_range(&r[0], tx_pa, tx, pages);
	set_range(&r[1], rx_pa, rx, pages);
	/* Pages lent, shared or donated away, or already a buffer: not the
	 * VM's exclusively. */
	rc = owner_hyp_claim(&ffa_owners, ffa_id_of(f->vm), r, 2);
	if (rc != OWNER_OK) {
		ffa_err(c, FFA_DENIED);
		return;
	}
	f->mapped = true;
	f->rx_full = false;
	f->pages = pages;
	f->tx_ipa = tx;
	f->rx_ipa = rx;
	f->tx_pa = tx_pa;
	f->rx_pa = rx_pa;
	ffa_ok(c, 0);
}

/* Gives the buffers back to the VM (unmap, and the VM's destruction). */
static int give_back(struct ffa_vm *f)
{
	struct owner_range r[2];

	set_range(&r[0], f->tx_pa, f->tx_ipa, f->pages);
	set_range(&r[1], f->rx_pa, f->rx_ipa, f->pages);
	return owner_hyp_release(&ffa_owners, ffa_id_of(f->vm), r, 2);
}

void ffa_rxtx_unmap(struct ffa_vm *f, struct smccc_call *c)
{
	uint32_t id = (uint32_t)smccc_arg(c, 1) >> 16;

	/* w1 [31:16]: an ID only the hypervisor may name; a VM passes 0
	 * or its own. */
	if ((id != 0 && id != ffa_id_of(f->vm)) || !f->mapped) {
		ffa_err(c, FFA_INVALID_PARAMETERS);
		return;
	}
	if (give_back(f) != OWNER_OK) {
		ffa_err(c, FFA_DENIED);
		return;
	}
	f->mapped = false;
	f->rx_full = false;
	f->rx_unseen = false;
	ffa_ok(c, 0);
}

void ffa_rx_release(struct ffa_vm *f, struct smccc_call *c)
{
	/* Only a buffer the hypervisor filled is the VM's to release. */
	if (!f->mapped || !f->rx_full) {
		ffa_err(c, FFA_DENIED);
		return;
	}
	f->rx_full = false;
	/* A message read without a wait is not announced any more. */
	f->rx_unseen = false;
	ffa_ok(c, 0);
}

void ffa_rxtx_drop(struct ffa_vm *f)
{
	if (f->mapped)
		give_back(f);
	f->mapped = false;
}
