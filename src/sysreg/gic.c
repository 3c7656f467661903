/*
 * ICC_SGI1R_EL1: a guest raising a Group 1 SGI, trapped because
 * HCR_EL2.IMO routes the guest's interrupt controller to us.
 */
#include "sysreg/sysreg.h"
#include "vcpu_req.h"
#include "vgic/vgic.h"
#include "vm/vm.h"

#define SGI1R_TARGETS(v) ((v)&0xffffu)
#define SGI1R_AFF1(v) (((v) >> 16) & 0xffu)
#define SGI1R_INTID(v) (((v) >> 24) & 0xfu)
#define SGI1R_AFF2(v) (((v) >> 32) & 0xffu)
#define SGI1R_IRM (1ull << 40)
#define SGI1R_RS(v) (((v) >> 44) & 0xfu)
#define SGI1R_AFF3(v) (((v) >> 48) & 0xffu)

static bool sgi_targets(uint64_t sgi, const struct vcpu *self,
			const struct vcpu *t)
{
	uint64_t m = t->mpidr;
	unsigned aff0 = (unsigned)(m & 0xff);

	if (sgi & SGI1R_IRM)
		return t != self;
	if (((m >> 8) & 0xff) != SGI1R_AFF1(sgi) ||
	    ((m >> 16) & 0xff) != SGI1R_AFF2(sgi) ||
	    ((m >> 32) & 0xff) != SGI1R_AFF3(sgi))
		return false;
	/* TargetList covers Aff0 = RS * 16 .. RS * 16 + 15. */
	if (aff0 / 16 != SGI1R_RS(sgi))
		return false;
	return (SGI1R_TARGETS(sgi) >> (aff0 % 16)) & 1;
}

bool sysreg_icc_sgi1r(struct vcpu *v, const struct sysreg_desc *d,
		      uint64_t *val, bool is_read)
{
	unsigned intid = SGI1R_INTID(*val);

	(void)d;
	if (is_read)
		return false; /* write-only */
	for (unsigned i = 0; i < v->vm->nvcpus; i++) {
		struct vcpu *t = &v->vm->vcpus[i];

		/* The sender's own SGI is pending in its model at once (its
		 * LRs get it at the flush that ends this exit); another
		 * vCPU's state is its own: the SGI is posted to it, and it
		 * is kicked. */
		if (!sgi_targets(*val, v, t))
			continue;
		if (t == v)
			vgic_inject(v->vm, v, intid);
		else
			vcpu_post_sgi(t, intid);
	}
	return true;
}
