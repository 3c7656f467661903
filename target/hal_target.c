/*
 * The rest of the HAL on bare metal: barriers, Stage-2 TLB maintenance,
 * the GIC CPU interface, physical memory, the physical CPUs and each one's
 * current vCPU.
 */
#include "cpu.h"
#include "gicv3.h"
#include "hal.h"
#include "hal_target.h"
#include "percpu.h"
#include "smp.h"

/* Ranges up to this many pages are invalidated page by page. */
#define TLBI_PAGE_LIMIT 64u
#define VTTBR_VMID_SHIFT 48

extern char __text_start[], __image_end[];

static uint64_t ram_base, ram_size;

void hal_target_set_ram(uint64_t base, uint64_t size)
{
	ram_base = base;
	ram_size = size;
}

void hal_dsb_ish(void)
{
	dsb_ish();
}

void hal_isb(void)
{
	isb();
}

/*
 * Stage-2 TLBIs act on the VMID in VTTBR_EL2, so switch to the one being
 * flushed and back. The base address does not matter: nothing at EL2 walks
 * Stage-2.
 */
static uint64_t vmid_enter(uint16_t vmid)
{
	uint64_t saved = read_sysreg(vttbr_el2);

	write_sysreg(vttbr_el2, (uint64_t)vmid << VTTBR_VMID_SHIFT);
	isb();
	return saved;
}

static void vmid_leave(uint64_t saved)
{
	write_sysreg(vttbr_el2, saved);
	isb();
}

void hal_s2_tlb_flush_vmid(uint16_t vmid)
{
	uint64_t saved;

	dsb_ish(); /* table updates visible to the walker first */
	saved = vmid_enter(vmid);
	__asm__ volatile("tlbi vmalls12e1is" : : : "memory");
	dsb_ish();
	vmid_leave(saved);
}

void hal_tlb_flush_guest_local(void)
{
	__asm__ volatile("dsb nshst\n\ttlbi vmalle1\n\tdsb nsh\n\tisb"
			 :
			 :
			 : "memory");
}

void hal_s2_tlb_flush_ipa(uint16_t vmid, uint64_t ipa, uint64_t size)
{
	uint64_t first = ipa >> 12;
	uint64_t pages = ((ipa + size + 0xfff) >> 12) - first;
	uint64_t saved;

	if (size == 0 || ipa + size < ipa || pages > TLBI_PAGE_LIMIT) {
		hal_s2_tlb_flush_vmid(vmid);
		return;
	}
	dsb_ish();
	saved = vmid_enter(vmid);
	for (uint64_t p = first; p < first + pages; p++)
		__asm__ volatile("tlbi ipas2e1is, %0" : : "r"(p) : "memory");
	dsb_ish();
	/* Combined stage-1+2 entries are tagged by VA, not IPA: drop them. */
	__asm__ volatile("tlbi vmalle1is" : : : "memory");
	dsb_ish();
	vmid_leave(saved);
}

uint32_t hal_gic_ack(void)
{
	return gicv3_ack();
}

void hal_gic_eoi(uint32_t intid)
{
	gicv3_eoi(intid);
}

void hal_gic_drop(uint32_t intid)
{
	gicv3_drop(intid);
}

void hal_gic_deactivate(uint32_t intid)
{
	gicv3_deactivate(intid);
}

void hal_gic_activate(uint32_t intid)
{
	gicv3_activate(intid);
}

unsigned hal_gic_num_lrs(void)
{
	return gicv3_num_lrs();
}

/* RAM only, and never the hypervisor's own image: whatever a Stage-2 bug
 * or a hostile guest makes the core ask for, it cannot reach our code and
 * data through this. */
void *hal_pa_to_va(uint64_t pa, size_t len)
{
	uint64_t img_start = (uint64_t)(uintptr_t)__text_start;
	uint64_t img_end = (uint64_t)(uintptr_t)__image_end;

	if (pa < ram_base || len > ram_size || pa - ram_base > ram_size - len)
		return NULL;
	if (pa < img_end && pa + len > img_start)
		return NULL;
	return (void *)(uintptr_t)pa; /* identity map */
}

struct vcpu *hal_current_vcpu(void)
{
	return this_cpu()->current;
}

void hal_set_current_vcpu(struct vcpu *v)
{
	this_cpu()->current = v;
}

unsigned hal_cpu_id(void)
{
	return this_cpu()->id;
}

/* What the kicked CPU is to read was written before: the DSB makes it
 * visible to that CPU before the SGI can reach it (a system-register
 * write is not ordered after earlier stores by anything weaker). */
void hal_cpu_kick(unsigned cpu)
{
	if (cpu >= smp_cpus())
		return;
	dsb_ish();
	gicv3_send_sgi(tgt_cpus[cpu].mpidr, HV_KICK_SGI);
}
