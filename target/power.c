/*
 * Ending a run. The last console line is always "hv: exit status N" (0:
 * the guest powered off, 1: the guest or its launch failed, 2: the
 * hypervisor itself failed, 3: the guest reset and rebooting was not
 * enabled); harness/qemu-run turns it into its own exit status, since QEMU
 * exits 0 on any PSCI SYSTEM_OFF.
 */
#include <stdint.h>

#include "console.h"
#include "cpu.h"
#include "hal.h"
#include "hal_target.h"
#include "lib/log.h"
#include "uart_pl011.h"

#define PSCI_SYSTEM_OFF 0x84000008ull

_Noreturn void target_power_off(int status)
{
	uint64_t a[18] = {PSCI_SYSTEM_OFF};

	console_end_line();
	hv_printf("exit status %d\n", status);
	uart_flush();
	hal_smc_forward(a);
	/* Still here: EL3 has no PSCI. Stop instead. */
	hv_printf("PSCI SYSTEM_OFF failed (%ld); halting\n", (long)a[0]);
	for (;;)
		wfi();
}

_Noreturn void hal_halt(void)
{
	static int halting;

	if (halting++)
		for (;;)
			wfi();
	console_end_line();
	hv_printf("fatal: the hypervisor core halted\n");
	target_power_off(2);
}
