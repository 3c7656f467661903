/*
 * MRS/MSR/SYS from the guest: routed by the EL2 trap controls to the core
 * (EC 0x18), to the sim's counter/timer or GIC CPU interface models, to an
 * UNDEF, or left to Unicorn. The counter/timer registers are answered here
 * so that Unicorn's host-clock timers never reach the guest.
 */
#include <string.h>

#include "a64_decode.h"
#include "a64_arch.h"
#include "a64_sysregs.h"
#include "el2_traps.h"
#include "fake_gic.h"
#include "fake_vcpuif.h"
#include "hal.h"
#include "sim_hal.h"
#include "uc_cpu_priv.h"

#define UC_PAGE 0x400ull /* Unicorn's TLB page for AArch64 */

#define IC_IALLUIS SYSREG_ENC(1, 0, 7, 1, 0)
#define IC_IALLU SYSREG_ENC(1, 0, 7, 5, 0)
#define IC_IVAU SYSREG_ENC(1, 3, 7, 5, 1)
#define TLBI_CRN 8u
#define IC_PAGE 0x1000ull

bool sim_timer_read(struct sim_cpu *c, uint32_t enc, uint64_t now,
		    uint64_t *val)
{
	uint64_t cntp = sim_counter(now);
	uint64_t cntv = cntp - sim_sysreg_get(A64_SR_CNTVOFF_EL2);

	switch (enc) {
	case A64_SR_CNTFRQ_EL0:
		*val = sim_sysreg_get(A64_SR_CNTFRQ_EL0);
		return true;
	case A64_SR_CNTPCT_EL0:
		*val = cntp;
		return true;
	case A64_SR_CNTVCT_EL0:
		*val = cntv;
		return true;
	case A64_SR_CNTV_CTL_EL0:
		*val = vtimer_ctl_read(&c->vtimer, cntv);
		return true;
	case A64_SR_CNTV_CVAL_EL0:
		*val = c->vtimer.cval;
		return true;
	case A64_SR_CNTV_TVAL_EL0:
		*val = vtimer_tval_read(&c->vtimer, cntv);
		return true;
	case A64_SR_CNTP_CTL_EL0:
		*val = vtimer_ctl_read(&c->ptimer, cntp);
		return true;
	case A64_SR_CNTP_CVAL_EL0:
		*val = c->ptimer.cval;
		return true;
	case A64_SR_CNTP_TVAL_EL0:
		*val = vtimer_tval_read(&c->ptimer, cntp);
		return true;
	case A64_SR_CNTKCTL_EL1:
		*val = c->cntkctl;
		return true;
	default:
		return false;
	}
}

bool sim_timer_write(struct sim_cpu *c, uint32_t enc, uint64_t now,
		     uint64_t val)
{
	uint64_t cntp = sim_counter(now);
	uint64_t cntv = cntp - sim_sysreg_get(A64_SR_CNTVOFF_EL2);

	switch (enc) {
	case A64_SR_CNTV_CTL_EL0:
		vtimer_ctl_write(&c->vtimer, val);
		break;
	case A64_SR_CNTV_CVAL_EL0:
		c->vtimer.cval = val;
		break;
	case A64_SR_CNTV_TVAL_EL0:
		vtimer_tval_write(&c->vtimer, cntv, val);
		break;
	case A64_SR_CNTP_CTL_EL0:
		vtimer_ctl_write(&c->ptimer, val);
		break;
	case A64_SR_CNTP_CVAL_EL0:
		c->ptimer.cval = val;
		break;
	case A64_SR_CNTP_TVAL_EL0:
		vtimer_tval_write(&c->ptimer, cntp, val);
		break;
	case A64_SR_CNTKCTL_EL1:
		c->cntkctl = val;
		break;
	default:
		return false; /* counters and CNTFRQ are read-only */
	}
	c->next_event = 0;
	return true;
}

static unsigned reg_number(uc_arm64_reg reg)
{
	if (reg >= UC_ARM64_REG_X0 && reg <= UC_ARM64_REG_X28)
		return (unsigned)(reg - UC_ARM64_REG_X0);
	if (reg == UC_ARM64_REG_X29)
		return 29;
	if (reg == UC_ARM64_REG_X30)
		return 30;
	return 31; /* XZR */
}

/*
 * The guest must continue somewhere other than after the MRS/MSR at pc
 * (an injected UNDEF, say). Unicorn honours a PC written in this hook only
 * for registers it does not implement (it ends the block at pc); an MSR
 * ends its block anyway, so stopping there is exact. So: write the state
 * now, stop at the next block boundary, and in the run loop check where
 * the guest really is. Only an implemented MRS is late: the rest of its
 * block runs first (counted in late_redirects).
 */
static uint32_t redirect_from_sysreg(struct sim_cpu *c, uint64_t pc)
{
	c->apply_regs = c->v->regs;
	c->apply_at = pc;
	c->apply_pending = true;
	regs_push(c, pc);
	sim_request_stop(c);
	return 1;
}

/*
 * Where Unicorn goes on after a handled MRS/MSR at pc: it ends the block at
 * a register it does not implement and then takes the PC written here (or
 * restarts the block without one); for one it implements the block just
 * goes on, and a PC write would only make it leave early.
 */
static uint64_t natural_next(struct sim_cpu *c, uint64_t pc)
{
	return c->blk_end == pc + 4 ? pc : pc + 4;
}

/*
 * A block also ends after pc for reasons of its own: at one of Unicorn's
 * 1 KiB pages or at QEMU's 512 instructions, chained straight to the next
 * block. If the register is one Unicorn implements, the PC write (needed
 * for one it does not) then leaves that next block after its hook ran,
 * and the block hook runs again when it really starts: the per-block
 * clock counted the block twice. There, the access also stops emulation:
 * the next block's hook sees the stop and neither counts nor runs it, and
 * the run loop resumes at pc + 4 either way.
 */
#define QEMU_MAX_BLOCK_INSNS 512u
static void end_at_block_end(struct sim_cpu *c, uint64_t pc)
{
	if (((pc + 4) & (UC_PAGE - 1)) == 0 ||
	    c->blk_end - c->blk_start >= 4ull * QEMU_MAX_BLOCK_INSNS)
		sim_request_stop(c);
}

static uint32_t emulated(struct sim_cpu *c, uint64_t pc)
{
	if (natural_next(c, pc) == pc) {
		uc_set(c, UC_ARM64_REG_PC, pc + 4);
		end_at_block_end(c, pc);
	}
	return 1;
}

static uint32_t sysreg_iss(uint32_t enc, bool is_read, unsigned rt)
{
	return (SYSREG_OP0(enc) << A64_ISS_SYS_OP0_SHIFT) |
	       (SYSREG_OP2(enc) << A64_ISS_SYS_OP2_SHIFT) |
	       (SYSREG_OP1(enc) << A64_ISS_SYS_OP1_SHIFT) |
	       (SYSREG_CRN(enc) << A64_ISS_SYS_CRN_SHIFT) |
	       (rt << A64_ISS_SYS_RT_SHIFT) |
	       (SYSREG_CRM(enc) << A64_ISS_SYS_CRM_SHIFT) |
	       (is_read ? A64_ISS_SYS_READ : 0);
}

#define SCTLR_UMA (1ull << 9)
#define SCTLR_DZE (1ull << 14)
#define SCTLR_UCT (1ull << 15)
#define SCTLR_UCI (1ull << 26)
#define CNTKCTL_EL0PCTEN (1ull << 0)
#define CNTKCTL_EL0VCTEN (1ull << 1)
#define CNTKCTL_EL0VTEN (1ull << 8)
#define CNTKCTL_EL0PTEN (1ull << 9)
#define PMUSERENR_EN (1ull << 0)

#define NZCV SYSREG_ENC(3, 3, 4, 2, 0)
#define DAIF SYSREG_ENC(3, 3, 4, 2, 1)
#define FPCR SYSREG_ENC(3, 3, 4, 4, 0)
#define FPSR SYSREG_ENC(3, 3, 4, 4, 1)
#define CTR_EL0 SYSREG_ENC(3, 3, 0, 0, 1)
#define PMUSERENR_EL0 SYSREG_ENC(3, 3, 9, 14, 0)
#define DC_CVAC SYSREG_ENC(1, 3, 7, 10, 1)
#define DC_CVAU SYSREG_ENC(1, 3, 7, 11, 1)
#define DC_CIVAC SYSREG_ENC(1, 3, 7, 14, 1)
#define MSR_DAIFSET_OP2 6u
#define MSR_DAIFCLR_OP2 7u

#define PMCR_N(v) (((v) >> 11) & 0x1fu)
#define PMSWINC_OP2 4u
#define PMCEID0_OP2 6u

/*
 * The PMU's EL0 registers that exist (PMUSERENR_EL0 aside): CRn 9 CRm 12
 * (PMCR ... PMCEID1), PMCCNTR/PMXEVTYPER/PMXEVCNTR, PMOVSSET, and
 * PMEVCNTR<n>/PMEVTYPER<n> for the PMCR_EL0.N counters (plus PMCCFILTR as
 * n = 31). Anything else there is UNDEFINED before PMUSERENR_EL0 counts,
 * and so are reads of PMSWINC and writes of PMCEID0/1.
 */
static bool pmu_el0_reg(struct sim_cpu *c, uint32_t enc, bool is_read)
{
	unsigned crn = SYSREG_CRN(enc), crm = SYSREG_CRM(enc);
	unsigned op2 = SYSREG_OP2(enc), n;
	uint64_t pmcr = 0;

	if (crn == 9 && crm == 12)
		return op2 == PMSWINC_OP2 ? !is_read
					  : (op2 < PMCEID0_OP2 || is_read);
	if (crn == 9 && crm == 13)
		return op2 <= 2;
	if (crn == 9 && crm == 14)
		return op2 == 3; /* PMOVSSET_EL0 */
	if (crn != 14 || crm < 8)
		return false;
	n = (crm & 3u) << 3 | op2;
	if (crm >= 12 && n == 31)
		return true; /* PMCCFILTR_EL0 */
	uc_cp_read(c, A64_SR_PMCR_EL0, &pmcr);
	return n < PMCR_N(pmcr);
}

static enum el0_rule allow_if(bool cond)
{
	return cond ? EL0_ALLOWED : EL0_TRAP_EL1;
}

/*
 * What EL0 may do with a system register or instruction, from EL1's point
 * of view (checked before any EL2 routing, which applies only to what EL1
 * allows): only the op1 = 3 encodings exist at EL0, and SCTLR_EL1,
 * CNTKCTL_EL1 and PMUSERENR_EL0 trap some of them to EL1 (EC 0x18).
 * MSR DAIFSet/DAIFClr come as op0 = 0, CRn = 4 (their CRm is the mask).
 */
enum el0_rule sim_el0_sysreg_rule(struct sim_cpu *c, uint32_t enc, bool is_read)
{
	uint64_t sctlr = 0, k = c->cntkctl, pmu = 0;
	unsigned op1 = SYSREG_OP1(enc), crn = SYSREG_CRN(enc);
	unsigned op2 = SYSREG_OP2(enc);

	uc_cp_read(c, A64_SR_SCTLR_EL1, &sctlr);
	if (SYSREG_OP0(enc) == 0 && crn == 4 && op1 == 3 &&
	    (op2 == MSR_DAIFSET_OP2 || op2 == MSR_DAIFCLR_OP2))
		return allow_if(sctlr & SCTLR_UMA);
	if (op1 != 3)
		return EL0_UNDEF;
	switch (enc) {
	case NZCV:
	case FPCR:
	case FPSR:
	case A64_SR_TPIDR_EL0:
		return EL0_ALLOWED;
	case A64_SR_DCZID_EL0:
	case A64_SR_TPIDRRO_EL0:
	case PMUSERENR_EL0:
		return is_read ? EL0_ALLOWED : EL0_UNDEF;
	case CTR_EL0:
		return is_read ? allow_if(sctlr & SCTLR_UCT) : EL0_UNDEF;
	case DAIF:
		return allow_if(sctlr & SCTLR_UMA);
	case DC_CVAC:
	case DC_CVAU:
	case DC_CIVAC:
	case IC_IVAU:
		return allow_if(sctlr & SCTLR_UCI);
	case A64_SR_DC_ZVA:
		return allow_if(sctlr & SCTLR_DZE);
	case A64_SR_CNTFRQ_EL0:
		return is_read
			   ? allow_if(k & (CNTKCTL_EL0PCTEN | CNTKCTL_EL0VCTEN))
			   : EL0_UNDEF;
	case A64_SR_CNTPCT_EL0:
		return is_read ? allow_if(k & CNTKCTL_EL0PCTEN) : EL0_UNDEF;
	case A64_SR_CNTVCT_EL0:
		return is_read ? allow_if(k & CNTKCTL_EL0VCTEN) : EL0_UNDEF;
	case A64_SR_CNTV_CTL_EL0:
	case A64_SR_CNTV_CVAL_EL0:
	case A64_SR_CNTV_TVAL_EL0:
		return allow_if(k & CNTKCTL_EL0VTEN);
	case A64_SR_CNTP_CTL_EL0:
	case A64_SR_CNTP_CVAL_EL0:
	case A64_SR_CNTP_TVAL_EL0:
		return allow_if(k & CNTKCTL_EL0PTEN);
	default:
		break;
	}
	if (SYSREG_OP0(enc) == 3 && pmu_el0_reg(c, enc, is_read)) {
		uc_cp_read(c, PMUSERENR_EL0, &pmu);
		return allow_if(pmu & PMUSERENR_EN);
	}
	/* The debug communication channel: EL1 lets EL0 in (MDSCR_EL1.TDCC
	 * is not modelled), EL2 routing decides the rest. */
	if (SYSREG_OP0(enc) == 2 && crn == 0)
		return EL0_ALLOWED;
	return EL0_UNDEF;
}

/* EL0 touched something EL1 traps: EC 0x18 to EL1, ELR = the instruction
 * (on the pulled registers; the caller pushes). */
bool sim_prepare_el0_sysreg_trap(struct sim_cpu *c, uint32_t enc, bool is_read,
				 unsigned rt, uint64_t pc)
{
	return sim_prepare_el1_entry(
	    c, false, a64_esr(A64_EC_SYSREG, sysreg_iss(enc, is_read, rt)),
	    false, 0, pc);
}

static uint32_t sysreg_trap(struct sim_cpu *c, uint32_t enc, bool is_read,
			    unsigned rt, uint64_t pc)
{
	uint32_t iss = sysreg_iss(enc, is_read, rt);
	enum exit_action act;

	/* No time to give back: Unicorn ends the block at a register it
	 * does not implement and runs the rest of it for one it does. The
	 * trace still shows the time at this instruction. The registers are
	 * pulled (sysreg_access). */
	c->rec_vtime = sim_now(c, pc) + 1;
	act = sim_core_exit(c, a64_esr(A64_EC_SYSREG, iss), 0, 0, pc);
	sim_finish_trap(c, act);
	if (act != EXIT_RESUME && act != EXIT_WFI)
		return 1; /* the vCPU or VM is stopping */
	if (c->v->regs.pc == pc + 4 && c->v->regs.pstate == c->shadow.pstate) {
		regs_push(c, natural_next(c, pc));
		if (natural_next(c, pc) == pc)
			end_at_block_end(c, pc);
		return 1;
	}
	return redirect_from_sysreg(c, pc);
}

/*
 * DC ZVA on a block Stage-2 does not let the guest write: a data abort to
 * EL2 at the instruction, which does not execute. Unicorn would fault
 * from inside a helper, and without a code hook it then finishes the
 * block with the write dropped, so the exit is taken here. The block may
 * still run on before the core's PC takes effect (a late redirect, as for
 * an implemented MRS): from then on the engine tracks every instruction.
 */
static uint32_t dc_zva(struct sim_cpu *c, uc_arm64_reg reg, uint64_t pc)
{
	uint64_t xt = reg_number(reg) == 31 ? 0 : uc_get(c, (int)reg);
	uint64_t esr, far, hpfar;
	enum exit_action act;

	if (!sim_dc_zva_abort(c, xt, &esr, &far, &hpfar))
		return 0; /* Unicorn zeroes the block */
	c->wfe_armed = false;
	c->rec_vtime = sim_now(c, pc) + 1;
	act = sim_sync_exit(c, esr, far, hpfar, pc);
	sim_finish_trap(c, act);
	if (act != EXIT_RESUME && act != EXIT_WFI)
		return 1;
	if (c->v->regs.pc == pc + 4 && c->v->regs.pstate == c->shadow.pstate) {
		regs_push(c, natural_next(c, pc));
		if (natural_next(c, pc) == pc)
			end_at_block_end(c, pc);
		return 1;
	}
	if (natural_next(c, pc) != pc)
		sim_go_precise(c);
	return redirect_from_sysreg(c, pc);
}

static uint32_t undef_from_sysreg(struct sim_cpu *c, uint64_t pc)
{
	regs_pull(c);
	if (!sim_prepare_el1_entry(c, false, a64_esr(A64_EC_UNKNOWN, 0), false,
				   0, pc))
		return 1;
	return redirect_from_sysreg(c, pc);
}

static void put_rt(struct sim_cpu *c, uc_arm64_reg reg, uint64_t val)
{
	if (reg_number(reg) != 31)
		uc_reg_write(c->uc, reg, &val);
}

/*
 * Instruction cache invalidation is where a guest that wrote code makes it
 * visible to its instruction fetches. Unicorn misses some rewrites of code
 * it has translated (a guest rewriting a buffer between runs executed the
 * old instructions), so the sim drops the translations: of the page an IC
 * IVAU names (translated by the guest's Stage-1), of all code for IC
 * IALLU/IALLUIS or an IC IVAU whose VA does not translate. Not from here:
 * the block running now may be one of them, and Unicorn would chain from
 * a freed block (it crashed doing so). The run stops before the next block
 * and the run loop drops them (sim_ic_invalidate). The block running now
 * finishes first, with the translations it has: architecturally the IC's
 * effect on this PE's fetches needs a context synchronization (an ISB),
 * which ends a block. Stopping in the middle of the block instead left
 * Unicorn's PC at the block's start when a store followed the IC: the
 * block ran again, its stores twice, and met the IC again, for ever (a
 * hostile program QEMU finished). Dropping all the
 * code for each IC IVAU made Linux, which patches code one instruction at
 * a time at boot, retranslate everything tens of thousands of times.
 *
 * Each engine translates for itself and never sees another's stores to
 * guest RAM: every engine of the VM drops the same range (the IPA is the
 * VM's), whichever vCPU invalidated, and whatever the IC's shareability
 * (the sim's engines all share one physical CPU's caches). Each drops it
 * before it next runs a block.
 */
static void ic_mark(struct sim_cpu *c, bool all, uint64_t lo, uint64_t hi)
{
	if (all || c->ic_flush_all) {
		c->ic_flush_all = true;
	} else if (c->ic_flush) {
		c->ic_lo = lo < c->ic_lo ? lo : c->ic_lo;
		c->ic_hi = hi > c->ic_hi ? hi : c->ic_hi;
	} else {
		c->ic_lo = lo;
		c->ic_hi = hi;
	}
	c->ic_flush = true;
	sim_stop_before_next_block(c);
}

static void ic_invalidate_later(struct sim_cpu *c, uint32_t enc,
				uc_arm64_reg reg)
{
	uint64_t ipa, lo = 0, hi = 0;
	bool all = true;

	if (enc == IC_IVAU && reg_number(reg) != 31 &&
	    sim_va_to_ipa(c, uc_get(c, (int)reg), &ipa)) {
		lo = ipa & ~(IC_PAGE - 1);
		hi = lo + IC_PAGE;
		all = false;
	}
	for (unsigned i = 0; i < sim_pcpu.ncpus; i++)
		if (sim_pcpu.cpus[i]->vmid == c->vmid)
			ic_mark(sim_pcpu.cpus[i], all, lo, hi);
}

void sim_ic_invalidate(struct sim_cpu *c)
{
	bool all = c->ic_flush_all;

	c->ic_flush = false;
	c->ic_flush_all = false;
	sim_forget_code(c); /* code changed */
	/* Invalidated translations keep their space in Unicorn's code buffer;
	 * when it fills up, Unicorn flushes it from inside the run, and 2.1.1
	 * then crashed chaining blocks (hostile seeds of 10 M instructions,
	 * tens of thousands of rewritten buffers). Flush here, between runs,
	 * long before that. */
	if (++c->ic_flushes % SIM_IC_FLUSHES_PER_TB_FLUSH == 0) {
		uc_ctl_flush_tb(c->uc);
		return;
	}
	if (all)
		sim_drop_region_code(c, true);
	else
		sim_drop_code(c, c->ic_lo, c->ic_hi);
}

/*
 * The Cortex-A57's IMPLEMENTATION DEFINED EL1 registers (TRM: CPUACTLR,
 * CPUECTLR, CPUMERRSR, L2CTLR, L2ECTLR, L2ACTLR, L2MERRSR), which QEMU's
 * cortex-a57 also has; Unicorn's model lacks them and UNDEFs. Reached only
 * when HCR_EL2.TIDCP leaves them to EL1: read as zero (one CPU, no errors
 * recorded), writes ignored. CBAR_EL1 Unicorn has.
 */
static bool a57_impdef(uint32_t enc)
{
	switch (enc) {
	case SYSREG_ENC(3, 1, 15, 2, 0): /* CPUACTLR_EL1 */
	case SYSREG_ENC(3, 1, 15, 2, 1): /* CPUECTLR_EL1 */
	case SYSREG_ENC(3, 1, 15, 2, 2): /* CPUMERRSR_EL1 */
	case SYSREG_ENC(3, 1, 11, 0, 2): /* L2CTLR_EL1 */
	case SYSREG_ENC(3, 1, 11, 0, 3): /* L2ECTLR_EL1 */
	case SYSREG_ENC(3, 1, 15, 0, 0): /* L2ACTLR_EL1 */
	case SYSREG_ENC(3, 1, 15, 2, 3): /* L2MERRSR_EL1 */
		return true;
	default:
		return false;
	}
}

static uint32_t sysreg_access(struct sim_cpu *c, uc_arm64_reg reg,
			      const uc_arm64_cp_reg *cp, bool is_read)
{
	uint32_t enc = SYSREG_ENC(cp->op0, cp->op1, cp->crn, cp->crm, cp->op2);
	enum el2_route route = el2_route_sysreg(enc, is_read);
	uint64_t pc, pstate, val = 0;

	if (enc == IC_IALLU || enc == IC_IALLUIS || enc == IC_IVAU)
		ic_invalidate_later(c, enc, reg);
	if (!is_read && sim_is_s1_reg(enc)) {
		c->s1_cached = false;
		sim_forget_code(c); /* VAs translate anew */
	}
	/* Unicorn's own TLBI by VA drops one 1 KiB TLB page: right when its
	 * own walk filled the TLB (it tracks the real page size), not with
	 * the fill hook, whose entries are all 1 KiB. Every TLBI drops the
	 * whole TLB, which covers any page size and any TLBI scope. */
	if (SYSREG_OP0(enc) == 1 && SYSREG_CRN(enc) == TLBI_CRN) {
		uc_ctl_flush_tlb(c->uc);
		sim_forget_code(c);
	}
	/* What EL0 may not do, Unicorn refuses itself (the access raises an
	 * UNDEF that udef() turns into EC 0x18 where EL1 traps it): a
	 * redirect from here would be late for a register Unicorn
	 * implements, with the rest of the block run at the wrong EL. */
	if (route == ROUTE_TRAP) {
		/* The exit to the hypervisor needs every register: the same
		 * read gives PSTATE and the PC. */
		regs_pull(c);
		pstate = c->shadow.pstate;
	} else {
		pstate = uc_get(c, UC_ARM64_REG_PSTATE);
	}
	if (((pstate >> 2) & 3u) == 0 &&
	    sim_el0_sysreg_rule(c, enc, is_read) != EL0_ALLOWED)
		return 0;
	if (route == ROUTE_NATIVE && a57_impdef(enc)) {
		pc = uc_get(c, UC_ARM64_REG_PC);
		if (is_read)
			put_rt(c, reg, 0);
		return emulated(c, pc);
	}
	if (route == ROUTE_NATIVE && enc != A64_SR_DC_ZVA)
		return 0;
	pc = route == ROUTE_TRAP ? c->shadow.pc : uc_get(c, UC_ARM64_REG_PC);
	if (route == ROUTE_NATIVE)
		return dc_zva(c, reg, pc);
	switch (route) {
	case ROUTE_TRAP:
		return sysreg_trap(c, enc, is_read, reg_number(reg), pc);
	case ROUTE_VIRT_ID:
		put_rt(c, reg,
		       sim_sysreg_get(enc == A64_SR_MIDR_EL1
					  ? A64_SR_VPIDR_EL2
					  : A64_SR_VMPIDR_EL2));
		return emulated(c, pc);
	case ROUTE_TIMER:
		if (is_read) {
			if (!sim_timer_read(c, enc, sim_now(c, pc), &val))
				return undef_from_sysreg(c, pc);
			put_rt(c, reg, val);
		} else if (!sim_timer_write(c, enc, sim_now(c, pc), cp->val)) {
			return undef_from_sysreg(c, pc);
		}
		return emulated(c, pc);
	case ROUTE_GIC:
		c->next_event = 0;
		if (is_read) {
			if (!vcpuif_read(c->gic, enc, &val))
				return undef_from_sysreg(c, pc);
			put_rt(c, reg, val);
		} else if (!vcpuif_write(c->gic, enc, cp->val)) {
			return undef_from_sysreg(c, pc);
		}
		return emulated(c, pc);
	default: /* ROUTE_UNDEF */
		return undef_from_sysreg(c, pc);
	}
}

static uint32_t hook_sysreg(uc_engine *uc, uc_arm64_reg reg,
			    const uc_arm64_cp_reg *cp, void *opaque,
			    bool is_read)
{
	struct sim_cpu *c = opaque;
	uint32_t handled;

	(void)uc;
	c->ctx = IN_SYSREG;
	handled = sysreg_access(c, reg, cp, is_read);
	c->ctx = IN_RUN_LOOP;
	return handled;
}

static uint32_t hook_mrs(uc_engine *uc, uc_arm64_reg reg,
			 const uc_arm64_cp_reg *cp, void *opaque)
{
	return hook_sysreg(uc, reg, cp, opaque, true);
}

static uint32_t hook_msr(uc_engine *uc, uc_arm64_reg reg,
			 const uc_arm64_cp_reg *cp, void *opaque)
{
	return hook_sysreg(uc, reg, cp, opaque, false);
}

static uint32_t hook_sys(uc_engine *uc, uc_arm64_reg reg,
			 const uc_arm64_cp_reg *cp, void *opaque)
{
	return hook_sysreg(uc, reg, cp, opaque, false);
}

static uint32_t hook_sysl(uc_engine *uc, uc_arm64_reg reg,
			  const uc_arm64_cp_reg *cp, void *opaque)
{
	return hook_sysreg(uc, reg, cp, opaque, true);
}

int sim_install_sysreg_hooks(struct sim_cpu *c)
{
	static const struct {
		void *fn;
		int insn;
	} hooks[] = {
	    {(void *)hook_mrs, UC_ARM64_INS_MRS},
	    {(void *)hook_msr, UC_ARM64_INS_MSR},
	    {(void *)hook_sys, UC_ARM64_INS_SYS},
	    {(void *)hook_sysl, UC_ARM64_INS_SYSL},
	};

	for (unsigned i = 0; i < sizeof(hooks) / sizeof(hooks[0]); i++) {
		if (uc_hook_add(c->uc, &c->hooks[c->nhooks], UC_HOOK_INSN,
				hooks[i].fn, c, 1, 0,
				hooks[i].insn) != UC_ERR_OK)
			return -1;
		c->nhooks++;
	}
	return 0;
}
