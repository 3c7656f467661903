/*
 * The simulated CPU: one Unicorn engine running one vCPU at EL1 under the
 * hypervisor core. The engine plays the hardware: it maps guest memory from
 * the Stage-2 tables, turns what Unicorn reports into the exceptions an
 * AArch64 CPU with EL2 would take (ESR/FAR/HPFAR), reports them as exits to
 * the core's run loop (the scheduler's sched_run calls hal_vcpu_enter), and
 * applies the vCPU state the core leaves. Time is virtual: the number of guest
 * instructions executed (plus time skipped while idle in WFI).
 */
#ifndef SIM_SIM_CPU_H
#define SIM_SIM_CPU_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "exit_stats.h"

#include "exit.h"

struct vcpu;
struct fake_gic;
struct sim_cpu;

enum sim_result {
	SIM_RUNNING = 0,
	SIM_VM_OFF,   /* PSCI SYSTEM_OFF */
	SIM_VM_RESET, /* PSCI SYSTEM_RESET */
	SIM_VCPU_OFF, /* the vCPU powered itself off */
	SIM_LIMIT,    /* virtual time limit reached */
	SIM_DEADLOCK, /* idle in WFI with nothing that could wake it */
	SIM_ERROR,    /* something the simulation cannot model */
};

/* Pseudo exception class for physical IRQ exits in statistics/traces. */

struct sim_trap_record {
	uint64_t seq;
	int cpu; /* the vCPU's id, or -1 on a machine with one engine */
	uint64_t vtime;
	unsigned ec; /* ESR_EL2.EC, or EXIT_CLASS_IRQ */
	uint32_t iss;
	uint64_t pc; /* ELR_EL2 as reported to the core */
	const char *what;
	uint64_t a, b, result;
	enum exit_action action;
};

typedef void (*sim_trap_observer)(void *ctx, const struct sim_trap_record *r);

struct sim_stats {
	struct exit_stats traps;
	uint64_t traps_total;
	uint64_t vtime;		   /* virtual time now */
	uint64_t idle;		   /* virtual time spent waiting in WFI */
	uint64_t guest_exceptions; /* taken at EL1 without the hypervisor */
	uint64_t virqs;		   /* virtual IRQs delivered to the guest */
	uint64_t pc_guesses;	   /* faulting instruction not provable */
	uint64_t late_redirects;   /* core redirect applied after a few insns */
	uint64_t remaps;	   /* Stage-2 changes applied to Unicorn */
	uint64_t tlb_refills;	   /* mapping loaded on a miss, no trap */
	uint64_t restarts;	   /* uc_emu_start calls */
};

struct sim_cpu_config {
	/* Track the PC of every instruction (UC_HOOK_CODE): several times
	 * slower, used to cross-check the block-based default. */
	bool precise;
};

/*
 * Build the engine for v (which must be vm->vcpus[n], reset by the core):
 * joins the simulated physical CPU (the first engine registers it as the
 * HAL CPU backend and starts its clock at 0), calls vm_activate_vcpu();
 * maps Stage-2 and loads v's registers. The core's scheduler loads, runs
 * and puts the vCPU; an exit the core answers with a power-off is left
 * open until the vCPU is entered again (after a CPU_ON). One engine per vCPU,
 * up to 8, all with the same gic, which must outlive them. Returns 0, or -1
 * with *why set.
 */
int sim_cpu_create(struct sim_cpu **out, struct vcpu *v, struct fake_gic *gic,
		   const struct sim_cpu_config *cfg, const char **why);
/* Leave the physical CPU, free. */
void sim_cpu_destroy(struct sim_cpu *c);

/* Run the machine (sched_run, the core's run loop, over the VMs given to
 * the scheduler) until a result other than SIM_RUNNING; c names the VM
 * whose power-off or reset ends the run. The limit is a virtual time that
 * every stretch idle in WFI pushes back by its length, so it bounds the
 * guest instructions executed. May be called again after SIM_LIMIT. */
enum sim_result sim_cpu_run(struct sim_cpu *c, uint64_t vtime_limit);

/* A flag a signal handler sets: once non-zero, sim_cpu_run returns
 * SIM_LIMIT before the next block of guest code, however long the current
 * stretch of virtual time would otherwise take in host time. */
void sim_cpu_watch_flag(struct sim_cpu *c, const volatile sig_atomic_t *flag);

const char *sim_result_name(enum sim_result r);
/* Details for SIM_ERROR and SIM_DEADLOCK. */
const char *sim_cpu_message(const struct sim_cpu *c);
/* This engine's counts; vtime and idle are the machine's. */
const struct sim_stats *sim_cpu_stats(struct sim_cpu *c);
void sim_cpu_set_observer(struct sim_cpu *c, sim_trap_observer fn, void *ctx);

/*
 * The simulated physical CPU under the core's scheduler: every engine
 * runs on it, with one virtual clock. Between two sched_run calls:
 */
/* Run on until virtual time vtime_limit (pushed back by time idle); a
 * stop at the previous limit, of the CPU or an engine, is cleared. */
void sim_machine_set_limit(uint64_t vtime_limit);
/* Why the CPU went back to the host (sched_run returned
 * SCHED_STOP_HOST): SIM_LIMIT, SIM_DEADLOCK or SIM_ERROR with *msg;
 * SIM_RUNNING if nothing in the sim asked for it. */
enum sim_result sim_machine_result(const char **msg);
/* Record the exit the core handled last (at the end of a run). */
void sim_machine_flush(void);
/* Every engine's counts added up, the machine's time. */
void sim_machine_stats(struct sim_stats *out);

/* "HVC64", "DABT_LOW", ..., "IRQ" for EXIT_CLASS_IRQ, "EC_xx" otherwise. */
const char *sim_ec_name(unsigned ec);

#endif
