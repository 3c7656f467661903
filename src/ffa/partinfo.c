/*
 * Partition discovery: FFA_PARTITION_INFO_GET (descriptors in the caller's
 * RX buffer) and FFA_PARTITION_INFO_GET_REGS (descriptors in x3..x17).
 * The partitions are the VMs, which have no UUID: only the nil UUID (all
 * partitions) matches. Secure partitions are not listed.
 */
#include "ffa/ffa_priv.h"
#include "lib/mem.h"

#define INFO_SIZE_V1_1 24u
#define INFO_SIZE_V1_0 8u
#define INFO_FLAG_COUNT_ONLY 1u
/* Partition properties: bit 8, runs in AArch64; bits 0 and 1, receives
 * and sends direct requests (msg.c: every VM may do both); bit 2, sends
 * and receives indirect messages (msg2.c); bit 3, receives notifications
 * (notify.c); the ID is a PE endpoint ID (bits [5:4] = 0). A guest's FF-A
 * driver reads these before it uses a partition's messaging. */
#define INFO_PROPS (1u << 8 | 1u << 3 | 1u << 2 | 1u << 1 | 1u << 0)
#define REGS_PER_CALL 5u

/* The n-th live VM (0-based) or NULL. */
static const struct ffa_vm *nth(unsigned n)
{
	for (uint32_t id = 1; id <= HV_MAX_VMS; id++) {
		const struct ffa_vm *f = ffa_vm_by_id(id);

		if (f && n-- == 0)
			return f;
	}
	return NULL;
}

static unsigned count_vms(void)
{
	unsigned n = 0;

	while (nth(n))
		n++;
	return n;
}

void ffa_partition_info_get(struct ffa_vm *f, struct smccc_call *c)
{
	uint32_t flags = (uint32_t)smccc_arg(c, 5);
	unsigned n = count_vms();
	uint32_t size =
	    f->version >= FFA_VERSION_1_1 ? INFO_SIZE_V1_1 : INFO_SIZE_V1_0;
	uint8_t *rx;

	if ((smccc_arg(c, 1) | smccc_arg(c, 2) | smccc_arg(c, 3) |
	     smccc_arg(c, 4)) != 0 ||
	    (flags & ~INFO_FLAG_COUNT_ONLY) != 0) {
		ffa_err(c, FFA_INVALID_PARAMETERS);
		return;
	}
	if (flags & INFO_FLAG_COUNT_ONLY) {
		ffa_res(c, FFA_SUCCESS, 0, n, 0);
		return;
	}
	if (!f->mapped || f->rx_full) {
		ffa_err(c, FFA_BUSY);
		return;
	}
	if ((uint64_t)n * size > (uint64_t)f->pages * FFA_PAGE_SIZE) {
		ffa_err(c, FFA_NO_MEMORY);
		return;
	}
	rx = ffa_rx(f);
	memset(rx, 0, (size_t)n * size);
	for (unsigned i = 0; i < n; i++) {
		const struct ffa_vm *p = nth(i);
		uint8_t *d = rx + (size_t)i * size;

		ffa_put16(d, ffa_id_of(p->vm));
		ffa_put16(d + 2, p->vm->nvcpus);
		ffa_put32(d + 4, INFO_PROPS);
		/* UUID (bytes 8..23, v1.1): nil. */
	}
	f->rx_full = true;
	ffa_res(c, FFA_SUCCESS, 0, n, size);
}

void ffa_partition_info_get_regs(struct ffa_vm *f, struct smccc_call *c)
{
	uint64_t x3 = smccc_arg(c, 3);
	uint32_t start = (uint32_t)(x3 & 0xffffu), tag = (x3 >> 16) & 0xffffu;
	unsigned n = count_vms(), last;

	(void)f;
	/* x3 [63:32] MBZ; the list never changes between calls of one
	 * walk here, so a non-zero tag names no walk of ours. */
	if ((smccc_arg(c, 1) | smccc_arg(c, 2)) != 0 || (x3 >> 32) != 0 ||
	    tag != 0 || start >= n) {
		ffa_err(c, FFA_INVALID_PARAMETERS);
		return;
	}
	last = start + REGS_PER_CALL - 1 < n - 1 ? start + REGS_PER_CALL - 1
						 : n - 1;
	c->nres = SMCCC_MAX_RES;
	for (unsigned i = 0; i < SMCCC_MAX_RES; i++)
		c->res[i] = 0;
	c->res[0] = FFA_SUCCESS_64;
	c->res[2] = (uint64_t)(n - 1) | (uint64_t)last << 16 |
		    (uint64_t)INFO_SIZE_V1_1 << 48;
	for (unsigned i = start; i <= last; i++) {
		const struct ffa_vm *p = nth(i);

		/* Three registers each: ID, context count, properties;
		 * then the UUID (nil) in two. */
		c->res[3 + 3 * (i - start)] = ffa_id_of(p->vm) |
					      (uint64_t)p->vm->nvcpus << 16 |
					      (uint64_t)INFO_PROPS << 32;
	}
}
