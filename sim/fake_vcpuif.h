/*
 * The GICv3 virtual CPU interface (ICV_* behaviour of the ICC_* system
 * registers at EL1 when HCR_EL2.IMO/FMO are set), driven by the list
 * registers and ICH_* controls the hypervisor keeps in the fake register
 * file. Also computes the read-only ICH_MISR/EISR/ELRSR_EL2 and the
 * maintenance interrupt. With IMO clear the guest reaches the physical
 * CPU interface of the fake GIC instead.
 */
#ifndef SIM_FAKE_VCPUIF_H
#define SIM_FAKE_VCPUIF_H

#include <stdbool.h>
#include <stdint.h>

struct fake_gic;

/* The GIC CPU interface registers an EL1 MRS/MSR may name (ICC_*, and
 * ISR_EL1 whose I/F bits show virtual interrupts). */
bool vcpuif_owns(uint32_t enc);

/* Return false if the access is UNDEFINED (e.g. reading a write-only
 * register): the caller injects an Undefined Instruction exception. */
bool vcpuif_read(struct fake_gic *g, uint32_t enc, uint64_t *val);
bool vcpuif_write(struct fake_gic *g, uint32_t enc, uint64_t val);

/* A virtual IRQ is signaled to the vCPU (taken unless PSTATE.I masks it;
 * wakes WFI either way). */
bool vcpuif_irq_signaled(void);

uint64_t vcpuif_misr(void);
uint64_t vcpuif_eisr(void);
uint64_t vcpuif_elrsr(void);
/* Level of the maintenance interrupt (PPI 25). */
bool vcpuif_maint_level(void);

/* Is enc one of the read-only ICH registers computed here? */
bool vcpuif_computed_reg(uint32_t enc, uint64_t *val);

#endif
