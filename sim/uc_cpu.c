/*
 * Lifetime of a simulated CPU, the guest register file moving between the
 * core's struct vcpu and Unicorn, and the HAL CPU backend that gives the
 * core the guest's live EL1 registers.
 */
#include <emmintrin.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "a64_decode.h"
#include "a64_arch.h"
#include "a64_sysregs.h"
#include "fake_gic.h"
#include "fake_vcpuif.h"
#include "hal.h"
#include "sim_hal.h"
#include "uc_cpu_priv.h"
#include "vm/vm.h"

#define PULL_X 31
#define PULL_COUNT (PULL_X + 4)
/* What every pull reads, ahead of the general registers. */
enum { PULL_PC, PULL_PSTATE, PULL_SP, PULL_SP_EL0, PULL_FIXED };
/* Bit 31 of a write set: SP or SP_EL0 may have changed. */
#define SP_DIRTY (1u << 31)

uint64_t uc_get(struct sim_cpu *c, int reg)
{
	uint64_t v = 0;

	uc_reg_read(c->uc, reg, &v);
	return v;
}

void uc_set(struct sim_cpu *c, int reg, uint64_t val)
{
	uc_reg_write(c->uc, reg, &val);
}

static void cp_from_enc(uint32_t enc, uc_arm64_cp_reg *cp)
{
	memset(cp, 0, sizeof(*cp));
	cp->op0 = SYSREG_OP0(enc);
	cp->op1 = SYSREG_OP1(enc);
	cp->crn = SYSREG_CRN(enc);
	cp->crm = SYSREG_CRM(enc);
	cp->op2 = SYSREG_OP2(enc);
}

bool uc_cp_read(struct sim_cpu *c, uint32_t enc, uint64_t *val)
{
	uc_arm64_cp_reg cp;

	cp_from_enc(enc, &cp);
	if (uc_reg_read(c->uc, UC_ARM64_REG_CP_REG, &cp) != UC_ERR_OK)
		return false;
	*val = cp.val;
	return true;
}

bool uc_cp_write(struct sim_cpu *c, uint32_t enc, uint64_t val)
{
	uc_arm64_cp_reg cp;

	cp_from_enc(enc, &cp);
	cp.val = val;
	if (sim_is_s1_reg(enc)) {
		c->s1_cached = false;
		sim_forget_code(c);
	}
	return uc_reg_write(c->uc, UC_ARM64_REG_CP_REG, &cp) == UC_ERR_OK;
}

void sim_fail(struct sim_cpu *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->msg, sizeof(c->msg), fmt, ap);
	va_end(ap);
	c->result = SIM_ERROR;
	sim_request_stop(c);
	/* Also from a hook no block follows (a fault loop inside Unicorn). */
	uc_emu_stop(c->uc);
}

static bool uses_sp_el0(uint64_t pstate)
{
	return !(pstate & 1u); /* EL0t and EL1t: SPSel = 0 */
}

static unsigned pstate_el(uint64_t pstate)
{
	return (unsigned)(pstate >> 2) & 3u;
}

/* Unicorn's ids of X0..X30 (X29 and X30 are not after X28). */
static const int gpr_ids[PULL_X] = {
    UC_ARM64_REG_X0,  UC_ARM64_REG_X1,	UC_ARM64_REG_X2,  UC_ARM64_REG_X3,
    UC_ARM64_REG_X4,  UC_ARM64_REG_X5,	UC_ARM64_REG_X6,  UC_ARM64_REG_X7,
    UC_ARM64_REG_X8,  UC_ARM64_REG_X9,	UC_ARM64_REG_X10, UC_ARM64_REG_X11,
    UC_ARM64_REG_X12, UC_ARM64_REG_X13, UC_ARM64_REG_X14, UC_ARM64_REG_X15,
    UC_ARM64_REG_X16, UC_ARM64_REG_X17, UC_ARM64_REG_X18, UC_ARM64_REG_X19,
    UC_ARM64_REG_X20, UC_ARM64_REG_X21, UC_ARM64_REG_X22, UC_ARM64_REG_X23,
    UC_ARM64_REG_X24, UC_ARM64_REG_X25, UC_ARM64_REG_X26, UC_ARM64_REG_X27,
    UC_ARM64_REG_X28, UC_ARM64_REG_X29, UC_ARM64_REG_X30,
};

/*
 * The exception entry to EL2 as the core sees it: every general register,
 * SP_EL0, PC and PSTATE in c->v->regs. Reading a register out of Unicorn
 * is a call each (most of an exit's cost when all 31 were read): only
 * those a block run since the last pull may have written (c->gpr_dirty,
 * from the block hook) are read, the others are still the shadow's.
 *
 * Between a push and the next pull only the guest runs (the core changes
 * another vCPU's registers by posting work to it), so v->regs still equals
 * the shadow but for what the guest wrote: only that is copied.
 */
/* The argument arrays of the two below are static: the sim is
 * single-threaded, neither can be re-entered, and a frame of this size
 * costs valgrind a range of stack permissions at every call. */
void regs_pull(struct sim_cpu *c)
{
	static int ids[PULL_COUNT] = {
	    [PULL_PC] = UC_ARM64_REG_PC,
	    [PULL_PSTATE] = UC_ARM64_REG_PSTATE,
	};
	static uint64_t vals[PULL_FIXED];
	static void *ptrs[PULL_COUNT] = {
	    [PULL_PC] = &vals[PULL_PC],
	    [PULL_PSTATE] = &vals[PULL_PSTATE],
	};
	struct vcpu_regs *s = &c->shadow, *r = &c->v->regs;
	const uint32_t dirty = c->gpr_dirty & ((1u << PULL_X) - 1);
	/* The stack pointers only when a block may have changed them. */
	const bool read_sp = (c->gpr_dirty & SP_DIRTY) || !c->sp_known;
	int n = PULL_SP;

	vals[PULL_PSTATE] = 0; /* PSTATE is read as 32 bits */
	if (read_sp) {
		ids[PULL_SP] = UC_ARM64_REG_SP;
		ptrs[PULL_SP] = &vals[PULL_SP];
		ids[PULL_SP_EL0] = UC_ARM64_REG_SP_EL0;
		ptrs[PULL_SP_EL0] = &vals[PULL_SP_EL0];
		n = PULL_FIXED;
	}
	for (uint32_t d = dirty; d; d &= d - 1) {
		unsigned i = (unsigned)__builtin_ctz(d);

		ids[n] = gpr_ids[i];
		ptrs[n++] = &s->x[i];
	}
	uc_reg_read_batch(c->uc, ids, ptrs, n);
	s->pc = vals[PULL_PC];
	s->pstate = vals[PULL_PSTATE];
	if (read_sp) {
		s->sp_el0 =
		    uses_sp_el0(s->pstate) ? vals[PULL_SP] : vals[PULL_SP_EL0];
		c->pulled_sp = vals[PULL_SP];
		c->sp_known = true;
	}
	for (uint32_t d = dirty; d; d &= d - 1) {
		unsigned i = (unsigned)__builtin_ctz(d);

		r->x[i] = s->x[i];
	}
	r->sp_el0 = s->sp_el0;
	r->pc = s->pc;
	r->pstate = s->pstate;
	/* The block that trapped may go on after the exit (an emulated
	 * MRS): what it writes is still to come. */
	c->gpr_dirty = c->blk_writes;
}

uint64_t sim_read_sp_el1(struct sim_cpu *c)
{
	/* Unicorn keeps the SP in use live and banks only the other one. */
	return uc_get(c, uses_sp_el0(c->shadow.pstate) ? UC_ARM64_REG_SP_EL1
						       : UC_ARM64_REG_SP);
}

void sim_write_sp_el1(struct sim_cpu *c, uint64_t val)
{
	c->sp_known = false;
	uc_set(c,
	       uses_sp_el0(c->shadow.pstate) ? UC_ARM64_REG_SP_EL1
					     : UC_ARM64_REG_SP,
	       val);
}

/*
 * Unicorn caches the exception level with the rest of its translation
 * flags, and a PSTATE write alone does not refresh them (the CPU would go
 * on at the old EL). Since 2.1.1 any system register write through
 * UC_ARM64_REG_CP_REG rebuilds them: write one back unchanged.
 */
static void rebuild_el(struct sim_cpu *c)
{
	uint64_t v = 0;

	if (!uc_cp_read(c, A64_SR_TPIDR_EL1, &v) ||
	    !uc_cp_write(c, A64_SR_TPIDR_EL1, v))
		sim_fail(c, "cannot make Unicorn take an exception level "
			    "change");
}

/*
 * The X registers the core changed since the pull: a bit per register.
 * Two registers per 16-byte compare (SSE2, which every x86-64 has): half
 * the loads, and under valgrind each load is a call into memcheck.
 */
static uint32_t gprs_changed(const uint64_t *r, const uint64_t *s)
{
	uint32_t m = 0;
	unsigned i;

	for (i = 0; i + 1 < PULL_X; i += 2) {
		__m128i a =
		    _mm_loadu_si128((const __m128i *)(const void *)&r[i]);
		__m128i b =
		    _mm_loadu_si128((const __m128i *)(const void *)&s[i]);
		unsigned eq = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(a, b));

		if (eq != 0xffffu)
			m |= (uint32_t)((eq & 0xffu) != 0xffu) << i |
			     (uint32_t)((eq >> 8) != 0xffu) << (i + 1);
	}
	if (r[i] != s[i])
		m |= 1u << i;
	return m;
}

void regs_push(struct sim_cpu *c, uint64_t natural_pc)
{
	struct vcpu_regs *r = &c->v->regs, *s = &c->shadow;
	static int ids[PULL_COUNT + 2];
	static uint64_t vals[PULL_COUNT + 2];
	static void *ptrs[PULL_COUNT + 2];
	int n = 0;
	bool el_change = false;

#define PUSH(id, val)                                                          \
	do {                                                                   \
		ids[n] = (id);                                                 \
		vals[n] = (val);                                               \
		ptrs[n] = &vals[n];                                            \
		n++;                                                           \
	} while (0)

	for (uint32_t d = gprs_changed(r->x, s->x); d; d &= d - 1) {
		unsigned i = (unsigned)__builtin_ctz(d);

		PUSH(gpr_ids[i], r->x[i]);
		s->x[i] = r->x[i];
	}
	if (r->pstate != s->pstate || r->sp_el0 != s->sp_el0) {
		uint64_t sp1 = sim_read_sp_el1(c);

		el_change = pstate_el(r->pstate) != pstate_el(s->pstate);
		PUSH(UC_ARM64_REG_SP_EL0, r->sp_el0);
		PUSH(UC_ARM64_REG_SP_EL1, sp1);
		PUSH(UC_ARM64_REG_SP, uses_sp_el0(r->pstate) ? r->sp_el0 : sp1);
		c->sp_known = false; /* the next pull reads them */
		if (r->pstate != s->pstate)
			PUSH(UC_ARM64_REG_PSTATE, r->pstate);
	}
	if (r->pc != natural_pc)
		PUSH(UC_ARM64_REG_PC, r->pc);
#undef PUSH
	if (n)
		uc_reg_write_batch(c->uc, ids, ptrs, n);
	if (el_change)
		rebuild_el(c);
	/* Unicorn's PC is r's now: written, or natural_pc, where it was. The
	 * run loop starts from it if Unicorn is stopped; a run clears it. */
	c->next_run_pc = r->pc;
	c->next_run_pc_known = true;
	/* The shadow's X registers are r's now: only the rest is copied. */
	s->sp_el0 = r->sp_el0;
	s->pstate = r->pstate;
	s->pc = natural_pc;
}

void regs_push_all(struct sim_cpu *c)
{
	struct vcpu_regs *r = &c->v->regs;

	for (unsigned i = 0; i < PULL_X; i++)
		uc_set(c, gpr_ids[i], r->x[i]);
	uc_set(c, UC_ARM64_REG_PSTATE, r->pstate);
	uc_set(c, UC_ARM64_REG_SP_EL0, r->sp_el0);
	if (uses_sp_el0(r->pstate))
		uc_set(c, UC_ARM64_REG_SP, r->sp_el0);
	uc_set(c, UC_ARM64_REG_PC, r->pc);
	rebuild_el(c);
	c->shadow = *r;
	c->gpr_dirty = 0;
	c->sp_known = false;
}

/*
 * Unicorn's Cortex-A57 has an EL3 whose SCR_EL3.RW is 0 after reset: it
 * then takes EL1 for AArch32 and treats every ERET to AArch64 EL1 as an
 * illegal exception return (PSTATE.IL set, mode and SP unchanged), which
 * left a guest returning to EL1t on SP_EL1. The firmware the sim stands
 * for runs the lower ELs in AArch64, and enables HVC (SCR_EL3.HCE): with
 * HCE clear, Unicorn raises an EL1 HVC as UNDEFINED at the HVC itself.
 */
static bool lower_els_aarch64(struct sim_cpu *c)
{
	uint64_t scr = 0;

	return uc_cp_read(c, A64_SR_SCR_EL3, &scr) &&
	       uc_cp_write(c, A64_SR_SCR_EL3, scr | A64_SCR_RW | A64_SCR_HCE);
}

static int fail_create(struct sim_cpu *c, const char **why, const char *msg)
{
	if (why)
		*why = msg;
	sim_pcpu_detach(c);
	if (c->uc)
		uc_close(c->uc);
	sim_fiber_free(c);
	free(c);
	return -1;
}

int sim_cpu_create(struct sim_cpu **out, struct vcpu *v, struct fake_gic *gic,
		   const struct sim_cpu_config *cfg, const char **why)
{
	struct sim_cpu *c = calloc(1, sizeof(*c));

	*out = NULL;
	if (!c)
		return why ? (*why = "out of memory", -1) : -1;
	c->v = v;
	c->gic = gic;
	c->code_gen = 1; /* every block cache entry (gen 0) is empty */
	if (cfg)
		c->cfg = *cfg;
	if (sim_fiber_init(c) != 0)
		return fail_create(c, why, "out of memory for the CPU's stack");
	if (uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &c->uc) != UC_ERR_OK) {
		c->uc = NULL;
		return fail_create(c, why, "uc_open failed");
	}
	if (uc_ctl_set_cpu_model(c->uc, UC_CPU_ARM64_A57) != UC_ERR_OK ||
	    uc_ctl_exits_enable(c->uc) != UC_ERR_OK)
		return fail_create(c, why,
				   "Unicorn does not accept the A57 "
				   "model or exits control");
	if (sim_pcpu_engine(v) || (sim_pcpu.ncpus && sim_pcpu.gic != gic) ||
	    sim_pcpu_attach(c) != 0)
		return fail_create(c, why,
				   "one engine per vCPU, at most 8, all on "
				   "the same GIC");
	/* Its VM's Stage-2 is the one in the EL2 registers (vCPUs of one VM
	 * share it); the scheduler activates it again when it loads v. */
	vm_activate_vcpu(v);
	c->remap = false;
	if (!sim_load_s2_config(c))
		return fail_create(c, why,
				   "Stage-2 configuration the sim does "
				   "not model (VTCR_EL2/HCR_EL2.VM)");
	if (sim_map_range(c, 0, 1ull << c->s2.ipa_bits) != 0)
		return fail_create(c, why,
				   "cannot map guest memory in Unicorn");
	if (sim_install_hooks(c) != 0)
		return fail_create(c, why, "cannot install Unicorn hooks");
	if (!lower_els_aarch64(c))
		return fail_create(c, why,
				   "cannot set SCR_EL3.RW and HCE in Unicorn");
	regs_push_all(c);
	c->next_event = 0;
	*out = c;
	return 0;
}

void sim_cpu_destroy(struct sim_cpu *c)
{
	if (!c)
		return;
	sim_pcpu_detach(c);
	/* uc_close() does not free the code bitmaps QEMU keeps for pages that
	 * are both executed and written; invalidating their translations
	 * does (a full flush would also work but clears a 1 GiB buffer). */
	sim_drop_region_code(c, false);
	uc_close(c->uc);
	sim_fiber_free(c);
	free(c);
}

const char *sim_result_name(enum sim_result r)
{
	static const char *const names[] = {
	    [SIM_RUNNING] = "running",	     [SIM_VM_OFF] = "system_off",
	    [SIM_VM_RESET] = "system_reset", [SIM_VCPU_OFF] = "vcpu_off",
	    [SIM_LIMIT] = "insn_limit",	     [SIM_DEADLOCK] = "wfi_deadlock",
	    [SIM_ERROR] = "sim_error",
	};

	return (unsigned)r < sizeof(names) / sizeof(names[0]) ? names[r] : "?";
}

const char *sim_cpu_message(const struct sim_cpu *c)
{
	return c->msg;
}

const struct sim_stats *sim_cpu_stats(struct sim_cpu *c)
{
	c->st.vtime = sim_pcpu.now;
	c->st.idle = sim_pcpu.idle;
	return &c->st;
}

void sim_machine_stats(struct sim_stats *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned i = 0; i < sim_pcpu.ncpus; i++) {
		const struct sim_stats *s = &sim_pcpu.cpus[i]->st;

		for (unsigned k = 0; k < EXIT_NR_CLASSES; k++)
			out->traps.count[k] += s->traps.count[k];
		out->traps_total += s->traps_total;
		out->guest_exceptions += s->guest_exceptions;
		out->virqs += s->virqs;
		out->pc_guesses += s->pc_guesses;
		out->late_redirects += s->late_redirects;
		out->remaps += s->remaps;
		out->tlb_refills += s->tlb_refills;
		out->restarts += s->restarts;
	}
	out->vtime = sim_pcpu.now;
	out->idle = sim_pcpu.idle;
}

void sim_cpu_set_observer(struct sim_cpu *c, sim_trap_observer fn, void *ctx)
{
	c->obs = fn;
	c->obs_ctx = ctx;
}

const char *sim_ec_name(unsigned ec)
{
	static char buf[EXIT_NR_CLASSES][8];
	const char *name = exit_class_name(ec);

	if (name)
		return name;
	if (ec >= EXIT_NR_CLASSES)
		return "?";
	if (!buf[ec][0])
		snprintf(buf[ec], sizeof(buf[ec]), "EC_%02x", ec);
	return buf[ec];
}
