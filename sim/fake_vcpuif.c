/*
 * GICv3 virtual CPU interface over the list registers (GICv3 architecture
 * specification, "Virtual CPU interface"). List register layout:
 * vINTID[31:0], pINTID[44:32] (bit 41 is EOI when HW = 0), Priority[55:48],
 * Group[60], HW[61], State[63:62] (01 pending, 10 active, 11 both).
 */
#include "fake_vcpuif.h"

#include "a64_arch.h"
#include "a64_sysregs.h"
#include "fake_gic.h"
#include "sim_hal.h"

#define LR_STATE_PENDING (1ull << 62)
#define LR_STATE_ACTIVE (1ull << 63)
#define LR_STATE_MASK (3ull << 62)
#define LR_HW (1ull << 61)
#define LR_GROUP1 (1ull << 60)
#define LR_EOI (1ull << 41)
#define LR_PRIO(lr) ((unsigned)((lr) >> 48) & 0xffu)
#define LR_VINTID(lr) ((uint32_t)(lr)&0xffffffu)
#define LR_PINTID(lr) ((uint32_t)((lr) >> 32) & 0x1fffu)

#define VMCR_ENG0 (1ull << 0)
#define VMCR_ENG1 (1ull << 1)
#define VMCR_CBPR (1ull << 4)
#define VMCR_EOIM (1ull << 9)
#define VMCR_BPR1_SHIFT 18
#define VMCR_BPR0_SHIFT 21
#define VMCR_PMR_SHIFT 24

#define MISR_EOI (1ull << 0)
#define MISR_U (1ull << 1)
#define MISR_LRENP (1ull << 2)
#define MISR_NP (1ull << 3)
#define MISR_VGRP0E (1ull << 4)
#define MISR_VGRP0D (1ull << 5)
#define MISR_VGRP1E (1ull << 6)
#define MISR_VGRP1D (1ull << 7)

#define SPURIOUS 1023u
#define IDLE_PRIORITY 0xffu

#define ICC(crn, crm, op2) SYSREG_ENC(3, 0, crn, crm, op2)
#define ICC_PMR ICC(4, 6, 0)
#define ICC_IAR0 ICC(12, 8, 0)
#define ICC_EOIR0 ICC(12, 8, 1)
#define ICC_HPPIR0 ICC(12, 8, 2)
#define ICC_BPR0 ICC(12, 8, 3)
#define ICC_AP0R0 ICC(12, 8, 4)
#define ICC_AP0R3 ICC(12, 8, 7)
#define ICC_AP1R0 ICC(12, 9, 0)
#define ICC_AP1R3 ICC(12, 9, 3)
#define ICC_DIR ICC(12, 11, 1)
#define ICC_RPR ICC(12, 11, 3)
#define ICC_SGI1R ICC(12, 11, 5)
#define ICC_ASGI1R ICC(12, 11, 6)
#define ICC_SGI0R ICC(12, 11, 7)
#define ICC_IAR1 ICC(12, 12, 0)
#define ICC_EOIR1 ICC(12, 12, 1)
#define ICC_HPPIR1 ICC(12, 12, 2)
#define ICC_BPR1 ICC(12, 12, 3)
#define ICC_CTLR ICC(12, 12, 4)
#define ICC_SRE ICC(12, 12, 5)
#define ICC_IGRPEN0 ICC(12, 12, 6)
#define ICC_IGRPEN1 ICC(12, 12, 7)
#define ISR_EL1 ICC(12, 1, 0)

/* The interface state one decision needs, read once from the register
 * file (these run at every event check of the simulated CPU). */
struct vif {
	unsigned nlrs;
	unsigned pre_bits, pri_bits;
	uint64_t vmcr;
	uint64_t lr[16];
};

static void vif_load(struct vif *s)
{
	uint64_t vtr = sim_sysreg_get(A64_SR_ICH_VTR_EL2);

	s->nlrs = (unsigned)(vtr & 0x1f) + 1;
	if (s->nlrs > 16)
		s->nlrs = 16;
	s->pre_bits = (unsigned)((vtr >> 26) & 7) + 1;
	s->pri_bits = (unsigned)((vtr >> 29) & 7) + 1;
	s->vmcr = sim_sysreg_get(A64_SR_ICH_VMCR_EL2);
	for (unsigned n = 0; n < s->nlrs; n++)
		s->lr[n] = sim_sysreg_get(A64_SR_ICH_LR(n));
}

static void lr_set(unsigned n, uint64_t v)
{
	sim_sysreg_set(A64_SR_ICH_LR(n), v);
}

static void vmcr_update(uint64_t mask, uint64_t val)
{
	uint64_t v = sim_sysreg_get(A64_SR_ICH_VMCR_EL2);

	sim_sysreg_set(A64_SR_ICH_VMCR_EL2, (v & ~mask) | (val & mask));
}

static unsigned prio_mask(const struct vif *s)
{
	return (0xffu << (8 - s->pri_bits)) & 0xffu;
}

static unsigned vpmr(const struct vif *s)
{
	return (unsigned)(s->vmcr >> VMCR_PMR_SHIFT) & 0xffu;
}

static unsigned bpr0_min(const struct vif *s)
{
	return 7u - s->pre_bits;
}

static unsigned bpr0(const struct vif *s)
{
	unsigned b = (unsigned)(s->vmcr >> VMCR_BPR0_SHIFT) & 7u;

	return b < bpr0_min(s) ? bpr0_min(s) : b;
}

static unsigned bpr1(const struct vif *s)
{
	unsigned b = (unsigned)(s->vmcr >> VMCR_BPR1_SHIFT) & 7u;

	if (s->vmcr & VMCR_CBPR)
		return bpr0(s) + 1 > 7 ? 7 : bpr0(s) + 1;
	return b < bpr0_min(s) + 1 ? bpr0_min(s) + 1 : b;
}

/* Group priority used for preemption: the bits above the binary point. */
static unsigned group_prio(const struct vif *s, unsigned prio, bool group1)
{
	unsigned point = group1 ? bpr1(s) : bpr0(s) + 1;

	return prio & (0xffu << point) & 0xffu;
}

static uint64_t active_prios(void)
{
	return (sim_sysreg_get(A64_SR_ICH_AP0R0_EL2) |
		sim_sysreg_get(A64_SR_ICH_AP1R0_EL2)) &
	       0xffffffffull;
}

static unsigned running_prio(const struct vif *s)
{
	uint64_t ap = active_prios();

	if (!ap)
		return IDLE_PRIORITY;
	return (unsigned)__builtin_ctzll(ap) << (8 - s->pre_bits);
}

static bool lr_group1(uint64_t lr)
{
	return (lr & LR_GROUP1) != 0;
}

/*
 * The LR holding the highest priority pending interrupt of the group;
 * with 'masked', only one the priority mask and running priority let
 * through. Lowest LR index wins ties. Returns -1 if none.
 */
static int best_pending(const struct vif *s, bool group1, bool masked)
{
	int best = -1;
	unsigned best_prio = 0x100;
	unsigned pmr = vpmr(s), rp = masked ? running_prio(s) : 0x100;

	for (unsigned n = 0; n < s->nlrs; n++) {
		uint64_t lr = s->lr[n];
		unsigned p = LR_PRIO(lr) & prio_mask(s);

		if ((lr & LR_STATE_MASK) != LR_STATE_PENDING ||
		    lr_group1(lr) != group1)
			continue;
		if (masked && (p >= pmr || group_prio(s, p, group1) >= rp))
			continue;
		if (p < best_prio) {
			best = (int)n;
			best_prio = p;
		}
	}
	return best;
}

static bool group_enabled(const struct vif *s, bool group1)
{
	return (s->vmcr & (group1 ? VMCR_ENG1 : VMCR_ENG0)) != 0;
}

bool vcpuif_irq_signaled(void)
{
	struct vif s;

	if (!(sim_sysreg_get(A64_SR_ICH_HCR_EL2) & A64_ICH_HCR_EN) ||
	    !(sim_sysreg_get(A64_SR_ICH_VMCR_EL2) & VMCR_ENG1))
		return false;
	vif_load(&s);
	return best_pending(&s, true, true) >= 0;
}

static uint64_t acknowledge(bool group1)
{
	struct vif s;
	int n;
	uint64_t lr;
	unsigned p;
	uint32_t ap_reg = group1 ? A64_SR_ICH_AP1R0_EL2 : A64_SR_ICH_AP0R0_EL2;

	vif_load(&s);
	if (!group_enabled(&s, group1))
		return SPURIOUS;
	n = best_pending(&s, group1, true);
	if (n < 0)
		return SPURIOUS;
	lr = s.lr[n];
	lr_set((unsigned)n, (lr & ~LR_STATE_MASK) | LR_STATE_ACTIVE);
	p = group_prio(&s, LR_PRIO(lr) & prio_mask(&s), group1);
	sim_sysreg_set(ap_reg, sim_sysreg_get(ap_reg) |
				   (1ull << (p >> (8 - s.pre_bits))));
	return LR_VINTID(lr);
}

static void priority_drop(bool group1)
{
	uint32_t ap_reg = group1 ? A64_SR_ICH_AP1R0_EL2 : A64_SR_ICH_AP0R0_EL2;
	uint64_t ap = active_prios();
	uint64_t own = sim_sysreg_get(ap_reg);

	/* The highest active priority belongs to one group; drop it only
	 * if it is this group's. */
	if (ap && (own & (ap & -ap)))
		sim_sysreg_set(ap_reg, own & ~(ap & -ap));
}

static void count_unmatched_eoi(void)
{
	uint64_t hcr = sim_sysreg_get(A64_SR_ICH_HCR_EL2);
	uint64_t cnt =
	    (hcr & A64_ICH_HCR_EOICOUNT_MASK) >> A64_ICH_HCR_EOICOUNT_SHIFT;

	cnt = (cnt + 1) & 0x1f;
	sim_sysreg_set(A64_SR_ICH_HCR_EL2,
		       (hcr & ~A64_ICH_HCR_EOICOUNT_MASK) |
			   (cnt << A64_ICH_HCR_EOICOUNT_SHIFT));
}

static void deactivate(struct fake_gic *g, uint32_t vintid)
{
	struct vif s;

	vif_load(&s);
	for (unsigned n = 0; n < s.nlrs; n++) {
		uint64_t lr = s.lr[n];

		if (LR_VINTID(lr) != vintid || !(lr & LR_STATE_ACTIVE))
			continue;
		lr_set(n, lr & ~LR_STATE_ACTIVE);
		if ((lr & LR_HW) && g)
			fgic_deactivate(g, LR_PINTID(lr));
		return;
	}
	if (vintid < 8192)
		count_unmatched_eoi();
}

static void end_of_interrupt(struct fake_gic *g, uint64_t val, bool group1)
{
	uint32_t vintid = (uint32_t)val & 0xffffffu;

	if (vintid >= 1020 && vintid <= 1023)
		return;
	priority_drop(group1);
	if (!(sim_sysreg_get(A64_SR_ICH_VMCR_EL2) & VMCR_EOIM))
		deactivate(g, vintid);
}

static uint64_t highest_pending(bool group1)
{
	struct vif s;
	int n;

	vif_load(&s);
	n = best_pending(&s, group1, false);
	return n < 0 ? SPURIOUS : LR_VINTID(s.lr[n]);
}

static bool virtual_route(void)
{
	return (sim_sysreg_get(A64_SR_HCR_EL2) & A64_HCR_IMO) != 0;
}

bool vcpuif_owns(uint32_t enc)
{
	if (enc == ICC_PMR || enc == ISR_EL1)
		return true;
	return SYSREG_OP0(enc) == 3 && SYSREG_OP1(enc) == 0 &&
	       SYSREG_CRN(enc) == 12 && SYSREG_CRM(enc) >= 8 &&
	       SYSREG_CRM(enc) <= 12;
}

static uint64_t ctlr_value(const struct vif *s)
{
	return ((s->vmcr & VMCR_CBPR) ? 1u : 0u) |
	       ((s->vmcr & VMCR_EOIM) ? 2u : 0u) |
	       (uint64_t)(s->pri_bits - 1) << 8 | 1ull << 15; /* A3V */
}

static bool physical_read(struct fake_gic *g, uint32_t enc, uint64_t *val)
{
	switch (enc) {
	case ICC_IAR1:
		*val = g ? fgic_ack(g) : SPURIOUS;
		return true;
	case ICC_PMR:
		*val = g ? g->pmr : 0;
		return true;
	case ICC_SRE:
		*val = 7;
		return true;
	default:
		*val = 0;
		return enc != ICC_SGI1R && enc != ICC_ASGI1R &&
		       enc != ICC_SGI0R && enc != ICC_EOIR0 &&
		       enc != ICC_EOIR1 && enc != ICC_DIR;
	}
}

/*
 * ICC_AP0R<n>_EL1/ICC_AP1R<n>_EL1 with n > 0: only with 6 (n = 1) or 7
 * (n = 2, 3) bits of virtual priority (ICH_VTR_EL2.PRIbits); otherwise,
 * like the unallocated encodings of the block, UNDEFINED (GICv3 12.2.x).
 */
static bool extra_ap_reg(const struct vif *s, uint32_t enc)
{
	unsigned n = SYSREG_OP2(enc) & 3u;

	if (!(enc > ICC_AP0R0 && enc <= ICC_AP0R3) &&
	    !(enc > ICC_AP1R0 && enc <= ICC_AP1R3))
		return false;
	return n == 1 ? s->pri_bits >= 6 : s->pri_bits >= 7;
}

bool vcpuif_read(struct fake_gic *g, uint32_t enc, uint64_t *val)
{
	struct vif s;

	if (enc == ISR_EL1) {
		*val = vcpuif_irq_signaled() ? 0x80 : 0;
		if (!virtual_route())
			*val = g && fgic_irq_signaled(g) ? 0x80 : 0;
		return true;
	}
	if (!virtual_route())
		return physical_read(g, enc, val);
	vif_load(&s);
	*val = 0;
	switch (enc) {
	case ICC_IAR0:
		*val = acknowledge(false);
		return true;
	case ICC_IAR1:
		*val = acknowledge(true);
		return true;
	case ICC_HPPIR0:
		*val = highest_pending(false);
		return true;
	case ICC_HPPIR1:
		*val = highest_pending(true);
		return true;
	case ICC_BPR0:
		*val = bpr0(&s);
		return true;
	case ICC_BPR1:
		*val = bpr1(&s);
		return true;
	case ICC_PMR:
		*val = vpmr(&s);
		return true;
	case ICC_RPR:
		*val = running_prio(&s);
		return true;
	case ICC_CTLR:
		*val = ctlr_value(&s);
		return true;
	case ICC_SRE:
		*val = 7; /* SRE, DFB, DIB: system registers only */
		return true;
	case ICC_IGRPEN0:
		*val = (s.vmcr & VMCR_ENG0) ? 1 : 0;
		return true;
	case ICC_IGRPEN1:
		*val = (s.vmcr & VMCR_ENG1) ? 1 : 0;
		return true;
	case ICC_AP0R0:
		*val = sim_sysreg_get(A64_SR_ICH_AP0R0_EL2);
		return true;
	case ICC_AP1R0:
		*val = sim_sysreg_get(A64_SR_ICH_AP1R0_EL2);
		return true;
	case ICC_EOIR0:
	case ICC_EOIR1:
	case ICC_DIR:
	case ICC_SGI0R:
	case ICC_SGI1R:
	case ICC_ASGI1R:
		return false; /* write-only */
	default:
		/* AP0R1-3/AP1R1-3 read as zero where they exist (32 priority
		 * groups fit in AP*R0); the rest is UNDEFINED. */
		return extra_ap_reg(&s, enc);
	}
}

static bool physical_write(struct fake_gic *g, uint32_t enc, uint64_t val)
{
	if (!g)
		return true;
	switch (enc) {
	case ICC_EOIR1:
	case ICC_EOIR0:
		fgic_eoi(g, (uint32_t)val & 0xffffffu);
		return true;
	case ICC_PMR:
		g->pmr = (uint8_t)val;
		return true;
	case ICC_SGI1R:
	case ICC_ASGI1R:
	case ICC_SGI0R:
		fgic_raise(g, (uint32_t)(val >> 24) & 0xfu);
		return true;
	default:
		return enc != ICC_IAR0 && enc != ICC_IAR1 &&
		       enc != ICC_HPPIR0 && enc != ICC_HPPIR1 && enc != ICC_RPR;
	}
}

bool vcpuif_write(struct fake_gic *g, uint32_t enc, uint64_t val)
{
	struct vif s;

	if (enc == ISR_EL1)
		return false;
	if (!virtual_route())
		return physical_write(g, enc, val);
	vif_load(&s);
	switch (enc) {
	case ICC_EOIR0:
		end_of_interrupt(g, val, false);
		return true;
	case ICC_EOIR1:
		end_of_interrupt(g, val, true);
		return true;
	case ICC_DIR:
		if (s.vmcr & VMCR_EOIM)
			deactivate(g, (uint32_t)val & 0xffffffu);
		return true;
	case ICC_PMR:
		vmcr_update(0xffull << VMCR_PMR_SHIFT,
			    (uint64_t)(val & prio_mask(&s)) << VMCR_PMR_SHIFT);
		return true;
	case ICC_BPR0: {
		unsigned b = (unsigned)val & 7u;

		b = b < bpr0_min(&s) ? bpr0_min(&s) : b;
		vmcr_update(7ull << VMCR_BPR0_SHIFT,
			    (uint64_t)b << VMCR_BPR0_SHIFT);
		return true;
	}
	case ICC_BPR1: {
		unsigned b = (unsigned)val & 7u;

		if (s.vmcr & VMCR_CBPR)
			return true; /* BPR1 follows BPR0: writes ignored */
		b = b < bpr0_min(&s) + 1 ? bpr0_min(&s) + 1 : b;
		vmcr_update(7ull << VMCR_BPR1_SHIFT,
			    (uint64_t)b << VMCR_BPR1_SHIFT);
		return true;
	}
	case ICC_CTLR:
		vmcr_update(VMCR_CBPR | VMCR_EOIM,
			    ((val & 1) ? VMCR_CBPR : 0) |
				((val & 2) ? VMCR_EOIM : 0));
		return true;
	case ICC_IGRPEN0:
		vmcr_update(VMCR_ENG0, (val & 1) ? VMCR_ENG0 : 0);
		return true;
	case ICC_IGRPEN1:
		vmcr_update(VMCR_ENG1, (val & 1) ? VMCR_ENG1 : 0);
		return true;
	case ICC_AP0R0:
		sim_sysreg_set(A64_SR_ICH_AP0R0_EL2, val & 0xffffffffull);
		return true;
	case ICC_AP1R0:
		sim_sysreg_set(A64_SR_ICH_AP1R0_EL2, val & 0xffffffffull);
		return true;
	case ICC_IAR0:
	case ICC_IAR1:
	case ICC_HPPIR0:
	case ICC_HPPIR1:
	case ICC_RPR:
		return false; /* read-only */
	case ICC_SGI0R:
	case ICC_SGI1R:
	case ICC_ASGI1R:
		/* Only when the hypervisor chose not to trap them; there is
		 * no other vCPU to signal. */
		return true;
	default:
		return extra_ap_reg(&s, enc);
	}
}

static uint64_t lr_bits(const struct vif *s, bool (*pred)(uint64_t lr))
{
	uint64_t r = 0;

	for (unsigned n = 0; n < s->nlrs; n++)
		if (pred(s->lr[n]))
			r |= 1ull << n;
	return r;
}

static bool lr_eoi_done(uint64_t lr)
{
	return !(lr & LR_STATE_MASK) && !(lr & LR_HW) && (lr & LR_EOI);
}

static bool lr_empty(uint64_t lr)
{
	return !(lr & LR_STATE_MASK) && ((lr & LR_HW) || !(lr & LR_EOI));
}

static bool lr_valid(uint64_t lr)
{
	return (lr & LR_STATE_MASK) != 0;
}

static bool lr_pending(uint64_t lr)
{
	return (lr & LR_STATE_PENDING) != 0;
}

uint64_t vcpuif_eisr(void)
{
	struct vif s;

	vif_load(&s);
	return lr_bits(&s, lr_eoi_done);
}

uint64_t vcpuif_elrsr(void)
{
	struct vif s;

	vif_load(&s);
	return lr_bits(&s, lr_empty);
}

uint64_t vcpuif_misr(void)
{
	uint64_t hcr = sim_sysreg_get(A64_SR_ICH_HCR_EL2);
	uint64_t m = 0, valid;
	struct vif s;

	vif_load(&s);
	valid = lr_bits(&s, lr_valid);
	if (lr_bits(&s, lr_eoi_done))
		m |= MISR_EOI;
	if ((hcr & A64_ICH_HCR_UIE) && (valid & (valid - 1)) == 0)
		m |= MISR_U;
	if ((hcr & A64_ICH_HCR_LRENPIE) && (hcr & A64_ICH_HCR_EOICOUNT_MASK))
		m |= MISR_LRENP;
	if ((hcr & A64_ICH_HCR_NPIE) && !lr_bits(&s, lr_pending))
		m |= MISR_NP;
	if ((hcr & A64_ICH_HCR_VGRP0EIE) && group_enabled(&s, false))
		m |= MISR_VGRP0E;
	if ((hcr & A64_ICH_HCR_VGRP0DIE) && !group_enabled(&s, false))
		m |= MISR_VGRP0D;
	if ((hcr & A64_ICH_HCR_VGRP1EIE) && group_enabled(&s, true))
		m |= MISR_VGRP1E;
	if ((hcr & A64_ICH_HCR_VGRP1DIE) && !group_enabled(&s, true))
		m |= MISR_VGRP1D;
	return m;
}

/*
 * ICH_HCR_EL2.En and any bit of vcpuif_misr(): asked at every event check
 * of the simulated CPU, so it stops at the first condition that holds and
 * reads the list registers only if none of ICH_HCR/ICH_VMCR's does.
 */
static bool maint_level_now(void)
{
	uint64_t hcr = sim_sysreg_get(A64_SR_ICH_HCR_EL2);
	uint64_t vmcr, vtr;
	unsigned nlrs, valid = 0;
	bool pending = false;

	if (!(hcr & A64_ICH_HCR_EN))
		return false;
	if ((hcr & A64_ICH_HCR_LRENPIE) && (hcr & A64_ICH_HCR_EOICOUNT_MASK))
		return true;
	vmcr = sim_sysreg_get(A64_SR_ICH_VMCR_EL2);
	if ((hcr & ((vmcr & VMCR_ENG0) ? A64_ICH_HCR_VGRP0EIE
				       : A64_ICH_HCR_VGRP0DIE)) ||
	    (hcr & ((vmcr & VMCR_ENG1) ? A64_ICH_HCR_VGRP1EIE
				       : A64_ICH_HCR_VGRP1DIE)))
		return true;
	vtr = sim_sysreg_get(A64_SR_ICH_VTR_EL2);
	nlrs = (unsigned)(vtr & 0x1f) + 1;
	if (nlrs > 16)
		nlrs = 16;
	for (unsigned n = 0; n < nlrs; n++) {
		uint64_t lr = sim_sysreg_get(A64_SR_ICH_LR(n));

		if (lr_eoi_done(lr))
			return true;
		valid += lr_valid(lr);
		pending |= lr_pending(lr);
	}
	return ((hcr & A64_ICH_HCR_UIE) && valid <= 1) ||
	       ((hcr & A64_ICH_HCR_NPIE) && !pending);
}

/*
 * The level depends on the register file alone (ICH_HCR, ICH_VMCR,
 * ICH_VTR and the list registers), which most event checks find as the
 * last one did: the answer is kept until the next write to the file
 * (sim_sysreg_writes counts them all), which invalidates it.
 */
static struct {
	bool known;
	bool level;
	uint64_t writes; /* sim_sysreg_writes when level was computed */
} maint_memo;

bool vcpuif_maint_level(void)
{
	if (!maint_memo.known || maint_memo.writes != sim_sysreg_writes) {
		maint_memo.level = maint_level_now();
		maint_memo.writes = sim_sysreg_writes;
		maint_memo.known = true;
	}
	return maint_memo.level;
}

bool vcpuif_computed_reg(uint32_t enc, uint64_t *val)
{
	switch (enc) {
	case A64_SR_ICH_MISR_EL2:
		*val = vcpuif_misr();
		return true;
	case A64_SR_ICH_EISR_EL2:
		*val = vcpuif_eisr();
		return true;
	case A64_SR_ICH_ELRSR_EL2:
		*val = vcpuif_elrsr();
		return true;
	default:
		return false;
	}
}
