/* Host DTB parsing (libfdt) into struct platform. */
#include <libfdt.h>

#include "platform.h"

#define FDT_MAGIC_BE 0xd00dfeedu

/* Architectural timer PPIs when the DTB has no timer node (SBSA values). */
#define TIMER_VIRT_PPI_DEFAULT 27u
#define TIMER_PHYS_PPI_DEFAULT 30u
#define TIMER_HYP_PPI_DEFAULT 26u

static uint64_t read_cells(const fdt32_t *p, int cells)
{
	uint64_t v = 0;

	for (int i = 0; i < cells; i++)
		v = (v << 32) | fdt32_to_cpu(p[i]);
	return v;
}

/* Entry 'index' of node's "reg", using the parent's cell sizes. */
static int reg_entry(const void *fdt, int node, int index, uint64_t *base,
		     uint64_t *size)
{
	int parent = fdt_parent_offset(fdt, node);
	int ac = fdt_address_cells(fdt, parent);
	int sc = fdt_size_cells(fdt, parent);
	int len;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);

	if (!reg || ac < 1 || ac > 2 || sc < 0 || sc > 2 ||
	    len < (index + 1) * (ac + sc) * 4)
		return -1;
	reg += index * (ac + sc);
	*base = read_cells(reg, ac);
	*size = sc ? read_cells(reg + ac, sc) : 0;
	return 0;
}

/* GIC "interrupts" triple (type, number, flags) to an INTID. */
static uint32_t gic_intid(const fdt32_t *cell)
{
	uint32_t type = fdt32_to_cpu(cell[0]), num = fdt32_to_cpu(cell[1]);

	if (type == 0 && num < 988)
		return 32 + num; /* SPI */
	if (type == 1 && num < 16)
		return 16 + num; /* PPI */
	return 0;
}

static int parse_memory(const void *fdt, uint64_t start, uint64_t end,
			struct platform *p)
{
	int node = -1;

	while ((node = fdt_node_offset_by_prop_value(fdt, node, "device_type",
						     "memory", 7)) >= 0) {
		uint64_t base, size;

		for (int i = 0; reg_entry(fdt, node, i, &base, &size) == 0;
		     i++) {
			if (start >= base && end <= base + size &&
			    base + size > base) {
				p->ram_base = base;
				p->ram_size = size;
				return 0;
			}
		}
	}
	return -1;
}

/* The UART /chosen/stdout-path names, else the first PL011. */
static int find_uart(const void *fdt)
{
	int chosen = fdt_path_offset(fdt, "/chosen");
	int len, node = -1;
	const char *path =
	    chosen >= 0 ? fdt_getprop(fdt, chosen, "stdout-path", &len) : 0;

	if (path) {
		const char *colon = memchr(path, ':', (size_t)len);
		int plen = colon ? (int)(colon - path)
				 : (int)strnlen(path, (size_t)len);

		if (path[0] == '/')
			node = fdt_path_offset_namelen(fdt, path, plen);
		else {
			const char *alias =
			    fdt_get_alias_namelen(fdt, path, plen);

			node = alias ? fdt_path_offset(fdt, alias) : -1;
		}
		if (node >= 0 &&
		    fdt_node_check_compatible(fdt, node, "arm,pl011") != 0)
			node = -1;
	}
	if (node < 0)
		node = fdt_node_offset_by_compatible(fdt, -1, "arm,pl011");
	return node;
}

static int parse_uart(const void *fdt, struct platform *p)
{
	int node = find_uart(fdt), len;
	const fdt32_t *irq;

	if (node < 0 || reg_entry(fdt, node, 0, &p->uart_base, &p->uart_size))
		return -1;
	irq = fdt_getprop(fdt, node, "interrupts", &len);
	p->uart_intid = irq && len >= 12 ? gic_intid(irq) : 0;
	return 0;
}

/* The host's real-time clock, for the time of day: optional. */
static void parse_rtc(const void *fdt, struct platform *p)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,pl031");

	if (node < 0 || reg_entry(fdt, node, 0, &p->rtc_base, &p->rtc_size))
		p->rtc_base = p->rtc_size = 0;
}

static int parse_gic(const void *fdt, struct platform *p)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3");
	const fdt32_t *irq;
	int len;

	if (node < 0 ||
	    reg_entry(fdt, node, 0, &p->gic.gicd_base, &p->gicd_size) ||
	    reg_entry(fdt, node, 1, &p->gic.gicr_base, &p->gic.gicr_size))
		return -1;
	/* The GIC's own "interrupts" is its virtual CPU interface's
	 * maintenance interrupt (arm,gic-v3 binding); PPI 9, INTID 25, is
	 * what SBSA recommends and QEMU virt uses when it is absent. */
	irq = fdt_getprop(fdt, node, "interrupts", &len);
	p->gic_maint_intid = irq && len >= 12 ? gic_intid(irq) : 25;
	return 0;
}

/* "interrupts" of arm,armv8-timer: secure phys, phys, virt, hyp. */
static void parse_timer(const void *fdt, struct platform *p)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,armv8-timer");
	int len;
	const fdt32_t *irq =
	    node >= 0 ? fdt_getprop(fdt, node, "interrupts", &len) : 0;

	p->vtimer_intid = TIMER_VIRT_PPI_DEFAULT;
	p->ptimer_intid = TIMER_PHYS_PPI_DEFAULT;
	p->hyp_timer_intid = TIMER_HYP_PPI_DEFAULT;
	if (irq && len >= 4 * 12) {
		p->ptimer_intid = gic_intid(irq + 1 * 3);
		p->vtimer_intid = gic_intid(irq + 2 * 3);
		p->hyp_timer_intid = gic_intid(irq + 3 * 3);
	}
}

static int parse_cpus(const void *fdt, struct platform *p)
{
	int cpus = fdt_path_offset(fdt, "/cpus"), node;

	if (cpus < 0)
		return -1;
	p->ncpus = 0;
	fdt_for_each_subnode(node, fdt, cpus)
	{
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		uint64_t mpidr, unused;

		if (!type || strcmp(type, "cpu") != 0 ||
		    reg_entry(fdt, node, 0, &mpidr, &unused))
			continue;
		if (p->ncpus < PLATFORM_MAX_CPUS)
			p->cpu_mpidr[p->ncpus] = mpidr;
		p->ncpus++;
	}
	return p->ncpus ? 0 : -1;
}

/* We forward PSCI calls with SMC; an HVC conduit would call ourselves. */
static int check_psci(const void *fdt)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,psci-0.2");
	const char *method;

	if (node < 0)
		node = fdt_node_offset_by_compatible(fdt, -1, "arm,psci");
	method = node >= 0 ? fdt_getprop(fdt, node, "method", NULL) : NULL;
	return method && strcmp(method, "smc") == 0 ? 0 : -1;
}

uint32_t platform_fdt_size(const void *fdt)
{
	const volatile uint32_t *hdr = fdt;

	if (!fdt || ((uintptr_t)fdt & 7) ||
	    __builtin_bswap32(hdr[0]) != FDT_MAGIC_BE)
		return 0;
	return __builtin_bswap32(hdr[1]);
}

int platform_parse(const void *fdt, uint64_t image_start, uint64_t image_end,
		   struct platform *p, const char **why)
{
	memset(p, 0, sizeof(*p));
	if (fdt_check_header(fdt) != 0) {
		*why = "no valid host DTB";
		return -1;
	}
	if (parse_memory(fdt, image_start, image_end, p)) {
		*why = "no /memory bank holding the hypervisor in the host DTB";
		return -1;
	}
	if (parse_uart(fdt, p)) {
		*why = "no arm,pl011 UART in the host DTB";
		return -1;
	}
	if (parse_gic(fdt, p)) {
		*why = "no arm,gic-v3 interrupt controller in the host DTB";
		return -1;
	}
	if (parse_cpus(fdt, p)) {
		*why = "no CPUs under /cpus in the host DTB";
		return -1;
	}
	if (check_psci(fdt)) {
		*why = "host DTB has no PSCI node with method \"smc\"";
		return -1;
	}
	parse_timer(fdt, p);
	parse_rtc(fdt, p);
	return 0;
}
