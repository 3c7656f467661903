/*
 * Where an EL1 system register access goes on the simulated CPU, given
 * the trap controls the hypervisor wrote into the fake EL2 registers
 * (HCR_EL2, MDCR_EL2, CNTHCTL_EL2, CPTR_EL2, ICH_HCR_EL2): to EL2 as an
 * EC 0x18 trap, to a device model of the sim (timer, GIC CPU interface,
 * virtualised ID registers), to an Undefined Instruction exception, or to
 * Unicorn's own implementation.
 */
#ifndef SIM_EL2_TRAPS_H
#define SIM_EL2_TRAPS_H

#include <stdbool.h>
#include <stdint.h>

enum el2_route {
	ROUTE_NATIVE = 0, /* Unicorn executes it */
	ROUTE_TRAP,	  /* exception to EL2, EC 0x18 */
	ROUTE_TIMER,	  /* counter/timer model */
	ROUTE_GIC,	  /* GIC CPU interface model */
	ROUTE_VIRT_ID,	  /* MIDR/MPIDR from VPIDR_EL2/VMPIDR_EL2 */
	ROUTE_UNDEF,	  /* Undefined Instruction at EL1 */
};

/* enc is SYSREG_ENC of the MRS/MSR (op0 2 or 3) or SYS/SYSL (op0 1). */
enum el2_route el2_route_sysreg(uint32_t enc, bool is_read);

/* HCR_EL2 controls of instructions that are not register accesses. */
bool el2_traps_wfi(void);
bool el2_traps_wfe(void);
bool el2_traps_smc(void);
bool el2_hvc_disabled(void);

#endif
