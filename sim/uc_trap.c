/*
 * What the simulated CPU does around an exception: virtual time at the
 * trapping instruction, the exit to the core (syndrome in, exit action
 * out, trace record), and exception entry into the guest's EL1.
 */
#include "a64_decode.h"
#include "a64_arch.h"
#include "a64_sysregs.h"
#include "el2_traps.h"
#include "fake_gic.h"
#include "fake_vcpuif.h"
#include "hal.h"
#include "sim_hal.h"
#include "uc_cpu_priv.h"

void sim_request_stop(struct sim_cpu *c)
{
	c->stop_requested = true;
	c->next_event = 0;
	/* From an interrupt hook the stop happens at the next block hook:
	 * uc_emu_stop() there would be cancelled by a PC write, and without
	 * one Unicorn re-executes the excepting instruction first. */
	if (c->ctx == IN_SYSREG || c->ctx == IN_BLOCK)
		uc_emu_stop(c->uc);
	if (c->ctx == IN_SYSREG)
		c->phantom = true;
}

void sim_stop_before_next_block(struct sim_cpu *c)
{
	c->stop_requested = true;
	c->next_event = 0;
}

/*
 * Virtual time counts executed instructions. By default the block hook adds
 * a whole block when it starts and a trap inside the block gives back what
 * did not run; in precise mode the code hook counts each instruction as it
 * starts. Either way the trapping instruction counts once.
 */
uint64_t sim_now(const struct sim_cpu *c, uint64_t pc)
{
	if (c->cfg.precise)
		return sim_pcpu.now - 1; /* pc was counted as it started */
	if (pc >= c->blk_start && pc < c->blk_end)
		return sim_pcpu.now - (c->blk_end - pc) / 4;
	return sim_pcpu.now;
}

/* The instruction at insn_pc trapped: the rest of its block never ran. */
void sim_give_back_time(struct sim_cpu *c, uint64_t insn_pc)
{
	if (c->cfg.precise)
		return;
	if (insn_pc >= c->blk_start && insn_pc < c->blk_end) {
		sim_pcpu.now -= (c->blk_end - insn_pc) / 4 - 1;
		c->blk_end = insn_pc + 4;
	}
}

void sim_note_exit(struct sim_cpu *c, unsigned ec, uint32_t iss, bool irq,
		   uint64_t pc)
{
	c->pend.valid = true;
	c->pend.irq = irq;
	c->pend.ec = ec;
	c->pend.iss = iss;
	c->pend.pc = pc;
	c->pend.vtime = c->rec_vtime ? c->rec_vtime : sim_pcpu.now;
	c->rec_vtime = 0;
}

/*
 * The exit noted by sim_note_exit, now that the core has decided about it
 * (its note and v->exit.action are in place): statistics, livelock checks
 * and the observer. Exits are recorded in the order the core handled them.
 */
void sim_record(struct sim_cpu *c)
{
	struct sim_trap_record r;
	unsigned ec = c->pend.ec;
	uint64_t pc = c->pend.pc, vtime = c->pend.vtime;

	if (!c->pend.valid)
		return;
	c->pend.valid = false;
	c->st.traps.count[ec < EXIT_NR_CLASSES ? ec : 0]++;
	c->st.traps_total++;
	sim_pcpu.seq++;
	/* An exception loop without a single guest instruction (say, a
	 * vector table in unmapped memory) would never reach the time
	 * limit: stop it as a guest error. */
	if (vtime != c->stuck_vtime) {
		c->stuck_vtime = vtime;
		c->stuck_exits = 0;
	} else if (++c->stuck_exits >= SIM_MAX_STUCK_EXITS) {
		sim_fail(c,
			 "%u exits to the hypervisor without a guest "
			 "instruction executed (last: %s at %#llx)",
			 SIM_MAX_STUCK_EXITS, sim_ec_name(ec),
			 (unsigned long long)pc);
	}
	/* A trap that keeps returning to the instruction that trapped, with
	 * nothing else executed in between, is a livelock (e.g. a handler
	 * that forgot to advance the PC): real time would never end it. */
	if (pc == c->last_trap_pc && vtime - c->last_trap_vtime <= 1) {
		if (++c->same_pc_exits >= SIM_MAX_STUCK_EXITS)
			sim_fail(c,
				 "%u consecutive %s exits at %#llx without "
				 "progress: the guest is livelocked",
				 SIM_MAX_STUCK_EXITS, sim_ec_name(ec),
				 (unsigned long long)pc);
	} else {
		c->same_pc_exits = 0;
	}
	c->last_trap_pc = pc;
	c->last_trap_vtime = vtime;
	if (!c->obs)
		return;
	r.seq = sim_pcpu.seq;
	r.cpu = sim_pcpu.ncpus > 1 ? (int)c->v->id : -1;
	r.vtime = vtime;
	r.ec = ec;
	r.iss = c->pend.irq ? (uint32_t)c->v->note.a : c->pend.iss;
	r.pc = pc;
	r.what = c->v->note.what ? c->v->note.what : "";
	r.a = c->v->note.a;
	r.b = c->v->note.b;
	r.result = c->v->note.result;
	r.action = (enum exit_action)c->v->exit.action;
	c->obs(c->obs_ctx, &r);
}

enum exit_action sim_core_exit(struct sim_cpu *c, uint64_t esr, uint64_t far,
			       uint64_t hpfar, uint64_t elr)
{
	c->v->regs.pc = elr;
	c->v->exit.esr = esr;
	c->v->exit.far = far;
	c->v->exit.hpfar = hpfar;
	vcpu_note_clear(c->v);
	sim_note_exit(c, a64_esr_ec(esr), a64_esr_iss(esr), false, elr);
	return sim_exit_to_core(c, HAL_EXIT_SYNC);
}

enum exit_action sim_sync_exit(struct sim_cpu *c, uint64_t esr, uint64_t far,
			       uint64_t hpfar, uint64_t elr)
{
	regs_pull(c);
	return sim_core_exit(c, esr, far, hpfar, elr);
}

void sim_finish_trap(struct sim_cpu *c, enum exit_action act)
{
	switch (act) {
	case EXIT_RESUME:
		break;
	case EXIT_WFI:
		/* The core waited (hal_wait_for_interrupt) before it entered
		 * the vCPU again: stop here so the run loop takes what woke
		 * it. */
		sim_request_stop(c);
		break;
	case EXIT_VCPU_OFF:
		c->result = SIM_VCPU_OFF;
		sim_request_stop(c);
		break;
	case EXIT_VM_OFF:
		c->result = SIM_VM_OFF;
		sim_request_stop(c);
		break;
	case EXIT_VM_RESET:
		c->result = SIM_VM_RESET;
		sim_request_stop(c);
		break;
	default:
		sim_fail(c, "core returned unknown exit action %d", (int)act);
		break;
	}
	/* The core may have filled list registers or changed the timer. */
	c->next_event = 0;
}

/* Exception entry to EL1 as the CPU performs it, on the pulled v->regs:
 * the caller pushes the result. */
bool sim_prepare_el1_entry(struct sim_cpu *c, bool irq, uint64_t esr,
			   bool set_far, uint64_t far, uint64_t elr)
{
	struct vcpu_regs *r = &c->v->regs;
	unsigned mode = (unsigned)r->pstate & A64_PSR_M_MASK;

	if ((r->pstate & A64_PSR_NRW) ||
	    (mode != A64_PSR_M_EL1T && mode != A64_PSR_M_EL1H &&
	     mode != A64_PSR_M_EL0T)) {
		sim_fail(c,
			 "exception entry from PSTATE %#llx (AArch32) is not "
			 "modelled",
			 (unsigned long long)r->pstate);
		return false;
	}
	uc_set(c, UC_ARM64_REG_ELR_EL1, elr);
	uc_cp_write(c, A64_SR_SPSR_EL1, r->pstate);
	if (!irq)
		uc_set(c, UC_ARM64_REG_ESR_EL1, esr);
	if (set_far)
		uc_set(c, UC_ARM64_REG_FAR_EL1, far);
	/* Current EL with SP_EL0, with SP_EL1, or from the lower EL (EL0). */
	r->pc = uc_get(c, UC_ARM64_REG_VBAR_EL1) +
		(mode == A64_PSR_M_EL1T	  ? A64_VEC_CUR_SP0
		 : mode == A64_PSR_M_EL1H ? A64_VEC_CUR_SPX
					  : A64_VEC_LOWER_A64) +
		(irq ? A64_VEC_IRQ : A64_VEC_SYNC);
	r->pstate = A64_PSR_M_EL1H | A64_PSR_DAIF;
	if (irq)
		c->st.virqs++;
	else
		c->st.guest_exceptions++;
	return true;
}

bool sim_enter_el1(struct sim_cpu *c, bool irq, uint64_t esr, bool set_far,
		   uint64_t far, uint64_t elr)
{
	uint64_t natural;

	regs_pull(c);
	natural = c->shadow.pc;
	if (!sim_prepare_el1_entry(c, irq, esr, set_far, far, elr))
		return false;
	regs_push(c, natural);
	return true;
}

void sim_guest_undef(struct sim_cpu *c, uint64_t pc)
{
	sim_enter_el1(c, false, a64_esr(A64_EC_UNKNOWN, 0), false, 0, pc);
}
