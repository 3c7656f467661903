/* Target-only extensions of the HAL and the entry points between the
 * target's assembly and C. */
#ifndef TARGET_HAL_TARGET_H
#define TARGET_HAL_TARGET_H

#include <stdint.h>

#include "vcpu.h"

/* hal_pa_to_va accepts only [base, base+size). */
void hal_target_set_ram(uint64_t base, uint64_t size);
/* The host's PL031, mapped at pa, is hal_wall_clock_seconds' source. */
void hal_time_set_rtc(uint64_t pa);

/* vectors.S: run v until it exits; returns a GUEST_EXC_* kind. */
int vcpu_run(struct vcpu *v);

/* Called from boot.S with the loader's x0. */
_Noreturn void target_main(uint64_t dtb);

/* vectors.S hands an EL2 exception frame here (see asm_defs.h). */
_Noreturn void el2_fatal_report(const uint64_t *frame);

/* Print the outcome line and power the machine off via PSCI. */
_Noreturn void target_power_off(int status);

#endif
