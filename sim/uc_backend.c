/*
 * The HAL CPU backend of the simulated physical CPU: hal_sysreg_read/write
 * of the guest's EL1 registers reach the live state in the engine of the
 * current vCPU (or the sim's timer), the computed ICH_* registers come from
 * the virtual CPU interface, and Stage-2 TLB flushes schedule a remap of
 * guest memory in every engine of that VMID.
 */
#include <string.h>

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

/* The physical counter needs no engine: the clock is the pCPU's. */
static bool counter_read(uint32_t enc, uint64_t *val)
{
	uint64_t cntp = sim_counter(sim_pcpu.now);

	if (enc == A64_SR_CNTPCT_EL0) {
		*val = cntp;
		return true;
	}
	if (enc == A64_SR_CNTVCT_EL0) {
		*val = cntp - sim_sysreg_get(A64_SR_CNTVOFF_EL2);
		return true;
	}
	return false;
}

static bool be_sysreg_read(void *ctx, uint32_t enc, uint64_t *val)
{
	struct sim_cpu *c = sim_pcpu.cur;

	(void)ctx;
	if (vcpuif_computed_reg(enc, val))
		return true;
	if (!c)
		return counter_read(enc, val);
	if (is_timer_reg(enc))
		return sim_timer_read(c, enc, sim_pcpu.now, val);
	if (enc == A64_SR_SP_EL1) {
		*val = sim_read_sp_el1(c);
		return true;
	}
	if (is_el1_reg(enc))
		return uc_cp_read(c, enc, val);
	return false;
}

/* Every engine reloads Stage-2 before it next runs. */
static void remap_all(void)
{
	for (unsigned i = 0; i < sim_pcpu.ncpus; i++) {
		struct sim_cpu *e = sim_pcpu.cpus[i];

		e->remap = true;
		e->remap_lo = 0;
		e->remap_hi = ~0ull;
		sim_request_stop(e);
	}
}

static bool be_sysreg_write(void *ctx, uint32_t enc, uint64_t val)
{
	struct sim_cpu *c = sim_pcpu.cur;

	(void)ctx;
	if (c && is_timer_reg(enc)) {
		c->next_event = 0;
		return sim_timer_write(c, enc, sim_pcpu.now, val);
	}
	if (c && enc == A64_SR_SP_EL1) {
		sim_write_sp_el1(c, val);
		return true;
	}
	if (c && is_el1_reg(enc)) {
		if (!uc_cp_write(c, enc, val))
			return false;
		/* The fill hook's answers depend on these: what the guest
		 * would do with its own MSR, the core's emulation of it
		 * does (a CP_REG write is raw in Unicorn, without its
		 * TLB maintenance). */
		if (is_translation_reg(enc)) {
			uc_ctl_flush_tlb(c->uc);
			sim_forget_code(c);
		}
		return true;
	}
	if (c && is_gic_el2_reg(enc))
		c->next_event = 0; /* list registers changed: re-evaluate */
	/* A different Stage-2 (or none): each engine reloads all of it when
	 * it next runs, which is after its VM's is in place again. */
	if ((enc == A64_SR_VTTBR_EL2 || enc == A64_SR_VTCR_EL2 ||
	     enc == A64_SR_HCR_EL2) &&
	    sim_sysreg_get(enc) != val)
		remap_all();
	return false; /* the register file keeps EL2 state */
}

static void be_fpsimd_save(void *ctx, struct vcpu_fpsimd *fp)
{
	struct sim_cpu *c = sim_pcpu.cur;

	(void)ctx;
	if (!c) {
		memset(fp, 0, sizeof(*fp));
		return;
	}
	for (unsigned i = 0; i < 32; i++)
		uc_reg_read(c->uc, UC_ARM64_REG_V0 + (int)i, fp->v[i]);
	fp->fpsr = (uint32_t)uc_get(c, UC_ARM64_REG_FPSR);
	fp->fpcr = (uint32_t)uc_get(c, UC_ARM64_REG_FPCR);
}

static void be_fpsimd_restore(void *ctx, const struct vcpu_fpsimd *fp)
{
	struct sim_cpu *c = sim_pcpu.cur;

	(void)ctx;
	if (!c)
		return;
	for (unsigned i = 0; i < 32; i++)
		uc_reg_write(c->uc, UC_ARM64_REG_V0 + (int)i, fp->v[i]);
	uc_set(c, UC_ARM64_REG_FPSR, fp->fpsr);
	uc_set(c, UC_ARM64_REG_FPCR, fp->fpcr);
}

static void s2_changed(struct sim_cpu *c, uint64_t ipa, uint64_t end)
{
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

/* Every engine of the VM maps its memory through its own Stage-2 view. */
static void be_s2_changed(void *ctx, uint16_t vmid, uint64_t ipa, uint64_t size)
{
	uint64_t end = size > ~ipa ? ~0ull : ipa + size;

	(void)ctx;
	for (unsigned i = 0; i < sim_pcpu.ncpus; i++)
		if (sim_pcpu.cpus[i]->vmid == vmid)
			s2_changed(sim_pcpu.cpus[i], ipa, end);
}

static bool be_wait(void *ctx)
{
	(void)ctx;
	return sim_pcpu_wait();
}

/* The engine of v, if it has one, takes the EL1 accesses from now on; the
 * physical timer lines follow it. */
static void be_set_current(void *ctx, struct vcpu *v)
{
	(void)ctx;
	sim_pcpu.cur = v ? sim_pcpu_engine(v) : NULL;
	sim_update_cpu_lines(sim_pcpu.cur);
}

static void be_kick(void *ctx, unsigned cpu)
{
	(void)ctx;
	sim_pcpu_fail("hal_cpu_kick(%u) on the simulated machine's only "
		      "physical CPU: the core kicks only other CPUs",
		      cpu);
}

void sim_attach_backend(void)
{
	struct sim_cpu_backend b = {
	    .ctx = NULL,
	    .sysreg_read = be_sysreg_read,
	    .sysreg_write = be_sysreg_write,
	    .fpsimd_save = be_fpsimd_save,
	    .fpsimd_restore = be_fpsimd_restore,
	    .s2_changed = be_s2_changed,
	    .enter = sim_world_enter,
	    .wait = be_wait,
	    .set_current = be_set_current,
	    .kick = be_kick,
	};

	sim_hal_set_cpu_backend(&b);
}
