/* Reporting an exception taken at EL2: a hypervisor bug, never a guest's. */
#include <stdatomic.h>
#include <stdint.h>

#include "asm_defs.h"
#include "console.h"
#include "cpu.h"
#include "hal_target.h"
#include "lib/log.h"

#define BACKTRACE_MAX 16

extern char __text_start[], __text_end[], __image_end[], hv_stacks[];

static const char *const kind_names[] = {
    "sync (SP0)", "irq (SP0)", "fiq (SP0)", "serror (SP0)",
    "sync",	  "irq",       "fiq",	    "serror",
};

static bool in_stacks(uint64_t fp)
{
	uint64_t lo = (uint64_t)(uintptr_t)hv_stacks;

	return !(fp & 15) && fp >= lo &&
	       fp + 16 <= lo + (uint64_t)HV_STACK_SLOT * HV_MAX_CPUS;
}

static void backtrace(uint64_t fp)
{
	for (unsigned i = 0; i < BACKTRACE_MAX && in_stacks(fp); i++) {
		const uint64_t *rec = (const uint64_t *)(uintptr_t)fp;

		if (rec[1] < (uint64_t)(uintptr_t)__text_start ||
		    rec[1] >= (uint64_t)(uintptr_t)__text_end)
			break;
		hv_printf("  called from %#lx\n", (unsigned long)rec[1] - 4);
		fp = rec[0];
	}
}

_Noreturn void el2_fatal_report(const uint64_t *f)
{
	/* TPIDR_EL2 of the CPU reporting: another CPU that faults meanwhile
	 * waits for the report to end with the power-off; the same CPU
	 * faulting again in the report powers off at once. */
	static _Atomic uint64_t reporter;
	uint64_t me = read_sysreg(tpidr_el2) | 1; /* never 0 */
	uint64_t none = 0;
	uint64_t kind = f[EL2_FRAME_KIND / 8];

	if (!atomic_compare_exchange_strong(&reporter, &none, me)) {
		if (none == me)
			target_power_off(2);
		for (;;)
			wfi();
	}
	console_end_line();
	hv_printf("FATAL: EL2 exception: %s\n",
		  kind < 8 ? kind_names[kind] : "?");
	hv_printf("  ESR %#018lx  ELR %#018lx  FAR %#018lx\n",
		  (unsigned long)f[EL2_FRAME_ESR / 8],
		  (unsigned long)f[EL2_FRAME_ELR / 8],
		  (unsigned long)f[EL2_FRAME_FAR / 8]);
	hv_printf("  SPSR %#010lx  SP %#018lx  TPIDR_EL2 %#lx\n",
		  (unsigned long)f[EL2_FRAME_SPSR / 8],
		  (unsigned long)f[EL2_FRAME_SP / 8],
		  (unsigned long)read_sysreg(tpidr_el2));
	for (unsigned i = 0; i < 31; i += 2) {
		if (i == 30)
			hv_printf("  x30 %016lx\n", (unsigned long)f[30]);
		else
			hv_printf("  x%-2u %016lx  x%-2u %016lx\n", i,
				  (unsigned long)f[i], i + 1,
				  (unsigned long)f[i + 1]);
	}
	backtrace(f[29]);
	target_power_off(2);
}
