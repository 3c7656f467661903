/*
 * Private to sim/uc_*.c: the state of one simulated CPU.
 *
 * Unicorn 2.1.1 facts this design rests on (measured, see the tests and
 * sim/README.md):
 * - an exception (HVC/SVC/BRK/UDF = UC_HOOK_INTR 1/2/7/1, SMC = 13) is
 *   never delivered to the guest while an interrupt hook exists; writing
 *   the PC from that hook resumes there;
 * - a faulting load/store stops emulation with the registers as before the
 *   instruction but the PC of the block start, so the faulting instruction
 *   is found by decoding the block;
 * - MRS/MSR hooks see an exact PC; an MSR ends its translation block, an
 *   MRS does not, and uc_emu_stop() only takes effect at a block boundary;
 * - uc_emu_stop() or a PC write in the block hook happen before the block;
 * - WFI halts emulation with the PC after it; WFE is a NOP that ends its
 *   block;
 * - writing PSTATE does not rebuild Unicorn's cached flags (EL); a system
 *   register write through CP_REG does, which is how exception entry
 *   from EL0 takes effect (regs_push);
 * - after an illegal ERET (PSTATE.IL set) the next instruction arrives as
 *   an UNDEF;
 * - with SCR_EL3.RW = 0 (its reset value) every ERET to EL1 is illegal:
 *   the sim sets RW when it creates the CPU.
 */
#ifndef SIM_UC_CPU_PRIV_H
#define SIM_UC_CPU_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <unicorn/unicorn.h>

#include "exit.h"
#include "hal.h"
#include "s1walk.h"
#include "s2walk.h"
#include "sim_cpu.h"
#include "vcpu.h"
#include "vtimer.h"

#define SIM_MAX_REGIONS 512
#define SIM_BLOCK_CACHE 1024u
#define SIM_MAX_STUCK_EXITS 10000u
#define SIM_IC_FLUSHES_PER_TB_FLUSH 2048u
#define SIM_MAX_IDLE_HOOKS 10000000u
#define SIM_MAX_CPUS 8u

/* QEMU exception numbers reported through UC_HOOK_INTR. */
#define UC_EXCP_UDEF 1u
#define UC_EXCP_SWI 2u
#define UC_EXCP_PREFETCH_ABORT 3u
#define UC_EXCP_DATA_ABORT 4u
#define UC_EXCP_BKPT 7u
#define UC_EXCP_HVC 11u
#define UC_EXCP_SMC 13u

struct uc_region {
	uint64_t ipa;
	uint64_t size;
	uint32_t prot;
	uint8_t *host; /* the memory Unicorn was given for [ipa, ipa+size) */
};

/* Which hook is on the stack: it decides how a stop or redirect works. */
enum hook_ctx { IN_RUN_LOOP = 0, IN_BLOCK, IN_INTR, IN_SYSREG };

struct mem_fault {
	bool valid;
	int type; /* uc_mem_type */
	uint64_t addr;
	int size;
	/* Unicorn stopped at the instruction (the fill hook refused it):
	 * the PC is the access's, and addr is the IPA of the refused page of
	 * Unicorn's (its 1 KiB), at VA page_va. */
	bool at_insn;
	uint64_t page_va;
};

/* The stack Unicorn runs on (uc_fiber.c) and the switch state. */
struct sim_fiber {
	void *stack;
	size_t size;
	void *sp;      /* the fiber's, while the host runs */
	void *host_sp; /* the host's, while the fiber runs */
	bool live;     /* started and not finished */
	bool inside;   /* the fiber is running now */
	enum hal_exit kind;
	unsigned vg_id;
	void *fake; /* AddressSanitizer's fake stack of the fiber */
	const void *host_bottom;
	size_t host_size;
};

struct sim_cpu {
	uc_engine *uc;
	struct vcpu *v;
	struct fake_gic *gic;
	struct sim_cpu_config cfg;
	uc_hook hooks[12];
	unsigned nhooks;
	enum hook_ctx ctx;

	/* The block being executed; virtual time (sim_pcpu.now) is counted
	 * up to its end: a trap inside it gives back what it did not run. */
	uint64_t blk_start, blk_end;
	uint64_t next_event; /* the block hook looks closer from here on */
	uint64_t cur_pc;     /* precise mode: the instruction being executed */
	bool phantom;	     /* precise mode: next code hook is not executed */

	struct vtimer vtimer, ptimer;
	uint64_t cntkctl;

	struct s2w_cfg s2;
	uint16_t vmid;
	struct uc_region regions[SIM_MAX_REGIONS];
	unsigned nregions;
	unsigned fetch_hint; /* region of the last instruction read */
	bool remap;
	uint64_t remap_lo, remap_hi;

	/* Guest registers as Unicorn holds them since the last pull; a push
	 * writes only what the core changed relative to this. */
	struct vcpu_regs shadow;
	uint64_t shadow_sp_el1;
	uint64_t pulled_sp; /* the SP in use, as the last pull read it */
	/* pulled_sp and the shadow's SP_EL0 are Unicorn's: until a block
	 * that may change them runs (bit 31 of its write set) or the sim
	 * writes either, a pull need not read them again. */
	bool sp_known;
	/* Unicorn's PC as the last push left it (regs_push), if no run has
	 * moved it since: where the next run starts, without reading it
	 * back. Otherwise the run loop reads it. */
	uint64_t next_run_pc;
	bool next_run_pc_known;
	/* Xn (bit n) that the blocks run since the last pull may have
	 * written: a pull reads only these from Unicorn, the others are
	 * still the shadow's. */
	uint32_t gpr_dirty;
	uint32_t blk_writes; /* ... of the block that runs now */

	bool stop_requested;
	bool ic_flush;	   /* the guest invalidated its instruction cache */
	bool ic_flush_all; /* ... all of it, or only IPAs [ic_lo, ic_hi) */
	uint64_t ic_lo, ic_hi;
	uint64_t ic_flushes;
	bool block_stop; /* stopped by the block hook, before: */
	uint64_t block_stop_pc;
	bool pending_idle;  /* an untrapped WFI: idle at the next round */
	bool apply_pending; /* core's PC/PSTATE not yet in Unicorn */
	uint64_t apply_at;  /* the MRS/MSR that asked for it */
	struct vcpu_regs apply_regs;
	/* What the sim knows of the blocks Unicorn ran (direct-mapped by
	 * address; an entry of an older code_gen is empty): whether a block
	 * ends in an ERET (only after one can PSTATE.IL be set) or a WFE
	 * (which HCR_EL2.TWE may trap), and which
	 * general registers it may write (a64_gpr_writes). code_gen moves
	 * on whenever the code at an address may have changed: dropped
	 * translations, a TLB flush, a new Stage-1 or Stage-2. */
	struct sim_block_info {
		uint64_t addr;
		uint32_t size;
		uint32_t gen;
		uint32_t writes;
		bool eret;
		bool wfe;
	} blocks[SIM_BLOCK_CACHE];
	uint32_t code_gen;
	bool after_eret; /* the previous block ended in an ERET */
	bool wfe_armed;	 /* a block ending in a trapped WFE runs */
	bool wfe_trap;	 /* ... and the WFE has executed */
	uint64_t wfe_pc;
	bool poll_virq;	      /* a masked vIRQ is signaled: watch PSTATE.I */
	uint64_t deadline;    /* next timer event or the limit */
	unsigned irq_repeats; /* IRQ exits since the guest last ran */
	uint64_t irq_vtime;
	struct mem_fault fault;
	/* A Stage-1 fault (or a Stage-2 fault of the Stage-1 walk) the TLB
	 * fill hook refused an access with. */
	struct {
		bool valid;
		uint64_t va; /* page of the access */
		enum s1w_access acc;
		bool el0;
		struct s1w_result res;
	} s1f;
	/* An access the TLB fill hook refused because no region maps its
	 * IPA: Unicorn stopped at the instruction (sim_s2_fill_abort). */
	struct {
		bool valid;
		uint64_t va;  /* page of the access (Unicorn's, 1 KiB) */
		uint64_t ipa; /* ... and its IPA */
		enum s1w_access acc;
	} s2f;
	unsigned data_hint;	/* region of the last fill that found one */
	uint64_t unmapped_page; /* 4 KiB IPA page no region maps ... */
	uint64_t unmapped_regions_gen; /* ... as of this regions_gen */
	uint64_t regions_gen;	       /* bumped at every region change */
	bool fill_identity;	       /* sim_drop_code() is running */
	/* Hook calls since virtual time last moved (sim_hook_budget). */
	uint64_t budget_vtime, budget_calls, idle_calls;

	enum sim_result result;
	char msg[200];
	struct sim_stats st;
	sim_trap_observer obs;
	void *obs_ctx;
	uint64_t rec_vtime; /* time to record for this trap, if not now */
	/* The exit the core is handling, recorded once it has decided
	 * (sim_pcpu_flush_record): the time and syndrome as at the exit. */
	struct {
		bool valid;
		bool irq; /* the ISS is the INTID the core noted */
		unsigned ec;
		uint32_t iss;
		uint64_t pc;
		uint64_t vtime;
	} pend;
	uint64_t stuck_vtime;
	unsigned stuck_exits;
	uint64_t last_trap_pc, last_trap_vtime;
	unsigned same_pc_exits;
	struct sim_fiber fiber;
	bool closing; /* completing its last exit for the record only */
	/* The guest's Stage-1 controls as Unicorn holds them (sim_s1_regs). */
	struct s1w_regs s1_regs;
	bool s1_cached;
};

/*
 * The simulated physical CPU (uc_pcpu.c): there is one, and every engine
 * runs on it. One virtual clock for all of them: the engine that runs
 * advances it, and every engine's counter and timers read it.
 */
struct sim_pcpu {
	uint64_t now;	/* virtual time */
	uint64_t limit; /* of this run, pushed back by time idle */
	uint64_t idle;
	uint64_t seq; /* trace records written */
	uint64_t exits;
	const volatile sig_atomic_t *stop_flag; /* sim_cpu_watch_flag */
	struct sim_cpu *cpus[SIM_MAX_CPUS];	/* in creation order */
	unsigned ncpus;
	struct sim_cpu *cur;	 /* the engine of hal_current_vcpu() */
	struct sim_cpu *pending; /* its exit is with the core, unrecorded */
	struct fake_gic *gic;
	/* Why the CPU went back to the host outside any engine (a wait that
	 * cannot end, a kick), or SIM_RUNNING. */
	enum sim_result result;
	char msg[200];
};
extern struct sim_pcpu sim_pcpu;
void sim_record(struct sim_cpu *c);

/* uc_pcpu.c */
int sim_pcpu_attach(struct sim_cpu *c);
void sim_pcpu_detach(struct sim_cpu *c);
struct sim_cpu *sim_pcpu_engine(const struct vcpu *v);
/* Write the record of the exit the core handled (if any): the core has
 * decided about it once it calls the sim again. */
static inline void sim_pcpu_flush_record(void)
{
	struct sim_cpu *c = sim_pcpu.pending;

	if (c) {
		sim_pcpu.pending = NULL;
		sim_record(c);
	}
}
/* A model limit or a core request the sim cannot serve: the run ends. */
void sim_pcpu_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* hal_wait_for_interrupt */
bool sim_pcpu_wait(void);
/* Next virtual time at which one of c's timers or the hypervisor timer
 * rises (c may be NULL: the hypervisor timer only). */
uint64_t sim_timer_deadline(const struct sim_cpu *c);
/* Sleep until virtual time d (> now): idle time, which moves the limit. */
void sim_advance_idle(uint64_t d);

/* uc_fiber.c: the world switch */
int sim_fiber_init(struct sim_cpu *c);
void sim_fiber_free(struct sim_cpu *c);
/* hal_vcpu_enter (the backend's enter): v must be the current vCPU. */
int sim_world_enter(void *ctx, struct vcpu *v);
/* Hand an exit to the core's run loop; returns what it decided. */
enum exit_action sim_exit_to_core(struct sim_cpu *c, enum hal_exit kind);
/* uc_run.c: the CPU's own loop, run on the fiber */
void sim_world_loop(struct sim_cpu *c);

/* uc_cpu.c: registers */
void regs_pull(struct sim_cpu *c);
/* Write what the core changed; 'natural_pc' is where Unicorn continues on
 * its own (the PC is written only if the core wants another one). */
void regs_push(struct sim_cpu *c, uint64_t natural_pc);
/* Write every register from v->regs, whatever Unicorn held before. */
void regs_push_all(struct sim_cpu *c);
uint64_t uc_get(struct sim_cpu *c, int reg);
void uc_set(struct sim_cpu *c, int reg, uint64_t val);
bool uc_cp_read(struct sim_cpu *c, uint32_t enc, uint64_t *val);
bool uc_cp_write(struct sim_cpu *c, uint32_t enc, uint64_t val);
void sim_fail(struct sim_cpu *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* SP_EL1 wherever Unicorn keeps it for the current PSTATE.SPSel. */
uint64_t sim_read_sp_el1(struct sim_cpu *c);
void sim_write_sp_el1(struct sim_cpu *c, uint64_t val);

/* uc_backend.c: the HAL CPU backend, following the current vCPU */
void sim_attach_backend(void);

/* uc_mem.c: Stage-2 mappings and guest memory reads */
bool sim_load_s2_config(struct sim_cpu *c);
int sim_map_range(struct sim_cpu *c, uint64_t lo, uint64_t hi);
void sim_apply_remap(struct sim_cpu *c);
void sim_unmap_all(struct sim_cpu *c);
bool sim_va_to_ipa(struct sim_cpu *c, uint64_t va, uint64_t *ipa);
bool sim_read_insn(struct sim_cpu *c, uint64_t va, uint32_t *insn);
/* The n instructions at va in host memory, if one translation and one of
 * Unicorn's regions hold them all; NULL otherwise. */
const uint32_t *sim_code_words(struct sim_cpu *c, uint64_t va, unsigned n);
bool sim_s1_regs(struct sim_cpu *c, struct s1w_regs *r);
/* SCTLR/TCR/TTBR0/TTBR1_EL1: a write to one drops the cached copy. */
bool sim_is_s1_reg(uint32_t enc);
enum s1w_status sim_s1_translate(struct sim_cpu *c, uint64_t va,
				 enum s1w_access acc, bool el0,
				 struct s1w_result *res);
/* UC_TLB_VIRTUAL and the fill hook that translates with s1walk. */
int sim_install_tlb(struct sim_cpu *c);
/* Drop Unicorn's translations of the code at IPAs [lo, hi). */
void sim_drop_code(struct sim_cpu *c, uint64_t lo, uint64_t hi);
/* The same for every region Unicorn maps (only executable ones). */
void sim_drop_region_code(struct sim_cpu *c, bool exec_only);

/* uc_hooks.c: the hooks on blocks, exceptions and memory faults */
/* The code at some address may be different from now on (or run through
 * another translation): forget what the block cache says of it. */
static inline void sim_forget_code(struct sim_cpu *c)
{
	if (++c->code_gen == 0)
		c->code_gen = 1; /* 0 is an empty entry's */
}
int sim_install_hooks(struct sim_cpu *c);
int sim_install_code_hook(struct sim_cpu *c);
/* Count a hook call; true (and the run is ending) once the calls made
 * with no instruction executed since the previous one reach the time
 * limit or SIM_MAX_IDLE_HOOKS: a livelock through hooks (a vector that
 * itself faults) ends like any run. */
bool sim_hook_budget(struct sim_cpu *c);

/* uc_sysreg.c: MRS/MSR/SYS routing and the counter/timer registers */
int sim_install_sysreg_hooks(struct sim_cpu *c);
/* Drop Unicorn's translations (after an IC IALLU/IVAU), between runs. */
void sim_ic_invalidate(struct sim_cpu *c);
enum el0_rule { EL0_ALLOWED, EL0_UNDEF, EL0_TRAP_EL1 };
enum el0_rule sim_el0_sysreg_rule(struct sim_cpu *c, uint32_t enc,
				  bool is_read);
bool sim_prepare_el0_sysreg_trap(struct sim_cpu *c, uint32_t enc, bool is_read,
				 unsigned rt, uint64_t pc);

/* uc_trap.c: time at a trap, exits to the core, entry into EL1 */
void sim_request_stop(struct sim_cpu *c);
/* Stop the run at the next block hook, whichever block that is (one
 * Unicorn only calls and then leaves included), without counting it; the
 * block running now finishes. */
void sim_stop_before_next_block(struct sim_cpu *c);
uint64_t sim_now(const struct sim_cpu *c, uint64_t pc);
void sim_give_back_time(struct sim_cpu *c, uint64_t insn_pc);
/* Report a synchronous exception to the core: sim_sync_exit() first
 * pulls the registers, sim_core_exit() expects them pulled. */
enum exit_action sim_sync_exit(struct sim_cpu *c, uint64_t esr, uint64_t far,
			       uint64_t hpfar, uint64_t elr);
enum exit_action sim_core_exit(struct sim_cpu *c, uint64_t esr, uint64_t far,
			       uint64_t hpfar, uint64_t elr);
void sim_finish_trap(struct sim_cpu *c, enum exit_action act);
/* Exception entry to EL1 on the pulled c->v->regs (the caller pushes). */
bool sim_prepare_el1_entry(struct sim_cpu *c, bool irq, uint64_t esr,
			   bool set_far, uint64_t far, uint64_t elr);
/* The same, pulling and pushing the registers itself. */
bool sim_enter_el1(struct sim_cpu *c, bool irq, uint64_t esr, bool set_far,
		   uint64_t far, uint64_t elr);
void sim_guest_undef(struct sim_cpu *c, uint64_t pc);
bool sim_timer_read(struct sim_cpu *c, uint32_t enc, uint64_t now,
		    uint64_t *val);
bool sim_timer_write(struct sim_cpu *c, uint32_t enc, uint64_t now,
		     uint64_t val);

/* uc_abort.c: Stage-2 data and instruction aborts */
void sim_data_abort(struct sim_cpu *c);
/* From now on every instruction records its PC (exact, slower). */
void sim_go_precise(struct sim_cpu *c);
void sim_insn_abort(struct sim_cpu *c);
/* Unicorn stopped on the fault the TLB fill hook recorded (c->s1f): a
 * Stage-1 abort into the guest's EL1, or a Stage-2 abort of the walk to
 * the hypervisor. */
void sim_s1_abort(struct sim_cpu *c);
/* Unicorn stopped on the access the fill hook refused (c->s2f): the
 * Stage-2 abort of the instruction at the PC. */
void sim_s2_fill_abort(struct sim_cpu *c);
/* The Stage-2 abort a DC ZVA of Xt = va would take, if any: true and the
 * ESR/FAR/HPFAR to report. */
bool sim_dc_zva_abort(struct sim_cpu *c, uint64_t va, uint64_t *esr,
		      uint64_t *far, uint64_t *hpfar);

/* uc_run.c */
/* The timer and maintenance lines into the GIC, from c's timers; the
 * same with c NULL allowed (no vCPU loaded: the EL1 timer lines low). */
void sim_update_lines(const struct sim_cpu *c);
void sim_update_cpu_lines(const struct sim_cpu *c);
bool sim_block_event(struct sim_cpu *c);
/* The exit about to go to the core, recorded once it has decided
 * (sim_record, from sim_pcpu_flush_record). */
void sim_note_exit(struct sim_cpu *c, unsigned ec, uint32_t iss, bool irq,
		   uint64_t pc);

#endif
