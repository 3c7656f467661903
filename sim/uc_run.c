/*
 * The simulated CPU's own loop, on the fiber behind hal_vcpu_enter
 * (uc_fiber.c): run Unicorn until something needs the outside world (an
 * abort, WFI, an interrupt, a stop), model what the hardware does about it
 * (exits go to the core's run loop), and go on. Everything is ordered by
 * virtual time, so two runs of the same guest take the same path.
 */
#include <stdio.h>
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

#define MAX_IRQ_REPEATS 64u

/* On every event check of a running engine: kept lean. */
void sim_update_lines(const struct sim_cpu *c)
{
	uint64_t cntp = sim_counter(sim_pcpu.now);
	uint64_t cntv = cntp - sim_sysreg_get(A64_SR_CNTVOFF_EL2);

	fgic_set_level(c->gic, FGIC_PPI_VTIMER,
		       vtimer_output(&c->vtimer, cntv));
	fgic_set_level(c->gic, FGIC_PPI_PTIMER,
		       vtimer_output(&c->ptimer, cntp));
	fgic_set_level(c->gic, FGIC_PPI_HYPTIMER, sim_hyp_timer_output(cntp));
	fgic_set_level(c->gic, FGIC_PPI_MAINT, vcpuif_maint_level());
}

void sim_update_cpu_lines(const struct sim_cpu *c)
{
	struct fake_gic *g = sim_pcpu.gic;

	if (c) {
		sim_update_lines(c);
	} else if (g) {
		fgic_set_level(g, FGIC_PPI_VTIMER, false);
		fgic_set_level(g, FGIC_PPI_PTIMER, false);
		fgic_set_level(g, FGIC_PPI_HYPTIMER,
			       sim_hyp_timer_output(sim_counter(sim_pcpu.now)));
		fgic_set_level(g, FGIC_PPI_MAINT, vcpuif_maint_level());
	}
}

/* Next virtual time at which a timer output rises, if one is low now. */
uint64_t sim_timer_deadline(const struct sim_cpu *c)
{
	uint64_t cntp = sim_counter(sim_pcpu.now);
	uint64_t off = sim_sysreg_get(A64_SR_CNTVOFF_EL2);
	uint64_t d = SIM_TIME_NEVER, t;

	if (c && !vtimer_output(&c->vtimer, cntp - off)) {
		t = vtimer_deadline(&c->vtimer, off);
		d = t < d ? t : d;
	}
	if (c && !vtimer_output(&c->ptimer, cntp)) {
		t = vtimer_deadline(&c->ptimer, 0);
		d = t < d ? t : d;
	}
	if (!sim_hyp_timer_output(cntp)) {
		t = sim_hyp_timer_deadline();
		d = t < d ? t : d;
	}
	return d;
}

static bool irqs_masked(struct sim_cpu *c)
{
	return (uc_get(c, UC_ARM64_REG_PSTATE) & A64_PSR_I) != 0;
}

/*
 * Decide when the block hook has to look again. Returns true if something
 * must be handled before the next block (a physical IRQ, or a virtual one
 * the guest does not mask). 'quiet': the caller has just set the lines
 * (sim_update_lines) and found no physical IRQ signaled, and nothing the
 * lines depend on (time, timers, list registers) nor the GIC has changed
 * since.
 */
static bool evaluate_events(struct sim_cpu *c, bool quiet)
{
	uint64_t t = sim_timer_deadline(c);

	if (!quiet) {
		sim_update_lines(c);
		if (fgic_irq_signaled(c->gic))
			return true;
	}
	c->deadline = t < sim_pcpu.limit ? t : sim_pcpu.limit;
	c->poll_virq = vcpuif_irq_signaled();
	if (c->poll_virq) {
		if (!irqs_masked(c))
			return true;
		c->next_event =
		    sim_pcpu.now + 1; /* check PSTATE.I every block */
	} else {
		c->next_event = c->deadline;
	}
	return false;
}

bool sim_block_event(struct sim_cpu *c)
{
	if (c->stop_requested || c->result != SIM_RUNNING || c->apply_pending)
		return true;
	if (sim_pcpu.now >= sim_pcpu.limit) {
		c->result = SIM_LIMIT;
		return true;
	}
	if (c->next_event != 0 && c->poll_virq && sim_pcpu.now < c->deadline) {
		/* Only watching for the guest to unmask IRQs. */
		if (!irqs_masked(c))
			return true;
		c->next_event = sim_pcpu.now + 1;
		return false;
	}
	return evaluate_events(c, false);
}

static void take_irq(struct sim_cpu *c)
{
	enum exit_action act;

	regs_pull(c);
	vcpu_note_clear(c->v);
	sim_note_exit(c, EXIT_CLASS_IRQ, 0, true, c->v->regs.pc);
	act = sim_exit_to_core(c, HAL_EXIT_IRQ);
	regs_push(c, c->shadow.pc);
	sim_finish_trap(c, act);
}

/* Interrupts at an instruction boundary, in the order the CPU sees them:
 * a physical IRQ exits to EL2 first, then a virtual IRQ may be taken. */
static void process_events(struct sim_cpu *c)
{
	if (sim_pcpu.now != c->irq_vtime)
		c->irq_repeats = 0;
	c->irq_vtime = sim_pcpu.now;
	for (;;) {
		if (c->result != SIM_RUNNING || c->stop_requested)
			return;
		sim_update_lines(c);
		if (!fgic_irq_signaled(c->gic))
			break;
		if (++c->irq_repeats > MAX_IRQ_REPEATS) {
			sim_fail(c,
				 "physical IRQ still signaled after %u exits "
				 "to the hypervisor without guest progress",
				 MAX_IRQ_REPEATS);
			return;
		}
		take_irq(c);
	}
	/* Taking a virtual IRQ changes neither the time nor a line, nor the
	 * physical GIC: the loop's last look (no IRQ signaled) still holds. */
	if (vcpuif_irq_signaled() && !irqs_masked(c))
		sim_enter_el1(c, true, 0, false, 0, uc_get(c, UC_ARM64_REG_PC));
	if (c->result == SIM_RUNNING && evaluate_events(c, true))
		c->next_event = 0;
}

/* A WFI the hypervisor does not trap: the CPU itself sleeps until
 * something can wake the vCPU. */
static void idle(struct sim_cpu *c)
{
	for (;;) {
		uint64_t d;

		sim_update_lines(c);
		if (vcpuif_irq_signaled() || fgic_irq_signaled(c->gic))
			return; /* process_events takes it */
		d = sim_timer_deadline(c);
		if (d == SIM_TIME_NEVER || d <= sim_pcpu.now) {
			c->result = SIM_DEADLOCK;
			snprintf(c->msg, sizeof(c->msg),
				 "WFI at virtual time %llu with no timer armed "
				 "and no interrupt pending",
				 (unsigned long long)sim_pcpu.now);
			return;
		}
		sim_advance_idle(d);
	}
}

static void wfi_executed(struct sim_cpu *c, uint64_t wfi_pc)
{
	enum exit_action act;

	if (!el2_traps_wfi()) {
		c->pending_idle = true;
		return;
	}
	act = sim_sync_exit(c, a64_esr(A64_EC_WFX, A64_ISS_CV_COND_AL), 0, 0,
			    wfi_pc);
	regs_push(c, wfi_pc + 4);
	sim_finish_trap(c, act);
}

static void wfe_executed(struct sim_cpu *c)
{
	enum exit_action act;

	act = sim_sync_exit(
	    c, a64_esr(A64_EC_WFX, A64_ISS_CV_COND_AL | A64_ISS_WFX_WFE), 0, 0,
	    c->wfe_pc);
	regs_push(c, c->wfe_pc + 4);
	sim_finish_trap(c, act);
}

/* Unicorn stopped on its own: a WFI halts it with the PC after the WFI. */
static void halted(struct sim_cpu *c)
{
	uint64_t pc = uc_get(c, UC_ARM64_REG_PC);
	uint32_t insn = 0;

	if (pc == c->blk_end && sim_read_insn(c, pc - 4, &insn) &&
	    insn == A64_WFI) {
		wfi_executed(c, pc - 4);
		return;
	}
	sim_fail(c, "emulation stopped at %#llx for no known reason",
		 (unsigned long long)pc);
}

static void unicorn_error(struct sim_cpu *c, uc_err err)
{
	bool mem = err == UC_ERR_READ_UNMAPPED ||
		   err == UC_ERR_WRITE_UNMAPPED || err == UC_ERR_READ_PROT ||
		   err == UC_ERR_WRITE_PROT;
	bool fetch = err == UC_ERR_FETCH_UNMAPPED || err == UC_ERR_FETCH_PROT;

	if (err == UC_ERR_EXCEPTION && c->s2f.valid) {
		sim_s2_fill_abort(c);
		return;
	}
	if (err == UC_ERR_EXCEPTION && c->s1f.valid) {
		sim_s1_abort(c);
		return;
	}
	if ((mem || fetch) && c->fault.valid) {
		if (mem)
			sim_data_abort(c);
		else
			sim_insn_abort(c);
		return;
	}
	sim_fail(c, "Unicorn: %s at %#llx", uc_strerror(err),
		 (unsigned long long)uc_get(c, UC_ARM64_REG_PC));
}

/* A redirect asked for inside a sysreg hook (see redirect_from_sysreg()),
 * checked now that Unicorn has stopped at a block boundary. */
static void apply_pending(struct sim_cpu *c)
{
	const struct vcpu_regs *want = &c->apply_regs;

	c->apply_pending = false;
	regs_pull(c);
	if (c->v->regs.pc == want->pc)
		return; /* the PC written in the hook took effect */
	if (c->v->regs.pc == c->apply_at + 4) {
		c->v->regs = *want; /* nothing ran after the MRS/MSR */
	} else {
		c->st.late_redirects++;
		c->v->regs.pc = want->pc;
		c->v->regs.pstate = want->pstate;
	}
	regs_push(c, c->shadow.pc);
}

/* Runs on the fiber (uc_fiber.c) until the result is no longer
 * SIM_RUNNING; exits to the core switch out of it and back. */
void sim_world_loop(struct sim_cpu *c)
{
	while (c->result == SIM_RUNNING) {
		uc_err err;

		c->ctx = IN_RUN_LOOP;
		c->stop_requested = false;
		if (c->remap) {
			sim_apply_remap(c);
			continue;
		}
		if (c->apply_pending)
			apply_pending(c);
		if (c->wfe_trap) {
			c->wfe_trap = false;
			wfe_executed(c);
			continue;
		}
		if (c->pending_idle) {
			c->pending_idle = false;
			idle(c);
			continue;
		}
		process_events(c);
		if (c->result != SIM_RUNNING || c->stop_requested)
			continue;
		if (sim_pcpu.now >= sim_pcpu.limit) {
			c->result = SIM_LIMIT;
			break;
		}
		if (sim_pcpu.stop_flag && *sim_pcpu.stop_flag) {
			c->result = SIM_LIMIT;
			break;
		}
		if (c->ic_flush)
			sim_ic_invalidate(c);
		c->fault.valid = false;
		c->s2f.valid = false;
		c->block_stop = false;
		err = uc_emu_start(c->uc,
				   c->next_run_pc_known
				       ? c->next_run_pc
				       : uc_get(c, UC_ARM64_REG_PC),
				   0, 0, 0);
		c->next_run_pc_known = false; /* the run moved it */
		c->st.restarts++;
		c->ctx = IN_RUN_LOOP;
		/* With a code hook, Unicorn can report the PC of the last
		 * instruction hooked instead of the block it did not enter. */
		if (c->block_stop &&
		    uc_get(c, UC_ARM64_REG_PC) != c->block_stop_pc)
			uc_set(c, UC_ARM64_REG_PC, c->block_stop_pc);
		if (c->result != SIM_RUNNING)
			break;
		if (err != UC_ERR_OK)
			unicorn_error(c, err);
		else if (!c->stop_requested)
			halted(c);
	}
}

void sim_cpu_watch_flag(struct sim_cpu *c, const volatile sig_atomic_t *flag)
{
	(void)c;
	sim_pcpu.stop_flag = flag;
}
