/*
 * Unicorn hooks: where the simulated hardware notices that the guest must
 * leave EL1, builds the syndrome an AArch64 CPU would report to EL2, and
 * hands the exit to the core. Traps that Unicorn reports inside a hook are
 * completed there (no uc_emu_start round trip): that is the fast path.
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

/*
 * PSTATE.IL is set: an ERET was an illegal exception return (to EL2 or
 * EL3, to a reserved mode, ...), and the instruction at pc, whatever it
 * is, takes an Illegal Execution state exception to EL1 (EC 0x0E) instead
 * of executing. Unicorn sets IL on such a return but does not raise the
 * exception.
 */
static bool illegal_state(struct sim_cpu *c, uint64_t pc)
{
	if (!(uc_get(c, UC_ARM64_REG_PSTATE) & A64_PSR_IL))
		return false;
	sim_enter_el1(c, false, a64_esr(A64_EC_ILLEGAL_STATE, 0), false, 0, pc);
	return true;
}

#define ALL_REGS 0xffffffffu /* every X register and SP */

/* The general registers insn may write. An access the decoder does not
 * know (none that a Cortex-A57 executes) may write any. */
static uint32_t insn_writes(uint32_t insn)
{
	struct a64_ldst d;

	if ((insn & 0x0a000000u) == 0x08000000u && !a64_decode_ldst(insn, &d))
		return ALL_REGS;
	return a64_gpr_writes(insn);
}

/* Read the block's instructions: its last one (an ERET always ends a
 * block, a WFE does in Unicorn) and every register one of them may
 * write. Out of line: the block hook's own frame stays small. */
static __attribute__((noinline)) void learn_block(struct sim_cpu *c,
						  struct sim_block_info *b)
{
	unsigned n = b->size / 4;
	const uint32_t *p = sim_code_words(c, b->addr, n);
	uint32_t insn = 0, w = 0;

	b->eret = false;
	b->wfe = false;
	for (unsigned i = 0; i < n; i++) {
		if (p) {
			insn = p[i];
		} else if (!sim_read_insn(c, b->addr + 4ull * i, &insn)) {
			b->writes = ALL_REGS;
			return;
		}
		w |= insn_writes(insn);
	}
	b->writes = n ? w : ALL_REGS;
	b->eret = n && insn == A64_ERET;
	b->wfe = n && insn == A64_WFE;
}

/* What the block [addr, addr + size) is: read once, then remembered
 * until the code may have changed (sim_forget_code). */
static const struct sim_block_info *block_info(struct sim_cpu *c, uint64_t addr,
					       uint32_t size)
{
	/* Folded: code 4 KiB apart (a loop and the vector it traps to)
	 * must not share a slot. */
	unsigned h = (unsigned)((addr >> 2) ^ (addr >> 12) ^ (addr >> 22));
	struct sim_block_info *b = &c->blocks[h % SIM_BLOCK_CACHE];

	if (b->gen != c->code_gen || b->addr != addr || b->size != size) {
		b->gen = c->code_gen;
		b->addr = addr;
		b->size = size;
		learn_block(c, b);
	}
	return b;
}

static void hook_block(uc_engine *uc, uint64_t addr, uint32_t size,
		       void *opaque)
{
	struct sim_cpu *c = opaque;
	const struct sim_block_info *b;

	(void)uc;
	if (sim_pcpu.stop_flag && *sim_pcpu.stop_flag) {
		/* The host wants its process back (a signal): stop before
		 * this block, as for any other block event. */
		c->result = SIM_LIMIT;
		c->stop_requested = true;
		c->block_stop = true;
		c->block_stop_pc = addr;
		uc_emu_stop(c->uc);
		return;
	}
	if (sim_pcpu.now >= c->next_event) {
		bool stop;

		c->ctx = IN_BLOCK;
		stop = sim_block_event(c);
		c->ctx = IN_RUN_LOOP;
		if (stop) {
			c->stop_requested = true;
			c->block_stop = true;
			c->block_stop_pc = addr;
			uc_emu_stop(c->uc);
			return; /* the block does not run: not counted */
		}
	}
	if (c->wfe_armed) {
		/* The previous block ended in a WFE, which Unicorn ran as a
		 * NOP: trap it now, before anything after it runs. */
		c->wfe_armed = false;
		if (addr == c->wfe_pc + 4) {
			c->wfe_trap = true;
			c->block_stop = true;
			c->block_stop_pc = addr;
			sim_request_stop(c);
			uc_emu_stop(c->uc);
			return;
		}
	}
	/* Reading PSTATE costs about a fifth of the trap rate if done for
	 * every block: only an ERET can have set IL. */
	if (c->after_eret) {
		c->after_eret = false;
		if (illegal_state(c, addr)) {
			/* The block does not run: go on at the vector. */
			c->stop_requested = true;
			c->block_stop = true;
			c->block_stop_pc = uc_get(c, UC_ARM64_REG_PC);
			uc_emu_stop(c->uc);
			return;
		}
	}
	b = block_info(c, addr, size);
	c->after_eret = b->eret;
	c->blk_writes = b->writes;
	c->gpr_dirty |= b->writes;
	c->blk_start = addr;
	c->blk_end = addr + size;
	c->phantom = false;
	if (!c->cfg.precise)
		sim_pcpu.now += size >> 2;
	if (b->wfe && el2_traps_wfe()) {
		c->wfe_armed = true;
		c->wfe_pc = c->blk_end - 4;
	}
}

static void hook_code(uc_engine *uc, uint64_t addr, uint32_t size, void *opaque)
{
	struct sim_cpu *c = opaque;

	(void)uc;
	(void)size;
	if (c->phantom) {
		/* Unicorn calls the code hook of the instruction after an
		 * MRS/MSR that asked to leave the block, then leaves: it does
		 * not run now. */
		c->phantom = false;
		return;
	}
	c->cur_pc = addr;
	sim_pcpu.now++;
}

static bool at_el0(struct sim_cpu *c)
{
	return ((uc_get(c, UC_ARM64_REG_PSTATE) >> 2) & 3u) == 0;
}

/* CPACR_EL1.FPEN: 0b01 traps EL0 only, 0b11 nothing, else both. */
static bool fp_trapped_to_el1(struct sim_cpu *c, bool el0)
{
	uint64_t fpen =
	    (uc_get(c, UC_ARM64_REG_CPACR_EL1) >> A64_CPACR_FPEN_SHIFT) & 3u;

	return fpen == 1 ? el0 : fpen != 3;
}

/*
 * An EL0 system instruction (MRS, MSR, SYS, MSR immediate) that Unicorn
 * refused: if EL1's controls trap it rather than leave it UNDEFINED, it is
 * EC 0x18 to EL1. True if handled.
 */
static bool el0_sys_insn(struct sim_cpu *c, uint32_t insn, uint64_t pc)
{
	uint32_t enc = (insn >> 5) & 0xffffu;
	bool is_read = (insn >> 21) & 1u;

	if ((insn & 0xffc00000u) != 0xd5000000u)
		return false; /* not in the system instruction space */
	if (sim_el0_sysreg_rule(c, enc, is_read) != EL0_TRAP_EL1)
		return false;
	regs_pull(c);
	if (sim_prepare_el0_sysreg_trap(c, enc, is_read, insn & 31u, pc))
		regs_push(c, c->shadow.pc);
	return true;
}

static void udef(struct sim_cpu *c, uint64_t pc)
{
	uint32_t insn = 0;
	uint16_t imm;
	bool el0;

	if (pc & 3) {
		/* A branch to a misaligned address: Unicorn reports it at the
		 * target, which is what ELR and FAR get (EC 0x22, ISS 0). */
		sim_enter_el1(c, false, a64_esr(A64_EC_PC_ALIGN, 0), true, pc,
			      pc);
		return;
	}
	if (!sim_read_insn(c, pc, &insn)) {
		sim_fail(c, "cannot read the instruction at %#llx",
			 (unsigned long long)pc);
		return;
	}
	el0 = at_el0(c);
	if ((insn == A64_WFI || insn == A64_WFE) && el0) {
		/* SCTLR_EL1.nTWI/nTWE = 0 trap EL0's WFI/WFE to EL1, but only
		 * if it would wait: with an interrupt pending (masked or not)
		 * it completes at once, as QEMU and hardware do. */
		if (vcpuif_irq_signaled() || fgic_irq_signaled(c->gic)) {
			sim_give_back_time(c, pc);
			uc_set(c, UC_ARM64_REG_PC, pc + 4);
			return;
		}
		sim_enter_el1(
		    c, false,
		    a64_esr(A64_EC_WFX,
			    A64_ISS_CV_COND_AL |
				(insn == A64_WFE ? A64_ISS_WFX_WFE : 0u)),
		    false, 0, pc);
		return;
	}
	if (el0 && el0_sys_insn(c, insn, pc))
		return;
	/* HVC is UNDEFINED at EL0; at EL1 Unicorn raises it as an HVC
	 * (SCR_EL3.HCE is set, see sim_cpu_create), except under
	 * HCR_EL2.HCD, which only the sim models (hvc()). */
	if (a64_is_hvc(insn, &imm) && !el0 && !el2_hvc_disabled()) {
		sim_fail(c, "Unicorn raised an EL1 HVC at %#llx as UNDEFINED",
			 (unsigned long long)pc);
		return;
	}
	if (a64_is_fpsimd(insn) && fp_trapped_to_el1(c, el0)) {
		sim_enter_el1(c, false,
			      a64_esr(A64_EC_FP_ASIMD, A64_ISS_CV_COND_AL),
			      false, 0, pc);
		return;
	}
	sim_guest_undef(c, pc);
}

/*
 * An HVC at EL1, registers pulled (Unicorn leaves the PC past it, the
 * preferred return address): EC 0x16 to the hypervisor, or UNDEFINED under
 * HCR_EL2.HCD.
 * Raised as its own exception rather than as an UNDEFINED instruction,
 * the return needs no PC write, which would make Unicorn leave its
 * execution loop.
 */
static void hvc(struct sim_cpu *c, uint64_t next_pc)
{
	uint64_t pc = next_pc - 4;
	uint32_t insn = 0;
	uint16_t imm = 0;
	enum exit_action act;

	if (el2_hvc_disabled()) {
		sim_guest_undef(c, pc);
		return;
	}
	if (sim_read_insn(c, pc, &insn))
		a64_is_hvc(insn, &imm);
	act = sim_core_exit(c, a64_esr(A64_EC_HVC64, imm), 0, 0, next_pc);
	regs_push(c, next_pc);
	sim_finish_trap(c, act);
}

/* Not trapped: the SMC reaches the (fake) EL3 firmware. Out of line:
 * its frame would be the interrupt hook's on every exception. */
static __attribute__((noinline)) void smc_to_firmware(struct sim_cpu *c,
						      uint64_t next_pc)
{
	uint64_t a[18];

	memcpy(a, c->v->regs.x, sizeof(a));
	hal_smc_forward(a);
	memcpy(c->v->regs.x, a, sizeof(a));
	regs_push(c, next_pc);
}

/* An SMC at EL1, registers pulled (the PC is past it). */
static void smc(struct sim_cpu *c, uint64_t next_pc)
{
	uint64_t pc = next_pc - 4;
	uint32_t insn = 0;
	uint16_t imm = 0;

	if (sim_read_insn(c, pc, &insn))
		a64_is_smc(insn, &imm);
	if (el2_traps_smc()) {
		enum exit_action act;

		/* A trapped SMC reports the SMC itself in ELR_EL2. */
		act = sim_core_exit(c, a64_esr(A64_EC_SMC64, imm), 0, 0, pc);
		regs_push(c, next_pc);
		sim_finish_trap(c, act);
		return;
	}
	smc_to_firmware(c, next_pc);
}

/*
 * A data abort Unicorn raised itself. Translation faults come from the
 * sim's fill hook instead, so this is an alignment fault: in Unicorn
 * 2.1.1 only a misaligned exclusive/atomic raises one. Its syndrome is not
 * visible through Unicorn's API, so the sim decodes the access: DFSC 0x21, WnR,
 * no instruction syndrome (ISV is 0 for a fault taken to EL1), FAR = the access
 * address.
 */
/* Exclusive pairs must be aligned to their total size, the rest (on
 * Device memory) to the size of one register. */
static bool misaligned(const struct a64_ldst *d, uint64_t ea)
{
	unsigned bytes = 1u << d->sas;

	if (d->exclusive && d->pair)
		bytes *= 2;
	return (ea & (bytes - 1u)) != 0;
}

static void alignment_fault(struct sim_cpu *c, uint64_t pc)
{
	struct a64_ldst d;
	uint32_t insn = 0;
	uint64_t x[32], ea = 0;
	unsigned ec;

	regs_pull(c);
	memcpy(x, c->v->regs.x, sizeof(c->v->regs.x));
	x[31] = c->pulled_sp;
	if (!sim_read_insn(c, pc, &insn) || !a64_decode_ldst(insn, &d) ||
	    !misaligned(&d, ea = a64_ldst_ea(&d, x, pc))) {
		sim_fail(c,
			 "Unicorn data abort at %#llx (insn %#x) is not an "
			 "alignment fault",
			 (unsigned long long)pc, insn);
		return;
	}
	ec = ((c->v->regs.pstate >> 2) & 3u) == 0 ? A64_EC_DABT_LOW
						  : A64_EC_DABT_CUR;
	if (!sim_prepare_el1_entry(
		c, false,
		a64_esr(ec, A64_FSC_ALIGNMENT |
				(d.is_store ? A64_ISS_DABT_WNR : 0u)),
		true, ea, pc))
		return;
	regs_push(c, c->shadow.pc);
}

bool sim_hook_budget(struct sim_cpu *c)
{
	if (sim_pcpu.now != c->budget_vtime) {
		c->budget_vtime = sim_pcpu.now;
		c->budget_calls = 0;
		c->idle_calls = 0;
	}
	c->budget_calls++;
	c->idle_calls++;
	if (c->result != SIM_RUNNING)
		return true;
	if (c->idle_calls >= SIM_MAX_IDLE_HOOKS) {
		sim_fail(c,
			 "%llu exceptions or faults without an instruction "
			 "completing: the guest is livelocked at %#llx",
			 (unsigned long long)c->idle_calls,
			 (unsigned long long)uc_get(c, UC_ARM64_REG_PC));
		return true;
	}
	/* The first call at a virtual time is the instruction that was
	 * counted (a block adds its instructions as it starts); each one
	 * after it, with nothing executed in between, stands for one
	 * instruction's worth of the limit. Refusing one of those is safe:
	 * nothing ran, so the next run meets the same fault again. */
	if (c->budget_calls == 1 ||
	    (sim_pcpu.now < sim_pcpu.limit &&
	     c->budget_calls - 1 < sim_pcpu.limit - sim_pcpu.now))
		return false;
	c->budget_calls = 0; /* spent: a later run starts afresh */
	c->result = SIM_LIMIT;
	sim_request_stop(c);
	uc_emu_stop(c->uc);
	return true;
}

static void hook_intr(uc_engine *uc, uint32_t intno, void *opaque)
{
	struct sim_cpu *c = opaque;
	uint64_t pc;
	uint32_t insn = 0;
	uint16_t imm = 0;

	(void)uc;
	if (sim_hook_budget(c))
		return;
	c->ctx = IN_INTR;
	if (intno == UC_EXCP_HVC || intno == UC_EXCP_SMC) {
		/* Their exit to the hypervisor needs every register: the
		 * same read gives the PC. */
		regs_pull(c);
		pc = c->shadow.pc;
	} else {
		pc = uc_get(c, UC_ARM64_REG_PC);
	}
	switch (intno) {
	case UC_EXCP_UDEF:
		sim_give_back_time(c, pc);
		udef(c, pc);
		break;
	case UC_EXCP_SWI: /* PC is past the SVC, as ELR wants it */
		sim_give_back_time(c, pc - 4);
		if (sim_read_insn(c, pc - 4, &insn))
			a64_is_svc(insn, &imm);
		sim_enter_el1(c, false, a64_esr(A64_EC_SVC64, imm), false, 0,
			      pc);
		break;
	case UC_EXCP_BKPT:
		sim_give_back_time(c, pc);
		if (sim_read_insn(c, pc, &insn))
			a64_is_brk(insn, &imm);
		sim_enter_el1(c, false, a64_esr(A64_EC_BRK64, imm), false, 0,
			      pc);
		break;
	case UC_EXCP_HVC: /* PC is past the HVC */
		sim_give_back_time(c, pc - 4);
		hvc(c, pc);
		break;
	case UC_EXCP_SMC: /* PC is past the SMC */
		sim_give_back_time(c, pc - 4);
		smc(c, pc);
		break;
	case UC_EXCP_DATA_ABORT: /* PC at the access */
		sim_give_back_time(c, pc);
		alignment_fault(c, pc);
		break;
	default:
		/* Other aborts Unicorn raises itself come from the guest's
		 * own Stage-1; their syndrome is not visible through the
		 * Unicorn API. */
		sim_fail(c, "Unicorn exception %u at %#llx is not modelled",
			 intno, (unsigned long long)pc);
		break;
	}
	c->ctx = IN_RUN_LOOP;
}

static bool hook_mem_invalid(uc_engine *uc, uc_mem_type type, uint64_t addr,
			     int size, int64_t value, void *opaque)
{
	struct sim_cpu *c = opaque;

	(void)uc;
	(void)value;
	if (sim_hook_budget(c))
		return false;
	c->fault.valid = true;
	c->fault.at_insn = false;
	c->fault.type = (int)type;
	c->fault.addr = addr;
	c->fault.size = size;
	return false; /* stop: the run loop reports the abort */
}

int sim_install_hooks(struct sim_cpu *c)
{
	uc_engine *uc = c->uc;
	uc_hook *h = c->hooks;
	int err = 0;

	err |= uc_hook_add(uc, h++, UC_HOOK_BLOCK, (void *)hook_block, c, 1, 0);
	err |= uc_hook_add(uc, h++, UC_HOOK_INTR, (void *)hook_intr, c, 1, 0);
	err |= uc_hook_add(uc, h++, UC_HOOK_MEM_INVALID,
			   (void *)hook_mem_invalid, c, 1, 0);
	c->nhooks = (unsigned)(h - c->hooks);
	if (err || sim_install_tlb(c) != 0 || sim_install_sysreg_hooks(c) != 0)
		return -1;
	return c->cfg.precise ? sim_install_code_hook(c) : 0;
}

int sim_install_code_hook(struct sim_cpu *c)
{
	if (uc_hook_add(c->uc, &c->hooks[c->nhooks], UC_HOOK_CODE,
			(void *)hook_code, c, 1, 0) != UC_ERR_OK)
		return -1;
	c->nhooks++;
	/* Hooks are compiled into translated blocks: drop the old ones
	 * (region by region: a full flush clears a 1 GiB buffer). */
	sim_drop_region_code(c, false);
	return 0;
}
