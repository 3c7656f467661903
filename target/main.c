/*
 * Platform bring-up and the guest's life cycle: find the host DTB, turn on
 * the MMU, learn the machine, start the console and the GIC, read the
 * launch descriptor, start the other CPUs, then hand over to launch_vms.c,
 * which creates, boots and runs the VMs.
 */
#include <stdbool.h>
#include <stddef.h>

#include "asm_defs.h"
#include "cpu.h"
#include "gicv3.h"
#include "hal.h"
#include "hal_target.h"
#include "hv.h"
#include "hv_err.h"
#include "launch.h"
#include "launch_vms.h"
#include "lib/log.h"
#include "mm/page_pool.h"
#include "mmu.h"
#include "platform.h"
#include "run_vm.h"
#include "sched/sched.h"
#include "smp.h"
#include "trap_stats.h"
#include "uart_pl011.h"
#include "vm/boot.h"
#include "vm/vm.h"

#define SZ_1G 0x40000000ull
#define POOL_MAX_BYTES 0x800000ull /* Stage-2 tables: 8 MiB is plenty */

extern char __text_start[], __image_end[];

static struct platform plat;
static struct page_pool pool;

/*
 * The boot protocol has the DTB in x0, but QEMU 7.2 enters an ELF kernel
 * with x0 = 0 and puts the DTB at the start of RAM, as it documents for
 * non-Linux images: on virt, the 1 GiB-aligned base below our load address.
 */
static uint64_t find_dtb(uint64_t x0)
{
	uint64_t ram_guess = (uint64_t)(uintptr_t)__text_start & ~(SZ_1G - 1);

	if (platform_fdt_size((const void *)(uintptr_t)x0))
		return x0;
	if (platform_fdt_size((const void *)(uintptr_t)ram_guess))
		return ram_guess;
	return 0;
}

static bool console_ready;

/* The DTB's UART, or before the DTB names one, QEMU virt's. */
static void console_up(void)
{
	uint64_t base = plat.uart_base ? plat.uart_base : EARLY_UART_PA;

	if (!console_ready && mmu_map(base, 0x1000, MMU_DEVICE) == 0) {
		uart_init(base);
		console_ready = true;
	}
}

static _Noreturn void early_fail(const char *why)
{
	console_up();
	hv_printf("fatal: %s\n", why);
	target_power_off(2);
}

static void map_platform(void)
{
	console_up();
	if (mmu_map(plat.ram_base, plat.ram_size, MMU_NORMAL_RW) ||
	    mmu_map(plat.gic.gicd_base, plat.gicd_size, MMU_DEVICE) ||
	    mmu_map(plat.gic.gicr_base, plat.gic.gicr_size, MMU_DEVICE))
		early_fail("cannot map RAM and the GIC");
	/* Heap and staging area sit between our image and guest RAM. */
	if ((uint64_t)(uintptr_t)__image_end > LAUNCH_HEAP_END)
		early_fail("hv.elf overlaps the guest staging area");
	hal_target_set_ram(plat.ram_base, plat.ram_size);
	/* Without its RTC the host has no time of day: guests start at 0. */
	if (plat.rtc_base && mmu_map(plat.rtc_base, 0x1000, MMU_DEVICE) == 0)
		hal_time_set_rtc(plat.rtc_base);
}

static void init_pool(void)
{
	uint64_t start = ((uint64_t)(uintptr_t)__image_end + PAGE_SIZE - 1) &
			 ~(uint64_t)(PAGE_SIZE - 1);
	uint64_t size = LAUNCH_HEAP_END - start;

	if (size > POOL_MAX_BYTES)
		size = POOL_MAX_BYTES;
	if (page_pool_init(&pool, (void *)(uintptr_t)start, start,
			   (size_t)(size / PAGE_SIZE)) != HV_OK)
		early_fail("cannot set up the page-table pool");
}

static void init_interrupts(void)
{
	if (smp_boot_cpu_init(&plat))
		early_fail("GICv3 initialisation failed");
	/* The host UART's input, routed to this CPU (CPU 0). */
	if (plat.uart_intid) {
		gicv3_enable_irq(plat.uart_intid, true);
		uart_rx_irq_enable(true);
	}
}

_Noreturn void target_main(uint64_t x0)
{
	uint64_t dtb = find_dtb(x0);
	struct launch_request req;
	const char *why;
	unsigned bad_vm;

	if (mmu_init(dtb, platform_fdt_size((const void *)(uintptr_t)dtb)))
		early_fail("cannot build the EL2 page tables");
	if (!dtb)
		early_fail("no host DTB in x0 or at the start of RAM");
	if (platform_parse((const void *)(uintptr_t)dtb,
			   (uint64_t)(uintptr_t)__text_start,
			   (uint64_t)(uintptr_t)__image_end, &plat, &why))
		early_fail(why);
	map_platform();
	hv_printf("EL2 hypervisor up: %u CPU(s), RAM %#lx+%#lx, UART %#lx, "
		  "GICD %#lx\n",
		  plat.ncpus, (unsigned long)plat.ram_base,
		  (unsigned long)plat.ram_size, (unsigned long)plat.uart_base,
		  (unsigned long)plat.gic.gicd_base);
	/* Nothing on bare metal reads the exit notes (the trap summary
	 * counts exception classes itself): do not pay for them. */
	hv_set_exit_notes(false);
	if (hv_init() != HV_OK)
		early_fail("core self-check failed");
	init_interrupts();
	init_pool();
	if (launch_read(plat.ram_base, plat.ram_size, &req, &why, &bad_vm)) {
		hv_printf("guest launch failed: launch descriptor: vm%u: %s\n",
			  bad_vm, why);
		target_power_off(1);
	}
	/* Before any other CPU can run the scheduler. */
	sched_init(0);
	if (smp_start_secondaries(&plat) > 1)
		hv_printf("%u physical CPUs up\n", smp_cpus());
	launch_vms_run(&req, &pool, plat.uart_intid);
}
