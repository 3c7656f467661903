/*
 * Generates the guest's DTB with libfdt's sequential-write API. It
 * describes exactly what the VM provides, at the addresses of the guest
 * map in vm.h, so a stock arm64 kernel finds its devices.
 */
#include <libfdt.h>

#include "hv_err.h"
#include "lib/log.h"
#include "vm/guest_dtb.h"
#include "vm/vm.h"

#define PHANDLE_GIC 1u
#define PHANDLE_APB_CLK 2u
#define GIC_SPI 0u
#define GIC_PPI 1u
#define IRQ_LEVEL_HIGH 4u
#define IRQ_LEVEL_LOW 8u
#define GICD_SIZE 0x10000u
#define GICR_STRIDE 0x20000u
/* PPI number = INTID - 16: secure phys 29, phys 30, virt 27, hyp 26. */
#define TIMER_PPI_FLAGS (0xff00u | IRQ_LEVEL_LOW)

static int prop_u32s(void *fdt, const char *name, const uint32_t *v, int n)
{
	fdt32_t be[12];

	for (int i = 0; i < n; i++)
		be[i] = cpu_to_fdt32(v[i]);
	return fdt_property(fdt, name, be, (int)(n * (int)sizeof(fdt32_t)));
}

static int prop_reg64(void *fdt, uint64_t base, uint64_t size)
{
	const uint32_t r[4] = {(uint32_t)(base >> 32), (uint32_t)base,
			       (uint32_t)(size >> 32), (uint32_t)size};

	return prop_u32s(fdt, "reg", r, 4);
}

static int node_cpus(void *fdt, const struct vm *vm)
{
	int err = fdt_begin_node(fdt, "cpus");

	err |= fdt_property_u32(fdt, "#address-cells", 1);
	err |= fdt_property_u32(fdt, "#size-cells", 0);
	for (unsigned i = 0; i < vm->nvcpus && !err; i++) {
		char name[16];

		hv_snprintf(name, sizeof(name), "cpu@%x", i);
		err |= fdt_begin_node(fdt, name);
		err |= fdt_property_string(fdt, "device_type", "cpu");
		err |= fdt_property_string(fdt, "compatible", "arm,cortex-a57");
		err |= fdt_property_u32(
		    fdt, "reg", (uint32_t)(vm->vcpus[i].mpidr & 0xffffff));
		err |= fdt_property_string(fdt, "enable-method", "psci");
		err |= fdt_end_node(fdt);
	}
	return err | fdt_end_node(fdt);
}

static int node_gic(void *fdt, const struct vm *vm)
{
	char name[32];
	const uint32_t reg[8] = {
	    0, (uint32_t)GUEST_GICD_BASE, 0, GICD_SIZE,
	    0, (uint32_t)GUEST_GICR_BASE, 0, GICR_STRIDE * vm->nvcpus};
	int err;

	hv_snprintf(name, sizeof(name), "intc@%llx",
		    (unsigned long long)GUEST_GICD_BASE);
	err = fdt_begin_node(fdt, name);
	err |= fdt_property_string(fdt, "compatible", "arm,gic-v3");
	err |= fdt_property_u32(fdt, "#interrupt-cells", 3);
	err |= fdt_property(fdt, "interrupt-controller", NULL, 0);
	err |= fdt_property_u32(fdt, "#redistributor-regions", 1);
	err |= prop_u32s(fdt, "reg", reg, 8);
	err |= fdt_property_u32(fdt, "phandle", PHANDLE_GIC);
	return err | fdt_end_node(fdt);
}

static int node_timer(void *fdt)
{
	const uint32_t irqs[12] = {
	    GIC_PPI, 13, TIMER_PPI_FLAGS, GIC_PPI, 14, TIMER_PPI_FLAGS,
	    GIC_PPI, 11, TIMER_PPI_FLAGS, GIC_PPI, 10, TIMER_PPI_FLAGS};
	int err = fdt_begin_node(fdt, "timer");

	err |= fdt_property_string(fdt, "compatible", "arm,armv8-timer");
	err |= prop_u32s(fdt, "interrupts", irqs, 12);
	err |= fdt_property(fdt, "always-on", NULL, 0);
	return err | fdt_end_node(fdt);
}

static int node_uart(void *fdt)
{
	static const char compat[] = "arm,pl011\0arm,primecell";
	static const char clk_names[] = "uartclk\0apb_pclk";
	const uint32_t irq[3] = {GIC_SPI, GUEST_UART_INTID - 32,
				 IRQ_LEVEL_HIGH};
	const uint32_t clocks[2] = {PHANDLE_APB_CLK, PHANDLE_APB_CLK};
	int err = fdt_begin_node(fdt, "pl011@9000000");

	err |= fdt_property(fdt, "compatible", compat, sizeof(compat));
	err |= prop_reg64(fdt, GUEST_UART_BASE, PL011_SIZE);
	err |= prop_u32s(fdt, "interrupts", irq, 3);
	err |= prop_u32s(fdt, "clocks", clocks, 2);
	err |= fdt_property(fdt, "clock-names", clk_names, sizeof(clk_names));
	return err | fdt_end_node(fdt);
}

/* As QEMU's virt machine describes its RTC: Linux binds rtc-pl031 to it
 * through the AMBA bus, which needs the apb_pclk clock. */
static int node_rtc(void *fdt)
{
	static const char compat[] = "arm,pl031\0arm,primecell";
	const uint32_t irq[3] = {GIC_SPI, GUEST_RTC_INTID - 32, IRQ_LEVEL_HIGH};
	int err = fdt_begin_node(fdt, "pl031@9010000");

	err |= fdt_property(fdt, "compatible", compat, sizeof(compat));
	err |= prop_reg64(fdt, GUEST_RTC_BASE, PL031_SIZE);
	err |= prop_u32s(fdt, "interrupts", irq, 3);
	err |= fdt_property_u32(fdt, "clocks", PHANDLE_APB_CLK);
	err |= fdt_property_string(fdt, "clock-names", "apb_pclk");
	return err | fdt_end_node(fdt);
}

static int node_misc(void *fdt, const struct vm *vm, const char *bootargs)
{
	static const char psci_compat[] = "arm,psci-1.0\0arm,psci-0.2";
	char name[32];
	int err;

	err = fdt_begin_node(fdt, "apb-pclk");
	err |= fdt_property_string(fdt, "compatible", "fixed-clock");
	err |= fdt_property_u32(fdt, "#clock-cells", 0);
	err |= fdt_property_u32(fdt, "clock-frequency", 24000000);
	err |= fdt_property_string(fdt, "clock-output-names", "clk24mhz");
	err |= fdt_property_u32(fdt, "phandle", PHANDLE_APB_CLK);
	err |= fdt_end_node(fdt);

	err |= fdt_begin_node(fdt, "psci");
	err |=
	    fdt_property(fdt, "compatible", psci_compat, sizeof(psci_compat));
	err |= fdt_property_string(fdt, "method", "hvc");
	err |= fdt_end_node(fdt);

	hv_snprintf(name, sizeof(name), "memory@%llx",
		    (unsigned long long)vm->ram_ipa);
	err |= fdt_begin_node(fdt, name);
	err |= fdt_property_string(fdt, "device_type", "memory");
	err |= prop_reg64(fdt, vm->ram_ipa, vm->ram_size);
	err |= fdt_end_node(fdt);

	if (vm->scratch.dev.regions) {
		err |= fdt_begin_node(fdt, "scratch@b000000");
		err |=
		    fdt_property_string(fdt, "compatible", "hv,scratch-test");
		err |= prop_reg64(fdt, GUEST_SCRATCH_BASE, SCRATCH_SIZE);
		err |= fdt_end_node(fdt);
	}

	err |= fdt_begin_node(fdt, "chosen");
	if (bootargs)
		err |= fdt_property_string(fdt, "bootargs", bootargs);
	err |= fdt_property_string(fdt, "stdout-path", "/pl011@9000000");
	return err | fdt_end_node(fdt);
}

int guest_dtb_build(const struct vm *vm, const char *bootargs, void *buf,
		    size_t size)
{
	int err;

	if (size > INT32_MAX)
		size = INT32_MAX;
	err = fdt_create(buf, (int)size);
	err |= fdt_finish_reservemap(buf);
	err |= fdt_begin_node(buf, "");
	err |= fdt_property_u32(buf, "#address-cells", 2);
	err |= fdt_property_u32(buf, "#size-cells", 2);
	err |= fdt_property_string(buf, "compatible", "linux,dummy-virt");
	err |= fdt_property_string(buf, "model", "hv virtual machine");
	err |= fdt_property_u32(buf, "interrupt-parent", PHANDLE_GIC);
	err |= node_cpus(buf, vm);
	err |= node_gic(buf, vm);
	err |= node_timer(buf);
	err |= node_uart(buf);
	err |= node_rtc(buf);
	err |= node_misc(buf, vm, bootargs);
	err |= fdt_end_node(buf);
	err |= fdt_finish(buf);
	return err ? HV_ENOMEM : HV_OK;
}

int guest_dtb_adopt(const void *dtb, const char *bootargs, void *buf,
		    size_t size)
{
	int chosen;

	if (size > INT32_MAX)
		size = INT32_MAX;
	if (fdt_open_into(dtb, buf, (int)size) != 0)
		return HV_ENOMEM;
	chosen = fdt_path_offset(buf, "/chosen");
	if (chosen >= 0) {
		/* Absent is fine: only their presence matters. */
		(void)fdt_delprop(buf, chosen, "kaslr-seed");
		(void)fdt_delprop(buf, chosen, "rng-seed");
	}
	if (bootargs) {
		if (chosen < 0)
			chosen = fdt_add_subnode(buf, 0, "chosen");
		if (chosen < 0 ||
		    fdt_setprop_string(buf, chosen, "bootargs", bootargs) != 0)
			return HV_ENOMEM;
	}
	return fdt_pack(buf) == 0 ? HV_OK : HV_EINVAL;
}

int guest_dtb_set_initrd(void *buf, size_t size, uint64_t start, uint64_t end)
{
	int chosen;

	if (size > INT32_MAX)
		size = INT32_MAX;
	if (fdt_open_into(buf, buf, (int)size) != 0)
		return HV_EINVAL;
	chosen = fdt_path_offset(buf, "/chosen");
	if (chosen < 0)
		chosen = fdt_add_subnode(buf, 0, "chosen");
	if (chosen < 0 ||
	    fdt_setprop_u64(buf, chosen, "linux,initrd-start", start) != 0 ||
	    fdt_setprop_u64(buf, chosen, "linux,initrd-end", end) != 0)
		return HV_ENOMEM;
	return fdt_pack(buf) == 0 ? HV_OK : HV_EINVAL;
}
