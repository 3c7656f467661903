/*
 * The HAL CPU backend: hal_sysreg_read/write of the guest's EL1 registers
 * reach the live state in Unicorn (or the sim's timer), the computed ICH_*
 * registers come from the virtual CPU interface, and Stage-2 TLB flushes
 * schedule a remap of guest memory.
 */
#include "a64_arch.h"
#include "a64_sysregs.h"
#include "fake_vcpuif.h"
#include "sim_hal.h"
#include "uc_cpu_priv.h"

#define EL1_CASE(name, op0, op1, crn, crm, op2) case A64_SR_##name:
static bool is_el1_reg(uint32_t enc)
{
	switch (enc) {
		A64_SYSREGS_EL1(EL1_CASE)
		return true;
	default:
		return false;
	}
}
#undef EL1_CASE

static bool is_translation_reg(uint32_t enc)
{
	return enc == A64_SR_SCTLR_EL1 || enc == A64_SR_TCR_EL1 ||
	       enc == A64_SR_TTBR0_EL1 || enc == A64_SR_TTBR1_EL1 ||
	       enc == A64_SR_MAIR_EL1 || enc == A64_SR_CONTEXTIDR_EL1;
}

static bool is_timer_reg(uint32_t enc)
{
	return enc == A64_SR_CNTV_CTL_EL0 || enc == A64_SR_CNTV_CVAL_EL0 ||
	       enc == A64_SR_CNTKCTL_EL1 || enc == A64_SR_CNTVCT_EL0 ||
	       enc == A64_SR_CNTPCT_EL0 || enc == A64_SR_CNTP_CTL_EL0 ||
	       enc == A64_SR_CNTP_CVAL_EL0;
}

static bool is_gic_el2_reg(uint32_t enc)
{
	return SYSREG_OP0(enc) == 3 && SYSREG_OP1(enc) == 4 &&
	       SYSREG_CRN(enc) == 12 && SYSREG_CRM(enc) >= 8;
}

static bool be_sysreg_read(void *ctx, uint32_t enc, uint64_t *val)
{
	struct sim_cpu *c = ctx;

	if (vcpuif_computed_reg(enc, val))
		return true;
	if (is_timer_reg(enc))
		return sim_timer_read(c, enc, c->vtime, val);
	if (enc == A64_SR_SP_EL1) {
		*val = sim_read_sp_el1(c);
		return true;
	}
	if (is_el1_reg(enc))
		return uc_cp_read(c, enc, val);
	return false;
}

static bool be_sysreg_write(void *ctx, uint32_t enc, uint64_t val)
{
	struct sim_cpu *c = ctx;

	if (is_timer_reg(enc)) {
		c->next_event = 0;
		return sim_timer_write(c, enc, c->vtime, val);
	}
	if (enc == A64_SR_SP_EL1) {
		sim_write_sp_el1(c, val);
		return true;
	}
	if (is_el1_reg(enc)) {
		if (!uc_cp_write(c, enc, val))
			return false;
		/* The fill hook's answers depend on these: what the guest
		 * would do with its own MSR, the core's emulation of it
		 * does (a CP_REG write is raw in Unicorn, without its
		 * TLB maintenance). */
		if (is_translation_reg(enc))
			uc_ctl_flush_tlb(c->uc);
		return true;
	}
	if (is_gic_el2_reg(enc))
		c->next_event = 0; /* list registers changed: re-evaluate */
	if ((enc == A64_SR_VTTBR_EL2 || enc == A64_SR_VTCR_EL2 ||
	     enc == A64_SR_HCR_EL2) &&
	    sim_sysreg_get(enc) != val) {
		/* A different Stage-2 (or none): reload all of it. */
		c->remap = true;
		c->remap_lo = 0;
		c->remap_hi = ~0ull;
		sim_request_stop(c);
	}
	return false; /* the register file keeps EL2 state */
}

static void be_fpsimd_save(void *ctx, struct vcpu_fpsimd *fp)
{
	struct sim_cpu *c = ctx;

	for (unsigned i = 0; i < 32; i++)
		uc_reg_read(c->uc, UC_ARM64_REG_V0 + (int)i, fp->v[i]);
	fp->fpsr = (uint32_t)uc_get(c, UC_ARM64_REG_FPSR);
	fp->fpcr = (uint32_t)uc_get(c, UC_ARM64_REG_FPCR);
}

static void be_fpsimd_restore(void *ctx, const struct vcpu_fpsimd *fp)
{
	struct sim_cpu *c = ctx;

	for (unsigned i = 0; i < 32; i++)
		uc_reg_write(c->uc, UC_ARM64_REG_V0 + (int)i, fp->v[i]);
	uc_set(c, UC_ARM64_REG_FPSR, fp->fpsr);
	uc_set(c, UC_ARM64_REG_FPCR, fp->fpcr);
}

static void be_s2_changed(void *ctx, uint16_t vmid, uint64_t ipa, uint64_t size)
{
	struct sim_cpu *c = ctx;
	uint64_t end = size > ~ipa ? ~0ull : ipa + size;

	if (vmid != c->vmid)
		return;
	if (!c->remap) {
		c->remap_lo = ipa;
		c->remap_hi = end;
	} else {
		c->remap_lo = ipa < c->remap_lo ? ipa : c->remap_lo;
		c->remap_hi = end > c->remap_hi ? end : c->remap_hi;
	}
	c->remap = true;
	sim_request_stop(c);
}

void sim_attach_backend(struct sim_cpu *c)
{
	struct sim_cpu_backend b = {
	    .ctx = c,
	    .sysreg_read = be_sysreg_read,
	    .sysreg_write = be_sysreg_write,
	    .fpsimd_save = be_fpsimd_save,
	    .fpsimd_restore = be_fpsimd_restore,
	    .s2_changed = be_s2_changed,
	    .enter = sim_world_enter,
	    .wait = sim_world_wait,
	};

	sim_hal_set_cpu_backend(&b);
}
