/*
 * An independent isolation checker for the VMs' Stage-2 tables. It walks
 * each registered VM's Stage-2 with the reference walker (s2walk, written
 * from the architecture), never with src/mm, and reports:
 *  - a physical page mapped into two VMs that was not declared shared
 *    between exactly those VMs (sim_iso_add_shared);
 *  - a page of the hypervisor's own memory (sim_iso_add_hyp_range) mapped
 *    into a VM;
 *  - a Stage-2 table page (of any VM, its own included) mapped into a VM,
 *    or one table page used by two VMs;
 *  - a Stage-2 the walker cannot read or finds malformed.
 * The HAL (hal_host.c) calls it after every Stage-2 change the core makes
 * when it is enabled; hvsim and the unit tests enable it.
 */
#ifndef SIM_ISOLATION_H
#define SIM_ISOLATION_H

#include <stdbool.h>
#include <stdint.h>

#define SIM_ISO_MAX_VMS 8
#define SIM_ISO_MAX_RANGES 16

/* The Stage-2 registers VM runs with. false: the VM has no Stage-2 now
 * (not created yet, or destroyed); it then maps nothing. */
typedef bool (*sim_iso_regs_fn)(void *ctx, uint64_t *vttbr, uint64_t *vtcr);

/* Forget every VM, range and violation; disabled. */
void sim_iso_reset(void);
void sim_iso_enable(bool on);
bool sim_iso_enabled(void);

/* Register VM id (0..SIM_ISO_MAX_VMS-1, the name used in messages and in
 * shared declarations). Returns 0, or -1 for a bad or taken id. */
int sim_iso_add_vm(unsigned id, sim_iso_regs_fn regs, void *ctx);
/* The hypervisor's own memory [pa, pa+size); what names it in messages
 * (kept by pointer: a string literal). Returns 0 or -1 (full, empty,
 * wrapping). */
int sim_iso_add_hyp_range(uint64_t pa, uint64_t size, const char *what);
/* [pa, pa+size) may be mapped by the VMs in vm_mask (bit n: VM n). */
int sim_iso_add_shared(uint64_t pa, uint64_t size, uint32_t vm_mask);

/* Hooks: the Stage-2 of the VM(s) running with this VMID changed or was
 * flushed; a barrier after some Stage-2 change of an unknown VM (a new
 * mapping needs no TLB maintenance, only the DSB that publishes it). Both
 * re-walk what may have changed and check it against the rest. No-ops
 * while disabled. */
void sim_iso_vmid_changed(uint16_t vmid);
void sim_iso_any_changed(void);

/* Re-walk every VM and check all of them (also when disabled). Returns
 * the violations in the current state; they add to the totals too. */
unsigned long sim_iso_check_all(void);

struct sim_iso_stats {
	unsigned long checks;	  /* hook calls or full checks that ran */
	unsigned long walks;	  /* VM Stage-2 walks */
	unsigned long violations; /* total found by every check */
};
const struct sim_iso_stats *sim_iso_stats(void);
/* The first violation ever found since the reset, "" if none. */
const char *sim_iso_first_violation(void);

#endif
