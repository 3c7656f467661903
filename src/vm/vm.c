/* VM lifecycle and the EL2 configuration a VM's vCPUs run under. */
#include "vm/vm.h"
#include "ffa/ffa.h"
#include "vgic/vgic.h"
#include "hal.h"
#include "hv_err.h"
#include "lib/mem.h"

#define HCR_VM (1ull << 0)
#define HCR_SWIO (1ull << 1)
#define HCR_FMO (1ull << 3)
#define HCR_IMO (1ull << 4)
#define HCR_AMO (1ull << 5)
#define HCR_FB (1ull << 9)
#define HCR_BSU_INNER (1ull << 10)
#define HCR_TWI (1ull << 13)
#define HCR_TID3 (1ull << 18)
#define HCR_TSC (1ull << 19)
#define HCR_TIDCP (1ull << 20)
#define HCR_TACR (1ull << 21)
#define HCR_RW (1ull << 31)

/* TIDCP: the IMPLEMENTATION DEFINED registers (op0 3, CRn 11 and 15) of
 * whatever CPU runs the guest are not the guest's business; none is in the
 * sysreg table, so each access UNDEFs. QEMU 7.2 does not implement TIDCP
 * (the accesses reach its Cortex-A57 model there); hardware and the sim
 * trap them.
 *
 * WFE is not trapped: guests spin on it in locks, and a trap per spin
 * costs more than it saves on a partitioned system. */
#define HCR_GUEST_FLAGS                                                        \
	(HCR_VM | HCR_SWIO | HCR_FMO | HCR_IMO | HCR_AMO | HCR_FB |            \
	 HCR_BSU_INNER | HCR_TWI | HCR_TID3 | HCR_TSC | HCR_TIDCP | HCR_TACR | \
	 HCR_RW)

#define MDCR_HPMN_MASK 0x1full
#define MDCR_TDOSA (1ull << 10)
#define MDCR_TDA (1ull << 9)
#define MDCR_TDRA (1ull << 11)
/* No PMU for guests (ID_AA64DFR0_EL1.PMUVer reads 0): every PMU register
 * access traps (TPM, TPMCR) and, absent from the sysreg table, UNDEFs;
 * and nothing counts at EL2 (HPMD), so no cycle the hypervisor spends can
 * show up in a counter a guest might later be given. */
#define MDCR_TPMCR (1ull << 5)
#define MDCR_TPM (1ull << 6)
#define MDCR_HPMD (1ull << 17)

#define CNTHCTL_EL1PCTEN (1ull << 0) /* physical counter: not trapped */
/* The EL1 physical timer is the guest's: its registers are part of the
 * vCPU's EL1 state and its interrupt (PPI 30) is forwarded like the
 * virtual timer's. The hypervisor's own tick is CNTHP (PPI 26). */
#define CNTHCTL_EL1PCEN (1ull << 1)
/* CPTR_EL2 (nVHE): RES1 bits, FP/SIMD not trapped, SVE (TZ) trapped. */
#define CPTR_GUEST 0x33ffull

#define MPIDR_RES1 (1ull << 31)
#define MPIDR_UP (1ull << 30) /* uniprocessor system */

static struct vm vms[HV_MAX_VMS];

static int vm_check_config(const struct vm_config *cfg)
{
	if (!cfg || cfg->nvcpus == 0 || cfg->nvcpus > VM_MAX_VCPUS)
		return HV_EINVAL;
	if (cfg->ram_size == 0 || (cfg->ram_size | cfg->ram_pa) % PAGE_SIZE)
		return HV_EINVAL;
	if (cfg->ram_size > (1ull << S2_IPA_BITS) - GUEST_RAM_BASE ||
	    cfg->ram_pa + cfg->ram_size < cfg->ram_pa)
		return HV_ERANGE;
	return HV_OK;
}

static int vm_add_devices(struct vm *vm, const struct vm_config *cfg)
{
	int err;

	pl011_init(&vm->uart, GUEST_UART_BASE, vm->id);
	pl031_init(&vm->rtc, GUEST_RTC_BASE);
	err = mmio_bus_add(&vm->bus, &vm->uart.dev);
	if (err == HV_OK)
		err = mmio_bus_add(&vm->bus, &vm->rtc.dev);
	if (err == HV_OK)
		err = deadline_set_add(&vm->timers, &vm->uart.rx_timeout);
	if (err == HV_OK)
		err = deadline_set_add(&vm->timers, &vm->rtc.match);
	if (err == HV_OK && cfg->scratch_dev) {
		scratch_init(&vm->scratch, GUEST_SCRATCH_BASE);
		err = mmio_bus_add(&vm->bus, &vm->scratch.dev);
	}
	return err;
}

struct vm *vm_create(const struct vm_config *cfg, struct page_pool *pool,
		     int *err)
{
	struct vm *vm = NULL;
	struct s2_attrs ram = {S2_PERM_R | S2_PERM_W | S2_PERM_X, S2_MEM_NORMAL,
			       0};
	int e = vm_check_config(cfg);

	for (unsigned i = 0; e == HV_OK && i < HV_MAX_VMS && !vm; i++)
		if (!vms[i].in_use)
			vm = &vms[i];
	if (e == HV_OK && !vm)
		e = HV_ENOMEM;
	if (e != HV_OK)
		goto fail;

	memset(vm, 0, sizeof(*vm));
	vm->id = (unsigned)(vm - vms);
	vm->ram_ipa = GUEST_RAM_BASE;
	vm->ram_pa = cfg->ram_pa;
	vm->ram_size = cfg->ram_size;
	vm->nvcpus = cfg->nvcpus;
	e = stage2_init(&vm->s2, pool, (uint16_t)(vm->id + 1));
	if (e != HV_OK)
		goto fail;
	/* The vGIC's redistributors and SPI routes need the vCPUs' ids and
	 * affinities, so those come first. */
	for (unsigned i = 0; i < vm->nvcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		v->vm = vm;
		v->id = i;
		v->mpidr = MPIDR_RES1 | (vm->nvcpus == 1 ? MPIDR_UP : 0) | i;
		v->power = VCPU_POWER_OFF;
		v->req = 0;
	}
	e = stage2_map(&vm->s2, vm->ram_ipa, vm->ram_pa, vm->ram_size, ram);
	if (e == HV_OK)
		e = vm_add_devices(vm, cfg);
	if (e == HV_OK)
		e = vgic_init(vm);
	if (e == HV_OK)
		e = deadline_set_attach(&vm->timers);
	if (e != HV_OK) {
		stage2_destroy(&vm->s2);
		goto fail;
	}
	pl011_connect_irq(&vm->uart, vm, GUEST_UART_INTID);
	pl031_connect_irq(&vm->rtc, vm, GUEST_RTC_INTID);
	vm->in_use = true;
	vm->state = VM_RUNNING;
	/* Its RAM into the page-ownership table, for FF-A. */
	ffa_vm_attach(vm);
	if (err)
		*err = HV_OK;
	return vm;
fail:
	if (err)
		*err = e;
	return NULL;
}

void vm_destroy(struct vm *vm)
{
	if (!vm || !vm->in_use)
		return;
	/* Out of every FF-A transaction and the ownership table while its
	 * Stage-2 still exists. */
	ffa_vm_detach(vm);
	deadline_set_detach(&vm->timers);
	stage2_destroy(&vm->s2);
	hal_s2_tlb_flush_vmid(vm->s2.vmid);
	memset(vm, 0, sizeof(*vm));
}

void *vm_ipa_to_hva(const struct vm *vm, uint64_t ipa, uint64_t len)
{
	uint64_t pa, first_pa = 0;

	if (len == 0 || ipa + len < ipa || ipa < vm->ram_ipa ||
	    ipa + len > vm->ram_ipa + vm->ram_size)
		return NULL;
	/* Every page must still be mapped (ownership transfers may have
	 * removed some) and physically contiguous with the first. */
	for (uint64_t page = ipa & ~(uint64_t)(PAGE_SIZE - 1); page < ipa + len;
	     page += PAGE_SIZE) {
		if (stage2_lookup(&vm->s2, page, &pa, NULL, NULL) != HV_OK)
			return NULL;
		if (page == (ipa & ~(uint64_t)(PAGE_SIZE - 1)))
			first_pa = pa;
		else if (pa !=
			 first_pa + (page - (ipa & ~(uint64_t)(PAGE_SIZE - 1))))
			return NULL;
	}
	return hal_pa_to_va(first_pa + (ipa & (PAGE_SIZE - 1)), (size_t)len);
}

void vm_activate_vcpu(struct vcpu *v)
{
	uint64_t mdcr = hal_sysreg_read(SYSREG_MDCR_EL2) & MDCR_HPMN_MASK;

	hal_sysreg_write(SYSREG_VTCR_EL2, stage2_vtcr());
	hal_sysreg_write(SYSREG_VTTBR_EL2, stage2_vttbr(&v->vm->s2));
	hal_sysreg_write(SYSREG_HCR_EL2, HCR_GUEST_FLAGS);
	hal_sysreg_write(SYSREG_MDCR_EL2, mdcr | MDCR_TDA | MDCR_TDOSA |
					      MDCR_TDRA | MDCR_TPM |
					      MDCR_TPMCR | MDCR_HPMD);
	hal_sysreg_write(SYSREG_CPTR_EL2, CPTR_GUEST);
	hal_sysreg_write(SYSREG_HSTR_EL2, 0);
	hal_sysreg_write(SYSREG_CNTHCTL_EL2,
			 CNTHCTL_EL1PCTEN | CNTHCTL_EL1PCEN);
	hal_sysreg_write(SYSREG_CNTVOFF_EL2, 0);
	hal_sysreg_write(SYSREG_VPIDR_EL2, hal_sysreg_read(SYSREG_MIDR_EL1));
	hal_sysreg_write(SYSREG_VMPIDR_EL2, v->mpidr);
	hal_sysreg_write(SYSREG_ICH_HCR_EL2, 1); /* En */
	hal_isb();
}
