/* Entry points a port calls when a guest exits to EL2. */
#ifndef HV_EXIT_H
#define HV_EXIT_H

#include "vcpu.h"

enum exit_action {
	EXIT_RESUME =
	    0,	       /* re-enter the guest with the (possibly updated) vCPU */
	EXIT_WFI,      /* guest idles until an interrupt is pending for it */
	EXIT_VCPU_OFF, /* this vCPU powered itself off (PSCI CPU_OFF) */
	EXIT_VM_OFF,   /* PSCI SYSTEM_OFF */
	EXIT_VM_RESET, /* PSCI SYSTEM_RESET */
};

typedef enum exit_action (*exit_handler_fn)(struct vcpu *v);

/* Synchronous exception from the guest: the port has filled v->regs and
 * v->exit (ESR/FAR/HPFAR) and made v current. */
enum exit_action hv_handle_sync(struct vcpu *v);

/* A physical IRQ arrived while v was running. */
enum exit_action hv_handle_irq(struct vcpu *v);

/* Physical interrupts that arrived while this CPU idled (no guest
 * running), loaded being the vCPU whose EL1 state it holds, or NULL:
 * acknowledged and handled until none is pending. */
void hv_handle_idle_irqs(struct vcpu *loaded);

/* The EC-indexed table, exposed for tests that check it has no holes. */
exit_handler_fn exit_handler_for(unsigned ec);

static inline const char *exit_action_name(enum exit_action a)
{
	static const char *const names[] = {"resume", "wfi", "vcpu_off",
					    "vm_off", "vm_reset"};
	return (unsigned)a < sizeof(names) / sizeof(names[0]) ? names[a] : "?";
}

#endif
