/*
 * A virtual CPU: the guest state a port saves on every exit (GPRs, PC,
 * PSTATE), the syndrome of that exit, and the state only a world switch
 * moves (EL1 system registers, FP/SIMD).
 */
#ifndef HV_VCPU_H
#define HV_VCPU_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "arch/sysreg_enc.h"
#include "vgic/vgic.h"

struct vm;

/* Saved by the port on every exit. Layout is fixed: target/ asm uses
 * VCPU_REGS_* offsets (checked by static asserts in vcpu.c). */
struct vcpu_regs {
	uint64_t x[31];
	uint64_t sp_el0;
	uint64_t pc;	 /* ELR_EL2 at the exit */
	uint64_t pstate; /* SPSR_EL2 at the exit */
};
#define VCPU_REGS_SP_EL0 (31 * 8)
#define VCPU_REGS_PC (32 * 8)
#define VCPU_REGS_PSTATE (33 * 8)
#define VCPU_REGS_SIZE (34 * 8)

/* What the hardware reported for this exit. */
struct vcpu_exit {
	uint64_t esr;
	uint64_t far;
	uint64_t hpfar;
	/* Written by the core, read by a port that completes an exit
	 * itself (the simulator): the enum exit_action (exit.h) chosen. */
	unsigned action;
};
#define VCPU_EXIT_OFFSET VCPU_REGS_SIZE

struct vcpu_fpsimd {
	uint64_t v[32][2];
	uint32_t fpsr;
	uint32_t fpcr;
};

/* EL1 registers moved by vcpu_load/vcpu_put, indexed by enum vcpu_el1. */
#define VCPU_EL1_ENUM(name, op0, op1, crn, crm, op2) VCPU_##name,
enum vcpu_el1 { HAL_SYSREGS_EL1(VCPU_EL1_ENUM) VCPU_EL1_COUNT };
#undef VCPU_EL1_ENUM

/*
 * PSCI power state of a vCPU (DEN0022D, AFFINITY_INFO's view of a core).
 * ON_PENDING: another vCPU's CPU_ON has claimed it and posted REQ_CPU_ON;
 * it becomes ON when it applies that request itself (vcpu_req.h). A vCPU
 * in CPU_SUSPEND stays ON: PSCI reports a suspended core as ON.
 */
enum vcpu_power {
	VCPU_POWER_OFF = 0,
	VCPU_POWER_ON,
	VCPU_POWER_ON_PENDING,
};

/* Work one vCPU posts to another (bits of vcpu.req, see vcpu_req.h). */
#define VCPU_REQ_CPU_ON (1u << 0)
#define VCPU_REQ_SGI (1u << 1) /* SGIs in vcpu.sgi_req to make pending */
/* Its physical CPU is to pick again (sched.c): set on the running vCPU,
 * so that the run loop's one test for requests also covers this. */
#define VCPU_REQ_RESCHED (1u << 2)
/* An FF-A message (vcpu.msg) for a vCPU waiting for one (msg_wait). */
#define VCPU_REQ_MSG (1u << 3)

/* The CPU_ON payload, written by the vCPU that won the OFF -> ON_PENDING
 * transition (so by one writer) before it posts VCPU_REQ_CPU_ON. */
struct vcpu_on_req {
	uint64_t entry;
	uint64_t context_id;
};

/*
 * What the core decided for the last exit, for traces and statistics.
 * 'what' is a static string ("hvc.psci.version", "mmio.read", ...).
 */
struct exit_note {
	const char *what;
	uint64_t a;
	uint64_t b;
	uint64_t result;
};

/* Emulated debug/OS-lock state the guest sees through trapped accesses. */
struct vcpu_debug {
	bool os_lock;
	bool os_dlk;
	uint64_t prcr;
	uint64_t bvr[16], bcr[16], wvr[16], wcr[16];
};

struct vcpu {
	struct vcpu_regs regs; /* must stay first */
	struct vcpu_exit exit;
	struct vcpu_fpsimd fp;
	uint64_t el1[VCPU_EL1_COUNT];
	struct vcpu_debug dbg;
	struct vgic_cpu vgic; /* SGI/PPI state and the virtual CPU interface */
	struct exit_note note;
	struct vm *vm;
	unsigned id;
	uint64_t mpidr; /* virtual MPIDR_EL1 (Aff0 = id) */
	/* Read and changed by other vCPUs (CPU_ON, AFFINITY_INFO), which may
	 * run on other physical CPUs: atomic. */
	_Atomic enum vcpu_power power;
	atomic_uint req; /* VCPU_REQ_* posted to this vCPU, not yet applied */
	atomic_uint sgi_req; /* bit n: SGI n posted (VCPU_REQ_SGI) */
	struct vcpu_on_req on_req;
	/* VCPU_REQ_MSG's payload: x0..x7 as the waiting vCPU's call
	 * returns them (FF-A direct messages). */
	uint64_t msg[8];
	bool loaded; /* EL1 state live in the (physical or simulated) CPU */
	/* Scheduling (sched/), under the scheduler's lock. */
	unsigned pcpu; /* home physical CPU */
	bool blocked;  /* in WFI or CPU_SUSPEND until it can take an IRQ */
	/* Waiting in an FF-A call for a message: VCPU_REQ_MSG (or a CPU_ON)
	 * ends the wait; an interrupt ends it through FF-A, which posts the
	 * call's FFA_INTERRUPT (sched.c can_run). */
	bool msg_wait;
	bool timer_wake;  /* a stand-in for its EL1 timers fired */
	uint64_t wake_at; /* when they fire (counter), while it is put */
};

static inline uint64_t vcpu_get_x(const struct vcpu *v, unsigned r)
{
	return r >= 31 ? 0 : v->regs.x[r]; /* register 31 is XZR here */
}

static inline void vcpu_set_x(struct vcpu *v, unsigned r, uint64_t val)
{
	if (r < 31)
		v->regs.x[r] = val;
}

extern bool hv_exit_notes; /* hv_set_exit_notes() */

/* A port that reads exit notes clears the last one before each exit it
 * hands to the core: a handler that notes nothing then leaves an empty
 * name (its a/b/result are meaningless). Ports that do not read them do
 * not pay for the clearing. */
static inline void vcpu_note_clear(struct vcpu *v)
{
	v->note.what = "";
}

static inline void vcpu_note(struct vcpu *v, const char *what, uint64_t a,
			     uint64_t b, uint64_t result)
{
	if (!hv_exit_notes)
		return;
	v->note.what = what;
	v->note.a = a;
	v->note.b = b;
	v->note.result = result;
}

/* Skip the trapped instruction: length from ESR.IL (2 or 4 bytes), and for
 * a T32 guest the IT state advanced as executing the instruction would
 * (vcpu_advance_pc_aa32). Inline: an AArch64 guest's emulated access, the
 * common case, only adds the length. */
void vcpu_advance_pc_aa32(struct vcpu *v);
static inline void vcpu_advance_pc(struct vcpu *v)
{
	if (v->regs.pstate & (1u << 4)) /* PSTATE.nRW: AArch32 */
		vcpu_advance_pc_aa32(v);
	else
		v->regs.pc += (v->exit.esr & (1u << 25)) ? 4u : 2u; /* ESR.IL */
}

/* ITSTATE[7:0] gathered from an AArch32 SPSR (0 for AArch64). */
uint32_t vcpu_aa32_itstate(uint64_t pstate);

/* Put the vCPU in its architectural reset state, entering at 'entry' at
 * EL1h with x0 = arg0 and all interrupts masked (Linux boot protocol). */
void vcpu_reset(struct vcpu *v, uint64_t entry, uint64_t arg0);

/* World switch of the state the core keeps lazily in the CPU. */
void vcpu_load(struct vcpu *v);
void vcpu_put(struct vcpu *v);

#endif
